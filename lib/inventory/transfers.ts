/**
 * Moving devices to another farm (I-013 §9.1 `transfer_device`), all or nothing in one
 * transaction: the group, configuration and location follow the target farm's rules.
 * - group: a group of the farm the device leaves does not fit the new one; the caller names a
 *   group of the target farm (or none), else the transfer is refused on that field. A cross-farm
 *   group fits any farm and is kept.
 * - configuration: the device's desired configuration is made again from the target farm's (and
 *   group's) layers with the device's own values on top, as the worker's materialize sweep does
 *   for a layer change (lib/configuration/config-engine.ts), written in this same transaction by
 *   the one version writer, so the device never runs the old farm's settings at the new farm.
 * - tags made by the old farm (DeviceTag.farmId) are that farm's vocabulary and are dropped;
 *   shared tags stay.
 * - open work the old farm's plans made is cancelled ("Transferred to …"); past maintenance
 *   records keep their farm, so the old farm's history and costs stay true.
 * Every device gets a DeviceTransfer row and a line in its history.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { farmScope, permissionRefusal, type Actor } from "../auth/permissions";
import { changeSummary } from "../configuration/config-diff";
import { configHash } from "../configuration/config-hash";
import { notifyConfigChanged } from "../configuration/config-notify";
import { defaultConfig, isConfigDeviceType, type ConfigObject } from "../configuration/config-schemas";
import { lockShadows, writeVersions, type NewVersion } from "../configuration/config-versions";
import { LayerBook } from "../configuration/layer-book";
import type { Db } from "../db";
import type { DeviceRef } from "../devices/find-device";
import { findScopedDevice } from "../devices/find-device";
import { describeDevices, placementRefusal } from "../groups/group-rules";
import { ForbiddenError, InvalidError, type FieldErrors } from "../errors";
import { prismaSql } from "../ota/job-stops";
import { setMaintenance } from "../devices/device-bulk";
import { syncOverdueAlerts } from "../maintenance/maintenance-sweep";
import type { TransferInput } from "./inventory-schemas";

type Tx = Prisma.TransactionClient;

const TRANSFER_TX = { timeout: 30_000, maxWait: 10_000 };

/** Work the old farm's plans made that nobody has started: cancelled by a transfer. */
/**
 * All the old farm's open work on a moved device ends with the move, one-off and started work
 * included: left open it would stay with the old farm's people, who could still start or finish it
 * on a device that is no longer theirs (switching its maintenance mode, moving its calibration).
 */
const CANCELLED_BY_TRANSFER = ["scheduled", "overdue", "in_progress"] as const;

export type TransferOutcome = {
  toFarm: { id: number; code: string; name: string };
  devices: { deviceId: string; fromFarmId: number; toGroupId: number | null; configVersion: number | null; tagsDropped: string[]; maintenanceCancelled: number }[];
};

const DEVICE_SELECT = {
  id: true,
  deviceId: true,
  deviceType: true,
  state: true,
  farmId: true,
  farm: { select: { code: true, name: true } },
  groupId: true,
  group: { select: { id: true, code: true, name: true, farmId: true, deviceTypeFilter: true, active: true } },
  tags: { select: { tag: { select: { id: true, name: true, farmId: true } } } },
  storageLocation: true,
  locationDescription: true,
} satisfies Prisma.DeviceSelect;

type Moving = Prisma.DeviceGetPayload<{ select: typeof DEVICE_SELECT }>;

function refuse(message: string, fields: FieldErrors): never {
  throw new InvalidError(message, fields);
}

/**
 * Moves `deviceIds` to `toFarmId` (inventory.transfer: an admin of every farm). Refusals name the
 * field: unknown or retired devices (deviceIds), an unknown farm or the farm they are on
 * (toFarmId), a group that does not fit (toGroupId). Nothing is written on a refusal.
 */
