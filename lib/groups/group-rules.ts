/**
 * The rules of a device group (M92 `iot.device.group`) as pure functions: which devices a group
 * may hold, and which parents it may have. The registry, the groups screens, the API and the
 * tests all ask these.
 */
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "../devices/device-id";

export type GroupFit = { name: string; farmId: number | null; deviceTypeFilter: DeviceTypeName | null };
export type DeviceForGroup = { deviceId: string; deviceType: DeviceTypeName; farmId: number };

/** Why a device cannot be put in the group, or null when it fits. */
export function groupRefusal(group: GroupFit, device: DeviceForGroup): string | null {
  if (group.deviceTypeFilter && group.deviceTypeFilter !== device.deviceType) {
    const type = DEVICE_TYPE_LABEL[device.deviceType];
    return `${device.deviceId} is ${/^[AEIOU]/.test(type) ? "an" : "a"} ${type}; group “${group.name}” holds only ${DEVICE_TYPE_LABEL[group.deviceTypeFilter]} devices.`;
  }
  // A farm's group holds that farm's devices; a cross-farm group (no farm) holds any.
  if (group.farmId !== null && group.farmId !== device.farmId) {
    return `${device.deviceId} belongs to another farm than group “${group.name}”.`;
  }
  return null;
}

/** Why a device cannot be put, or left, in the group (an archived group takes no one), or null. */
export function placementRefusal(group: GroupFit & { active: boolean }, device: DeviceForGroup): string | null {
  if (!group.active) return `Group “${group.name}” is archived.`;
  return groupRefusal(group, device);
}

/**
 * The group an edit of a device must check, or null: a group newly chosen, or the device's own
 * group when it moves to another farm, so that it never stays in a group of the farm it left.
 */
export function groupToCheck(before: { groupId: number | null; farmId: number }, after: { groupId: number | null; farmId: number }): number | null {
  if (after.groupId === null) return null;
  return after.groupId !== before.groupId || after.farmId !== before.farmId ? after.groupId : null;
}

/**
 * Would making `parentId` the parent of `groupId` close a loop? `parentOf` maps every group to
 * its parent (null for a root). A group cannot be its own ancestor.
 */
export function wouldCreateCycle(groupId: number, parentId: number | null, parentOf: ReadonlyMap<number, number | null>): boolean {
  let cursor = parentId;
  const seen = new Set<number>();
  while (cursor !== null && cursor !== undefined) {
    if (cursor === groupId) return true;
    if (seen.has(cursor)) return true; // an existing loop in the data: refuse rather than spin
    seen.add(cursor);
    cursor = parentOf.get(cursor) ?? null;
  }
  return false;
}

/** A group and every group below it, for "devices of this group incl. its sub-groups". */
export function subtreeIds(rootId: number, parentOf: ReadonlyMap<number, number | null>): number[] {
  const children = new Map<number, number[]>();
  for (const [id, parent] of parentOf) {
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), id]);
  }
  const ids: number[] = [];
  const queue = [rootId];
  const seen = new Set<number>();
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    ids.push(id);
    queue.push(...(children.get(id) ?? []));
  }
  return ids;
}

export type GroupPlace = { name: string; farmId: number | null };

/**
 * May `parent` hold `child` as a sub-group? A farm's group sits under a group of the same farm or
 * under a cross-farm group (a company-wide "All milk meters" above each farm's parlour). A
 * cross-farm group sits only under another cross-farm group: below a farm's group it would pull
 * other farms' devices into that farm's "view devices" and counts.
 */
export function parentRefusal(child: GroupPlace, parent: GroupPlace): string | null {
  if (parent.farmId === null) return null;
  if (child.farmId === null) return `A cross-farm group cannot sit under “${parent.name}”, which belongs to one farm.`;
  if (child.farmId !== parent.farmId) return `“${parent.name}” belongs to another farm; pick a group of the same farm or a cross-farm group.`;
  return null;
}

/**
 * May someone whose farms are `scope` (null = every farm, an admin) change a group of `groupFarmId`?
 * Farm-bound managers run their own farm's groups; cross-farm groups span farms they cannot see,
 * so only an admin changes them.
 */
