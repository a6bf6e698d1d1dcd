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
    return `${device.deviceId} is a ${DEVICE_TYPE_LABEL[device.deviceType]}; group “${group.name}” holds only ${DEVICE_TYPE_LABEL[group.deviceTypeFilter]} devices.`;
  }
  // A farm's group holds that farm's devices; a cross-farm group (no farm) holds any.
  if (group.farmId !== null && group.farmId !== device.farmId) {
    return `${device.deviceId} belongs to another farm than group “${group.name}”.`;
  }
  return null;
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
