/**
 * The other end of a one-time link: the invited person sets their first password, or someone with a
 * reset link sets a new one. Public pages call these (no session): the token is the proof. A link
 * that is unknown, expired, used, replaced or whose person was deactivated changes nothing and says
 * which of those it is.
 */
import type { UserTokenPurpose } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { hashPassword } from "../auth/password";
import type { Db } from "../db";
import { InvalidError } from "../errors";
import { passwordProblem } from "./password-policy";
import { consumeToken, lookUpToken, TOKEN_REFUSAL } from "./user-tokens";
import type { SetPasswordInput } from "./user-schemas";

export type LinkView =
  | { ok: true; purpose: UserTokenPurpose; name: string; email: string; role: string; farmName: string | null; expiresAt: Date }
  | { ok: false; purpose: UserTokenPurpose; message: string };

/** What the page behind a link shows: whom it is for, or why it does not work. */
export async function describeLink(db: Db, token: string, purpose: UserTokenPurpose): Promise<LinkView> {
  const { state, row } = await lookUpToken(db, token, purpose);
  if (state !== "valid") return { ok: false, purpose, message: TOKEN_REFUSAL[state][purpose] };
  if (!row) return { ok: false, purpose, message: TOKEN_REFUSAL.unknown[purpose] };
  // An invitation whose person already joined some other way (single sign-on) is done.
  if (purpose === "invitation" && row.user.joinedAt) return { ok: false, purpose, message: TOKEN_REFUSAL.used.invitation };
  return { ok: true, purpose, name: row.user.name, email: row.user.email, role: row.user.role, farmName: row.user.farm?.name ?? null, expiresAt: row.expiresAt };
}

/** Ends every live session of a person, naming why (a new password: whoever had the old one is out). */
export function endSessionsForNewPassword(db: Pick<Db, "userSession">, userId: number, keepSessionId?: string) {
  return db.userSession.updateMany({ where: { userId, endedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) }, data: { endedAt: new Date(), endReason: "password_changed" } });
}

/** Sets the password from a link; returns the e-mail to sign in with. */
export async function setPasswordFromLink(db: Db, purpose: UserTokenPurpose, input: SetPasswordInput): Promise<{ email: string }> {
  const refuse = (message: string): never => {
    throw new InvalidError(message, { token: [message] });
  };
  const first = await lookUpToken(db, input.token, purpose);
  if (first.state !== "valid") return refuse(TOKEN_REFUSAL[first.state][purpose]);
  if (!first.row) return refuse(TOKEN_REFUSAL.unknown[purpose]);
  if (purpose === "invitation" && first.row.user.joinedAt) return refuse(TOKEN_REFUSAL.used.invitation);
  const { user, id: tokenId } = first.row;
  const problem = passwordProblem(input.password, user);
  if (problem) throw new InvalidError(problem, { password: [problem] });
  // bcrypt is slow on purpose: hash before the transaction, so the token's row is not held meanwhile.
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const now = new Date();
    if (!(await consumeToken(tx, tokenId, now))) {
      // Another tab (or the admin) got there first: say what happened to the link meanwhile.
      const again = await lookUpToken(tx, input.token, purpose, now);
      return refuse(TOKEN_REFUSAL[again.state === "valid" ? "used" : again.state][purpose]);
    }
    const fresh = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { active: true } });
    if (!fresh.active) return refuse(TOKEN_REFUSAL.inactive[purpose]);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, ...(purpose === "invitation" ? { joinedAt: now } : {}) } });
    // Whoever knew the old password (or held a session with it) is out; a forgotten password's
    // failed attempts no longer hold the owner up.
    await endSessionsForNewPassword(tx, user.id);
    await tx.loginAttempt.deleteMany({ where: { email: user.email, success: false } });
    const self = { kind: "user" as const, id: user.id, label: user.email };
    await recordAudit(tx, self, { entityType: "user", entityId: String(user.id), action: purpose === "invitation" ? "invitation_accepted" : "password_reset", after: { via: purpose === "invitation" ? "invitation link" : "password reset link" } });
    return { email: user.email };
  });
}
