/**
 * Which farm a page shows. Farm-bound people (managers, technicians with a farm) always see their
 * own; others pick one in the farm switcher (a cookie) or see all farms.
 */
import { cookies } from "next/headers";
import type { Actor } from "../auth/permissions";
import { farmScope } from "../auth/permissions";
import { getDb } from "../db";

export const FARM_COOKIE = "sdm_farm";

export async function visibleFarms(actor: Actor) {
  const scope = farmScope(actor);
  return getDb().farm.findMany({ where: scope ? { id: scope } : undefined, orderBy: { name: "asc" }, select: { id: true, code: true, name: true, timezone: true } });
}

/** The farm id to filter by, or null for every farm the actor may see. */
export async function selectedFarmId(actor: Actor): Promise<number | null> {
  const scope = farmScope(actor);
  if (scope) return scope;
  const raw = (await cookies()).get(FARM_COOKIE)?.value;
  const id = raw ? Number(raw) : NaN;
  return Number.isInteger(id) && id > 0 ? id : null;
}
