/**
 * The clock (language and time zone) a page shows dates in for the signed-in person: their own
 * profile's, under the farm's zone when the record belongs to a farm (lib/i18n/format.ts).
 * An API key has no profile: English and the farm's zone, else UTC.
 */
import type { Db } from "../db";
import { clockFor, type Clock } from "../i18n/format";
import type { Actor } from "./permissions";

export async function actorClock(db: Pick<Db, "user">, actor: Pick<Actor, "kind" | "id">, farm?: { timezone?: string | null } | null): Promise<Clock> {
  const person = actor.kind === "user" ? await db.user.findUnique({ where: { id: actor.id }, select: { locale: true, timezone: true } }) : null;
  return clockFor(person, farm);
}
