/**
 * The OpenAPI operations of remote configuration (lib/api/openapi.ts merges them into the
 * document): a device's configuration (I-013 appendix A), its versions, diffs, rollback and
 * shadow, and the farm and group layers. Request bodies and queries come from the schemas the
 * routes parse with (config-requests.ts); each device type's configuration is a named schema
 * generated from the zod schema that validates it (config-schemas.ts).
 */
import { z } from "zod";
import { CALLER, bare, components, deviceIdParameter, errors, failure, json, ok, operation, queryParameters, ref, timestamp, type JsonSchema, type OpenApiArea, type OpenApiParameter } from "../api/openapi-helpers";
import { healthThresholdsSchema, healthThresholdsPatchSchema } from "../health/health-thresholds";
import { VERSION_SOURCES } from "./config-versions";
import { configEditRequest, configRollbackRequest, layerDeleteQuery, layerPutRequest, versionDiffQuery, versionListQuery } from "./config-requests";
import { CONFIG_DEVICE_TYPES, configJsonSchema, type ConfigDeviceType } from "./config-schemas";
import { SYNC_STATUSES } from "./sync-status";

const TAG = "Configuration";

const APPLY_STATUSES = ["pending", "sent", "applied", "rejected", "failed", "in_progress", "rolled_back"] as const;
const anyConfig = z.record(z.string(), z.unknown());
const source = z.object({ kind: z.enum(["defaults", "farm", "group", "device"]), label: z.string().describe("e.g. “Group Barn A”"), id: z.number().int().optional().describe("The farm's or group's id") });
const sources = z.record(z.string(), source).describe("Dotted path of every setting → the layer its value comes from");
const hash = z.string().describe("SHA-256 (hex) of the canonical JSON of the configuration: what the device reports back");

const shadowFields = z.object({
  desired_version: z.number().int(),
  desired_hash: z.string().nullable(),
  desired_at: timestamp.nullable(),
  sent_version: z.number().int().nullable(),
  sent_at: timestamp.nullable(),
  send_attempts: z.number().int(),
  reported_version: z.number().int().nullable().describe("What the device last said it runs (0: its factory defaults)"),
  reported_hash: z.string().nullable(),
  reported_at: timestamp.nullable(),
  status: z.enum(APPLY_STATUSES).describe("ConfigApplyStatus of the desired version on the device"),
  status_reason: z.string().nullable().describe("A rejection's or failure's reason, from the device"),
  drift_since: timestamp.nullable(),
  drifted: z.boolean(),
  sync_status: z.enum(SYNC_STATUSES),
});

const deviceConfiguration = z
  .object({
    device_id: z.string(),
    device_type: z.enum(CONFIG_DEVICE_TYPES),
    configuration: anyConfig.describe("The whole effective configuration: type defaults ← farm ← groups (outermost first) ← the device's own values. Its shape is the ConfigOf… schema of the type"),
    version: z.number().int().describe("The desired version; 0 when none was made yet (the type's defaults)"),
    hash: hash.nullable(),
    sources,
    overrides: anyConfig.describe("The device's own values"),
    layer_change_pending: z.boolean().describe("A farm or group layer changed since this version: the worker makes the next version shortly"),
    sync_status: z.enum(SYNC_STATUSES).describe("in_sync (reported = desired), pending / sent (waiting), rejected (the device refused it: see shadow.status_reason; not resent), failed, drift (different for longer than the grace period), unknown (never reported)"),
    shadow: shadowFields,
    health_thresholds: healthThresholdsSchema.describe("The health limits the health rules judge this device by, resolved from its farm's and groups' layers"),
    timestamp,
  })
  .describe("A device's configuration (I-013 appendix A), where each value comes from, and whether the device runs it.");

const change = z
  .object({
    device_id: z.string(),
    version: z.number().int().describe("The new version"),
    previous_version: z.number().int(),
    status: z.enum(["pending", "applied"]).describe("applied when the device already reports exactly this configuration"),
    change_summary: z.string().describe("The seed's `_generate_change_summary`: “~ Changed telemetry.batch_size: 60 -> 20; …”"),
    hash,
  })
  .describe("The version a change or rollback made; the worker sends it on `devices/{id}/config` (retained) when the device is reachable.");

