/**
 * The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json. Request bodies and query
 * parameters are generated from the same zod schemas the route handlers parse with (zod 4's
 * `z.toJSONSchema`, input side: what a caller sends, before preprocessing and coercion), so the
 * document cannot drift from validation. Response bodies are described here with zod too; they
 * are what lib/ returns (Prisma rows through `jsonSafe`). lib/api/openapi.test.ts fails when a
 * route handler exists that the document does not describe, or the other way round.
 */
import { z } from "zod";
import { auditOpenApi } from "../audit/audit-openapi";
import { createApiKeySchema } from "../auth/api-keys";
import { ROLES } from "../auth/permissions";
import { CONNECTION_STATUSES, DEVICE_STATES, HEALTH_STATUSES } from "../devices/device-fields";
import { DEVICE_ID_PATTERN, DEVICE_TYPES } from "../devices/device-id";
import { bulkActionSchema, DEVICE_GROUP_BY, deviceCreateSchema, deviceListQuerySchema, deviceUpdateSchema, PAGE_SIZES, retireDeviceRequestSchema } from "../devices/device-schemas";
import { importBatchParamsSchema } from "../import/import-schemas";
import { IMPORT_MODES } from "../import/row-validation";
import { FIRMWARE_STATES, firmwareIdParam, firmwareListQuerySchema, firmwareStateChangeSchema, firmwareUploadSchema } from "../firmware/firmware-schemas";
import { groupCreateSchema, groupIdSchema, groupListQuerySchema, groupUpdateSchema } from "../groups/group-schemas";
import { tagCreateSchema, tagIdSchema, tagUpdateSchema } from "../tags/tag-schemas";
import { ALERT_SEVERITIES, ALERT_STATE_FILTERS, ALERT_STATES, ALERT_TYPES } from "../alerts/alert-fields";
import { acknowledgeAlertSchema, alertIdSchema, alertListQuerySchema, resolveAlertSchema } from "../alerts/alert-schemas";
import {
  emqxAuthenticationRequestSchema,
  emqxAuthenticationResponseSchema,
  emqxAuthorizationRequestSchema,
  emqxAuthorizationResponseSchema,
  mosquittoAclRequestSchema,
  mosquittoResponseSchema,
  mosquittoSuperuserRequestSchema,
  mosquittoUserRequestSchema,
} from "../provisioning/broker-hook-schemas";
import { claimRequestSchema, deviceConnectionDetailsSchema, deviceTopicsSchema, provisioningTokenSchema } from "../provisioning/provisioning-schemas";
import { JOB_ACTIONS } from "../ota/job-actions";
import { ROLLOUT_STRATEGIES } from "../ota/rollout-plan";
import { scheduleUpdateSchema } from "../ota/update-job-schemas";
import { jobActionRequestSchema, updateJobIdSchema, updateJobListQuerySchema, updateLogQuerySchema } from "../ota/update-job-requests";
import { UPDATE_JOB_STATE_FILTERS, UPDATE_JOB_STATES, UPDATE_LOG_STATE_FILTERS } from "../ota/update-job-views";
import { UPDATE_LOG_STATES } from "../ota/update-log-states";
import { JOB_KINDS } from "../ota/payload-kinds";
import {
  CALLER,
  components,
  deviceIdParameter,
  ERROR_RESPONSE,
  errors,
  failure,
  idParameter,
  input,
  json,
  listOf,
  ok,
  operation,
  output,
  queryParameters,
  ref,
  timestamp,
  type HttpMethod,
  type JsonSchema,
  type OpenApiArea,
  type OpenApiDocument,
  type OpenApiOperation,
} from "./openapi-helpers";
import { calibrationOpenApi } from "../calibration/calibration-openapi";
import { commandsOpenApi } from "../commands/commands-openapi";
import { logsOpenApi } from "../commands/logs-openapi";
import { configurationOpenApi } from "../configuration/configuration-openapi";
import { configCampaignsOpenApi } from "../configuration/config-campaigns-openapi";
import { warrantyOpenApi } from "../warranty/warranty-openapi";
import { inventoryOpenApi } from "../inventory/inventory-openapi";
import { costsOpenApi } from "../costs/costs-openapi";
import { maintenanceOpenApi } from "../maintenance/maintenance-openapi";
import { usersOpenApi } from "../users/users-openapi";
import { notificationsOpenApi } from "../notifications/notifications-openapi";
import { farmsOpenApi } from "../farms/farms-openapi";
import { authOpenApi } from "../auth/auth-openapi";
import { importOpenApi } from "../import/import-openapi";
import { EXPORT_COLUMNS } from "../devices/device-export";
import { listViewsOpenApi } from "../list-views/list-views-openapi";

export { HTTP_METHODS, type HttpMethod, type JsonSchema, type OpenApiDocument, type OpenApiOperation, type OpenApiParameter } from "./openapi-helpers";

/**
 * Areas that keep their operations beside their code (house rule: no growing one central file).
 * Each adds its tags, paths and named schemas; two areas claiming one path and method, or one
 * schema name, is a mistake the document refuses to hide.
 */
export const OPENAPI_AREAS: readonly OpenApiArea[] = [commandsOpenApi, logsOpenApi, configurationOpenApi, configCampaignsOpenApi, calibrationOpenApi, warrantyOpenApi, inventoryOpenApi, costsOpenApi, maintenanceOpenApi, auditOpenApi, usersOpenApi, notificationsOpenApi, farmsOpenApi, authOpenApi, importOpenApi, listViewsOpenApi];


// ---------------------------------------------------------------- response bodies

const tagChip = z.object({ id: z.number().int(), name: z.string(), color: z.number().int().describe("Index into the tag palette, 0–11") });

const listedDevice = z.object({
  id: z.number().int().describe("Internal row id"),
  deviceId: z.string().regex(DEVICE_ID_PATTERN).describe("The device id used in URLs, e.g. MM001"),
  name: z.string(),
  deviceType: z.enum(DEVICE_TYPES),
  state: z.enum(DEVICE_STATES),
  farmId: z.number().int(),
  farm: z.object({ code: z.string(), name: z.string() }),
  groupId: z.number().int().nullable(),
  group: z.object({ code: z.string(), name: z.string() }).nullable(),
  tags: z.array(tagChip),
  serialNumber: z.string().nullable(),
  macAddress: z.string().nullable(),
  healthStatus: z.enum(HEALTH_STATUSES),
  healthScore: z.number(),
  needsAttention: z.boolean(),
  connectionStatus: z.enum(CONNECTION_STATUSES),
  batteryLevel: z.number().nullable().describe("Percent"),
  signalStrength: z.number().int().nullable().describe("dBm"),
  signalQuality: z.string(),
  firmwareVersion: z.string().nullable(),
  firmwareUpdateStatus: z.string(),
  debugLevel: z.string().nullable().describe("Debug logging the device confirmed (debug, verbose, trace); null when off"),
  debugUntil: timestamp.nullable().describe("When the app ends the debug mode"),
  maintenanceMode: z.boolean(),
  lastSeen: timestamp.nullable(),
});

