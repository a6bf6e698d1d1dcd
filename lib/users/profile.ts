/**
 * A person's own record: name, password, time zone, language, notification choices. Only their own
 * — the actor is the subject — so there is no id to forge. An API key is not a person and has no
 * profile.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { hashPassword, verifyPassword } from "../auth/password";
import { recordFailedProof, throttleProofs } from "../auth/two-factor";
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { passwordProblem } from "./password-policy";
import { endSessionsForNewPassword } from "./set-password";
import type { PasswordChangeInput, ProfileInput } from "./user-schemas";

const PROFILE_SELECT = {
  id: true,
  name: true,
  email: true,
  role: true,
  farmId: true,
  timezone: true,
  locale: true,
  notifyByEmail: true,
  notifyInApp: true,
  notifyMinSeverity: true,
  notifyDigest: true,
  farm: { select: { name: true, timezone: true } },
} as const;

function personOf(actor: Actor): number {
  if (actor.kind !== "user") throw new ForbiddenError("A profile belongs to a person: sign in to see or change yours. An API key has none.");
  return actor.id;
}

export async function getProfile(db: Db, actor: Actor) {
  const user = await db.user.findUnique({ where: { id: personOf(actor) }, select: PROFILE_SELECT });
  if (!user) throw new NotFoundError("Your account no longer exists.");
  const { farm, ...rest } = user;
  return { ...rest, farmName: farm?.name ?? null, farmTimezone: farm?.timezone ?? null };
}

export type Profile = Awaited<ReturnType<typeof getProfile>>;

export async function updateProfile(db: Db, actor: Actor, input: ProfileInput): Promise<Profile> {
  const id = personOf(actor);
  await db.$transaction(async (tx) => {
    const current = await tx.user.findUnique({ where: { id }, select: PROFILE_SELECT });
    if (!current) throw new NotFoundError("Your account no longer exists.");
    const before: Record<string, Prisma.InputJsonValue | null> = {};
    const after: Record<string, Prisma.InputJsonValue | null> = {};
    for (const [key, value] of Object.entries(input) as [keyof ProfileInput, ProfileInput[keyof ProfileInput]][]) {
      if (value === undefined || value === current[key]) continue;
      before[key] = current[key];
      after[key] = value;
    }
    if (!Object.keys(after).length) return;
    await tx.user.update({ where: { id }, data: after as Prisma.UserUpdateInput });
    await recordAudit(tx, actor, { entityType: "user", entityId: String(id), action: "profile_updated", before, after });
  });
  return getProfile(db, actor);
}

/**
 * A new password, proven by the current one. The person's other sessions end (a stolen session
 * must not outlive the password change); the one they are using stays. Wrong current passwords
 * count as failed sign-ins and are slowed down as the security page's proofs are.
 */
export async function changePassword(db: Db, actor: Actor, input: PasswordChangeInput, keepSessionId?: string, ip = "unknown") {
  const id = personOf(actor);
  const user = await db.user.findUnique({ where: { id }, omit: { passwordHash: false } });
  if (!user) throw new NotFoundError("Your account no longer exists.");
  if (!user.passwordHash) throw new InvalidError("Your account has no password yet (you sign in with single sign-on). Ask an admin for a password reset link to set one.", { currentPassword: ["No password set"] });
  await throttleProofs(db, user.email, ip);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await recordFailedProof(db, user.email, ip);
    throw new InvalidError("Please correct the highlighted fields.", { currentPassword: ["This is not your current password"] });
  }
  if (input.newPassword === input.currentPassword) throw new InvalidError("Please correct the highlighted fields.", { newPassword: ["The new password is the same as the current one"] });
  const problem = passwordProblem(input.newPassword, user);
  if (problem) throw new InvalidError(problem, { newPassword: [problem] });
  const passwordHash = await hashPassword(input.newPassword);
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id }, data: { passwordHash } });
    const ended = await endSessionsForNewPassword(tx, id, keepSessionId);
    await recordAudit(tx, actor, { entityType: "user", entityId: String(id), action: "password_changed", after: { otherSessionsEnded: ended.count } });
    return { otherSessionsEnded: ended.count };
  });
}
