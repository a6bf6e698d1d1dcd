/**
 * Two-factor sign-in with TOTP (an authenticator app) and one-time recovery codes.
 *
 * - The secret is sealed (lib/security/secret-box.ts): the app must read it back to check codes.
 *   It is shown once, while enrolling, and never returned again; recovery codes are kept as
 *   SHA-256 and shown once, when made.
 * - A code is accepted in a ±1 step window, once: the step of the last accepted code is stored
 *   (users.totp_last_step) and the update only wins if it is newer, so two requests racing with
 *   one code cannot both pass.
 * - Turning it off, or making new recovery codes, takes a current code or the password, so a
 *   session left open on a shared barn PC cannot strip the second factor.
 * - Enable, disable, reset by an admin and every recovery-code use are audited; never the secret
 *   or a code.
 * - REQUIRE_ADMIN_TOTP=true: an admin without two-factor may sign in, but reaches only the security
 *   page until enrolled (lib/auth/session.ts), and their actions are refused.
 */
import { toDataURL } from "qrcode";
import { z } from "zod";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, RateLimitedError } from "../errors";
import { openSecret, sealSecret } from "../security/secret-box";
import { verifyPassword } from "./password";
import { permissionRefusal, type Actor, type RoleName } from "./permissions";
import { growingDelayMs, retryMessage } from "./throttle";
import { acceptedTotpStep, groupedSecret, hashRecoveryCode, newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, normalizeTotpCode, totpUri } from "./totp";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export const TWO_FACTOR_REQUIRED_MESSAGE = "Admins must turn on two-factor sign-in first: set up an authenticator app on Profile → Security.";

/** The REQUIRE_ADMIN_TOTP setting (environment), read each time so tests can switch it. */
export function adminTwoFactorRequired(env: Record<string, string | undefined> = process.env): boolean {
  return /^(1|true|yes|on)$/i.test(env.REQUIRE_ADMIN_TOTP?.trim() ?? "");
}

/** Whether this person must enrol before using the app (pure, for the gate and its tests). */
export function mustEnrolTwoFactor(person: { role: RoleName; totpEnabledAt: Date | null }, required = adminTwoFactorRequired()): boolean {
  return required && person.role === "admin" && !person.totpEnabledAt;
}

/** The refusal for a signed-in person held at the security page, or null. API keys are not people: not gated. */
export async function twoFactorGateRefusal(db: Db, actor: Pick<Actor, "kind" | "id" | "role">): Promise<string | null> {
  if (actor.kind !== "user" || actor.role !== "admin" || !adminTwoFactorRequired()) return null;
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { role: true, totpEnabledAt: true } });
  return user && mustEnrolTwoFactor({ role: user.role as RoleName, totpEnabledAt: user.totpEnabledAt }) ? TWO_FACTOR_REQUIRED_MESSAGE : null;
}

export type TwoFactorStatus = { enabled: boolean; enabledAt: Date | null; recoveryCodesLeft: number; required: boolean };

export async function twoFactorStatus(db: Db, actor: Pick<Actor, "id" | "role">): Promise<TwoFactorStatus> {
  const [user, left] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { totpEnabledAt: true } }),
    db.totpRecoveryCode.count({ where: { userId: actor.id, usedAt: null } }),
  ]);
  const enabled = Boolean(user.totpEnabledAt);
  return { enabled, enabledAt: user.totpEnabledAt, recoveryCodesLeft: enabled ? left : 0, required: adminTwoFactorRequired() && actor.role === "admin" };
}

/**
 * The throttle of proofs on the security page and of the current password on the profile: wrong
 * ones count as failed sign-ins (login_attempts), so a hijacked session cannot guess the password
 * or codes either; after 3 in an hour each further try waits longer.
 */
export async function throttleProofs(db: Pick<Db, "loginAttempt">, email: string, ip: string): Promise<void> {
  const since = new Date(Date.now() - 60 * 60 * 1000);
  const failures = await db.loginAttempt.aggregate({ where: { email, ip, success: false, createdAt: { gte: since } }, _count: { _all: true }, _max: { createdAt: true } });
  const waitMs = growingDelayMs(failures._count._all, failures._max.createdAt, 3);
  if (waitMs > 0) throw new RateLimitedError(retryMessage("Too many wrong codes or passwords.", waitMs), Math.ceil(waitMs / 1000));
}

export async function recordFailedProof(db: Pick<Db, "loginAttempt">, email: string, ip: string): Promise<void> {
  await db.loginAttempt.create({ data: { email, ip: ip.slice(0, 64) || "unknown", success: false } });
}

