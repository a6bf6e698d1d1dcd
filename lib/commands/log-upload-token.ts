/**
 * The short-lived upload URL a device gets in a `get_logs` command: a random one-time token whose
 * SHA-256 alone is stored (device_log_bundles.upload_token_hash), valid until upload_expires_at.
 * The worker mints it when it sends the command, so the token never sits in the stored parameters
 * nor in any API answer.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function newUploadToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashUploadToken(token) };
}

export function hashUploadToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function uploadTokenMatches(token: string, storedHash: string | null): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(hashUploadToken(token), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Where the device PUTs the gzip bundle (app/api/v1/iot/devices/[id]/logs/[bundleId]/upload). */
export function logUploadUrl(publicUrl: string, deviceId: string, bundleId: number, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}/api/v1/iot/devices/${encodeURIComponent(deviceId)}/logs/${bundleId}/upload?token=${token}`;
}
