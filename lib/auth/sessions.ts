/**
 * Server-side sessions (user_sessions). The session cookie stays a next-auth JWT, but it only
 * names a row: the row is what signs a person in. So a session ends for real, at the next request:
 * - signing out ends that browser's row;
 * - deactivating a person, or changing their role or farm, ends all of theirs (checked on use
 *   against the role and farm the session was granted with, whatever changed the user row).
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../db";
import type { Actor, RoleName } from "./permissions";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export type SessionEndReason = "signed_out" | "deactivated" | "role_changed";

/** A new session for someone who just proved who they are; its id goes into the cookie. */
export async function startSession(db: Db, actor: Actor, ip: string): Promise<string> {
  const id = randomBytes(24).toString("base64url");
  await db.$transaction([
    // The person's sessions expired for a day are of no more use (kept a day to explain a refusal).
    db.userSession.deleteMany({ where: { userId: actor.id, expiresAt: { lt: new Date(Date.now() - 24 * 3600_000) } } }),
    db.userSession.create({
      data: { id, userId: actor.id, role: actor.role, farmId: actor.farmId, ip: ip.slice(0, 64), expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000) },
    }),
  ]);
  return id;
}

/** The person a session cookie stands for, or null once the session has ended for any reason. */
export async function sessionActor(db: Db, claims: { uid?: unknown; sid?: unknown }): Promise<Actor | null> {
  // A cookie from before server-side sessions names no row: it counts as ended.
  if (typeof claims.sid !== "string" || typeof claims.uid !== "number") return null;
  const session = await db.userSession.findUnique({ where: { id: claims.sid }, include: { user: true } });
  if (!session || session.userId !== claims.uid || session.endedAt || session.expiresAt.getTime() <= Date.now()) return null;
  const { user } = session;
  const ended: SessionEndReason | null = !user.active ? "deactivated" : user.role !== session.role || user.farmId !== session.farmId ? "role_changed" : null;
  if (ended) {
    // Ended for good: changing the role back does not revive a session granted for the old one.
    await db.userSession.updateMany({ where: { id: session.id, endedAt: null }, data: { endedAt: new Date(), endReason: ended } });
    return null;
  }
  return { kind: "user", id: user.id, label: user.email, name: user.name, role: user.role as RoleName, farmId: user.farmId, locale: user.locale, timezone: user.timezone };
}

export async function endSession(db: Db, id: unknown, reason: SessionEndReason) {
  if (typeof id !== "string") return;
  await db.userSession.updateMany({ where: { id, endedAt: null }, data: { endedAt: new Date(), endReason: reason } });
}

/** Ends every live session of a person (for the code that deactivates or re-roles them). */
export async function endUserSessions(db: Pick<Db, "userSession">, userId: number, reason: SessionEndReason) {
  await db.userSession.updateMany({ where: { userId, endedAt: null }, data: { endedAt: new Date(), endReason: reason } });
}
