import "server-only";
/**
 * The choices the maintenance screens offer: the farms the actor may plan for, their groups and
 * devices (for the plan form's pickers), and the people who may be given the work (anyone with
 * maintenance.write on that farm, or on every farm). lib/maintenance checks every choice again.
 */
import type { PlanFormOptions } from "@/components/maintenance/plan-form";
import { farmScope, ROLE_PERMISSIONS, type Actor } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { readDeviceListOptions } from "@/lib/devices/device-list-options";
import { visibleFarms } from "@/lib/farms/farm-scope";

/** A datalist of this many devices per farm; beyond, the planner types the id (the server checks it). */
const DEVICE_CHOICES = 3_000;

const DOERS = (Object.entries(ROLE_PERMISSIONS) as [keyof typeof ROLE_PERMISSIONS, ReadonlySet<string>][]).filter(([, permissions]) => permissions.has("maintenance.write")).map(([role]) => role);

export async function maintenancePeople(db: Db, actor: Actor, farmId: number | null) {
  const scope = farmScope(actor) ?? farmId;
  const people = await db.user.findMany({
    where: { active: true, role: { in: DOERS }, ...(scope !== null ? { OR: [{ farmId: scope }, { farmId: null }] } : {}) },
    orderBy: [{ name: "asc" }],
    select: { id: true, name: true, farmId: true, role: true },
  });
  return people;
}

export async function planFormOptions(db: Db, actor: Actor): Promise<PlanFormOptions> {
  const farms = await visibleFarms(actor);
  const farmIds = farms.map((farm) => farm.id);
  const [{ groups }, people, devices] = await Promise.all([
    readDeviceListOptions(db, actor),
    maintenancePeople(db, actor, null),
    db.device.findMany({
      where: { farmId: { in: farmIds }, state: { not: "decommissioned" } },
      orderBy: [{ farmId: "asc" }, { deviceId: "asc" }],
      take: DEVICE_CHOICES * Math.max(1, farmIds.length),
      select: { deviceId: true, name: true, deviceType: true, farmId: true },
    }),
  ]);
  return {
    farms: farms.map(({ id, name, code }) => ({ id, name, code })),
    // A plan is on one farm: cross-farm groups cannot be its scope.
    groups: groups.filter((group): group is typeof group & { farmId: number } => group.farmId !== null).map((group) => ({ ...group, label: group.label.replace(/\s*\([A-Z0-9-]+\)$/, "") })),
    devices,
    people,
  };
}

/** The farm's currency for amounts (FarmCostRates, EUR unless the farm set one). */
export async function farmCurrency(db: Db, farmId: number): Promise<string> {
  const rates = await db.farmCostRates.findUnique({ where: { farmId }, select: { currency: true } });
  return rates?.currency ?? "EUR";
}