const version = z.object({
  version: z.number().int(),
  hash,
  change_summary: z.string().nullable(),
  reason: z.string().nullable(),
  source: z.enum(VERSION_SOURCES).describe("initial (first version), edit, layer (a farm/group change reached it), campaign, rollback, reset"),
  rollback_of: z.number().int().nullable(),
  job_id: z.number().int().nullable().describe("The configuration campaign (update job) that made it"),
  status: z.enum(APPLY_STATUSES),
  status_reason: z.string().nullable(),
  author: z.string().nullable(),
  created_at: timestamp,
  sent_at: timestamp.nullable(),
  applied_at: timestamp.nullable(),
  current: z.boolean().describe("The device's desired version"),
});
const versionPage = z.object({ device_id: z.string(), current_version: z.number().int(), data: z.array(version).describe("Newest first"), total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), pages: z.number().int() });
const versionDetail = version.extend({ device_id: z.string(), configuration: anyConfig, overrides: anyConfig, reported: z.unknown().nullable() });
const leaf = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const versionDiff = z.object({
  device_id: z.string(),
  from: version,
  to: version,
  diff: z.object({ added: z.record(z.string(), leaf), removed: z.record(z.string(), leaf), modified: z.record(z.string(), z.object({ from: leaf, to: leaf })) }).describe("The seed's `get_config_diff`, by dotted path"),
  change_summary: z.string(),
});
const side = z.object({ version: z.number().int().nullable(), hash: z.string().nullable(), at: timestamp.nullable(), configuration: anyConfig.nullable().describe("null when unknown (a report of a hash the app never made)") });
const shadow = z
  .object({
    device_id: z.string(),
    desired: side,
    reported: side,
    delivery: z.object({ status: z.enum(APPLY_STATUSES), status_reason: z.string().nullable(), sent_version: z.number().int().nullable(), sent_at: timestamp.nullable(), send_attempts: z.number().int() }),
    drift: z.object({ drifted: z.boolean(), since: timestamp.nullable() }),
    sync_status: z.enum(SYNC_STATUSES),
  })
  .describe("I-013 B.2's device state: desired and reported configuration.");
const layered = z.object({ configuration: anyConfig, sources });
const layer = z
  .object({
    scope: z.enum(["farm", "group"]),
    scope_id: z.number().int(),
    scope_name: z.string(),
    farm_id: z.number().int().nullable().describe("null for a cross-farm group"),
    device_type: z.enum(CONFIG_DEVICE_TYPES),
    exists: z.boolean().describe("false: no layer yet (version 0)"),
    values: anyConfig,
    health: healthThresholdsPatchSchema,
    version: z.number().int(),
    reason: z.string().nullable(),
    updated_by: z.string().nullable(),
    updated_at: timestamp.nullable(),
    inherited: layered.describe("What the layer sits on"),
    effective: layered.describe("A device here without values of its own"),
    inherited_health: healthThresholdsSchema,
    effective_health: healthThresholdsSchema,
    devices: z.number().int().describe("Devices of the type the layer reaches"),
  })
  .describe("A farm's or group's settings for one device type.");
const layerDeleted = z.object({ deleted: z.literal(true), devices: z.number().int().describe("Devices that inherit from above again") });

/** `ConfigOfMilkMeter`, … : the whole configuration of each type, with titles, units and ranges. */
const typeSchemaName = (type: ConfigDeviceType) => `ConfigOf${type.split("_").map((word) => word[0]!.toUpperCase() + word.slice(1)).join("")}`;
const typeSchemas: Record<string, JsonSchema> = Object.fromEntries(CONFIG_DEVICE_TYPES.map((type) => [typeSchemaName(type), bare(configJsonSchema(type) as JsonSchema)]));

const typeParameter: OpenApiParameter = { name: "deviceType", in: "path", required: true, description: "The device type the settings are for", schema: { type: "string", enum: [...CONFIG_DEVICE_TYPES] } };
const scopeParameter = (what: string): OpenApiParameter => ({ name: "id", in: "path", required: true, description: `The ${what}'s id`, schema: { type: "integer", minimum: 1 } });
const versionParameter: OpenApiParameter = { name: "version", in: "path", required: true, description: "A version number (0: the type's factory defaults)", schema: { type: "integer", minimum: 0 } };