const deviceDetail = listedDevice
  .extend({
    farm: z.object({ id: z.number().int(), code: z.string(), name: z.string(), timezone: z.string() }),
    group: z.object({ id: z.number().int(), code: z.string(), name: z.string() }).nullable(),
    counts: z.object({ activeAlerts: z.number().int(), updates: z.number().int(), maintenances: z.number().int(), commands: z.number().int() }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .loose()
  .describe("Every field of the device (hardware, firmware, health, power, connectivity, provisioning, maintenance, inventory, retirement), its farm, group, tags, firmware, credentials (never secrets) and counts of its history.");

const provisionedDevice = deviceDetail
  .extend({ credentials: deviceConnectionDetailsSchema })
  .describe("The registered device, as GET /devices/{id} answers it, plus its MQTT credentials (`credentials.password` appears in this answer only).");

const groupCount = z.object({ key: z.string(), label: z.string(), count: z.number().int() });

const deviceList = z.object({
  data: z.array(listedDevice),
  total: z.number().int().describe("Devices matching the filter, over all pages: exact up to 10,000, beyond that as totalKind says"),
  totalKind: z
    .enum(["exact", "estimate", "atLeast"])
    .describe("exact: total is the count; estimate: about total (PostgreSQL's row estimate, shown as “about”); atLeast: more than total (a filter the estimate cannot be made for)"),
  page: z.number().int().describe("The page's position, from 1 (from the cursor's offset when paging by cursor)"),
  pageSize: z.number().int(),
  pages: z.number().int().describe("Pages in total; as exact as total"),
  nextCursor: z.string().nullable().describe("Pass as ?cursor= for the next page; null on the last page"),
  prevCursor: z.string().nullable().describe("Pass as ?cursor= for the previous page; null on the first page"),
  groupBy: z.enum(DEVICE_GROUP_BY).optional().describe("Only with ?groupBy="),
  groups: z.array(groupCount).optional().describe("Counts per value of groupBy, largest first; only with ?groupBy="),
});

const bulkResult = z.object({ matched: z.number().int(), changed: z.number().int(), message: z.string() });

const group = z.object({
  id: z.number().int(),
  name: z.string(),
  code: z.string(),
  sequence: z.number().int(),
  description: z.string().nullable(),
  farmId: z.number().int().nullable().describe("null = a cross-farm group"),
  farm: z.object({ id: z.number().int(), code: z.string(), name: z.string() }).nullable(),
  deviceTypeFilter: z.enum(DEVICE_TYPES).nullable(),
  parentId: z.number().int().nullable(),
  parentCode: z.string().nullable(),
  color: z.number().int(),
  active: z.boolean(),
  healthCheckInterval: z.number().int(),
  offlineAlertThreshold: z.number().int(),
  createdAt: timestamp,
  deviceCount: z.number().int(),
  onlineCount: z.number().int(),
  subtreeDeviceCount: z.number().int().describe("Devices in the group and every group below it"),
  subtreeOnlineCount: z.number().int(),
});

const tag = z.object({
  id: z.number().int(),
  name: z.string(),
  color: z.number().int(),
  createdAt: timestamp,
  deviceCount: z.number().int(),
  editable: z.boolean().describe("Whether the caller may rename, recolour or delete it"),
  shared: z.boolean().describe("Carried by devices of a farm other than the caller's: an admin (a caller of every farm) changes it"),
});
const me = z.object({ kind: z.enum(["user", "api_key"]), name: z.string(), label: z.string(), role: z.enum(ROLES), farmId: z.number().int().nullable().describe("null = every farm") });
const apiKey = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string().describe("First characters of the key, to tell keys apart"),
  role: z.enum(ROLES),
  farmId: z.number().int().nullable(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
const createdApiKey = z.object({ id: z.number().int(), name: z.string(), role: z.enum(ROLES), prefix: z.string(), key: z.string().describe("The key itself: shown this once, stored only as a hash") });
const deleted = z.object({ id: z.number().int(), deleted: z.literal(true) });
const firmwareVersion = z.object({
  id: z.number().int(),
  name: z.string(),
  version: z.string(),
  deviceType: z.enum(DEVICE_TYPES),
  manufacturer: z.string().nullable(),
  compatibleModels: z.array(z.string()),
  fileName: z.string().nullable(),
  sizeBytes: z.number().int(),
  sha256: z.string().nullable().describe("SHA-256 of the binary, hex"),
  signature: z.string().nullable().describe("Ed25519 signature (base64) of the canonical manifest"),
  releaseDate: timestamp,
  releaseNotes: z.string().nullable(),
  changelog: z.string().nullable(),
  state: z.enum(FIRMWARE_STATES),
  isMandatory: z.boolean(),
  minPreviousVersion: z.string().nullable(),
  successfulUpdates: z.number().int(),
  failedUpdates: z.number().int(),
  createdAt: timestamp,
  installedCount: z.number().int(),
  allowedStates: z.array(z.enum(FIRMWARE_STATES)).describe("The states it may move to next"),
});

const errorBody = z.object({
  error: z.object({
    code: z.string().describe("invalid, unauthorized, forbidden, not_found, conflict, rate_limited or internal"),
    message: z.string().describe("For a person to read"),
    fields: z.record(z.string(), z.array(z.string())).optional().describe("Messages per request field (400, some 409)"),
  }),
});

/**
 * Body of DELETE /devices/{id}; the same shape as the route's own schema
 * (app/api/v1/devices/[id]/route.ts), which is not exported from lib/.
 */

// ---------------------------------------------------------------- parameters

const DEVICE_QUERY_HELP: Record<string, string> = {
  q: "Any part of the device id, name, serial number or MAC address, ignoring case",
  farm: "Farm id",
  type: "Device types, comma-separated (type=collar,feeder) or repeated",
  state: "Lifecycle states, comma-separated or repeated. Retired (decommissioned) devices are left out unless asked for here or with retired=true",
  health: "Health statuses, comma-separated or repeated",
  connection: "Connection statuses, comma-separated or repeated",
  group: "A group id (the group and every group below it), or none for devices without a group",
  tag: "Tag id",
  firmware: "Reported firmware version, or none for devices that never reported one",
  attention: "Only devices that need attention (true) or that do not (false)",
  maintenance: "Only devices in maintenance mode (true) or not (false)",
  retired: "Include retired (decommissioned) devices",
  sort: "Sort column; ties are broken by device id, in the sort's direction",
  dir: "Sort direction; empty values (battery, signal, firmware, last seen) come last either way",
  page: "Page number, from 1: an offset, so a deep page costs more than the first; prefer cursor",
  pageSize: `Devices per page: ${PAGE_SIZES.join(", ")}`,
  groupBy: "Also count the matching devices per value of this field",
  cursor: "The nextCursor or prevCursor of the previous answer, with the same sort and dir: the page after or before it, as fast deep in the list as at its start. A cursor that is not one the list gave out is a 400",
};


const deviceListParameters = queryParameters(deviceListQuerySchema, DEVICE_QUERY_HELP);
const deviceFilterParameters = queryParameters(deviceListQuerySchema, DEVICE_QUERY_HELP, (name) => !["page", "pageSize", "groupBy", "cursor"].includes(name));


// ---------------------------------------------------------------- alerts (lib/alerts)

const ALERT_QUERY_HELP: Record<string, string> = {
  farm: "Farm id: alerts of its devices and of its groups",
  severity: "Severities, comma-separated or repeated",
  type: "Alert types, comma-separated or repeated",
  state: `One of ${ALERT_STATE_FILTERS.join(", ")}; open (active or acknowledged) when left out`,
  device: "A device id (MM001), exactly, ignoring case",
  group: "A group id: alerts of the group and every group below it, and of their devices",
  page: "Page number, from 1",
  pageSize: `Alerts per page: ${PAGE_SIZES.join(", ")}`,
};
const alertListParameters = queryParameters(alertListQuerySchema, ALERT_QUERY_HELP);
const alertIdParameter = idParameter("alert", alertIdSchema);

const listedAlert = z.object({
  id: z.number().int(),
  alertType: z.enum(ALERT_TYPES),
  severity: z.enum(ALERT_SEVERITIES),
  state: z.enum(ALERT_STATES),
  message: z.string().nullable(),
  occurrenceCount: z.number().int().describe("How often the health monitor found the cause again while the alert was active"),
  firstOccurrence: timestamp,
  lastOccurrence: timestamp,
  acknowledgedAt: timestamp.nullable(),
  acknowledgedBy: z.string().nullable().describe("A person's name, or the API key's label"),
  acknowledgeNotes: z.string().nullable(),
  resolvedAt: timestamp.nullable(),
  resolvedBy: z.string().nullable().describe("A person's name, the API key's label, or Health monitor"),
  resolutionNotes: z.string().nullable(),
  autoResolved: z.boolean().describe("Resolved by the health monitor because the cause went away"),
  device: z.object({ deviceId: z.string(), name: z.string(), farm: z.object({ code: z.string(), name: z.string() }) }).nullable().describe("null for a group alert"),
  group: z
    .object({ id: z.number().int(), code: z.string(), name: z.string(), farm: z.object({ code: z.string(), name: z.string() }).nullable().describe("null for a cross-farm group") })
    .nullable()
    .describe("Set for a group alert"),
});
const alertList = z.object({ data: z.array(listedAlert), total: z.number().int().describe("Alerts matching the filter, over all pages"), page: z.number().int(), pageSize: z.number().int(), pages: z.number().int() });
const alertDetail = listedAlert
  .extend({
    device: z
      .object({ deviceId: z.string(), name: z.string(), deviceType: z.enum(DEVICE_TYPES), healthStatus: z.enum(HEALTH_STATUSES), healthScore: z.number(), connectionStatus: z.enum(CONNECTION_STATUSES), lastSeen: timestamp.nullable() })
      .loose()
      .nullable()
      .describe("The device with its current health; null for a group alert"),
    group: z.object({ id: z.number().int(), code: z.string(), name: z.string(), offlineAlertThreshold: z.number().int() }).loose().nullable(),
    history: z.array(z.object({ id: z.string(), at: timestamp, who: z.string(), action: z.string(), notes: z.string().nullable() })).describe("Acknowledge and resolve steps, newest first"),
  })
  .describe("One alert with its device (and the device's current health), group, the people who handled it and its history.");

// ---------------------------------------------------------------- OTA update jobs (lib/ota)

const UPDATE_JOB_QUERY_HELP: Record<string, string> = {
  state: `Only jobs in this state (${UPDATE_JOB_STATE_FILTERS.join(", ")}); active = scheduled, in progress or paused`,
  page: "Page number, from 1",
  pageSize: "Jobs per page, 1–100",
};
const UPDATE_LOG_QUERY_HELP: Record<string, string> = {
  state: `Only devices whose update is in this state (${UPDATE_LOG_STATE_FILTERS.join(", ")}); in_flight = downloading, installing or verifying`,
  search: "Any part of the device id or name, ignoring case",
  cursor: "The `nextCursor` of the previous page",
  limit: "Devices per page, 1–500",
};
// queryParameters gives every pageSize the device list's sizes; a job list takes any size up to 100.
const updateJobListParameters = queryParameters(updateJobListQuerySchema, UPDATE_JOB_QUERY_HELP).map((parameter) =>
  parameter.name === "pageSize" ? { ...parameter, schema: input(updateJobListQuerySchema.shape.pageSize) } : parameter,
);
const updateLogParameters = queryParameters(updateLogQuerySchema, UPDATE_LOG_QUERY_HELP);
const updateJobIdParameter = idParameter("update job", updateJobIdSchema);

const scheduledJob = z.object({
  jobId: z.number().int().describe("The new job: GET /ota/campaigns/{jobId}"),
  deviceCount: z.number().int().describe("Devices that will be sent the update"),
  phases: z.array(z.object({ position: z.number().int(), deviceCount: z.number().int().describe("Devices of this phase alone") })).describe("How the strategy cut the devices, first phase first"),
  skipped: z.array(z.object({ deviceId: z.string(), reason: z.string() })).describe("Targeted devices left out because they already run the version (send force to include them)"),
});
const startedJob = z.object({
  jobId: z.number().int(),
  scheduledAt: timestamp.describe("Now: the job's new start time"),
  firstSendAt: timestamp.describe("When the first device can be sent the update: now, or the next opening of the job's maintenance window"),
  message: z.string(),
});
const jobActionResult = z.object({ jobId: z.number().int(), action: z.enum(JOB_ACTIONS), message: z.string().describe("What happens now, for a person to read") });

/* The read side: what lib/ota/update-job-views.ts returns. */
const logCounts = z.object(Object.fromEntries(UPDATE_LOG_STATES.map((state) => [state, z.number().int()])) as Record<(typeof UPDATE_LOG_STATES)[number], z.ZodNumber>);
const listedUpdateJob = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(JOB_KINDS).describe("firmware: an update to a firmware version; configuration: a configuration campaign (/config-campaigns)"),
  state: z.enum(UPDATE_JOB_STATES),
  stateReason: z.string().nullable().describe("Why it paused, stopped or rolled back, for a person to read"),
  strategy: z.enum([...ROLLOUT_STRATEGIES, "rolling"]).describe("rolling: a configuration campaign's batches (the engine's emergency strategy)"),
  firmware: z.object({ id: z.number().int(), version: z.string(), deviceType: z.enum(DEVICE_TYPES), name: z.string() }).nullable().describe("The version a firmware job sends; null for a configuration campaign"),
  configChange: z
    .object({
      deviceType: z.enum(DEVICE_TYPES),
      changes: z.record(z.string(), z.unknown()).describe("The partial configuration merged into each device's own overrides"),
      reason: z.string(),
      summary: z.string().describe("The changed settings, e.g. `thresholds.ammonia_ppm.alarm = 30`"),
    })
    .nullable()
    .describe("What a configuration campaign changes; null for a firmware job"),
  scheduledAt: timestamp,
  startedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  createdAt: timestamp,
  rollbackStartedAt: timestamp.nullable().describe("Set once the job is rolling back"),
  deviceCount: z.number().int(),
  successCount: z.number().int().describe("Devices that completed the update"),
  failedCount: z.number().int().describe("Devices that failed or were rolled back"),
  inFlightCount: z.number().int().describe("Devices downloading, installing or verifying"),
  pendingCount: z.number().int().describe("Devices not sent the update yet"),
  progressPercent: z.number().describe("Devices that finished (completed, failed, rolled back) ÷ devices, 0–100"),
  currentPhase: z.number().int().nullable().describe("The phase running or awaiting approval, by position"),
  phaseCount: z.number().int(),
  createdBy: z.string().nullable().describe("The person who scheduled it; null for an API key"),
});
const updateJobList = z.object({ data: z.array(listedUpdateJob), total: z.number().int().describe("Jobs matching the filter, over all pages"), page: z.number().int(), pageSize: z.number().int(), pages: z.number().int() });
const updatePhase = z.object({
  id: z.number().int(),
  position: z.number().int().describe("1 = first"),
  state: z.enum(["pending", "in_progress", "awaiting_approval", "succeeded", "failed", "cancelled"]),
  targetPercentage: z.number().describe("Cumulative share of the job's devices reached by the end of this phase"),
  deviceCount: z.number().int().describe("Devices of this phase alone"),
  completed: z.number().int(),
  failed: z.number().int(),
  inFlight: z.number().int(),
  pending: z.number().int(),
  soakMinutes: z.number().int(),
  requiresApproval: z.boolean(),
  successThreshold: z.number(),
  errorThreshold: z.number(),
  minDevices: z.number().int(),
  startedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  approvedAt: timestamp.nullable(),
});
const updateJobDetail = listedUpdateJob
  .extend({
    targetSpec: z.record(z.string(), z.unknown()).describe("The target as it was asked: device ids or a filter"),
    strategyConfig: z.record(z.string(), z.unknown()).describe("The rollout as it was asked, defaults filled in"),
    maintenanceWindow: z.object({ start: z.string(), end: z.string(), days: z.array(z.string()), timeZone: z.string() }).nullable(),
    forceUpdate: z.boolean(),
    rollbackOnFailure: z.boolean(),
    notifyOnComplete: z.boolean(),
    counts: logCounts.describe("Devices per update state"),
    rollbackPending: z.number().int().describe("Completed devices told to go back that have not reported rolled_back yet"),
    deviceTimeoutMinutes: z.number().int().describe("An offline or silent device counts as failed after this long"),
    neverCameOnline: z.number().int().describe("Failed devices that were never sent the update (offline throughout): they count neither for the success rate nor towards a rollback"),
    timeZone: z.string().nullable().describe("The farm's time zone when all the job's devices are on one farm"),
    phases: z.array(updatePhase),
    allowedActions: z.array(z.enum(JOB_ACTIONS)).describe("What the job's state allows now (POST /ota/campaigns/{id}/actions; the caller's role is checked then)"),
  })
  .describe("One job with its firmware, settings, counts, phases and the actions its state allows.");
const updateLog = z.object({
  id: z.number().int(),
  deviceId: z.string().regex(DEVICE_ID_PATTERN),
  deviceName: z.string(),
  phase: z.number().int().nullable().describe("The phase's position"),
  state: z.enum(UPDATE_LOG_STATES),
  progress: z.number().int().describe("0–100"),
  previousVersion: z.string().nullable(),
  targetVersion: z.string().nullable(),
  configVersion: z.number().int().nullable().describe("Configuration campaigns: the configuration version the campaign made for the device"),
  previousConfigVersion: z.number().int().nullable().describe("Configuration campaigns: the version the device had before (what a rollback returns to)"),
  rollbackConfigVersion: z.number().int().nullable().describe("Configuration campaigns: the version that rolled it back"),
  sentAt: timestamp.nullable().describe("When the device was sent the update; null = not yet"),
  finishedAt: timestamp.nullable(),
  durationSeconds: z.number().int().nullable(),
  errorMessage: z.string().nullable(),
  rollbackSentAt: timestamp.nullable().describe("When the device was told to go back to previousVersion"),
  connectionStatus: z.enum(CONNECTION_STATUSES).describe("The device's connection now: a pending update is sent only to an online device"),
});
const updateLogPage = z.object({ data: z.array(updateLog), nextCursor: z.number().int().nullable().describe("Pass as `cursor` for the next page; null on the last") });

// ---------------------------------------------------------------- the document


/**
 * Broker hooks (app/api/v1/broker/…): no API key, the shared secret instead. It is said in words,
 * not as a header parameter, because it may come as HTTP Basic authentication instead.
 */
const HOOK_SECRET_HELP =
  "The broker proves itself with BROKER_HOOK_SECRET in the `X-Broker-Hook-Secret` header, or as the password of HTTP Basic authentication " +
  "(mosquitto-go-auth: `auth_opt_http_host broker:SECRET@web-host`). Passwords are never logged.";
const HOOK_FAILURES = {
  "400": failure("The request body is not the hook's shape: `error.fields` says what is wrong"),
  "401": failure("The broker hook secret is missing or wrong"),
  "503": failure("The hooks are off: BROKER_HOOK_SECRET is not set"),
};
/** POST /ota/campaigns and its M92 twin POST /iot/firmware/update: one handler, one contract. */
function scheduleUpdateOperation(operationId: string, summary: string, lead: string): OpenApiOperation {
  return operation("ota.schedule", {
    operationId,
    summary,
    description: lead + "Devices already on the version are left out (`skipped`) unless `force` is set; a device in another running update is a 409.",
    tags: ["Updates"],
    requestBody: { required: true, content: json(ref("ScheduleUpdate")) },
    responses: {
      "201": ok("The scheduled job (Location: /api/v1/ota/campaigns/{jobId})", ref("ScheduledJob")),
      ...errors(400, ...CALLER, 404),
      "409": failure("The firmware is not testing or stable, has no binary, or a device is already in a running update (`error.fields`)"),
    },
  });
}

const jsonOrForm = (schema: JsonSchema) => ({ "application/json": { schema }, "application/x-www-form-urlencoded": { schema } });

function brokerHook(op: { operationId: string; summary: string; description: string; request: string; responses: OpenApiOperation["responses"]; form?: boolean }): OpenApiOperation {
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: `${op.description}\n\n${HOOK_SECRET_HELP}`,
    tags: ["Broker hooks"],
    security: [],
    requestBody: { required: true, content: op.form ? jsonOrForm(ref(op.request)) : json(ref(op.request)) },
    responses: { ...op.responses, ...HOOK_FAILURES },
  };
}

const MOSQUITTO_ANSWERS = {
  "200": ok("Allowed", ref("MosquittoResult")),
  "403": ok("Denied", ref("MosquittoResult")),
};

const IMPORT_BATCH_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    id: { type: "integer" },
    fileName: { type: "string" },
    mode: { type: "string", enum: [...IMPORT_MODES] },
    skipErrors: { type: "boolean" },
    state: { type: "string", enum: ["previewed", "importing", "done", "failed", "refused", "dry_run"], description: "refused: the file could not be read or mapped; dry_run: a preview, its counts what the import would do" },
    totalRows: { type: "integer" },
    createdCount: { type: "integer" },
    updatedCount: { type: "integer" },
    skippedCount: { type: "integer" },
    errorCount: { type: "integer" },
    warningCount: { type: "integer" },
    failureReason: { type: ["string", "null"] },
    createdAt: { type: "string", format: "date-time" },
    finishedAt: { type: ["string", "null"], format: "date-time" },
    createdBy: { type: ["string", "null"] },
  },
};