export async function transferDevices(db: Db, actor: Actor, input: TransferInput, now = new Date()): Promise<TransferOutcome> {
  const refusal = permissionRefusal(actor, "inventory.transfer");
  if (refusal) throw new ForbiddenError(refusal);
  const ids = [...new Set(input.deviceIds)];
  const outcome = await db.$transaction(async (tx) => {
    const toFarm = await tx.farm.findUnique({ where: { id: input.toFarmId }, select: { id: true, code: true, name: true } });
    if (!toFarm) refuse("There is no such farm.", { toFarmId: ["Unknown farm"] });
    const scope = farmScope(actor);
    // Locked in id order, so two transfers of overlapping devices wait for each other.
    const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM devices WHERE device_id = ANY(${ids}::text[]) ORDER BY id FOR UPDATE`;
    const devices = await tx.device.findMany({ where: { id: { in: locked.map((row) => row.id) }, ...(scope !== null ? { farmId: scope } : {}) }, select: DEVICE_SELECT, orderBy: { deviceId: "asc" } });
    const found = new Set(devices.map((device) => device.deviceId));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) refuse(`No device ${describeDevices(missing.slice(0, 5), missing.length)}.`, { deviceIds: [`Unknown device${missing.length > 1 ? "s" : ""}: ${describeDevices(missing.slice(0, 5), missing.length)}`] });
    const retired = devices.filter((device) => device.state === "decommissioned").map((device) => device.deviceId);
    if (retired.length) refuse(`${describeDevices(retired.slice(0, 5), retired.length)} ${retired.length > 1 ? "are" : "is"} retired and cannot move.`, { deviceIds: [`Retired: ${describeDevices(retired.slice(0, 5), retired.length)}`] });
    const already = devices.filter((device) => device.farmId === toFarm.id).map((device) => device.deviceId);
    if (already.length) refuse(`${describeDevices(already.slice(0, 5), already.length)} ${already.length > 1 ? "are" : "is"} on ${toFarm.name} already.`, { toFarmId: [`${describeDevices(already.slice(0, 5), already.length)} ${already.length > 1 ? "are" : "is"} on this farm already`] });

    const groupOf = await targetGroups(tx, devices, toFarm, input.toGroupId);

    // The place first, then the configuration that follows from it.
    for (const device of devices) {
      await tx.device.update({
        where: { id: device.id },
        data: {
          farmId: toFarm.id,
          groupId: groupOf.get(device.id)?.id ?? null,
          // The old farm's shelf or stall means nothing at the new one: what the caller names, else nothing.
          storageLocation: input.storageLocation ?? null,
          locationDescription: input.locationDescription ?? null,
          latitude: null,
          longitude: null,
          locationUpdatedAt: now,
        },
      });
      await tx.deviceTagLink.deleteMany({ where: { deviceId: device.id, tag: { farmId: device.farmId } } });
    }
    const versions = await followTargetLayers(tx, actor, devices, toFarm, groupOf, now);

    const cancelled = new Map<number, number>();
    const modeToLift: { id: number }[] = [];
    for (const device of devices) {
      const open = { deviceId: device.id, farmId: device.farmId, status: { in: [...CANCELLED_BY_TRANSFER] } };
      // Maintenance mode that started work put on ends with that work.
      if (await tx.maintenance.count({ where: { ...open, status: "in_progress", modeSetByWork: true } })) modeToLift.push({ id: device.id });
      const { count } = await tx.maintenance.updateMany({
        where: open,
        data: { status: "cancelled", cancelledAt: now, cancelledById: actor.kind === "user" ? actor.id : null, cancelReason: `Transferred to ${toFarm.name}` },
      });
      cancelled.set(device.id, count);
    }
    await setMaintenance(tx, modeToLift, false);
    await syncOverdueAlerts(prismaSql(tx), { now, devices: devices.map((device) => device.id) });
    // A plan the old farm made for this one device has nothing left to plan for.
    await tx.maintenancePlan.updateMany({ where: { scope: "device", deviceId: { in: devices.map((device) => device.id) }, active: true, NOT: { farmId: toFarm.id } }, data: { active: false } });

    await tx.deviceTransfer.createMany({
      data: devices.map((device) => ({
        deviceId: device.id,
        fromFarmId: device.farmId,
        toFarmId: toFarm.id,
        fromGroupId: device.groupId,
        toGroupId: groupOf.get(device.id)?.id ?? null,
        fromLocation: device.storageLocation ?? device.locationDescription,
        toLocation: input.storageLocation ?? input.locationDescription ?? null,
        reason: input.reason ?? null,
        transferredById: actor.kind === "user" ? actor.id : null,
        transferredAt: now,
      })),
    });

    const result: TransferOutcome["devices"] = [];
    for (const device of devices) {
      const group = groupOf.get(device.id) ?? null;
      const dropped = device.tags.filter((link) => link.tag.farmId === device.farmId).map((link) => link.tag.name).sort();
      const kept = device.tags.filter((link) => link.tag.farmId !== device.farmId).map((link) => link.tag.name).sort();
      await recordAudit(tx, actor, {
        entityType: "device",
        entityId: device.deviceId,
        action: "transferred",
        before: { farm: device.farm.code, group: device.group?.code ?? null, tags: device.tags.map((link) => link.tag.name).sort(), storageLocation: device.storageLocation, locationDescription: device.locationDescription },
        after: {
          farm: toFarm.code,
          group: group?.code ?? null,
          tags: kept,
          storageLocation: input.storageLocation ?? null,
          locationDescription: input.locationDescription ?? null,
          ...(input.reason ? { reason: input.reason } : {}),
        },
      });
      result.push({ deviceId: device.deviceId, fromFarmId: device.farmId, toGroupId: group?.id ?? null, configVersion: versions.get(device.id) ?? null, tagsDropped: dropped, maintenanceCancelled: cancelled.get(device.id) ?? 0 });
    }
    return { toFarm, devices: result };
  }, TRANSFER_TX);
  // Wakes the worker's delivery at once; the versions are committed either way.
  await notifyConfigChanged(db);
  return outcome;
}

type TargetGroup = { id: number; code: string; name: string };

/** Each device's group at the target farm, or a refusal on `toGroupId` naming the devices that do not fit. */
async function targetGroups(tx: Tx, devices: Moving[], toFarm: { id: number; name: string }, toGroupId: number | null | undefined): Promise<Map<number, TargetGroup | null>> {
  const out = new Map<number, TargetGroup | null>();
  if (toGroupId === null) {
    for (const device of devices) out.set(device.id, null);
    return out;
  }
  if (toGroupId !== undefined) {
    const group = await tx.deviceGroup.findUnique({ where: { id: toGroupId }, select: { id: true, code: true, name: true, farmId: true, deviceTypeFilter: true, active: true } });
    if (!group) refuse("There is no such group.", { toGroupId: ["Unknown group"] });
    if (group.farmId !== null && group.farmId !== toFarm.id) refuse(`Group “${group.name}” belongs to another farm than ${toFarm.name}.`, { toGroupId: [`Pick a group of ${toFarm.name}, or none`] });
    const problems = devices.map((device) => placementRefusal(group, { deviceId: device.deviceId, deviceType: device.deviceType, farmId: toFarm.id })).filter((problem): problem is string => problem !== null);
    if (problems.length) refuse(problems[0]!, { toGroupId: problems.slice(0, 5) });
    for (const device of devices) out.set(device.id, group);
    return out;
  }
  // No group named: each keeps its own where it fits the target farm (a cross-farm group).
  const misfits: string[] = [];
  for (const device of devices) {
    const group = device.group;
    if (!group) {
      out.set(device.id, null);
      continue;
    }
    if (placementRefusal(group, { deviceId: device.deviceId, deviceType: device.deviceType, farmId: toFarm.id })) misfits.push(`${device.deviceId} (${group.name})`);
    else out.set(device.id, group);
  }
  if (misfits.length) {
    const named = describeDevices(misfits.slice(0, 5), misfits.length);
    refuse(`The group of ${named} belongs to the farm ${misfits.length > 1 ? "they leave" : "it leaves"}, not ${toFarm.name}. Pick a group of ${toFarm.name}, or none.`, {
      toGroupId: [`${named}: group of the farm they leave; pick a group of ${toFarm.name}, or none`],
    });
  }
  return out;
}

/**
 * A new desired version for each moved device whose configuration changes with its place: the
 * target farm's and group's layers with the device's own values on top (LayerBook, as the
 * materialize sweep computes it), written by writeVersions under the shadow's row lock.
 */
async function followTargetLayers(tx: Tx, actor: Actor, devices: Moving[], toFarm: { id: number; name: string }, groupOf: Map<number, TargetGroup | null>, now: Date): Promise<Map<number, number>> {
  const configurable = devices.filter((device) => isConfigDeviceType(device.deviceType));
  const written = new Map<number, number>();
  if (configurable.length === 0) return written;
  const sql = prismaSql(tx);
  const ids = configurable.map((device) => device.id);
  const shadows = await lockShadows(sql, ids);
  const book = await LayerBook.load(sql);
  const reason = `Transferred to ${toFarm.name}`;
  const items: NewVersion[] = [];
  for (const device of configurable) {
    if (!isConfigDeviceType(device.deviceType)) continue;
    const shadow = shadows.get(device.id);
    const overrides = shadow ? (JSON.parse(shadow.overrides) as ConfigObject) : {};
    const effective = book.effective({ deviceType: device.deviceType, farmId: toFarm.id, groupId: groupOf.get(device.id)?.id ?? null }, overrides);
    const hash = configHash(effective.config);
    if (shadow?.desired_hash === hash && (shadow?.desired_version ?? 0) > 0) continue;
    const before = shadow?.desired ?? defaultConfig(device.deviceType);
    const first = !shadow || shadow.desired_version === 0;
    items.push({
      devicePk: device.id,
      overrides,
      config: effective.config,
      hash,
      source: first ? "initial" : "layer",
      summary: changeSummary(before, effective.config) || (first ? "Type defaults" : "No change in values"),
      reason,
      createdById: actor.kind === "user" ? actor.id : null,
    });
  }
  for (const version of await writeVersions(sql, items, now)) written.set(version.devicePk, version.version);
  return written;
}

// ---------------------------------------------------------------- history

const TRANSFER_VIEW_SELECT = {
  id: true,
  transferredAt: true,
  reason: true,
  fromLocation: true,
  toLocation: true,
  fromFarmId: true,
  toFarmId: true,
  fromGroupId: true,
  toGroupId: true,
  transferredById: true,
  device: { select: { deviceId: true, name: true, deviceType: true } },
} satisfies Prisma.DeviceTransferSelect;

export type TransferView = {
  id: number;
  transferredAt: Date;
  device: { deviceId: string; name: string; deviceType: string };
  fromFarm: { id: number; code: string; name: string } | null;
  toFarm: { id: number; code: string; name: string } | null;
  fromGroup: { id: number; name: string } | null;
  toGroup: { id: number; name: string } | null;
  fromLocation: string | null;
  toLocation: string | null;
  reason: string | null;
  transferredBy: string | null;
};

async function describeTransfers(db: Pick<Db, "farm" | "deviceGroup" | "user">, rows: Prisma.DeviceTransferGetPayload<{ select: typeof TRANSFER_VIEW_SELECT }>[]): Promise<TransferView[]> {
  const farmIds = [...new Set(rows.flatMap((row) => [row.fromFarmId, row.toFarmId]))];
  const groupIds = [...new Set(rows.flatMap((row) => [row.fromGroupId, row.toGroupId]).filter((id): id is number => id !== null))];
  const userIds = [...new Set(rows.map((row) => row.transferredById).filter((id): id is number => id !== null))];
  const [farms, groups, users] = await Promise.all([
    farmIds.length ? db.farm.findMany({ where: { id: { in: farmIds } }, select: { id: true, code: true, name: true } }) : [],
    groupIds.length ? db.deviceGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true } }) : [],
    userIds.length ? db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : [],
  ]);
  const farm = new Map(farms.map((row) => [row.id, row]));
  const group = new Map(groups.map((row) => [row.id, row]));
  const user = new Map(users.map((row) => [row.id, row.name]));
  return rows.map((row) => ({
    id: row.id,
    transferredAt: row.transferredAt,
    device: row.device,
    fromFarm: farm.get(row.fromFarmId) ?? null,
    toFarm: farm.get(row.toFarmId) ?? null,
    fromGroup: row.fromGroupId !== null ? (group.get(row.fromGroupId) ?? null) : null,
    toGroup: row.toGroupId !== null ? (group.get(row.toGroupId) ?? null) : null,
    fromLocation: row.fromLocation,
    toLocation: row.toLocation,
    reason: row.reason,
    transferredBy: row.transferredById !== null ? (user.get(row.transferredById) ?? null) : null,
  }));
}

export type TransferPage = { data: TransferView[]; total: number; page: number; pageSize: number; pages: number };

/**
 * Transfers newest first. A farm-bound reader sees those from or to their farm; `farm` narrows to
 * one farm (either side).
 */
export async function listTransfers(db: Db, actor: Actor, query: { farm?: number | null; page: number; pageSize: number }): Promise<TransferPage> {
  const scope = farmScope(actor);
  const and: Prisma.DeviceTransferWhereInput[] = [];
  if (scope !== null) and.push({ OR: [{ fromFarmId: scope }, { toFarmId: scope }] });
  if (query.farm) and.push({ OR: [{ fromFarmId: query.farm }, { toFarmId: query.farm }] });
  const where: Prisma.DeviceTransferWhereInput = and.length ? { AND: and } : {};
  const [total, rows] = await Promise.all([
    db.deviceTransfer.count({ where }),
    db.deviceTransfer.findMany({ where, orderBy: [{ transferredAt: "desc" }, { id: "desc" }], skip: (query.page - 1) * query.pageSize, take: query.pageSize, select: TRANSFER_VIEW_SELECT }),
  ]);
  return { data: await describeTransfers(db, rows), total, page: query.page, pageSize: query.pageSize, pages: Math.max(1, Math.ceil(total / query.pageSize)) };
}

/** One device's transfers, newest first (its page and GET /devices/{id}/transfers). */
export async function deviceTransfers(db: Db, actor: Actor, ref: DeviceRef): Promise<TransferView[]> {
  const device = await findScopedDevice(db, actor, ref, { id: true });
  const rows = await db.deviceTransfer.findMany({ where: { deviceId: device.id }, orderBy: [{ transferredAt: "desc" }, { id: "desc" }], take: 100, select: TRANSFER_VIEW_SELECT });
  return describeTransfers(db, rows);
}
