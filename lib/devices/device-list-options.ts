/**
 * The choices the devices list offers in its filters and bulk actions: the groups the actor may
 * use (tree order, indented), the tags, and the firmware versions known to the registry.
 */
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";

export type GroupOption = { id: number; label: string; farmId: number | null; deviceTypeFilter: string | null };

export async function readDeviceListOptions(db: Pick<Db, "deviceGroup" | "deviceTag" | "firmwareVersion">, actor: Actor) {
  const scope = farmScope(actor);
  const [groups, tags, firmware] = await Promise.all([
    db.deviceGroup.findMany({
      where: { active: true, ...(scope !== null ? { OR: [{ farmId: scope }, { farmId: null }] } : {}) },
      orderBy: [{ sequence: "asc" }, { name: "asc" }],
      select: { id: true, name: true, parentId: true, farmId: true, deviceTypeFilter: true, farm: { select: { code: true } } },
    }),
    db.deviceTag.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, color: true } }),
    db.firmwareVersion.findMany({ distinct: ["version"], orderBy: { version: "desc" }, select: { version: true } }),
  ]);

  // Depth-first, so each group follows its parent, indented by its depth.
  const byParent = new Map<number | null, typeof groups>();
  const known = new Set(groups.map((group) => group.id));
  for (const group of groups) {
    const parent = group.parentId !== null && known.has(group.parentId) ? group.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), group]);
  }
  const ordered: GroupOption[] = [];
  const visit = (parent: number | null, depth: number) => {
    for (const group of byParent.get(parent) ?? []) {
      const farm = group.farm ? ` (${group.farm.code})` : " (all farms)";
      ordered.push({ id: group.id, label: `${"\u2003".repeat(depth)}${group.name}${depth === 0 ? farm : ""}`, farmId: group.farmId, deviceTypeFilter: group.deviceTypeFilter });
      if (depth < 20) visit(group.id, depth + 1);
    }
  };
  visit(null, 0);

  return { groups: ordered, tags, firmwareVersions: firmware.map((row) => row.version) };
}