// ---------------------------------------------------------------- health (lib/health/health-summary.ts, health-history.ts)

const countsOf = (keys: readonly string[]): JsonSchema => ({ type: "object", required: [...keys], properties: Object.fromEntries(keys.map((key) => [key, { type: "integer" }])) });
const nullableNumber = { type: ["number", "null"] };
const HEALTH_HISTORY_SCHEMA: JsonSchema = {
  type: "object",
  description: "Telemetry bucketed in PostgreSQL (24h: 5 min, 7d: 1 h, 30d: 4 h); buckets without samples are gaps (null values, samples 0)",
  required: ["range", "from", "to", "bucketMs", "resolution", "samples", "points"],
  properties: {
    range: { type: "string", enum: ["24h", "7d", "30d"] },
    resolution: { type: "string", enum: ["raw", "5m", "1h"], description: "Read from raw samples (24h), the 5-minute rollups (7d) or the hourly ones (30d); rollups trail raw samples by a few minutes" },
    from: { type: "integer", description: "ms since the epoch" },
    to: { type: "integer", description: "ms since the epoch" },
    bucketMs: { type: "integer" },
    samples: { type: "integer", description: "Samples in the range" },
    points: {
      type: "array",
      items: {
        type: "object",
        required: ["t", "battery", "signal", "score", "errors", "samples"],
        properties: { t: { type: "integer", description: "Bucket start, ms since the epoch" }, battery: nullableNumber, signal: nullableNumber, score: nullableNumber, errors: { type: ["integer", "null"], description: "Highest error count in the bucket" }, samples: { type: "integer" } },
      },
    },
  },
};
const DEVICE_HEALTH_SCHEMA: JsonSchema = {
  type: "object",
  required: ["deviceId", "name", "healthStatus", "healthScore", "signalQuality", "connectionStatus", "needsAttention", "batteryLevel", "errorCount", "lastSeen", "lastHealthCheck", "openAlerts"],
  properties: {
    deviceId: { type: "string" },
    name: { type: "string" },
    deviceType: { type: "string", enum: [...DEVICE_TYPES] },
    state: { type: "string", enum: [...DEVICE_STATES] },
    farm: { type: "object", properties: { code: { type: "string" }, name: { type: "string" } } },
    healthStatus: { type: "string", enum: [...HEALTH_STATUSES] },
    healthScore: { type: "number", minimum: 0, maximum: 100 },
    signalStrength: { type: ["integer", "null"], description: "dBm" },
    signalQuality: { type: "string", enum: ["excellent", "good", "fair", "poor", "none"] },
    connectionStatus: { type: "string", enum: [...CONNECTION_STATUSES] },
    needsAttention: { type: "boolean" },
    batteryLevel: { ...nullableNumber, description: "%" },
    batteryVoltage: nullableNumber,
    batteryLow: { type: "boolean", description: "Below the device's low-battery threshold" },
    lowBatteryThreshold: { type: "number" },
    powerSource: { type: "string" },
    errorCount: { type: "integer" },
    calibrationStatus: { type: "string" },
    firmwareUpdateStatus: { type: "string" },
    maintenanceMode: { type: "boolean" },
    lastSeen: { type: ["string", "null"], format: "date-time" },
    lastHealthCheck: { type: ["string", "null"], format: "date-time" },
    healthCheckInterval: { type: "integer", description: "Seconds between health checks: the device's own, else its group's, else 60" },
    openAlerts: {
      type: "array",
      items: {
        type: "object",
        properties: { id: { type: "integer" }, alertType: { type: "string" }, severity: { type: "string", enum: ["low", "warning", "critical"] }, state: { type: "string", enum: ["active", "acknowledged"] }, message: { type: ["string", "null"] }, occurrenceCount: { type: "integer" }, firstOccurrence: { type: "string", format: "date-time" }, lastOccurrence: { type: "string", format: "date-time" } },
      },
    },
    history: HEALTH_HISTORY_SCHEMA,
  },
};
const FARM_HEALTH_SUMMARY_SCHEMA: JsonSchema = {
  type: "object",
  description: "I-013 get_farm_health_summary over the stored M92 health fields; retired devices are left out",
  required: ["farm", "totalDevices", "healthSummary", "connectionStatus", "connectionQuality", "averageHealthScore", "needsAttention", "lowBattery", "offline", "batteryStatistics", "byType", "openAlerts", "timestamp"],
  properties: {
    farm: { oneOf: [{ type: "null" }, { type: "object", properties: { id: { type: "integer" }, code: { type: "string" }, name: { type: "string" } } }], description: "null: every farm the caller may see" },
    totalDevices: { type: "integer" },
    healthSummary: countsOf(["healthy", "warning", "critical", "unknown"]),
    connectionStatus: countsOf(["online", "degraded", "offline", "unknown"]),
    connectionQuality: countsOf(["excellent", "good", "fair", "poor", "none"]),
    averageHealthScore: nullableNumber,
    needsAttention: { type: "integer" },
    lowBattery: { type: "integer", description: "Below the device's own low-battery threshold" },
    offline: { type: "integer" },
    inMaintenance: { type: "integer" },
    batteryStatistics: { type: "object", properties: { avgPercent: nullableNumber, minPercent: nullableNumber, devicesReporting: { type: "integer" } } },
    byType: {
      type: "array",
      items: { type: "object", properties: { deviceType: { type: "string", enum: [...DEVICE_TYPES] }, total: { type: "integer" }, healthy: { type: "integer" }, warning: { type: "integer" }, critical: { type: "integer" }, unknown: { type: "integer" }, needsAttention: { type: "integer" } } },
    },
    openAlerts: { ...countsOf(["critical", "warning", "low", "total"]), description: "Alerts not resolved (active or acknowledged), device and group alerts" },
    timestamp: { type: "string", format: "date-time" },
  },
};

