/**
 * The claim of I-013 §2.3: a device (or the phone that scanned its label) sends its id and its
 * one-time provisioning token and receives its MQTT credentials, exactly once. The caller is not
 * a person, so there is no actor: the token is the proof.
 *
 * - The token is consumed by a conditional UPDATE (hash matches, expiry still ahead): of two
 *   concurrent claims, the second waits for the first's row lock, re-reads the row, finds the
 *   expiry cleared and is refused as "already used".
 * - Each refusal is one audit line on the device (reason and address, never the token). Those
 *   lines are also the throttle's counter, as sign-in counts its failures (lib/auth/sign-in.ts):
 *   shared by every web instance, nothing kept in memory. Refusals slow down rather than lock: a
 *   growing delay per device *and* address, and much higher limits per address (any device) and
 *   per device (any address, except addresses that have claimed a device before), so that nobody
 *   can lock a device's claim for the installer by sending it wrong tokens. An admin can clear a
 *   device's refusals (clearClaimFailures): an audit line from which the counting starts again.
 */
import { recordAudit } from "../audit/record";
import { growingDelayMs, oneAttemptAtATime, retryMessage } from "../auth/throttle";
import { can, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { DomainError, fieldErrorsFromIssues, ForbiddenError, InvalidError, NotFoundError, RateLimitedError } from "../errors";
import { brokerUrlForDevices, connectionDetails, type DeviceConnectionDetails } from "./connection-details";
import { hashSecret, issueDeviceCredentials } from "./credentials";
import { claimRequestSchema } from "./provisioning-schemas";
import { CLAIM_REFUSAL_ANSWER, claimRefusal, type ClaimRefusal } from "./provisioning-token";

export const CLAIM_WINDOW_MS = 60 * 60 * 1000;
/** Refusals of one device from one address before the delays start. */
export const FREE_CLAIM_FAILURES_PER_DEVICE_ADDRESS = 5;
/** Refusals from one address, any device, before the delays start. */
export const FREE_CLAIM_FAILURES_PER_ADDRESS = 30;
/** Refusals of one device, any address, before the delays start (not for addresses that claimed before). */
export const FREE_CLAIM_FAILURES_PER_DEVICE = 50;

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

function refusalsSince(db: Db, where: { deviceId?: string; ip?: string }, since: Date) {
  return db.auditEvent.aggregate({
    where: {
      action: "claim_refused",
      createdAt: { gte: since },
      ...(where.deviceId ? { entityType: "device", entityId: where.deviceId } : {}),
      ...(where.ip ? { actorLabel: claimActorLabel(where.ip) } : {}),
    },
    _count: { _all: true },
    _max: { createdAt: true },
  });
}

async function assertNotThrottled(db: Db, deviceId: string, ip: string) {
  const windowStart = new Date(Date.now() - CLAIM_WINDOW_MS);
  const cleared = await db.auditEvent.findFirst({
    where: { entityType: "device", entityId: deviceId, action: "claim_lock_cleared", createdAt: { gte: windowStart } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const deviceSince = cleared?.createdAt ?? windowStart;
  const [pair, byAddress, byDevice] = await Promise.all([refusalsSince(db, { deviceId, ip }, deviceSince), refusalsSince(db, { ip }, windowStart), refusalsSince(db, { deviceId }, deviceSince)]);
  let waitMs = Math.max(
    growingDelayMs(pair._count._all, pair._max.createdAt, FREE_CLAIM_FAILURES_PER_DEVICE_ADDRESS),
    growingDelayMs(byAddress._count._all, byAddress._max.createdAt, FREE_CLAIM_FAILURES_PER_ADDRESS),
  );
  const deviceWaitMs = growingDelayMs(byDevice._count._all, byDevice._max.createdAt, FREE_CLAIM_FAILURES_PER_DEVICE);
  // Looked up only under such an attack: the claims audit has no index by address.
  if (deviceWaitMs > waitMs && !(await db.auditEvent.findFirst({ where: { action: "claimed", actorLabel: claimActorLabel(ip) }, select: { id: true } }))) waitMs = deviceWaitMs;
  if (waitMs > 0) throw new RateLimitedError(retryMessage("Too many refused claims.", waitMs), Math.ceil(waitMs / 1000));
}

/** An admin lifts a device's claim delays: refusals before this line stop counting for the device. */
export async function clearClaimFailures(db: Db, actor: Actor, deviceId: string) {
  if (!can(actor.role, "throttles.clear")) throw new ForbiddenError("Only admins clear claim locks.");
  const device = await db.device.findUnique({ where: { deviceId }, select: { deviceId: true, farmId: true } });
  if (!device || (actor.farmId !== null && device.farmId !== actor.farmId)) throw new NotFoundError("Device not found.");
  const refused = await db.auditEvent.count({ where: { entityType: "device", entityId: deviceId, action: "claim_refused", createdAt: { gte: new Date(Date.now() - CLAIM_WINDOW_MS) } } });
  await recordAudit(db, actor, { entityType: "device", entityId: deviceId, action: "claim_lock_cleared", after: { refusedClaimsCleared: refused } });
  return { cleared: refused };
}

type Outcome = { ok: true; credentials: DeviceConnectionDetails } | { ok: false; reason: ClaimRefusal };

export async function claimDevice(db: Db, input: { deviceId: string; token: string; ip: string }): Promise<DeviceConnectionDetails> {
  const parsed = claimRequestSchema.safeParse({ deviceId: input.deviceId, token: input.token });
  if (!parsed.success) throw new InvalidError("Send a device id and its provisioning token.", fieldErrorsFromIssues(parsed.error.issues));
  const { deviceId, token } = parsed.data;
  const ip = input.ip.trim().slice(0, 64) || "unknown";
  return oneAttemptAtATime(`claim\n${deviceId}\n${ip}`, "A claim of this device from your address is already being checked; try again in a moment.", () => judgeClaim(db, deviceId, token, ip));
}

async function judgeClaim(db: Db, deviceId: string, token: string, ip: string): Promise<DeviceConnectionDetails> {
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