/** A current code or the password (passwordOnly: the password alone), throttled as above. */
async function checkProof(db: Db, actor: Pick<Actor, "id">, proof: string, ip: string, passwordOnly = false): Promise<{ email: string; step: number | null }> {
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { email: true, totpSecret: true, totpEnabledAt: true, totpLastStep: true, passwordHash: true } });
  if (passwordOnly && !user.passwordHash) throw new InvalidError("Your account has no password yet (you sign in with single sign-on). Two-factor sign-in protects the password sign-in: ask an admin for a password reset link to set one first.", { password: ["No password set"] });
  await throttleProofs(db, user.email, ip);
  let step: number | null = null;
  let ok = false;
  if (!passwordOnly && normalizeTotpCode(proof) && user.totpSecret && user.totpEnabledAt) {
    step = acceptedTotpStep(openSecret(user.totpSecret), proof, user.totpLastStep === null ? null : Number(user.totpLastStep));
    ok = step !== null;
  } else if (user.passwordHash) {
    ok = await verifyPassword(proof, user.passwordHash);
  }
  if (!ok) {
    await recordFailedProof(db, user.email, ip);
    if (passwordOnly) throw new InvalidError("That is not your current password.", { password: ["This is not your current password"] });
    throw new InvalidError("That is not a current code from your app, nor your password.", { proof: ["Not a current code, nor your password"] });
  }
  return { email: user.email, step };
}

export type Enrolment = { secret: string; secretGrouped: string; uri: string; qrDataUrl: string };

export const passwordSchema = z.object({ password: z.string().min(1, "Enter your current password").max(200) });

/**
 * Step 1, proven by the current password (a session left open must not bind someone else's phone):
 * a new secret, kept sealed but not yet enabled, returned this once for the QR code and manual
 * entry. Starting again replaces a secret that was never confirmed.
 */
export async function beginEnrolment(db: Db, actor: Pick<Actor, "id">, input: { password: string }, ip: string): Promise<Enrolment> {
  await checkProof(db, actor, input.password, ip, true);
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { email: true, totpEnabledAt: true } });
  if (user.totpEnabledAt) throw new ConflictError("Two-factor sign-in is already on. Turn it off first to move it to another phone.");
  const secret = newTotpSecret();
  await db.user.update({ where: { id: actor.id }, data: { totpSecret: sealSecret(secret), totpLastStep: null } });
  const uri = totpUri(secret, user.email);
  return { secret, secretGrouped: groupedSecret(secret), uri, qrDataUrl: await toDataURL(uri, { margin: 1, width: 220, errorCorrectionLevel: "M" }) };
}

export const codeSchema = z.object({ code: z.string().trim().min(1, "Enter the 6-digit code from your app").max(20) });
export const proofSchema = z.object({ proof: z.string().min(1, "Enter a current code from your app, or your password").max(200) });

async function issueRecoveryCodes(tx: Tx, userId: number): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.totpRecoveryCode.deleteMany({ where: { userId } });
  await tx.totpRecoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(normalizeRecoveryCode(code)!) })) });
  return codes;
}

/** Step 2: a code from the app proves the secret reached it → enabled, and the recovery codes, shown once. */
export async function confirmEnrolment(db: Db, actor: Pick<Actor, "kind" | "id" | "label">, input: { code: string }): Promise<{ recoveryCodes: string[] }> {
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { totpSecret: true, totpEnabledAt: true } });
  if (user.totpEnabledAt) throw new ConflictError("Two-factor sign-in is already on.");
  if (!user.totpSecret) throw new InvalidError("Start the set-up first: no authenticator secret is waiting to be confirmed.");
  if (!normalizeTotpCode(input.code)) throw new InvalidError("Enter the 6-digit code your app shows.", { code: ["Enter the 6-digit code your app shows"] });
  const step = acceptedTotpStep(openSecret(user.totpSecret), input.code, null);
  if (step === null) throw new InvalidError("That code does not match. Check the phone's clock is right, and type the code that shows now.", { code: ["That code does not match"] });
  return db.$transaction(async (tx) => {
    // Only the confirmation that still finds it off wins (two tabs confirming at once).
    const won = await tx.user.updateMany({ where: { id: actor.id, totpEnabledAt: null, totpSecret: user.totpSecret }, data: { totpEnabledAt: new Date(), totpLastStep: step } });
    if (won.count !== 1) throw new ConflictError("Two-factor sign-in changed meanwhile. Reload the page.");
    const recoveryCodes = await issueRecoveryCodes(tx, actor.id);
    await recordAudit(tx, actor, { entityType: "user", entityId: String(actor.id), action: "two_factor_enabled", after: { twoFactor: true, recoveryCodes: recoveryCodes.length } });
    return { recoveryCodes };
  });
}