export function buildOpenApiDocument(): OpenApiDocument {
  return withBodyLimits(withAreas(OPENAPI_AREAS, {
    openapi: "3.1.0",
    info: {
      title: "Smart Dairy Device Manager API",
      version: "1",
      description:
        "The device registry of Smart Dairy Device Manager: devices, groups, tags, farms and API keys. " +
        "Authenticate with an API key (created by an admin under Admin → API keys) in the `X-API-Key` header or as `Authorization: Bearer …`, " +
        "or with the web app's session cookie. Managers and technicians see only their farm. " +
        "Every failure answers `{ error: { code, message, fields? } }`.",
    },
    servers: [{ url: "/api/v1", description: "This server" }],
    security: [{ ApiKey: [] }, { Bearer: [] }, { Session: [] }],
    tags: [
      { name: "Devices", description: "The device registry" },
      { name: "Groups", description: "Device groups, a tree per farm plus cross-farm groups" },
      { name: "Tags", description: "Labels on devices" },
      { name: "Farms", description: "The farms the caller may see" },
      { name: "Access", description: "Who is calling; API keys" },
      { name: "Provisioning", description: "MQTT credentials, one-time provisioning tokens and the device's claim (I-013 §2.3)" },
      { name: "Firmware", description: "Firmware versions: upload, signed manifests, release states (draft → testing → stable → deprecated) and device downloads" },
      { name: "Alerts", description: "Raised by the health monitor; acknowledged and resolved by people (active → acknowledged → resolved; resolved is final)" },
      {
        name: "Updates",
        description:
          "Over-the-air firmware update jobs (I-013 “campaigns”): scheduled → in_progress → completed, or paused, cancelled, failed (automatic rollback). A job is cut into phases by its strategy; each device has a log (pending → downloading → installing → verifying → completed | failed, then rolled_back).",
      },
      { name: "Broker hooks", description: "Called by an external MQTT broker (EMQX 5, mosquitto-go-auth) to authenticate clients and check topics; protected by BROKER_HOOK_SECRET" },
    ],
    paths: {
      "/devices": {
        get: operation("devices.read", {
          operationId: "listDevices",
          summary: "List devices",
          description: "The same filters, sort and pages as the Devices page (`/devices?…`), so a view is bookmarked and scripted alike.",
          tags: ["Devices"],
          parameters: deviceListParameters,
          responses: { "200": ok("A page of devices", ref("DeviceList")), ...errors(400, ...CALLER) },
        }),
        post: operation("devices.write", {
          operationId: "createDevice",
          summary: "Register a device and issue its MQTT credentials",
          description:
            "Provisioning method `api`; the device starts as `provisioned` unless `state` says otherwise. The device id is fixed once registered. " +
            "The answer holds the device's MQTT credentials once: only the password's hash is kept. Requires `devices.provision` as well (technicians and up).",
          tags: ["Devices", "Provisioning"],
          requestBody: { required: true, content: json(ref("DeviceCreate")) },
          responses: { "201": ok("The registered device with its credentials", ref("DeviceProvisioned")), ...errors(400, ...CALLER, 409) },
        }),
      },
      "/devices/{id}": {
        get: operation("devices.read", {
          operationId: "getDevice",
          summary: "Read a device",
          tags: ["Devices"],
          parameters: [deviceIdParameter],
          responses: { "200": ok("The device", ref("DeviceDetail")), ...errors(...CALLER, 404) },
        }),
        put: operation("devices.write", {
          operationId: "updateDevice",
          summary: "Change a device",
          description: "Send any subset of the fields; a field left out stays as it is.",
          tags: ["Devices"],
          parameters: [deviceIdParameter],
          requestBody: { required: true, content: json(ref("DeviceUpdate")) },
          responses: { "200": ok("The changed device", ref("DeviceDetail")), ...errors(400, ...CALLER, 404, 409) },
        }),
        delete: operation("devices.write", {
          operationId: "retireDevice",
          summary: "Retire a device",
          description: "Decommissions the device and revokes its credentials; the record and its history stay. Nothing is hard-deleted.",
          tags: ["Devices"],
          parameters: [deviceIdParameter],
          requestBody: { required: false, content: json(ref("DeviceRetire")) },
          responses: { "200": ok("The retired device", ref("DeviceDetail")), ...errors(400, ...CALLER, 404, 409) },
        }),
      },
      "/devices/{id}/credentials": {
        post: operation("devices.provision", {
          operationId: "regenerateDeviceCredentials",
          summary: "Issue new MQTT credentials",
          description:
            "The old password stops working at once, on open connections too (the embedded broker re-checks them every 15 s; an external broker at its next authorisation check). " +
            "An outstanding provisioning token is cancelled. A registered device becomes provisioned. The answer holds the password once.",
          tags: ["Provisioning"],
          parameters: [deviceIdParameter],
          responses: { "200": ok("The new credentials", ref("DeviceConnectionDetails")), ...errors(...CALLER, 404, 409) },
        }),
        delete: operation("devices.provision", {
          operationId: "revokeDeviceCredentials",
          summary: "Revoke the MQTT credentials",
          description: "The device can no longer log in to the broker; an outstanding provisioning token is cancelled. 409 when there is nothing to revoke.",
          tags: ["Provisioning"],
          parameters: [deviceIdParameter],
          responses: { "200": ok("Revoked", output(z.object({ deviceId: z.string(), revoked: z.literal(true) }))), ...errors(...CALLER, 404, 409) },
        }),
      },
      "/devices/{id}/provisioning-token": {
        post: operation("devices.provision", {
          operationId: "generateProvisioningToken",
          summary: "Generate a one-time provisioning token",
          description:
            "M92 `action_generate_provisioning_token`: valid 24 hours, stored as a hash, replacing any earlier token. " +
            "The device (or the phone that scans its label) trades it for its credentials at POST /provisioning/claim. `claimUrl` is the QR label's content.",
          tags: ["Provisioning"],
          parameters: [deviceIdParameter],
          responses: { "201": ok("The token, shown once", ref("ProvisioningToken")), ...errors(...CALLER, 404, 409) },
        }),
      },
      "/devices/{id}/claim-failures": {
        delete: operation("throttles.clear", {
          operationId: "clearClaimFailures",
          summary: "Clear a device's claim delays",
          description:
            "Refused claims slow further claims of the device down (per address, and per device from many addresses). " +
            "This lifts the delays; the refusals stay in the device's history, with a line saying who cleared them.",
          tags: ["Provisioning"],
          parameters: [deviceIdParameter],
          responses: { "200": ok("Cleared", output(z.object({ cleared: z.number().int() }))), ...errors(...CALLER, 404) },
        }),
      },
      "/provisioning/claim": {
        post: {
          operationId: "claimDevice",
          summary: "A device claims its MQTT credentials",
          description:
            "I-013 §2.3. No API key: the one-time token is the proof. The token is consumed by the first successful claim; of two at once, one wins. " +
            "Every refusal is recorded in the device's history with the caller's address (never the token); too many refusals for a device or from an address answer 429.",
          tags: ["Provisioning"],
          security: [],
          requestBody: { required: true, content: json(ref("ClaimRequest")) },
          responses: {
            "200": ok("The device's credentials (the password in this answer only)", ref("DeviceConnectionDetails")),
            "400": failure("The body is not a device id and a token: `error.fields` says what is wrong"),
            "401": failure("`invalid_token`: the token is not valid for this device (wrong token, unknown device or no token issued)"),
            "409": failure("`token_used`: the token was already used; or `device_retired`"),
            "410": failure("`token_expired`: the token is older than 24 hours"),
            "429": failure("`rate_limited`: too many refused claims; see the Retry-After header"),
          },
        },
      },
      "/broker/emqx/authenticate": {
        post: brokerHook({
          operationId: "emqxAuthenticate",
          summary: "EMQX HTTP authentication",
          description:
            "`allow` for a device's valid credentials with its own client id (sdm-{deviceId}[-suffix]) and for the service account (`is_superuser: true`); " +
            "`deny` for wrong, revoked or regenerated-away passwords, a borrowed client id or no username; `ignore` for usernames this product did not issue.",
          request: "EmqxAuthenticationRequest",
          responses: { "200": ok("The decision", ref("EmqxAuthenticationResult")) },
        }),
      },
      "/broker/emqx/authorize": {
        post: brokerHook({
          operationId: "emqxAuthorize",
          summary: "EMQX HTTP authorisation",
          description: "`allow` when a device publishes or subscribes under its own devices/{deviceId}/… (with an active credential), or for the service account; `deny` otherwise.",
          request: "EmqxAuthorizationRequest",
          responses: { "200": ok("The decision", ref("EmqxAuthorizationResult")) },
        }),
      },
      "/broker/mosquitto/user": {
        post: brokerHook({
          operationId: "mosquittoUser",
          summary: "mosquitto-go-auth: check a login",
          description: "`http_getuser_uri`. 200 for a device's valid credentials with its own client id and for the service account, 403 otherwise.",
          request: "MosquittoUserRequest",
          form: true,
          responses: MOSQUITTO_ANSWERS,
        }),
      },
      "/broker/mosquitto/superuser": {
        post: brokerHook({
          operationId: "mosquittoSuperuser",
          summary: "mosquitto-go-auth: is this a superuser",
          description: "`http_superuser_uri`. 200 for the service account only (it then skips ACL checks), 403 otherwise.",
          request: "MosquittoSuperuserRequest",
          form: true,
          responses: MOSQUITTO_ANSWERS,
        }),
      },
      "/broker/mosquitto/acl": {
        post: brokerHook({
          operationId: "mosquittoAcl",
          summary: "mosquitto-go-auth: check a topic",
          description: "`http_aclcheck_uri`. 200 when a device reads (1), writes (2, 3) or subscribes (4) under its own devices/{deviceId}/… with an active credential, 403 otherwise.",
          request: "MosquittoAclRequest",
          form: true,
          responses: MOSQUITTO_ANSWERS,
        }),
      },
      "/devices/bulk": {
        post: operation("devices.write", {
          operationId: "bulkDeviceAction",
          summary: "Change many devices at once",
          description: "The target is a list of device ids or a filter (the list's query parameters as an object). All or nothing: when one device cannot take the change, none is changed and the answer says which and why.",
          tags: ["Devices"],
          requestBody: { required: true, content: json(ref("BulkAction")) },
          responses: { "200": ok("What was changed", ref("BulkResult")), ...errors(400, ...CALLER, 404, 409) },
        }),
      },
      "/devices/export": {
        get: operation("devices.read", {
          operationId: "exportDevices",
          summary: "Export devices as CSV or Excel",
          description:
            "`?deviceIds=MM001,MM002` for a selection, or the list's filters for every matching device. Streamed. The importable columns come first, named as the import reads them (dates YYYY-MM-DD, tags separated by `|`, metadata as JSON), so an edited export imports back; the read-only columns (firmware, health, connection, battery, signal, last seen, maintenance mode) follow and the import ignores them.",
          tags: ["Devices"],
          parameters: [
            { name: "deviceIds", in: "query", required: false, description: "Device ids, comma-separated; when given, the filters are ignored", style: "form", explode: false, schema: { type: "array", items: { type: "string", pattern: DEVICE_ID_PATTERN.source } } },
            ...deviceFilterParameters,
            { name: "format", in: "query", required: false, description: "csv (default) or xlsx (an Excel workbook, one sheet)", schema: { type: "string", enum: ["csv", "xlsx"], default: "csv" } },
            { name: "columns", in: "query", required: false, description: "Only these CSV columns, in this order (the list's \"Export visible columns\"); every column when left out", style: "form", explode: false, schema: { type: "array", items: { type: "string", enum: [...EXPORT_COLUMNS] } } },
          ],
          responses: {
            "200": {
              description: "RFC 4180 CSV with a header row, or an .xlsx workbook with the same columns",
              content: { "text/csv": { schema: { type: "string" } }, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { schema: { type: "string", format: "binary" } } },
            },
            ...errors(400, ...CALLER),
          },
        }),
      },
      "/iot/devices/{id}/health": {
        get: operation("devices.read", {
          operationId: "getDeviceHealth",
          summary: "A device's health",
          description: "The computed M92 health fields (status, score, signal quality, connection, needs attention), battery, errors, last seen, last health check and the open alerts. `?history=24h|7d|30d` adds the telemetry series the device page charts.",
          tags: ["Devices"],
          parameters: [deviceIdParameter, { name: "history", in: "query", required: false, description: "Add the bucketed telemetry series of this range", schema: { type: "string", enum: ["24h", "7d", "30d"] } }],
          responses: { "200": ok("The device's health", DEVICE_HEALTH_SCHEMA), ...errors(400, ...CALLER, 404) },
        }),
      },
      "/iot/health/summary": {
        get: operation("devices.read", {
          operationId: "getFarmHealthSummary",
          summary: "Farm health summary",
          description: "I-013 `get_farm_health_summary`: devices by health, connection and signal quality, average score, needs attention, low battery, offline, by type, and open alerts by severity. Without `farm`, every farm the caller may see; a farm-bound caller always gets its own farm.",
          tags: ["Farms"],
          parameters: [{ name: "farm", in: "query", required: false, description: "Farm code (GVD) or id", schema: { type: "string", maxLength: 20 } }],
          responses: { "200": ok("The summary", FARM_HEALTH_SUMMARY_SCHEMA), ...errors(400, ...CALLER, 404) },
        }),
      },
      "/iot/devices/import/template": {
        get: operation("devices.import", {
          operationId: "deviceImportTemplate",
          summary: "Download the import template",
          description: "The header row and one example row per device type.",
          tags: ["Devices"],
          responses: { "200": { description: "CSV template", content: { "text/csv": { schema: { type: "string" } } } }, ...errors(...CALLER) },
        }),
      },
      "/import-batches": {
        get: operation("devices.import", {
          operationId: "listImportBatches",
          summary: "List device import batches",
          description: "The latest 50, newest first: who, when, file, mode and counts.",
          tags: ["Devices"],
          responses: { "200": ok("The batches", { type: "object", required: ["data"], properties: { data: { type: "array", items: IMPORT_BATCH_SCHEMA } } }), ...errors(...CALLER) },
        }),
      },
      "/import-batches/{id}/errors": {
        get: operation("devices.import", {
          operationId: "importBatchErrors",
          summary: "Download a batch's error report",
          description: "The rejected rows as CSV: row, column, message.",
          tags: ["Devices"],
          parameters: [idParameter("import batch", importBatchParamsSchema.shape.id)],
          responses: { "200": { description: "CSV with a header row", content: { "text/csv": { schema: { type: "string" } } } }, ...errors(400, ...CALLER, 404) },
        }),
      },
      "/iot/firmware/versions": {
        get: operation("firmware.read", {
          operationId: "listFirmwareVersions",
          summary: "List firmware versions",
          description: "Every version, by device type and newest first, with how many devices run it.",
          tags: ["Firmware"],
          parameters: queryParameters(firmwareListQuerySchema),
          responses: { "200": ok("The versions", listOf(ref("FirmwareVersion"))), ...errors(400, ...CALLER) },
        }),
        post: operation("firmware.write", {
          operationId: "uploadFirmwareVersion",
          summary: "Upload a firmware binary",
          description:
            "multipart/form-data: the binary as `file` and the metadata as fields. The body is streamed to storage; size and SHA-256 are computed, the manifest is signed with the server's Ed25519 key, and the version starts as a draft. At most FIRMWARE_MAX_MB (64 MB by default).",
          tags: ["Firmware"],
          requestBody: {
            required: true,
            content: { "multipart/form-data": { schema: { ...input(firmwareUploadSchema), required: ["file", "name", "version", "deviceType"], properties: { ...(input(firmwareUploadSchema).properties as object), file: { type: "string", format: "binary" } } } } },
          },
          responses: { "201": ok("The new draft version", ref("FirmwareVersion")), ...errors(400, ...CALLER, 409) },
        }),
      },
      "/iot/firmware/versions/{id}": {
        get: operation("firmware.read", {
          operationId: "getFirmwareVersion",
          summary: "Get a firmware version",
          description: "The version with its hash, signature, counts and the states it may move to.",
          tags: ["Firmware"],
          parameters: [idParameter("firmware version", firmwareIdParam)],
          responses: { "200": ok("The version", ref("FirmwareVersion")), ...errors(400, ...CALLER, 404) },
        }),
      },
      "/iot/firmware/versions/{id}/state": {
        post: operation("firmware.write", {
          operationId: "changeFirmwareState",
          summary: "Move a firmware version to another release state",
          description: "draft → testing; testing → stable, draft or deprecated; stable → deprecated. Making it stable or deprecated needs firmware.publish. Any other move is a 409.",
          tags: ["Firmware"],
          parameters: [idParameter("firmware version", firmwareIdParam)],
          requestBody: { required: true, content: json(ref("FirmwareStateChange")) },
          responses: { "200": ok("The version in its new state", ref("FirmwareVersion")), ...errors(400, ...CALLER, 404, 409) },
        }),
      },
      "/iot/firmware/versions/{id}/download": {
        get: operation("firmware.read", {
          operationId: "downloadFirmware",
          summary: "Download a firmware binary (devices: HTTP Basic)",
          description:
            "Devices authenticate with their MQTT username and password as HTTP Basic and get only non-draft binaries of their own type; people and API keys need firmware.read. Supports `Range` (one range, 206 / 416) and `If-Range` with the ETag, which is the SHA-256. HEAD answers the headers only.",
          tags: ["Firmware"],
          security: [{ DeviceBasic: [] }, { ApiKey: [] }, { Bearer: [] }, { Session: [] }],
          parameters: [
            idParameter("firmware version", firmwareIdParam),
            { name: "Range", in: "header", required: false, description: "bytes=start-end", schema: { type: "string" } },
          ],
          responses: {
            "200": { description: "The whole binary", content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
            "206": { description: "The requested byte range", content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
            "416": { description: "The range lies outside the file (Content-Range: bytes */size)" },
            ...errors(400, ...CALLER, 404),
          },
        }),
      },
      "/iot/firmware/signing-key": {
        get: operation("firmware.read", {
          operationId: "firmwareSigningKey",
          summary: "The manifest signing public key",
          description: "Ed25519 public key (SPKI PEM) and its id: device makers verify manifest signatures with it.",
          tags: ["Firmware"],
          responses: { "200": ok("The key", { type: "object", required: ["keyId", "pem"], properties: { keyId: { type: "string" }, pem: { type: "string" } } }), ...errors(...CALLER) },
        }),
      },
      "/groups": {
        get: operation("devices.read", {
          operationId: "listGroups",
          summary: "List groups",
          description: "The whole tree the caller may see, each group with its parent and device counts.",
          tags: ["Groups"],
          parameters: queryParameters(groupListQuerySchema, { farmId: "One farm's groups together with the cross-farm ones", active: "Only active (true) or inactive (false) groups" }),
          responses: { "200": ok("The groups", listOf(ref("Group"))), ...errors(400, ...CALLER) },
        }),
        post: operation("groups.write", {
          operationId: "createGroup",
          summary: "Create a group",
          tags: ["Groups"],
          requestBody: { required: true, content: json(ref("GroupCreate")) },
          responses: { "201": ok("The new group", ref("Group")), ...errors(400, ...CALLER, 409) },
        }),
      },
      "/groups/{id}": {
        get: operation("devices.read", {
          operationId: "getGroup",
          summary: "Read a group",
          tags: ["Groups"],
          parameters: [idParameter("group", groupIdSchema)],
          responses: { "200": ok("The group", ref("Group")), ...errors(400, ...CALLER, 404) },
        }),
        put: operation("groups.write", {
          operationId: "updateGroup",
          summary: "Change a group",
          description: "Send any subset of the fields; a field left out stays as it is.",
          tags: ["Groups"],
          parameters: [idParameter("group", groupIdSchema)],
          requestBody: { required: true, content: json(ref("GroupUpdate")) },
          responses: { "200": ok("The changed group", ref("Group")), ...errors(400, ...CALLER, 404, 409) },
        }),
        delete: operation("groups.write", {
          operationId: "deleteGroup",
          summary: "Delete a group",
          description: "Refused (409) while the group still holds sub-groups or devices.",
          tags: ["Groups"],
          parameters: [idParameter("group", groupIdSchema)],
          responses: { "200": ok("Deleted", ref("Deleted")), ...errors(400, ...CALLER, 404, 409) },
        }),
      },
      "/tags": {
        get: operation("devices.read", {
          operationId: "listTags",
          summary: "List tags",
          tags: ["Tags"],
          responses: { "200": ok("The tags, each with how many devices carry it", listOf(ref("Tag"))), ...errors(...CALLER) },
        }),
        post: operation("groups.write", {
          operationId: "createTag",
          summary: "Create a tag",
          tags: ["Tags"],
          requestBody: { required: true, content: json(ref("TagCreate")) },
          responses: { "201": ok("The new tag", ref("Tag")), ...errors(400, ...CALLER, 409) },
        }),
      },
      "/tags/{id}": {
        get: operation("devices.read", {
          operationId: "getTag",
          summary: "Read a tag",
          tags: ["Tags"],
          parameters: [idParameter("tag", tagIdSchema)],
          responses: { "200": ok("The tag", ref("Tag")), ...errors(400, ...CALLER, 404) },
        }),
        put: operation("groups.write", {
          operationId: "updateTag",
          summary: "Rename or recolour a tag",
          description: "A farm-bound caller changes only a tag carried solely by their farm's devices, or one made for their farm that no device carries (403 otherwise). A rename is written in the history of every device carrying the tag.",
          tags: ["Tags"],
          parameters: [idParameter("tag", tagIdSchema)],
          requestBody: { required: true, content: json(ref("TagUpdate")) },
          responses: { "200": ok("The changed tag", ref("Tag")), ...errors(400, ...CALLER, 404, 409) },
        }),
        delete: operation("groups.write", {
          operationId: "deleteTag",
          summary: "Delete a tag",
          description: "The tag comes off every device that carries it, and each device's history says so. The same rule as renaming applies to a farm-bound caller (403).",
          tags: ["Tags"],
          parameters: [idParameter("tag", tagIdSchema)],
          responses: { "200": ok("Deleted", ref("Deleted")), ...errors(400, ...CALLER, 404) },
        }),
      },
      "/me": {
        get: operation("devices.read", {
          operationId: "getMe",
          summary: "Who is calling",
          description: "A quick way for an integration to check its key.",
          tags: ["Access"],
          responses: { "200": ok("The caller", ref("Me")), ...errors(...CALLER) },
        }),
      },
      "/api-keys": {
        get: operation("apikeys.manage", {
          operationId: "listApiKeys",
          summary: "List API keys",
          tags: ["Access"],
          responses: { "200": ok("Every key, revoked ones included (never the key itself)", listOf(ref("ApiKey"))), ...errors(...CALLER) },
        }),
        post: operation("apikeys.manage", {
          operationId: "createApiKey",
          summary: "Create an API key",
          description: "The answer holds the key itself, once. A key with a farmId reads and changes that farm only, whatever its role; a caller bound to one farm may not manage keys (403).",
          tags: ["Access"],
          requestBody: { required: true, content: json(ref("ApiKeyCreate")) },
          responses: { "201": ok("The new key", ref("ApiKeyCreated")), ...errors(400, ...CALLER) },
        }),
      },
      "/api-keys/{id}": {
        delete: operation("apikeys.manage", {
          operationId: "revokeApiKey",
          summary: "Revoke an API key",
          description: "The key stops working at once; its record stays.",
          tags: ["Access"],
          parameters: [idParameter("API key", z.coerce.number().int().positive())],
          responses: { "200": ok("Revoked", output(z.object({ id: z.number().int(), revokedAt: timestamp }))), ...errors(400, ...CALLER, 404) },
        }),
      },
      "/users/{id}/sign-in-failures": {
        delete: operation("throttles.clear", {
          operationId: "clearSignInFailures",
          summary: "Clear an account's sign-in delays",
          description: "Failed sign-ins slow further attempts down (per account and address, and per account from many addresses). This lifts them, from every address; audited.",
          tags: ["Access"],
          parameters: [idParameter("user", z.coerce.number().int().positive())],
          responses: { "200": ok("Cleared", output(z.object({ cleared: z.number().int() }))), ...errors(400, ...CALLER, 404) },
        }),
      },
      "/iot/alerts": {
        get: operation("alerts.read", {
          operationId: "listAlerts",
          summary: "List alerts",
          description: "The same filters and pages as the Alerts page (`/alerts?…`). Open critical alerts come first, then the newest by last occurrence.",
          tags: ["Alerts"],
          parameters: alertListParameters,
          responses: { "200": ok("A page of alerts", ref("AlertList")), ...errors(400, ...CALLER) },
        }),
      },
      "/iot/alerts/{id}": {
        get: operation("alerts.read", {
          operationId: "getAlert",
          summary: "Read an alert",
          tags: ["Alerts"],
          parameters: [alertIdParameter],
          responses: { "200": ok("The alert", ref("AlertDetail")), ...errors(...CALLER, 404) },
        }),
      },
      "/iot/alerts/{id}/acknowledge": {
        post: operation("alerts.manage", {
          operationId: "acknowledgeAlert",
          summary: "Acknowledge an alert",
          description: "Active → acknowledged, with optional notes; the body may be left out. 409 when the alert is already acknowledged or resolved.",
          tags: ["Alerts"],
          parameters: [alertIdParameter],
          requestBody: { required: false, content: json(ref("AlertAcknowledge")) },
          responses: { "200": ok("The acknowledged alert", ref("AlertDetail")), ...errors(400, ...CALLER, 404, 409) },
        }),
      },
      "/iot/alerts/{id}/resolve": {
        post: operation("alerts.manage", {
          operationId: "resolveAlert",
          summary: "Resolve an alert",
          description: "Active or acknowledged → resolved, with the notes required. Resolved is final: 409 when it already is.",
          tags: ["Alerts"],
          parameters: [alertIdParameter],
          requestBody: { required: true, content: json(ref("AlertResolve")) },
          responses: { "200": ok("The resolved alert", ref("AlertDetail")), ...errors(400, ...CALLER, 404, 409) },
        }),
      },
      "/iot/firmware/update": {
        post: scheduleUpdateOperation(
          "scheduleFirmwareUpdate",
          "Schedule a firmware update (M92)",
          "M92 `schedule_update`; the same as POST /ota/campaigns. Devices are named by their device id (`target.deviceIds`) or chosen by the device list's filters (`target.filter`). " +
            "All or nothing: when a device cannot take the version (another type, a model it does not support, too old without `force`) nothing is written and `error.fields.target` lists each device with the reason. ",
        ),
      },
      "/ota/campaigns": {
        get: operation("ota.read", {
          operationId: "listUpdateJobs",
          summary: "List update jobs",
          description: "Newest first. Managers and technicians see the jobs of their farm's devices.",
          tags: ["Updates"],
          parameters: updateJobListParameters,
          responses: { "200": ok("A page of jobs", ref("UpdateJobList")), ...errors(400, ...CALLER) },
        }),
        post: scheduleUpdateOperation(
          "createUpdateJob",
          "Create an update job (campaign)",
          "Schedules the job at `scheduledAt` (now when left out), inside `maintenanceWindow` when given, cut into phases by `rollout`. " +
            "All or nothing: when a device cannot take the version nothing is written and `error.fields.target` lists each device with the reason. ",
        ),
      },
      "/ota/campaigns/{id}": {
        get: operation("ota.read", {
          operationId: "getUpdateJob",
          summary: "Read an update job",
          description: "The job with its firmware, counts, phases and the actions its state allows (`allowedActions`).",
          tags: ["Updates"],
          parameters: [updateJobIdParameter],
          responses: { "200": ok("The job", ref("UpdateJobDetail")), ...errors(...CALLER, 404) },
        }),
      },
      "/ota/campaigns/{id}/logs": {
        get: operation("ota.read", {
          operationId: "listUpdateJobLogs",
          summary: "The job's per-device logs",
          description: "One log per device: its state, progress, versions, times and error. Pass `nextCursor` back as `cursor` for the next page; it is null on the last.",
          tags: ["Updates"],
          parameters: [updateJobIdParameter, ...updateLogParameters],
          responses: { "200": ok("A page of device logs", ref("UpdateLogPage")), ...errors(400, ...CALLER, 404) },
        }),
      },
      "/ota/campaigns/{id}/start": {
        post: operation("ota.schedule", {
          operationId: "startUpdateJob",
          summary: "Start a scheduled job now",
          description: "Moves the job's start time to now; the worker sends the first devices within seconds. A maintenance window still applies (`firstSendAt`). No body.",
          tags: ["Updates"],
          parameters: [updateJobIdParameter],
          responses: { "200": ok("Started", ref("StartedJob")), ...errors(...CALLER, 404), "409": failure("The job is not scheduled: it has already started or ended") },
        }),
      },
      "/ota/campaigns/{id}/actions": {
        post: operation("ota.schedule", {
          operationId: "applyUpdateJobAction",
          summary: "Pause, resume, cancel, approve or roll back a job",
          description:
            "pause: scheduled or in progress → paused (devices already updating finish). resume: paused → in progress (or scheduled, if it never started). cancel: a job not yet ended → cancelled; devices not yet sent the update keep their firmware. " +
            "approve: lets the next phase start when a phase awaits approval. rollback: sends every device that completed the update its previous version; only when at least one completed. " +
            "approve and rollback need the `ota.approve` permission as well. An action the job's state does not allow (see `allowedActions` of GET /ota/campaigns/{id}) is a 409.",
          tags: ["Updates"],
          parameters: [updateJobIdParameter],
          requestBody: { required: true, content: json(ref("UpdateJobAction")) },
          responses: { "200": ok("Done", ref("UpdateJobActionResult")), ...errors(400, ...CALLER, 404), "409": failure("The job's state does not allow this action") },
        }),
      },
      "/openapi.json": {
        get: {
          operationId: "getOpenApiDocument",
          summary: "This document",
          description: "Public: it describes the API and holds no data.",
          tags: ["Access"],
          security: [],
          responses: { "200": ok("The OpenAPI 3.1 document", { type: "object" }) },
        },
      },
    },
    components: {
      securitySchemes: {
        ApiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "An API key (sdm_…), created by an admin; it acts with the key's role and farm." },
        Bearer: { type: "http", scheme: "bearer", description: "The same API key as `Authorization: Bearer sdm_…`." },
        DeviceBasic: { type: "http", scheme: "basic", description: "A device's own MQTT username and password (firmware download only)." },
        Session: { type: "apiKey", in: "cookie", name: "next-auth.session-token", description: "The web app's session after signing in (`__Secure-next-auth.session-token` over HTTPS)." },
      },
      schemas: {
        ...components(
          {
            DeviceCreate: deviceCreateSchema,
            DeviceUpdate: deviceUpdateSchema,
            DeviceRetire: retireDeviceRequestSchema,
            BulkAction: bulkActionSchema,
            GroupCreate: groupCreateSchema,
            GroupUpdate: groupUpdateSchema,
            TagCreate: tagCreateSchema,
            TagUpdate: tagUpdateSchema,
            ApiKeyCreate: createApiKeySchema,
            ClaimRequest: claimRequestSchema,
            FirmwareStateChange: firmwareStateChangeSchema,
            AlertAcknowledge: acknowledgeAlertSchema,
            AlertResolve: resolveAlertSchema,
            ScheduleUpdate: scheduleUpdateSchema,
            UpdateJobAction: jobActionRequestSchema,
            EmqxAuthenticationRequest: emqxAuthenticationRequestSchema,
            EmqxAuthorizationRequest: emqxAuthorizationRequestSchema,
            MosquittoUserRequest: mosquittoUserRequestSchema,
            MosquittoSuperuserRequest: mosquittoSuperuserRequestSchema,
            MosquittoAclRequest: mosquittoAclRequestSchema,
          },
          "input",
        ),
        ...components(
          {
            DeviceListItem: listedDevice,
            DeviceList: deviceList,
            DeviceDetail: deviceDetail,
            BulkResult: bulkResult,
            Group: group,
            Tag: tag,
            Me: me,
            ApiKey: apiKey,
            ApiKeyCreated: createdApiKey,
            Deleted: deleted,
            DeviceProvisioned: provisionedDevice,
            DeviceConnectionDetails: deviceConnectionDetailsSchema,
            DeviceTopics: deviceTopicsSchema,
            ProvisioningToken: provisioningTokenSchema,
            FirmwareVersion: firmwareVersion,
            AlertListItem: listedAlert,
            AlertList: alertList,
            AlertDetail: alertDetail,
            ScheduledJob: scheduledJob,
            StartedJob: startedJob,
            UpdateJobActionResult: jobActionResult,
            UpdateJobListItem: listedUpdateJob,
            UpdateJobList: updateJobList,
            UpdateJobDetail: updateJobDetail,
            UpdateLog: updateLog,
            UpdateLogPage: updateLogPage,
            EmqxAuthenticationResult: emqxAuthenticationResponseSchema,
            EmqxAuthorizationResult: emqxAuthorizationResponseSchema,
            MosquittoResult: mosquittoResponseSchema,
            Error: errorBody,
          },
          "output",
        ),
      },
      responses: Object.fromEntries(Object.values(ERROR_RESPONSE).map(([name, description]) => [name, { description, content: json(ref("Error")) }])),
    },
  }));
}

function withAreas(areas: readonly OpenApiArea[], document: OpenApiDocument): OpenApiDocument {
  for (const area of areas) {
    for (const tag of area.tags) if (!document.tags.some((known) => known.name === tag.name)) document.tags.push(tag);
    for (const [path, item] of Object.entries(area.paths)) {
      const existing = (document.paths[path] ??= {});
      for (const [method, op] of Object.entries(item) as [HttpMethod, OpenApiOperation][]) {
        if (existing[method]) throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} is documented twice`);
        existing[method] = op;
      }
    }
    for (const [name, schema] of Object.entries(area.schemas)) {
      if (document.components.schemas[name]) throw new Error(`OpenAPI: schema ${name} is defined twice`);
      document.components.schemas[name] = schema;
    }
  }
  return document;
}

/**
 * Every request that carries a body is bounded before it is read (lib/api/request-guards.ts), so
 * every such operation can answer 413: said once here rather than in each operation.
 */
function withBodyLimits(document: OpenApiDocument): OpenApiDocument {
  for (const item of Object.values(document.paths)) {
    for (const method of ["put", "post", "patch", "delete"] as const) {
      const op = item[method];
      if (op && !op.responses["413"]) op.responses = { ...op.responses, "413": { $ref: `#/components/responses/${ERROR_RESPONSE[413][0]}` } };
    }
  }
  return document;
}