export function groupWriteRefusal(scope: number | null, groupFarmId: number | null): string | null {
  if (scope === null) return null;
  if (groupFarmId === null) return "Cross-farm groups are managed by an admin.";
  if (groupFarmId !== scope) return "You can only change your own farm's groups.";
  return null;
}

/** Is a group of `groupFarmId` visible to someone of `scope`? Their farm's groups and cross-farm ones. */
export function groupVisible(scope: number | null, groupFarmId: number | null): boolean {
  return scope === null || groupFarmId === null || groupFarmId === scope;
}

/** "MM001, MM002 and 12 more" — the devices that block a change, named but not endlessly. */
export function describeDevices(deviceIds: readonly string[], total: number): string {
  const more = total - deviceIds.length;
  return more > 0 ? `${deviceIds.join(", ")} and ${more} more` : deviceIds.join(", ");
}

export type GroupCountRow = { groupId: number; online: boolean; count: number };
export type GroupCounts = { deviceCount: number; onlineCount: number; subtreeDeviceCount: number; subtreeOnlineCount: number };

/**
 * Per group its own devices and online devices (M92 `_compute_device_count`), and the totals of
 * its whole subtree (what "view devices" lists, as it includes sub-groups). `rows` are the SQL
 * aggregate per group and online/not; `parentOf` is the tree of the groups shown.
 */
export function rollUpCounts(rows: readonly GroupCountRow[], parentOf: ReadonlyMap<number, number | null>): Map<number, GroupCounts> {
  const counts = new Map<number, GroupCounts>();
  for (const id of parentOf.keys()) counts.set(id, { deviceCount: 0, onlineCount: 0, subtreeDeviceCount: 0, subtreeOnlineCount: 0 });
  for (const row of rows) {
    const own = counts.get(row.groupId);
    if (!own) continue;
    own.deviceCount += row.count;
    if (row.online) own.onlineCount += row.count;
    // Add to the group and each ancestor once; `seen` stops at a loop in bad data.
    const seen = new Set<number>();
    for (let cursor: number | null = row.groupId; cursor !== null && !seen.has(cursor); cursor = parentOf.get(cursor) ?? null) {
      seen.add(cursor);
      const total = counts.get(cursor);
      if (!total) break;
      total.subtreeDeviceCount += row.count;
      if (row.online) total.subtreeOnlineCount += row.count;
    }
  }
  return counts;
}

/** The fields that differ, before and after, for the change history; null when nothing changed. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: T): { before: Partial<T>; after: Partial<T> } | null {
  const was: Partial<T> = {};
  const now: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      was[key] = before[key];
      now[key] = after[key];
    }
  }
  return Object.keys(now).length ? { before: was, after: now } : null;
}

type TreeNode = { id: number; parentId: number | null; sequence: number; name: string };

/**
 * The groups in tree order (each parent followed by its children, by sequence then name, as M92
 * `_order = 'sequence, name'`) with their depth. A group whose parent is not in the list (hidden
 * from a farm-bound person) is shown as a root rather than lost.
 */
export function orderAsTree<T extends TreeNode>(groups: readonly T[]): { group: T; depth: number }[] {
  const ids = new Set(groups.map((group) => group.id));
  const bySequence = (a: T, b: T) => a.sequence - b.sequence || a.name.localeCompare(b.name) || a.id - b.id;
  const children = new Map<number | null, T[]>();
  for (const group of groups) {
    const parent = group.parentId !== null && ids.has(group.parentId) ? group.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), group]);
  }
  const ordered: { group: T; depth: number }[] = [];
  const seen = new Set<number>();
  const visit = (parent: number | null, depth: number) => {
    for (const group of [...(children.get(parent) ?? [])].sort(bySequence)) {
      if (seen.has(group.id)) continue;
      seen.add(group.id);
      ordered.push({ group, depth });
      visit(group.id, depth + 1);
    }
  };
  visit(null, 0);
  // Groups caught in a loop of bad data never hang from a root: list them at the end, flat.
  for (const group of [...groups].sort(bySequence)) if (!seen.has(group.id)) ordered.push({ group, depth: 0 });
  return ordered;
}