const STALE = failure("The configuration changed since `base_version` (someone else's edit, a layer change or a campaign), or the device is retired: reload and try again");
const BAD_CONFIG =
  "A value out of range or of the wrong type, an unknown setting, or a whole that breaks a cross-field rule (a minimum above its maximum, an alarm outside its range) is a 400 whose `error.fields` names each setting by its dotted path (`telemetry.measurement_interval_sec`); nothing is written.";

const layerPaths = (scope: "farm" | "group") => {
  const Scope = scope === "farm" ? "Farm" : "Group";
  return {
    get: operation("devices.read", {
      operationId: `get${Scope}ConfigLayer`,
      summary: `A ${scope}'s settings for a device type`,
      description: `Its values and health limits, its version (0: none yet), who changed it, what it sits on (${scope === "farm" ? "the type's defaults" : "the type's defaults, the farm's and the parent groups' layers"}) and the devices it reaches.`,
      tags: [TAG, scope === "farm" ? "Farms" : "Groups"],
      parameters: [scopeParameter(scope), typeParameter],
      responses: { "200": ok("The layer", ref("ConfigLayer")), ...errors(...CALLER, 404) },
    }),
    put: operation("config.manage", {
      operationId: `put${Scope}ConfigLayer`,
      summary: `Set a ${scope}'s settings for a device type`,
      description:
        "The whole layer: settings left out are inherited again. `version` is the layer's version the change was made from (0 creates it); another version now is a 409. " +
        "The values (a partial configuration of the type) and the health limits are validated, and so is every configuration the layer reaches (a device right under it and under every group layer below it): " +
        `${BAD_CONFIG} Health limits are named \`health.<limit>\`. The worker's sweep then gives the devices it reaches new versions (source \`layer\`). ` +
        (scope === "group" ? "A cross-farm group's layer takes a caller of every farm (403 otherwise). " : "") +
        "A technician or viewer is refused (403); another farm's is a 404.",
      tags: [TAG, scope === "farm" ? "Farms" : "Groups"],
      parameters: [scopeParameter(scope), typeParameter],
      requestBody: { required: true, content: json(ref("ConfigLayerPut")) },
      responses: { "200": ok("The layer as it is now", ref("ConfigLayer")), ...errors(400, ...CALLER, 404), "409": failure("The layer changed (or was created or removed) since `version`") },
    }),
    delete: operation("config.manage", {
      operationId: `delete${Scope}ConfigLayer`,
      summary: `Remove a ${scope}'s settings for a device type`,
      description: "At `?version=` (another version now is a 409): the devices inherit from above again, after the worker's sweep. Refused (400) when a group layer below would become invalid.",
      tags: [TAG, scope === "farm" ? "Farms" : "Groups"],
      parameters: [scopeParameter(scope), typeParameter, ...queryParameters(layerDeleteQuery)],
      responses: { "200": ok("Removed", ref("ConfigLayerDeleted")), ...errors(400, ...CALLER, 404), "409": failure("The layer changed since `version`") },
    }),
  };
};

