/**
 * The OpenAPI operations of remote commands (lib/api/openapi.ts merges them into the document).
 * Request bodies and query parameters come from the zod schemas the routes parse with; the answers
 * are the views lib/commands returns, described here with zod too.
 */
import { z } from "zod";
import { DEVICE_TYPES } from "../devices/device-id";
import {
  CALLER,
  components,
  deviceIdParameter,
  errors,
  failure,
  json,
  ok,
  operation,
  queryParameters,
  ref,
  timestamp,
  type OpenApiArea,
  type OpenApiParameter,
} from "../api/openapi-helpers";
import { BULK_COMMAND_ROLE, COMMANDS, DEFAULT_EXPIRY_HOURS } from "./catalogue";
import { bulkCommandInput, COMMAND_STATUSES, commandListQuery, deviceCommandsQuery, diagnosticRequest, restartRequest, sendCommandInput } from "./command-schemas";
import { SKIP_REASONS } from "./bulk-commands";

const TAG = "Commands";

const command = z
  .object({
    id: z.string().describe("The command's id, also on MQTT (devices/{id}/commands/{command_id}/response)"),
    device: z.object({ id: z.string(), name: z.string(), type: z.enum(DEVICE_TYPES) }),
    command: z.string(),
    label: z.string().describe("The catalogue's name for people"),
    parameters: z.record(z.string(), z.unknown()).describe("As the device gets them, defaults filled in"),
    status: z.enum(COMMAND_STATUSES).describe("queued → sent → executing → completed | failed | timeout; or cancelled (before it was sent), expired (the device stayed offline)"),
    late: z.boolean().describe("The answer came after the command had timed out; the status is that answer"),
    result: z.record(z.string(), z.unknown()).nullable().describe("The device's answer (ping round trips, status fields, diagnostic tests, log bundle…)"),
    error: z.string().nullable(),
    timeoutSeconds: z.number().int(),
    expiresAt: timestamp.describe("Not sent by then (device offline) → expired"),
    onlyIfOnline: z.boolean(),
    requestedBy: z.string().nullable().describe("An e-mail, api-key:<prefix>, or system"),
    batchId: z.number().int().nullable().describe("The bulk command it belongs to"),
    logBundleId: z.number().int().nullable().describe("get_logs: the bundle the device uploads (GET /devices/{id}/logs)"),
    createdAt: timestamp,
    sentAt: timestamp.nullable(),
    executingAt: timestamp.nullable().describe("When the device acknowledged it; it is never sent again after that"),
    completedAt: timestamp.nullable(),
  })
  .describe("One command and where it stands.");

const commandPage = z.object({ data: z.array(command), nextCursor: z.string().nullable().describe("Pass as `cursor` for the next (older) page; null on the last") });
const deviceCommandList = z.object({ data: z.array(command).describe("Newest first") });

const statusCounts = z.object(Object.fromEntries(COMMAND_STATUSES.map((status) => [status, z.number().int()])) as Record<(typeof COMMAND_STATUSES)[number], z.ZodNumber>);
const batch = z
  .object({
    id: z.number().int(),
    command: z.string(),
    label: z.string(),
    parameters: z.record(z.string(), z.unknown()),
    description: z.string(),
    farmId: z.number().int().nullable().describe("null when the devices span farms"),
    total: z.number().int().describe("Devices sent the command"),
    skipped: z.record(z.enum(Object.keys(SKIP_REASONS) as [keyof typeof SKIP_REASONS]), z.number().int()).describe(`Devices the target named that could not take it, by reason: ${Object.entries(SKIP_REASONS).map(([key, text]) => `${key} (${text})`).join(", ")}`),
    requestedBy: z.string().nullable(),
    createdAt: timestamp,
    cancelledAt: timestamp.nullable().describe("When someone cancelled the rest"),
    counts: statusCounts.describe("Commands per status"),
    late: z.number().int().describe("Answers that came after their timeout"),
    startedAt: timestamp.nullable().describe("When the first command went out"),
    lastAnswerAt: timestamp.nullable().describe("When the latest answer came"),
    open: z.number().int().describe("Queued, sent or executing"),
  })
  .describe("A bulk command and its progress.");
