/**
 * What a person or a script sends to command a device, and what they read back. Client-safe (zod
 * and the catalogue only): the "New command" form validates with the same schemas as the API.
 * The catalogue (catalogue.ts) checks the command against the device type and its parameters;
 * these schemas check the envelope around it.
 */
import { z } from "zod";
import { bulkTargetSchema } from "../devices/device-schemas";
import { DEVICE_TYPES } from "../devices/device-id";
import { COMMANDS, DEFAULT_EXPIRY_HOURS, DIAGNOSTIC_SUITES, MAX_EXPIRY_HOURS, MAX_TIMEOUT_SECONDS } from "./catalogue";

export const COMMAND_STATUSES = ["queued", "sent", "executing", "completed", "failed", "timeout", "cancelled", "expired"] as const;
export type CommandStatusName = (typeof COMMAND_STATUSES)[number];
/** A command in one of these has its answer (or never will): nothing changes it any more. */
export const FINAL_COMMAND_STATUSES = ["completed", "failed", "timeout", "cancelled", "expired"] as const satisfies readonly CommandStatusName[];

/** The shortest timeout a person may set: a device needs a moment to answer at all. */
export const MIN_TIMEOUT_SECONDS = 5;

/** "true"/"on" from a checkbox, or a JSON boolean; anything else is refused. */
const flag = z.preprocess((value) => {
  if (typeof value !== "string") return value;
  const word = value.trim().toLowerCase();
  if (["true", "on", "1", "yes"].includes(word)) return true;
  if (["false", "off", "0", "no", ""].includes(word)) return false;
  return value;
}, z.boolean({ error: "Must be true or false" }));

/** A whole number from a form field ("30") or JSON (30); blank means "use the default". */
const wholeNumber = <T extends z.ZodType>(min: number, max: number, what: string, finish: (number: z.ZodNumber) => T) =>
  z.preprocess(
    (value) => (value === "" || value === null ? undefined : typeof value === "string" ? Number(value) : value),
    finish(z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).min(min, `${what} is at least ${min}`).max(max, `${what} is at most ${max}`)),
  );

const commandFields = {
  command: z
    .string({ error: "Pick a command" })
    .trim()
    .min(1, "Pick a command")
    .max(64)
    .describe(`A command of the catalogue the device's type has: ${COMMANDS.map((command) => command.name).join(", ")}`),
  /** Checked against the command's own schema (catalogue.ts) once the command is known. */
  parameters: z.record(z.string(), z.unknown()).default({}).describe("The command's parameters; left-out ones take the catalogue's defaults"),
  confirm: flag.default(false).describe("Must be true for a disruptive command (restart, reset, calibrate…)"),
  timeout_seconds: wholeNumber(MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, "The timeout", (number) => number.optional()).describe("Seconds the device has to answer once sent; the catalogue's default when left out"),
  expires_in_hours: wholeNumber(1, MAX_EXPIRY_HOURS, "The expiry", (number) => number.default(DEFAULT_EXPIRY_HOURS)).describe(`How long a command waits for an offline device before it expires (1–${MAX_EXPIRY_HOURS} h)`),
  only_if_online: flag.default(false).describe("Send only if the device is online now; otherwise refused (409), never queued"),
};

export const sendCommandInput = z.object(commandFields).strict();
export type SendCommandInput = z.infer<typeof sendCommandInput>;

/** A group by id (the group and every group below it), besides the list's selection and filter. */
export const commandTargetSchema = z.union([bulkTargetSchema, z.object({ groupId: z.coerce.number({ error: "Pick a group" }).int().positive("Pick a group") }).strict()]);
export type CommandTarget = z.infer<typeof commandTargetSchema>;

export const bulkCommandInput = z
  .object({
    ...commandFields,
    target: commandTargetSchema.describe("The ticked devices (deviceIds), a group (groupId), or every device a list filter matches (filter: the /devices query)"),
    description: z.string().trim().max(300).optional().describe("A label for the progress view; made from the target when left out"),
  })
  .strict();
export type BulkCommandInput = z.infer<typeof bulkCommandInput>;

const many = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.preprocess(
    (value) => (value === undefined || value === "" ? undefined : (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(",")).filter(Boolean)),
    z.array(z.enum(values, { error: `Unknown ${what}` })).optional(),
  );
const blankIsNone = (value: unknown) => (value === "" ? undefined : value);
/** "2026-12-01" (the start of that day, UTC) or a full ISO time. */
const instant = (what: string) =>
  z.preprocess(
    blankIsNone,
    z
      .string()
      .trim()
      .refine((value) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value)), `${what} must be a date (YYYY-MM-DD) or an ISO time`)
      .optional(),
  );

export const COMMAND_PAGE_SIZE = 50;

