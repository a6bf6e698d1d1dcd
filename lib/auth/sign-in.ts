/**
 * Password sign-in with throttling. Attempts are counted in PostgreSQL (login_attempts), so several
 * web instances share one limit.
 *
 * Failures slow the guesser down without locking the owner out (a hard lock per account let anyone
 * lock anyone out with five wrong passwords):
 * - per account *and* address, a growing delay after a few failures: the guesser waits, the
 *   owner at their own address does not;
 * - per address over all accounts (spraying) and per account over all addresses (many addresses),
 *   much higher limits, also as growing delays, which an address the account has signed in from
 *   before ("known") does not meet;
 * - an admin can clear an account's failures (clearSignInFailures).
 */
import { z } from "zod";
import type { Db } from "../db";
import { DomainError, ForbiddenError, NotFoundError, RateLimitedError } from "../errors";
import { recordAudit } from "../audit/record";
import { growingDelayMs, oneAttemptAtATime, retryMessage } from "./throttle";
import { dummyPasswordHash, verifyPassword } from "./password";
import { can, type Actor, type RoleName } from "./permissions";
import { verifySecondFactor } from "./two-factor";
import { DEACTIVATED_MESSAGE, SECOND_STEP_MESSAGE, WRONG_CODE_MESSAGE } from "./sign-in-messages";

/** Failures older than this no longer count. */
export const LOGIN_WINDOW_MS = 60 * 60 * 1000;
/** Failures of one account from one address before the delays start. */
export const FREE_FAILURES_PER_ACCOUNT_ADDRESS = 3;
/** Failures from one address, any account, before the delays start (not for known addresses). */
export const FREE_FAILURES_PER_ADDRESS = 30;
/** Failures of one account, any address, before the delays start (not for known addresses). */
export const FREE_FAILURES_PER_ACCOUNT = 50;

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter your e-mail address"),
  password: z.string().min(1, "Enter your password").max(200),
  /** The second step for someone with two-factor on: a 6-digit code or a recovery code. */
  code: z.string().trim().max(40).optional(),
});

/** The password was right, and the account has two-factor on: the form asks for the code (nothing is counted). */
export class SecondFactorNeededError extends DomainError {
  constructor() {
    super(SECOND_STEP_MESSAGE, 401, "two_factor_required");
  }
}

/**
 * The password was right, the account is deactivated: its owner is told why (a generic failure sent
 * them to reset a password that was never the problem). Counted as a failed sign-in.
 */
export class DeactivatedAccountError extends DomainError {
  constructor() {
    super(DEACTIVATED_MESSAGE, 403, "account_deactivated");
  }
}

/** The password was right, the code was not (counted as a failed sign-in). */
export class WrongSecondFactorError extends DomainError {
  constructor() {
    super(WRONG_CODE_MESSAGE, 401, "two_factor_wrong");
  }
}

async function failures(db: Db, where: { email?: string; ip?: string }, since: Date) {
  const found = await db.loginAttempt.aggregate({ where: { ...where, success: false, createdAt: { gte: since } }, _count: { _all: true }, _max: { createdAt: true } });
  return { count: found._count._all, latest: found._max.createdAt };
}

async function assertNotThrottled(db: Db, email: string, ip: string) {
  const since = new Date(Date.now() - LOGIN_WINDOW_MS);
  const [pair, byAddress, byAccount, known] = await Promise.all([
    failures(db, { email, ip }, since),
    failures(db, { ip }, since),
    failures(db, { email }, since),
    db.loginAttempt.findFirst({ where: { email, ip, success: true }, select: { id: true } }),
  ]);
  const waits = [growingDelayMs(pair.count, pair.latest, FREE_FAILURES_PER_ACCOUNT_ADDRESS)];
  if (!known) waits.push(growingDelayMs(byAddress.count, byAddress.latest, FREE_FAILURES_PER_ADDRESS), growingDelayMs(byAccount.count, byAccount.latest, FREE_FAILURES_PER_ACCOUNT));
  const waitMs = Math.max(...waits);
  if (waitMs > 0) throw new RateLimitedError(retryMessage("Too many failed sign-ins.", waitMs), Math.ceil(waitMs / 1000));
}

/**
 * The signed-in person, or null for a wrong e-mail/password. Throws RateLimitedError while delayed;
 * for an account with two-factor on, SecondFactorNeededError (right password, no code yet) or
 * WrongSecondFactorError (a wrong, old or reused code — counted like a wrong password, so codes
 * are guessed no faster than passwords), and DeactivatedAccountError for the right password of a
 * deactivated account (a wrong one gets null, as for an unknown e-mail).
 */
export async function signInWithPassword(db: Db, input: { email: string; password: string; ip: string; code?: string }): Promise<Actor | null> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return null;
  const { email, password, code } = parsed.data;
  const ip = input.ip.slice(0, 64) || "unknown";
  const { outcome, user } = await oneAttemptAtATime(`sign-in\n${email}\n${ip}`, "A sign-in for this account from your address is already being checked; try again in a moment.", async () => {
    await assertNotThrottled(db, email, ip);
    const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
    const ok = await verifyPassword(password, user?.passwordHash ?? dummyPasswordHash());
    let outcome: "success" | "failure" | "needs_code" | "wrong_code" | "deactivated" = user && ok ? (user.active ? "success" : "deactivated") : "failure";
    if (outcome === "success" && user?.totpEnabledAt) {
      if (!code) return { outcome: "needs_code" as const, user };
      if (!(await verifySecondFactor(db, user, code))) outcome = "wrong_code";
    }
    await db.loginAttempt.create({ data: { email, ip, success: outcome === "success" } });
    return { outcome, user };
  });
  if (outcome === "needs_code") throw new SecondFactorNeededError();
  if (outcome === "wrong_code") throw new WrongSecondFactorError();
  if (outcome === "deactivated") throw new DeactivatedAccountError();
  if (outcome !== "success" || !user) return null;

  await db.$transaction([
    db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } }),
    // Clears this address's failures only: the owner signing in must not reset a guesser's delay.
    db.loginAttempt.deleteMany({ where: { email, ip, success: false } }),
  ]);
  return { kind: "user", id: user.id, label: user.email, name: user.name, role: user.role as RoleName, farmId: user.farmId };
}

/** Recent failed sign-ins per e-mail, for the users screen. */
export async function recentSignInFailures(db: Db, emails: string[]): Promise<Map<string, number>> {
  if (!emails.length) return new Map();
  const rows = await db.loginAttempt.groupBy({
    by: ["email"],
    where: { email: { in: emails }, success: false, createdAt: { gte: new Date(Date.now() - LOGIN_WINDOW_MS) } },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.email, row._count._all]));
}

/** An admin lifts every sign-in delay of an account (its failures from all addresses). */
export async function clearSignInFailures(db: Db, actor: Actor, userId: number) {
  if (!can(actor.role, "throttles.clear")) throw new ForbiddenError("Only admins clear sign-in locks.");
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, farmId: true } });
  // A farm-bound admin (or admin key) reaches only the people of its farm, as everywhere else.
  if (!user || (actor.farmId !== null && user.farmId !== actor.farmId)) throw new NotFoundError("User not found.");
  return db.$transaction(async (tx) => {
    const cleared = await tx.loginAttempt.deleteMany({ where: { email: user.email, success: false } });
    await recordAudit(tx, actor, { entityType: "user", entityId: String(user.id), action: "sign_in_lock_cleared", before: { failedSignIns: cleared.count }, after: { failedSignIns: 0 } });
    return { cleared: cleared.count };
  });
}
