"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { requireActor } from "@/lib/auth/session";
import { FARM_COOKIE, visibleFarms } from "@/lib/farms/farm-scope";

/** The farm switcher: remembers the chosen farm (or "all") in a cookie, only among visible farms. */
export async function selectFarm(farmId: string) {
  const actor = await requireActor();
  const id = z.coerce.number().int().nonnegative().parse(farmId || 0);
  const store = await cookies();
  if (id === 0) {
    store.delete(FARM_COOKIE);
    return;
  }
  const farms = await visibleFarms(actor);
  if (!farms.some((farm) => farm.id === id)) return;
  store.set(FARM_COOKIE, String(id), { httpOnly: true, sameSite: "lax", path: "/", maxAge: 60 * 60 * 24 * 365 });
}