/** The command center's URL filters (`/diagnostics?…`) and GET /api/v1/commands: the same names in both. */
export const commandListQuery = z.object({
  device: z.preprocess(blankIsNone, z.string().trim().toUpperCase().max(50).optional()).describe("A device id (MM001), exactly"),
  type: many(DEVICE_TYPES, "device type").describe("Device types, comma-separated or repeated"),
  command: many(COMMANDS.map((command) => command.name) as [string, ...string[]], "command").describe("Commands, comma-separated or repeated"),
  status: many(COMMAND_STATUSES, "status").describe("Statuses, comma-separated or repeated"),
  sender: z.preprocess(blankIsNone, z.string().trim().max(200).optional()).describe("Who sent it, as shown (an e-mail, api-key:<prefix>, or system)"),
  from: instant("from").describe("Sent at or after (a date is its start, UTC)"),
  to: instant("to").describe("Sent before (a date means up to the end of that day, UTC)"),
  batch: z.preprocess(blankIsNone, z.coerce.number({ error: "batch must be an id" }).int().positive("batch must be an id").optional()).describe("A bulk command's batch id"),
  farm: z.preprocess(blankIsNone, z.coerce.number({ error: "farm must be an id" }).int().positive("farm must be an id").optional()).describe("Farm id (callers bound to one farm always see their own)"),
  cursor: z.preprocess(blankIsNone, z.string().max(100).optional()).describe("The `nextCursor` of the previous page"),
  limit: z.preprocess(blankIsNone, z.coerce.number({ error: "limit must be a number" }).int().min(1, "limit is at least 1").max(200, "limit is at most 200").default(COMMAND_PAGE_SIZE)).describe("Commands per page, 1–200"),
});
export type CommandListQuery = z.infer<typeof commandListQuery>;

export type CommandView = {
  /** The command's public id (the one carried on MQTT). */
  id: string;
  device: { id: string; name: string; type: string };
  command: string;
  /** The catalogue's label ("Restart"), or the name for a command the catalogue no longer has. */
  label: string;
  parameters: Record<string, unknown>;
  status: CommandStatusName;
  /** The answer came after the command had timed out (or was cancelled/expired). */
  late: boolean;
  result: Record<string, unknown> | null;
  error: string | null;
  timeoutSeconds: number;
  expiresAt: string;
  onlyIfOnline: boolean;
  requestedBy: string | null;
  batchId: number | null;
  /** get_logs: the bundle the device uploads to. */
  logBundleId: number | null;
  createdAt: string;
  sentAt: string | null;
  executingAt: string | null;
  completedAt: string | null;
};

export type CommandPage = { items: CommandView[]; nextCursor: string | null };

export type BatchView = {
  id: number;
  command: string;
  label: string;
  parameters: Record<string, unknown>;
  description: string;
  farmId: number | null;
  total: number;
  /** Devices the target named that could not take the command, by reason. */
  skipped: Record<string, number>;
  requestedBy: string | null;
  createdAt: string;
  cancelledAt: string | null;
  /** Commands per status (every status present, 0 when none). */
  counts: Record<CommandStatusName, number>;
  /** Answers that came after their timeout. */
  late: number;
  /** When the first command went out, and when the latest answer came. */
  startedAt: string | null;
  lastAnswerAt: string | null;
  /** Queued + sent + executing: what is still under way. */
  open: number;
};

/** "to=2026-12-01" means the whole of that day. */
export function upperBound(to: string): Date {
  const at = new Date(to);
  return /^\d{4}-\d{2}-\d{2}$/.test(to.trim()) ? new Date(at.getTime() + 24 * 3600_000) : at;
}

/** M92's "Run diagnostic" button as an endpoint (POST /iot/devices/{id}/diagnostic): run_diagnostics. */
export const diagnosticRequest = z
  .object({
    suite: z.enum(DIAGNOSTIC_SUITES).optional().describe("full (default) or quick"),
    only_if_online: commandFields.only_if_online,
    expires_in_hours: commandFields.expires_in_hours,
  })
  .strict();

/**
 * M92's "Restart" button as an endpoint (POST /iot/devices/{id}/restart). The button is the
 * person's confirmation; a script must say so with `confirm: true`, as for any disruptive command.
 */
export const restartRequest = z
  .object({
    confirm: commandFields.confirm,
    delay_seconds: z.number().int().min(0).max(300).optional().describe("Seconds before the device restarts (0–300, default 0)"),
    only_if_online: commandFields.only_if_online,
    expires_in_hours: commandFields.expires_in_hours,
  })
  .strict();

/** GET /devices/{id}/commands: the device's latest commands. */
export const deviceCommandsQuery = z.object({ limit: z.coerce.number({ error: "limit must be a number" }).int().min(1, "limit is at least 1").max(200, "limit is at most 200").default(20).describe("Commands, newest first, 1–200") });