const batchCancelled = z.object({ cancelled: z.number().int().describe("Commands taken back (they were still queued)"), batch });

const catalogueTable = [
  "| command | device types | disruptive | lowest role |",
  "|---|---|---|---|",
  ...COMMANDS.map((spec) => `| ${spec.name} | ${spec.deviceTypes === "all" ? "all" : spec.deviceTypes.join(", ")} | ${spec.disruptive ? "yes" : ""} | ${spec.minRole} |`),
].join("\n");

const idempotencyHeader: OpenApiParameter = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "Any 1–200 visible ASCII characters, per caller. The same key with the same request answers the command it made (200); with a different request it is a 409.",
  schema: { type: "string", minLength: 1, maxLength: 200 },
};
const commandIdParameter: OpenApiParameter = { name: "id", in: "path", required: true, description: "The command's id", schema: { type: "string", minLength: 1, maxLength: 64 } };
const batchIdParameter: OpenApiParameter = { name: "id", in: "path", required: true, description: "The batch's id", schema: { type: "integer", minimum: 1 } };

const SEND_REFUSALS = {
  ...errors(400, ...CALLER, 404),
  "409": failure("The device is retired; a firmware update runs on it (disruptive commands); only_if_online and it is not online; or the Idempotency-Key was used for another request"),
};
const commandAnswers = (what: string) => ({
  "201": { ...ok(`${what} is queued (Location: /api/v1/commands/{id})`, ref("Command")) },
  "200": ok("The command an earlier request with the same Idempotency-Key made", ref("Command")),
  ...SEND_REFUSALS,
});

const RULES =
  "Refused: a viewer (403); a role below the command's lowest role (403); another farm's device (404, as a missing one); a retired device (409); " +
  "a command the device's type lacks (400, naming the ones it has); bad parameters (400, `error.fields` per `parameters.<name>`); " +
  "a disruptive command without `confirm: true` (400) or while a firmware update runs on the device (409); `only_if_online` for a device that is not online (409). " +
  `A command for an offline device waits until it comes back or expires (default ${DEFAULT_EXPIRY_HOURS} h).`;

