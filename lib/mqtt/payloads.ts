/**
 * zod schemas of every MQTT payload (I-013 appendix A.2). The worker, the simulator, the web app
 * and the tests all parse and build messages with these, so the contract lives once.
 */
import { z } from "zod";

const percent = z.number().min(0).max(100);
/** PostgreSQL's int (int4): a larger value fails the whole window's write, so it is refused here. */
export const PG_INT_MAX = 2_147_483_647;
const isoOrEpoch = z.union([z.iso.datetime({ offset: true }), z.number().int().positive()]);

export const telemetryPayload = z.object({
  ts: isoOrEpoch.optional(),
  battery_level: percent.nullish(),
  battery_voltage: z.number().min(0).max(60).nullish(),
  /** dBm: -120 (nothing) … 0 */
  signal_strength: z.number().int().min(-150).max(0).nullish(),
  error_count: z.number().int().min(0).max(1_000_000).nullish(),
  uptime_seconds: z.number().int().min(0).max(PG_INT_MAX).nullish(),
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
  /** A device that gets the command after this (it sat in a queue) ignores it. */
  expires_at: z.iso.datetime({ offset: true }).optional(),
});
export type CommandPayload = z.infer<typeof commandPayload>;

export const commandResponsePayload = z.object({
  status: z.enum(["executing", "completed", "failed"]),
  result: z.record(z.string(), z.unknown()).nullish(),
  error: z.string().max(2000).nullish(),
});
export type CommandResponsePayload = z.infer<typeof commandResponsePayload>;

/**
 * Cloud → device on `devices/{id}/config` (published retained, so a device that reconnects is given
 * the latest): the whole configuration, its version and its hash (lib/configuration/config-hash.ts).
 * The device checks it against its type's schema, applies it and reports on `config/status`.
 */
export const configPayload = z.object({
  version: z.number().int().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  configuration: z.record(z.string(), z.unknown()),
  issued_at: z.iso.datetime({ offset: true }).optional(),
});
export type ConfigPayload = z.infer<typeof configPayload>;

/**
 * Device → cloud on `devices/{id}/config/status`: what it did with a version. `applied` carries the
 * hash of what it now runs; `rejected` (it refused the configuration: never resent) and `failed`
 * (it could not apply it now) carry a reason. A device may also report, unasked, what it runs
 * (after a boot or a local change): then `version` is the one it believes it has.
 */
export const configReportPayload = z.object({
  version: z.number().int().min(0).max(PG_INT_MAX),
  status: z.enum(["applied", "rejected", "failed"]),
  hash: z.string().regex(/^[0-9a-f]{64}$/).nullish(),
  reason: z.string().max(2000).nullish(),
  ts: isoOrEpoch.optional(),
});
export type ConfigReportPayload = z.infer<typeof configReportPayload>;

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
  job_id: z.number().int().positive().max(PG_INT_MAX),
  status: z.enum(["downloading", "installing", "verifying", "completed", "failed", "rolled_back"]),
  progress: z.number().min(0).max(100).nullish(),
  error: z.string().max(2000).nullish(),
  version: z.string().max(50).nullish(),
});
export type OtaStatusPayload = z.infer<typeof otaStatusPayload>;

/**
 * What a device → cloud message may weigh, per topic: bytes on the wire (checked before parsing),
 * keys (object members and array items, all levels together) and nesting depth (the payload
 * object is level 1). A 1 MB `readings`
 * or 50,000 keys would otherwise be parsed, kept in memory and stored verbatim.
 */
export type PayloadLimits = { bytes: number; keys: number; depth: number };

export const PAYLOAD_LIMITS = {
  /** Today's devices send ~300 bytes and a dozen readings. */
  telemetry: { bytes: 16_384, keys: 256, depth: 2 },
  status: { bytes: 1_024, keys: 16, depth: 1 },
  /** `result` is the device's own JSON: some room, still bounded. */
  commandResponse: { bytes: 65_536, keys: 1_024, depth: 8 },
  otaStatus: { bytes: 4_096, keys: 16, depth: 1 },
  configReport: { bytes: 4_096, keys: 16, depth: 1 },
} as const satisfies Record<string, PayloadLimits>;