export const configurationOpenApi: OpenApiArea = {
  tags: [
    {
      name: TAG,
      description:
        "Remote configuration (I-013 §5): each device type has a schema (the ConfigOf… schemas) and defaults; a device's effective configuration is its type's defaults ← its farm's layer ← its groups' layers ← its own values. " +
        "Every change makes an immutable version (author, reason, change summary) that the worker sends retained on `devices/{id}/config` with its version and hash; the device reports on `devices/{id}/config/status` (applied, rejected with a reason, failed). " +
        "Edits name the version they were made from: a stale one is a 409.",
    },
  ],
  paths: {
    "/devices/{id}/config": {
      get: operation("devices.read", {
        operationId: "getDeviceConfig",
        summary: "A device's configuration",
        description: "I-013 appendix A. The effective configuration with its version and hash, the layer each value comes from, the device's own values, and whether the device runs it (shadow, sync status).",
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter],
        responses: { "200": ok("The configuration", ref("DeviceConfiguration")), ...errors(...CALLER, 404) },
      }),
      post: operation("config.write", {
        operationId: "updateDeviceConfig",
        summary: "Change a device's configuration",
        description:
          "I-013 appendix A. `config` holds only the settings that change (merged into the device's own values); `remove` takes values back to the inherited ones; `base_version` is the version the change was made from. " +
          `${BAD_CONFIG} A change that changes nothing is a 400 too (no version is made). A viewer is refused (403); another farm's device is a 404.`,
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter],
        requestBody: { required: true, content: json(ref("DeviceConfigEdit")) },
        responses: { "201": ok("The new version", ref("DeviceConfigChange")), ...errors(400, ...CALLER, 404), "409": STALE },
      }),
    },
    "/devices/{id}/config/versions": {
      get: operation("devices.read", {
        operationId: "listDeviceConfigVersions",
        summary: "A device's configuration versions",
        description: "Newest first, a page at a time (the seed's GET_CONFIG_HISTORY).",
        tags: [TAG],
        parameters: [deviceIdParameter, ...queryParameters(versionListQuery)],
        responses: { "200": ok("A page of versions", ref("DeviceConfigVersionPage")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/devices/{id}/config/versions/{version}": {
      get: operation("devices.read", {
        operationId: "getDeviceConfigVersion",
        summary: "One configuration version",
        description: "With its whole configuration and the device's own values at the time. Version 0 is the type's factory defaults.",
        tags: [TAG],
        parameters: [deviceIdParameter, versionParameter],
        responses: { "200": ok("The version", ref("DeviceConfigVersion")), ...errors(...CALLER, 404) },
      }),
    },
    "/devices/{id}/config/diff": {
      get: operation("devices.read", {
        operationId: "diffDeviceConfigVersions",
        summary: "What differs between two versions",
        description: "The seed's `get_config_diff`: settings added, removed and modified (from → to) by dotted path, and the change summary.",
        tags: [TAG],
        parameters: [deviceIdParameter, ...queryParameters(versionDiffQuery)],
        responses: { "200": ok("The diff", ref("DeviceConfigDiff")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/devices/{id}/config/rollback": {
      post: operation("config.write", {
        operationId: "rollbackDeviceConfig",
        summary: "Roll a device back to a version",
        description:
          "The seed's `rollback_config`, to any version (0: the factory defaults): a new version (source `rollback`) whose configuration is that version's again, whatever the farm and groups say now. " +
          "A version the device already has, or one that does not exist, is a 400; a stale `base_version` a 409.",
        tags: [TAG],
        parameters: [deviceIdParameter],
        requestBody: { required: true, content: json(ref("DeviceConfigRollback")) },
        responses: { "201": ok("The new version", ref("DeviceConfigChange")), ...errors(400, ...CALLER, 404), "409": STALE },
      }),
    },
    "/devices/{id}/config/shadow": {
      get: operation("devices.read", {
        operationId: "getDeviceShadow",
        summary: "Desired and reported configuration",
        description: "I-013 appendix B.2's device state: the desired version and configuration, what the device last reported, the delivery (sent, attempts, a rejection's reason), drift and the sync status.",
        tags: [TAG],
        parameters: [deviceIdParameter],
        responses: { "200": ok("The shadow", ref("DeviceShadow")), ...errors(...CALLER, 404) },
      }),
    },
    "/farms/{id}/config/{deviceType}": layerPaths("farm"),
    "/groups/{id}/config/{deviceType}": layerPaths("group"),
  },
  schemas: {
    ...components({ DeviceConfigEdit: configEditRequest, DeviceConfigRollback: configRollbackRequest, ConfigLayerPut: layerPutRequest }, "input"),
    ...components(
      {
        DeviceConfiguration: deviceConfiguration,
        DeviceConfigChange: change,
        DeviceConfigVersionPage: versionPage,
        DeviceConfigVersion: versionDetail,
        DeviceConfigDiff: versionDiff,
        DeviceShadow: shadow,
        ConfigLayer: layer,
        ConfigLayerDeleted: layerDeleted,
      },
      "output",
    ),
    ...typeSchemas,
  },
};
