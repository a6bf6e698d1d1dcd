import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import { clockFor, type Clock } from "../i18n/format";

/**
 * The clock the log is read in: the reader's farm, else their own zone and language (an API key has
 * only its farm), else UTC — as lib/i18n/format.ts orders them.
 */
export async function readerClock(db: Pick<Db, "user" | "farm">, actor: Pick<Actor, "kind" | "id" | "farmId">, viewedFarmId?: number | null): Promise<Clock> {
  // An admin looking at one farm (the header's farm switch) reads it in that farm's clock.
  const farmId = actor.farmId ?? viewedFarmId ?? null;
  const [person, farm] = await Promise.all([
    actor.kind === "user" ? db.user.findUnique({ where: { id: actor.id }, select: { locale: true, timezone: true } }) : null,
    farmId !== null ? db.farm.findUnique({ where: { id: farmId }, select: { timezone: true } }) : null,
  ]);
  return clockFor(person, farm);
}