export type DecodeRefusal = "not_json" | "too_large" | "invalid";
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string; refusal: DecodeRefusal };

/**
 * Why a parsed payload cannot be taken, or null: past `limits`, or a string (value or key, at any
 * depth) PostgreSQL refuses — a NUL character (text and jsonb) or a lone UTF-16 surrogate (jsonb).
 * Both can only come from a `\u` escape in valid JSON (raw control characters are not JSON, and
 * malformed UTF-8 decodes to U+FFFD), so strings are looked at only when the text has one: one
 * pass over the parsed value, bounded by the byte limit, and no string scan on the usual message.
 */
function unstorable(value: unknown, limits: PayloadLimits, checkStrings: boolean): { refusal: DecodeRefusal; error: string } | null {
  const found = visit(value, 0, limits, { keys: 0, checkStrings });
  return found && { refusal: found.refusal, error: `${found.path.join(".") || "payload"}: ${found.what}` };
}

type Found = { refusal: DecodeRefusal; what: string; path: (string | number)[] };

/** Module-level with Object.keys and the path built only on the way back from a refusal: a closure and for…in cost as much again as JSON.parse. */
function visit(node: unknown, depth: number, limits: PayloadLimits, state: { keys: number; checkStrings: boolean }): Found | null {
  if (typeof node === "string") return state.checkStrings && badString(node) ? { refusal: "invalid", what: BAD_STRING, path: [] } : null;
  if (typeof node !== "object" || node === null) return null;
  if (depth >= limits.depth) return { refusal: "too_large", what: `nested deeper than ${limits.depth} level(s)`, path: [] };
  if (Array.isArray(node)) {
    state.keys += node.length;
    if (state.keys > limits.keys) return { refusal: "too_large", what: `more than ${limits.keys} keys`, path: [] };
    for (let i = 0; i < node.length; i++) {
      const found = visit(node[i], depth + 1, limits, state);
      if (found) {
        found.path.unshift(i);
        return found;
      }
    }
    return null;
  }
  const names = Object.keys(node);
  state.keys += names.length;
  if (state.keys > limits.keys) return { refusal: "too_large", what: `more than ${limits.keys} keys`, path: [] };
  for (let i = 0; i < names.length; i++) {
    const key = names[i]!;
    if (state.checkStrings && badString(key)) return { refusal: "invalid", what: `key ${BAD_STRING}`, path: [key] };
    const found = visit((node as Record<string, unknown>)[key], depth + 1, limits, state);
    if (found) {
      found.path.unshift(key);
      return found;
    }
  }
  return null;
}

const BAD_STRING = "contains a NUL character or a lone UTF-16 surrogate, which cannot be stored";
const NUL_OR_LONE_SURROGATE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const badString = (text: string) => NUL_OR_LONE_SURROGATE.test(text);

/**
 * Bytes off the wire → a validated payload, or a one-line reason and its kind (never a throw).
 * With `limits`, also refuses what is too large or what PostgreSQL cannot store (see unstorable).
 */
export function decodePayload<T>(schema: z.ZodType<T>, bytes: Buffer | Uint8Array | string, limits?: PayloadLimits): DecodeResult<T> {
  if (limits && bytes.length > limits.bytes) {
    return { ok: false, refusal: "too_large", error: `payload of ${bytes.length} bytes exceeds ${limits.bytes}` };
  }
  let json: unknown;
  let text: string;
  try {
    text = typeof bytes === "string" ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
    json = JSON.parse(text);
  } catch {
    return { ok: false, refusal: "not_json", error: "payload is not JSON" };
  }
  if (limits) {
    const refused = unstorable(json, limits, text.includes("\\u"));
    if (refused) return { ok: false, ...refused };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const first = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`)
    .join("; ");
  return { ok: false, refusal: "invalid", error: first };
}

/** Device timestamps may be epoch seconds, epoch milliseconds or ISO strings. */
export function payloadTime(ts: string | number | undefined, fallback: Date): Date {
  if (ts === undefined) return fallback;
  if (typeof ts === "number") return new Date(ts < 1e12 ? ts * 1000 : ts);
  return new Date(ts);
}
