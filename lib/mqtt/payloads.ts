/**
 * zod schemas of every MQTT payload (I-013 appendix A.2). The worker, the simulator, the web app
 * and the tests all parse and build messages with these, so the contract lives once.
 */
import { z } from "zod";

const percent = z.number().min(0).max(100);
const isoOrEpoch = z.union([z.iso.datetime({ offset: true }), z.number().int().positive()]);

export const telemetryPayload = z.object({
  ts: isoOrEpoch.optional(),
  battery_level: percent.nullish(),
  battery_voltage: z.number().min(0).max(60).nullish(),
  /** dBm: -120 (nothing) … 0 */
  signal_strength: z.number().int().min(-150).max(0).nullish(),
  error_count: z.number().int().min(0).max(1_000_000).nullish(),
  uptime_seconds: z.number().int().min(0).nullish(),
  cpu_percent: percent.nullish(),
  memory_percent: percent.nullish(),
  storage_percent: percent.nullish(),
  firmware_version: z.string().max(50).nullish(),
  bytes_sent: z.number().int().min(0).nullish(),
  location: z
    .object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
    .nullish(),
  readings: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).nullish(),
});
export type TelemetryPayload = z.infer<typeof telemetryPayload>;

export const statusPayload = z.object({
  status: z.enum(["online", "offline"]),
  reason: z.string().max(200).nullish(),
  ts: isoOrEpoch.optional(),
  firmware_version: z.string().max(50).nullish(),
});
export type StatusPayload = z.infer<typeof statusPayload>;

export const commandPayload = z.object({
  command_id: z.string().min(1).max(64),
  command: z.string().min(1).max(64),
  parameters: z.record(z.string(), z.unknown()).default({}),
  timestamp: z.iso.datetime({ offset: true }),
});
export type CommandPayload = z.infer<typeof commandPayload>;

export const commandResponsePayload = z.object({
  status: z.enum(["executing", "completed", "failed"]),
  result: z.record(z.string(), z.unknown()).nullish(),
  error: z.string().max(2000).nullish(),
});
export type CommandResponsePayload = z.infer<typeof commandResponsePayload>;

export const configPayload = z.object({
  version: z.number().int().min(1),
  configuration: z.record(z.string(), z.unknown()),
});
export type ConfigPayload = z.infer<typeof configPayload>;

export const otaUpdatePayload = z.object({
  job_id: z.number().int().positive(),
  version: z.string().min(1).max(50),
  download_url: z.string().url(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
  signature: z.string().min(1),
  mandatory: z.boolean().default(false),
  /** The canonical manifest text the signature covers (lib/firmware/signing.ts); devices check it, then size and sha256 against it. */
  manifest: z.string().min(2).optional(),
  signing_key_id: z.string().min(1).max(64).optional(),
  /** true when the job is rolling back: `version` is the one to return to. */
  rollback: z.boolean().default(false),
});
export type OtaUpdatePayload = z.infer<typeof otaUpdatePayload>;

export const otaStatusPayload = z.object({
  // Bounded to PostgreSQL's int: a larger id from a confused device must be refused here, not fail a batch.
  job_id: z.number().int().positive().max(2_147_483_647),
  status: z.enum(["downloading", "installing", "verifying", "completed", "failed", "rolled_back"]),
  progress: z.number().min(0).max(100).nullish(),
  error: z.string().max(2000).nullish(),
  version: z.string().max(50).nullish(),
});
export type OtaStatusPayload = z.infer<typeof otaStatusPayload>;

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Bytes off the wire → a validated payload, or a one-line reason (never a throw). */
export function decodePayload<T>(schema: z.ZodType<T>, bytes: Buffer | Uint8Array | string): DecodeResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("utf8"));
  } catch {
    return { ok: false, error: "payload is not JSON" };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const first = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`)
    .join("; ");
  return { ok: false, error: first };
}

/** Device timestamps may be epoch seconds, epoch milliseconds or ISO strings. */
export function payloadTime(ts: string | number | undefined, fallback: Date): Date {
  if (ts === undefined) return fallback;
  if (typeof ts === "number") return new Date(ts < 1e12 ? ts * 1000 : ts);
  return new Date(ts);
}