/** New recovery codes (the old ones stop working), shown once. */
export async function regenerateRecoveryCodes(db: Db, actor: Pick<Actor, "kind" | "id" | "label">, input: { proof: string }, ip: string): Promise<{ recoveryCodes: string[] }> {
  const { step } = await checkProof(db, actor, input.proof, ip);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: actor.id }, select: { totpEnabledAt: true } });
    if (!user.totpEnabledAt) throw new ConflictError("Two-factor sign-in is off: there are no recovery codes to replace.");
    if (step !== null) await tx.user.update({ where: { id: actor.id }, data: { totpLastStep: step } });
    const recoveryCodes = await issueRecoveryCodes(tx, actor.id);
    await recordAudit(tx, actor, { entityType: "user", entityId: String(actor.id), action: "two_factor_recovery_codes_regenerated", after: { recoveryCodes: recoveryCodes.length } });
    return { recoveryCodes };
  });
}

const OFF = { totpSecret: null, totpEnabledAt: null, totpLastStep: null } as const;

/**
 * The person turns it off themselves (a current code or the password). Their other sessions end
 * (keepSessionId: the one they are using stays).
 */
export async function disableTwoFactor(db: Db, actor: Pick<Actor, "kind" | "id" | "label" | "role">, input: { proof: string }, ip: string, keepSessionId?: string): Promise<{ otherSessionsEnded: number }> {
  if (actor.role === "admin" && adminTwoFactorRequired()) throw new ForbiddenError("Two-factor sign-in is required for admins on this server: it cannot be turned off. To move it to a new phone, ask another admin to reset it.");
  await checkProof(db, actor, input.proof, ip);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: actor.id }, select: { totpEnabledAt: true } });
    if (!user.totpEnabledAt) throw new ConflictError("Two-factor sign-in is already off.");
    await tx.user.update({ where: { id: actor.id }, data: OFF });
    const removed = await tx.totpRecoveryCode.deleteMany({ where: { userId: actor.id } });
    const ended = await tx.userSession.updateMany({ where: { userId: actor.id, endedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) }, data: { endedAt: new Date(), endReason: "two_factor_disabled" } });
    await recordAudit(tx, actor, { entityType: "user", entityId: String(actor.id), action: "two_factor_disabled", before: { twoFactor: true, recoveryCodesLeft: removed.count }, after: { twoFactor: false, otherSessionsEnded: ended.count } });
    return { otherSessionsEnded: ended.count };
  });
}

/**
 * An admin turns off another person's two-factor (a lost phone): every session of theirs ends, they
 * sign in with their password alone, and set it up again (admins are held at the security page when
 * it is required).
 */
export async function resetTwoFactor(db: Db, actor: Actor, userId: number): Promise<{ userId: number; wasEnabled: boolean }> {
  const refusal = permissionRefusal(actor, "users.manage");
  if (refusal) throw new ForbiddenError(refusal);
  if (actor.kind === "user" && actor.id === userId) throw new InvalidError("Turn your own two-factor sign-in off on Profile → Security (it asks for a code or your password).");
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, farmId: true, totpEnabledAt: true, totpSecret: true } });
  if (!user || (actor.farmId !== null && user.farmId !== actor.farmId)) throw new NotFoundError("User not found.");
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: OFF });
    const removed = await tx.totpRecoveryCode.deleteMany({ where: { userId } });
    const ended = await tx.userSession.updateMany({ where: { userId, endedAt: null }, data: { endedAt: new Date(), endReason: "two_factor_reset" } });
    await recordAudit(tx, actor, { entityType: "user", entityId: String(userId), action: "two_factor_reset", before: { twoFactor: Boolean(user.totpEnabledAt), recoveryCodesLeft: removed.count }, after: { twoFactor: false, sessionsEnded: ended.count } });
    return { userId, wasEnabled: Boolean(user.totpEnabledAt) };
  });
}

/**
 * The second step of a sign-in, for someone whose password was right: a TOTP code of a newer
 * step than the last accepted one, or an unused recovery code (then used up). Called inside the
 * sign-in's one-attempt-at-a-time lock; the caller counts a false as a failed sign-in.
 */
export async function verifySecondFactor(db: Db, user: { id: number; email: string; totpSecret: string | null; totpLastStep: bigint | null }, input: string): Promise<boolean> {
  if (!user.totpSecret) return false;
  if (normalizeTotpCode(input)) {
    const step = acceptedTotpStep(openSecret(user.totpSecret), input, user.totpLastStep === null ? null : Number(user.totpLastStep));
    if (step === null) return false;
    const won = await db.user.updateMany({ where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] }, data: { totpLastStep: step } });
    return won.count === 1;
  }
  const recovery = normalizeRecoveryCode(input);
  if (!recovery) return false;
  return db.$transaction(async (tx) => {
    const used = await tx.totpRecoveryCode.updateMany({ where: { userId: user.id, codeHash: hashRecoveryCode(recovery), usedAt: null }, data: { usedAt: new Date() } });
    if (used.count !== 1) return false;
    const left = await tx.totpRecoveryCode.count({ where: { userId: user.id, usedAt: null } });
    await recordAudit(tx, { kind: "user", id: user.id, label: user.email }, { entityType: "user", entityId: String(user.id), action: "two_factor_recovery_code_used", after: { recoveryCodesLeft: left } });
    return true;
  });
}