export const commandsOpenApi: OpenApiArea = {
  tags: [
    {
      name: TAG,
      description:
        "Remote commands (I-013 §7): queued by the API, sent over MQTT (`devices/{id}/commands`) by the worker when the device is reachable, answered on `devices/{id}/commands/{command_id}/response`. " +
        "Bulk commands go out at a bounded rate; their batch shows the progress.\n\n" +
        catalogueTable,
    },
  ],
  paths: {
    "/devices/{id}/commands": {
      get: operation("devices.read", {
        operationId: "listDeviceCommands",
        summary: "A device's latest commands",
        tags: [TAG],
        parameters: [deviceIdParameter, ...queryParameters(deviceCommandsQuery)],
        responses: { "200": ok("Newest first", ref("DeviceCommandList")), ...errors(400, ...CALLER, 404) },
      }),
      post: operation("devices.command", {
        operationId: "sendDeviceCommand",
        summary: "Send a command to a device",
        description: `The command must be one the device's type has (see the table under Commands). ${RULES}`,
        tags: [TAG],
        parameters: [deviceIdParameter, idempotencyHeader],
        requestBody: { required: true, content: json(ref("SendCommand")) },
        responses: commandAnswers("The command"),
      }),
    },
    "/commands": {
      get: operation("devices.read", {
        operationId: "listCommands",
        summary: "Every command (the command center)",
        description: "Newest first, a page at a time (keyset: pass `nextCursor` back as `cursor`). The same filters as the command center's URL (`/diagnostics?…`). Callers bound to a farm see their farm's commands only.",
        tags: [TAG],
        parameters: queryParameters(commandListQuery),
        responses: { "200": ok("A page of commands", ref("CommandPage")), ...errors(400, ...CALLER) },
      }),
    },
    "/commands/{id}": {
      get: operation("devices.read", {
        operationId: "getCommand",
        summary: "Read a command",
        description: "Poll it until the status is final (completed, failed, timeout, cancelled, expired). A late answer after a timeout still arrives: `late` says so.",
        tags: [TAG],
        parameters: [commandIdParameter],
        responses: { "200": ok("The command", ref("Command")), ...errors(...CALLER, 404) },
      }),
    },
    "/commands/{id}/cancel": {
      post: operation("devices.command", {
        operationId: "cancelCommand",
        summary: "Cancel a command not sent yet",
        description: "Only a queued command: once sent, the device may already act on it. No body.",
        tags: [TAG],
        parameters: [commandIdParameter],
        responses: { "200": ok("The cancelled command", ref("Command")), ...errors(...CALLER, 404), "409": failure("The command is not queued any more") },
      }),
    },
    "/commands/bulk": {
      post: operation("devices.command", {
        operationId: "sendBulkCommand",
        summary: "Send one command to many devices",
        description:
          `Takes the \`${BULK_COMMAND_ROLE}\` role or higher. The target is the ticked devices (\`deviceIds\`), a group and the groups below it (\`groupId\`), or every device a list filter matches (\`filter\`, the /devices query). ` +
          "Devices that cannot take the command (another type, retired, a firmware update running for a disruptive one) are skipped and counted in `skipped`; ids that do not exist or are another farm's are a 400. " +
          "The commands go out at the worker's bounded rate; poll GET /commands/batches/{id}.",
        tags: [TAG],
        parameters: [idempotencyHeader],
        requestBody: { required: true, content: json(ref("BulkCommand")) },
        responses: {
          "201": ok("The batch, queued (Location: /api/v1/commands/batches/{id})", ref("CommandBatch")),
          "200": ok("The batch an earlier request with the same Idempotency-Key made", ref("CommandBatch")),
          ...errors(400, ...CALLER),
          "409": failure("The Idempotency-Key was used for another request"),
        },
      }),
    },
    "/commands/batches/{id}": {
      get: operation("devices.read", {
        operationId: "getCommandBatch",
        summary: "A bulk command's progress",
        tags: [TAG],
        parameters: [batchIdParameter],
        responses: { "200": ok("Counts per status, late answers, first send and latest answer", ref("CommandBatch")), ...errors(...CALLER, 404) },
      }),
    },
    "/commands/batches/{id}/cancel": {
      post: operation("devices.command", {
        operationId: "cancelCommandBatchRest",
        summary: "Cancel the rest of a bulk command",
        description: `Every command of the batch still queued is cancelled; those already sent run their course. Takes the \`${BULK_COMMAND_ROLE}\` role or higher. No body.`,
        tags: [TAG],
        parameters: [batchIdParameter],
        responses: { "200": ok("How many were cancelled, and the progress", ref("CommandBatchCancelled")), ...errors(...CALLER, 404) },
      }),
    },
    "/iot/devices/{id}/diagnostic": {
      post: operation("devices.command", {
        operationId: "runDeviceDiagnostic",
        summary: "Run diagnostics on a device (M92)",
        description: `A run_diagnostics command. When the device answers, a Diagnostic record is made and the device's last diagnostic and report are updated. The body may be empty. ${RULES}`,
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter, idempotencyHeader],
        requestBody: { required: false, content: json(ref("DiagnosticRequest")) },
        responses: commandAnswers("The run_diagnostics command"),
      }),
    },
    "/iot/devices/{id}/restart": {
      post: operation("devices.command", {
        operationId: "restartDevice",
        summary: "Restart a device (M92)",
        description: `A restart command; a restart disrupts the device, so the body must say \`{"confirm": true}\` (the device form's button is that confirmation), otherwise 400. The device's restart count goes up when it confirms. ${RULES}`,
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter, idempotencyHeader],
        requestBody: { required: true, content: json(ref("RestartRequest")) },
        responses: commandAnswers("The restart command"),
      }),
    },
  },
  schemas: {
    ...components({ SendCommand: sendCommandInput, BulkCommand: bulkCommandInput, DiagnosticRequest: diagnosticRequest, RestartRequest: restartRequest }, "input"),
    ...components({ Command: command, CommandPage: commandPage, DeviceCommandList: deviceCommandList, CommandBatch: batch, CommandBatchCancelled: batchCancelled }, "output"),
  },
};
