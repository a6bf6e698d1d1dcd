/**
 * One-time provisioning tokens (M92 `action_generate_provisioning_token`, I-013 §2.3): pure rules,
 * no I/O. A token is 32 random bytes (`secrets.token_urlsafe(32)` in M92), valid 24 h, stored on
 * the device only as its SHA-256, and consumed by the first successful claim.
 *
 * The device row remembers one token: `provisioningTokenHash` + `provisioningTokenExpiry`. A
 * consumed token keeps its hash with the expiry cleared, so a second claim with the same token is
 * told "already used" rather than "wrong token"; generating a new token replaces it.
 */
import { newSecret, secretMatches } from "./credentials";

export const PROVISIONING_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
export const PROVISIONING_TOKEN_BYTES = 32;

export function newProvisioningToken(now = new Date()): { token: string; expiresAt: Date } {
  return { token: newSecret(PROVISIONING_TOKEN_BYTES), expiresAt: new Date(now.getTime() + PROVISIONING_TOKEN_TTL_MS) };
}

/**
 * I-013 §2.3.2 `generate_qr_code_data`: `smartdairy://claim?d={deviceId}&t={token}`. The whole
 * token goes in: the seed's `claim_token[:32]` would make the label's token unverifiable.
 */
export function claimUrl(deviceId: string, token: string): string {
  return `smartdairy://claim?d=${encodeURIComponent(deviceId)}&t=${encodeURIComponent(token)}`;
}

export type TokenFields = { provisioningTokenHash: string | null; provisioningTokenExpiry: Date | null };

export type TokenStatus = "none" | "pending" | "expired" | "used";

/** What the device page shows about its token. */
export function provisioningTokenStatus(device: TokenFields, now = new Date()): TokenStatus {
  if (!device.provisioningTokenHash) return "none";
  if (!device.provisioningTokenExpiry) return "used";
  return device.provisioningTokenExpiry.getTime() > now.getTime() ? "pending" : "expired";
}

export const CLAIM_REFUSALS = ["invalid_token", "token_expired", "token_used", "device_retired"] as const;
export type ClaimRefusal = (typeof CLAIM_REFUSALS)[number];

/**
 * Why a claim is refused, or null when the token may be consumed. An unknown device, a device
 * without a token and a wrong token are one answer ("invalid_token"), so that a caller without
 * the token learns nothing about the device; "expired" and "used" are told only to a caller who
 * holds the right token.
 */
export function claimRefusal(device: (TokenFields & { state: string }) | null, token: string, now = new Date()): ClaimRefusal | null {
  if (!device?.provisioningTokenHash || !secretMatches(token, device.provisioningTokenHash)) return "invalid_token";
  if (device.state === "decommissioned") return "device_retired";
  const status = provisioningTokenStatus(device, now);
  if (status === "used") return "token_used";
  if (status === "expired") return "token_expired";
  return null;
}

/** The answer a device gets for each refusal: an HTTP status and a message it can log. */
export const CLAIM_REFUSAL_ANSWER: Record<ClaimRefusal, { status: number; message: string }> = {
  invalid_token: { status: 401, message: "The provisioning token is not valid for this device." },
  token_expired: { status: 410, message: "The provisioning token has expired (tokens last 24 hours). Ask for a new one." },
  token_used: { status: 409, message: "The provisioning token has already been used. Ask for a new one to claim the device again." },
  device_retired: { status: 409, message: "The device is retired and cannot be claimed." },
};
