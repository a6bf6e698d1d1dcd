/**
 * What the farm and group pages need around their configuration editors: the farm (inside the
 * actor's farms: another farm is "not found") and its device counts by type, the device types a
 * group holds, and which types already have settings of their own.
 */
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { NotFoundError } from "../errors";
import { groupSubtree } from "../devices/device-list";
import { CONFIG_DEVICE_TYPES, isConfigDeviceType, type ConfigDeviceType } from "./config-schemas";

export type TypeCount = { type: ConfigDeviceType; devices: number };

const LIVE = { state: { not: "decommissioned" as const } };

export async function getFarmForConfig(db: Db, actor: Actor, id: number) {
  const scope = farmScope(actor);
  if (scope !== null && scope !== id) throw new NotFoundError(`Farm ${id} not found.`);
  const farm = await db.farm.findUnique({ where: { id }, select: { id: true, code: true, name: true, timezone: true } });
  if (!farm) throw new NotFoundError(`Farm ${id} not found.`);
  const [byType, groups, layers] = await Promise.all([
    db.device.groupBy({ by: ["deviceType"], where: { farmId: id, ...LIVE }, _count: { _all: true } }),
    db.deviceGroup.count({ where: { farmId: id, active: true } }),
    db.configLayer.findMany({ where: { scope: "farm", farmId: id }, select: { deviceType: true } }),
  ]);
  return { farm, types: typeCounts(byType.map((row) => ({ type: row.deviceType, devices: row._count._all }))), groups, configured: new Set<string>(layers.map((row) => row.deviceType)) };
}

/** The types a group's devices (its sub-groups' included) have, or its type filter. */
export async function groupTypesForConfig(db: Db, groupId: number, typeFilter: string | null) {
  const ids = await groupSubtree(db, groupId);
  const [byType, layers] = await Promise.all([
    db.device.groupBy({ by: ["deviceType"], where: { groupId: { in: ids }, ...LIVE }, _count: { _all: true } }),
    db.configLayer.findMany({ where: { scope: "group", groupId }, select: { deviceType: true } }),
  ]);
  let types = typeCounts(byType.map((row) => ({ type: row.deviceType, devices: row._count._all })));
  if (typeFilter && isConfigDeviceType(typeFilter)) types = types.some((t) => t.type === typeFilter) ? types.filter((t) => t.type === typeFilter) : [{ type: typeFilter, devices: 0 }];
  return { types, configured: new Set<string>(layers.map((row) => row.deviceType)) };
}

/** Every configurable type, the ones with devices first (most devices first). */
function typeCounts(rows: { type: string; devices: number }[]): TypeCount[] {
  const counts = new Map(rows.filter((row) => isConfigDeviceType(row.type)).map((row) => [row.type as ConfigDeviceType, row.devices]));
  return CONFIG_DEVICE_TYPES.map((type) => ({ type, devices: counts.get(type) ?? 0 })).sort((a, b) => b.devices - a.devices);
}

/** `?type=` when it names a type, else the first (most devices). */
export function chosenType(raw: string | string[] | undefined, types: TypeCount[]): ConfigDeviceType {
  return typeof raw === "string" && isConfigDeviceType(raw) && types.some((t) => t.type === raw) ? raw : (types[0]?.type ?? CONFIG_DEVICE_TYPES[0]);
}
