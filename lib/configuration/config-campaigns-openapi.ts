/**
 * The OpenAPI operations of configuration campaigns (lib/api/openapi.ts merges them into the
 * document). The request body is generated from configCampaignSchema, the schema the route parses
 * with; the answers are the update job views (UpdateJobList, UpdateJobDetail), which carry the
 * campaign's `kind` and `configChange`.
 */
import { z } from "zod";
import { CALLER, components, errors, failure, idParameter, input, json, ok, operation, queryParameters, ref, type OpenApiArea } from "../api/openapi-helpers";
import { updateJobIdSchema, updateJobListQuerySchema } from "../ota/update-job-requests";
import { configCampaignSchema } from "./config-campaign-schemas";
import { CONFIG_DEVICE_TYPES } from "./config-schemas";

const TAG = "Configuration campaigns";

const created = z.object({
  jobId: z.number().int().describe("The campaign's update job: GET /config-campaigns/{jobId}; its actions and device logs are under /ota/campaigns/{jobId}"),
  deviceCount: z.number().int().describe("Devices that will get a new configuration version"),
  phases: z.array(z.object({ position: z.number().int(), deviceCount: z.number().int().describe("Devices of this phase alone") })).describe("How the strategy cut the devices, first phase first"),
  skipped: z
    .array(z.object({ deviceId: z.string(), reason: z.string() }))
    .describe("Selected devices left out: retired, of another device type, or already in a running configuration campaign"),
});

const listParameters = queryParameters(updateJobListQuerySchema, {
  state: "One state, or active (scheduled, in progress or paused)",
  page: "Page number, from 1",
  pageSize: "Campaigns per page, 1–100",
}).map((parameter) => (parameter.name === "pageSize" ? { ...parameter, schema: input(updateJobListQuerySchema.shape.pageSize) } : parameter));

export const configCampaignsOpenApi: OpenApiArea = {
  tags: [
    {
      name: TAG,
      description:
        "Configuration campaigns (I-013 §5.3): one change of settings (`changes`, a partial configuration of one device type, checked against that type's schema) rolled out to many devices " +
        "on the firmware rollout engine — all at once, rolling (batches of `batchSize` every `delayMinutes`), canary (`canaryPercentage`, `soakMinutes`, `requireApproval`) or phased — " +
        "with success and error thresholds, a minimum phase size and a device timeout. Each device gets a new version of its own configuration (its overrides with the change merged in), " +
        "delivered on `devices/{id}/config`; when a phase's failures exceed the error threshold the campaign rolls back by itself: every device sent the change gets its previous configuration again as a new version. " +
        `Device types: ${CONFIG_DEVICE_TYPES.join(", ")}. Pause, resume, cancel, approve and roll back with POST /ota/campaigns/{id}/actions; per-device logs at GET /ota/campaigns/{id}/logs.`,
    },
  ],
  paths: {
    "/config-campaigns": {
      get: operation("ota.read", {
        operationId: "listConfigCampaigns",
        summary: "List configuration campaigns",
        description: "Newest first. Managers and technicians see the campaigns of their farm's devices.",
        tags: [TAG],
        parameters: listParameters,
        responses: { "200": ok("A page of campaigns", ref("UpdateJobList")), ...errors(400, ...CALLER) },
      }),
      post: operation("config.manage", {
        operationId: "createConfigCampaign",
        summary: "Create a configuration campaign",
        description:
          "Also needs `ota.schedule`. Devices are named by id (`selection.deviceIds`; another farm's or an unknown id is a 404) or chosen by the device list's filters (`selection.filter`). " +
          "A bad value or an unknown setting is a 400 naming its path (`error.fields[\"changes.telemetry.update_interval_sec\"]`), as is a change that makes some device's whole configuration invalid " +
          "(a cross-field rule, e.g. an alarm above its maximum). Retired devices, devices of another type and devices already in a running configuration campaign are left out (`skipped`).",
        tags: [TAG],
        requestBody: { required: true, content: json(ref("ConfigCampaignCreate")) },
        responses: { "201": ok("The scheduled campaign (Location: /api/v1/config-campaigns/{jobId})", ref("ConfigCampaignCreated")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/config-campaigns/{id}": {
      get: operation("ota.read", {
        operationId: "getConfigCampaign",
        summary: "Read a configuration campaign",
        description: "The campaign with its change (`configChange`), counts, phases and the actions its state allows. A firmware job's id is a 404 here.",
        tags: [TAG],
        parameters: [idParameter("campaign", updateJobIdSchema)],
        responses: { "200": ok("The campaign", ref("UpdateJobDetail")), ...errors(...CALLER), "404": failure("No such configuration campaign, or it belongs to a farm the caller may not see") },
      }),
    },
  },
  schemas: {
    ...components({ ConfigCampaignCreate: configCampaignSchema }, "input"),
    ...components({ ConfigCampaignCreated: created }, "output"),
  },
};
