/**
 * The claim of I-013 §2.3: a device (or the phone that scanned its label) sends its id and its
 * one-time provisioning token and receives its MQTT credentials, exactly once. The caller is not
 * a person, so there is no actor: the token is the proof.
 *
 * - The token is consumed by a conditional UPDATE (hash matches, expiry still ahead): of two
 *   concurrent claims, the second waits for the first's row lock, re-reads the row, finds the
 *   expiry cleared and is refused as "already used".
 * - Each refusal is one audit line on the device (reason and address, never the token). Those
 *   lines are also the throttle's counter, per device and per address, as sign-in counts its
 *   failures (lib/auth/sign-in.ts): shared by every web instance, nothing kept in memory.
 */
import type { Db } from "../db";
import { DomainError, fieldErrorsFromIssues, InvalidError, RateLimitedError } from "../errors";
import { brokerUrlForDevices, connectionDetails, type DeviceConnectionDetails } from "./connection-details";
import { hashSecret, issueDeviceCredentials } from "./credentials";
import { claimRequestSchema } from "./provisioning-schemas";
import { CLAIM_REFUSAL_ANSWER, claimRefusal, type ClaimRefusal } from "./provisioning-token";

export const CLAIM_WINDOW_MS = 15 * 60 * 1000;
export const MAX_CLAIM_FAILURES_PER_DEVICE = 10;
export const MAX_CLAIM_FAILURES_PER_IP = 30;

/** A refused claim: 401 wrong token, 410 expired, 409 used or retired. Its code names the reason. */
export class ClaimRefusedError extends DomainError {
  constructor(readonly reason: ClaimRefusal) {
    super(CLAIM_REFUSAL_ANSWER[reason].message, CLAIM_REFUSAL_ANSWER[reason].status, reason);
  }
}

const CLAIMED_FROM = ["manufactured", "registered"] as const;

/** The audit "who" of a claim: nobody signed in, so the address it came from. */
function claimActorLabel(ip: string) {
  return `claim:${ip}`;
}

async function assertNotThrottled(db: Db, deviceId: string, ip: string) {
  const since = new Date(Date.now() - CLAIM_WINDOW_MS);
  const [byDevice, byIp] = await Promise.all([
    db.auditEvent.findMany({
      where: { entityType: "device", entityId: deviceId, action: "claim_refused", createdAt: { gte: since } },
      orderBy: { createdAt: "desc" },
      take: MAX_CLAIM_FAILURES_PER_DEVICE,
      select: { createdAt: true },
    }),
    db.auditEvent.count({ where: { action: "claim_refused", actorLabel: claimActorLabel(ip), createdAt: { gte: since } } }),
  ]);
  if (byDevice.length >= MAX_CLAIM_FAILURES_PER_DEVICE || byIp >= MAX_CLAIM_FAILURES_PER_IP) {
    // The window slides: the device may try again once the oldest counted failure leaves it.
    const oldest = byDevice.length >= MAX_CLAIM_FAILURES_PER_DEVICE ? byDevice[byDevice.length - 1]!.createdAt : since;
    const retryAfterSeconds = Math.max(60, Math.ceil((oldest.getTime() + CLAIM_WINDOW_MS - Date.now()) / 1000));
    throw new RateLimitedError(`Too many refused claims. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`, retryAfterSeconds);
  }
}

type Outcome = { ok: true; credentials: DeviceConnectionDetails } | { ok: false; reason: ClaimRefusal };

export async function claimDevice(db: Db, input: { deviceId: string; token: string; ip: string }): Promise<DeviceConnectionDetails> {
  const parsed = claimRequestSchema.safeParse({ deviceId: input.deviceId, token: input.token });
  if (!parsed.success) throw new InvalidError("Send a device id and its provisioning token.", fieldErrorsFromIssues(parsed.error.issues));
  const { deviceId, token } = parsed.data;
  const ip = input.ip.trim().slice(0, 64) || "unknown";
  await assertNotThrottled(db, deviceId, ip);

  const brokerUrl = brokerUrlForDevices();
  const now = new Date();
  const outcome = await db.$transaction(async (tx): Promise<Outcome> => {
    const device = await tx.device.findUnique({
      where: { deviceId },
      select: { id: true, deviceId: true, state: true, provisioningTokenHash: true, provisioningTokenExpiry: true },
    });
    const refusal = claimRefusal(device, token, now);
    if (refusal || !device) return { ok: false, reason: refusal ?? "invalid_token" };
    const consumed = await tx.device.updateMany({
      where: { id: device.id, provisioningTokenHash: hashSecret(token), provisioningTokenExpiry: { gt: now } },
      data: { provisioningTokenExpiry: null, provisioningDate: now },
    });
    // Another claim consumed it between our read and our write.
    if (consumed.count === 0) return { ok: false, reason: "token_used" };
    const moved = await tx.device.updateMany({ where: { id: device.id, state: { in: [...CLAIMED_FROM] } }, data: { state: "provisioned" } });
    const issued = await issueDeviceCredentials(tx, device);
    await tx.auditEvent.create({
      data: {
        actorId: null,
        actorLabel: claimActorLabel(ip),
        entityType: "device",
        entityId: deviceId,
        action: "claimed",
        before: moved.count ? { state: device.state } : undefined,
        after: { username: issued.username, clientId: issued.clientId, ip, ...(moved.count ? { state: "provisioned" } : {}) },
      },
    });
    return { ok: true, credentials: connectionDetails(deviceId, issued, brokerUrl) };
  });

  if (outcome.ok) return outcome.credentials;
  await db.auditEvent.create({
    data: { actorId: null, actorLabel: claimActorLabel(ip), entityType: "device", entityId: deviceId, action: "claim_refused", after: { reason: outcome.reason, ip } },
  });
  throw new ClaimRefusedError(outcome.reason);
}
