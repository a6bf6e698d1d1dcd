/**
 * Changing many devices at once from the list: by the ticked rows or by everything the filter
 * matches. Each action is one transaction of set-based statements; it changes all of them or,
 * when one device cannot take the change (a group that excludes its type), none, and says which.
 */
import type { $Enums, Prisma } from "@prisma/client";
import { can, farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ForbiddenError, InvalidError } from "../errors";
import { groupRefusal } from "../groups/group-rules";
import { auditActor } from "./device-history";
import { deviceWhere, parseDeviceListQuery } from "./device-list";
import type { BulkActionInput, BulkTarget } from "./device-schemas";

/** A filter-wide action on more devices than this is refused: narrow the filter first. */
export const BULK_LIMIT = 20_000;

export type TargetRow = {
  id: number;
  deviceId: string;
  deviceType: $Enums.DeviceType;
  farmId: number;
  state: $Enums.DeviceState;
  maintenanceMode: boolean;
  groupId: number | null;
  model: string | null;
  firmwareVersion: string | null;
};

/**
 * The devices a bulk change (or an update job) applies to: ticked ids within the actor's farm, or
 * every device a list filter matches; never retired ones, never more than BULK_LIMIT.
 */
export async function targetDevices(tx: Prisma.TransactionClient, actor: Actor, target: BulkTarget): Promise<TargetRow[]> {
  const select = { id: true, deviceId: true, deviceType: true, farmId: true, state: true, maintenanceMode: true, groupId: true, model: true, firmwareVersion: true } as const;
  let where: Prisma.DeviceWhereInput;
  if ("deviceIds" in target) {
    const scope = farmScope(actor);
    where = { deviceId: { in: target.deviceIds }, ...(scope !== null ? { farmId: scope } : {}) };
  } else {
    where = await deviceWhere(tx, actor, parseDeviceListQuery(target.filter));
  }
  const rows = await tx.device.findMany({ where: { AND: [where, { state: { not: "decommissioned" } }] }, select, orderBy: { id: "asc" }, take: BULK_LIMIT + 1 });
  if (rows.length > BULK_LIMIT) throw new InvalidError(`The filter matches more than ${BULK_LIMIT.toLocaleString("en")} devices. Narrow it before changing them at once.`);
  if ("deviceIds" in target) {
    const found = new Set(rows.map((row) => row.deviceId));
    const missing = target.deviceIds.filter((id) => !found.has(id));
    if (missing.length) throw new InvalidError(`Not found or retired: ${preview(missing)}.`);
  }
  return rows;
}

function preview(ids: string[], max = 10) {
  return ids.length > max ? `${ids.slice(0, max).join(", ")} and ${ids.length - max} more` : ids.join(", ");
}

export type BulkResult = { matched: number; changed: number; message: string };

/** A bulk change reads and writes its devices this many at a time. */
export const BULK_BATCH = 1000;

/**
 * The devices of a bulk change, BULK_BATCH at a time in id order (a keyset on the id): a change
 * to 20,000 devices holds 1,000 rows in memory, not all of them. Each batch is read after the
 * previous one was changed; a change that takes a device out of the filter (removing it from the
 * group filtered on) only moves rows already passed, so none is skipped or read twice.
 */
async function* targetBatches(tx: Prisma.TransactionClient, actor: Actor, target: BulkTarget): AsyncGenerator<TargetRow[]> {
  let where: Prisma.DeviceWhereInput;
  const scope = farmScope(actor);
  if ("deviceIds" in target) where = { deviceId: { in: target.deviceIds }, ...(scope !== null ? { farmId: scope } : {}) };
  else where = await deviceWhere(tx, actor, parseDeviceListQuery(target.filter));
  const live: Prisma.DeviceWhereInput = { AND: [where, { state: { not: "decommissioned" } }] };
  if ((await tx.device.count({ where: live, take: BULK_LIMIT + 1 })) > BULK_LIMIT) throw new InvalidError(`The filter matches more than ${BULK_LIMIT.toLocaleString("en")} devices. Narrow it before changing them at once.`);
  if ("deviceIds" in target) {
    // at most 1,000 ids (bulkTargetSchema)
    const found = new Set((await tx.device.findMany({ where: live, select: { deviceId: true } })).map((row) => row.deviceId));
    const missing = target.deviceIds.filter((id) => !found.has(id));
    if (missing.length) throw new InvalidError(`Not found or retired: ${preview(missing)}.`);
  }
  const select = { id: true, deviceId: true, deviceType: true, farmId: true, state: true, maintenanceMode: true, groupId: true, model: true, firmwareVersion: true } as const;
  for (let after = 0; ; ) {
    const rows = await tx.device.findMany({ where: { AND: [live, { id: { gt: after } }] }, select, orderBy: { id: "asc" }, take: BULK_BATCH });
    if (rows.length) yield rows;
    if (rows.length < BULK_BATCH) return;
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * `historyAction` names the change in the device history: "bulk_updated" from the list,
 * "maintenance_on"/"maintenance_off" when a person switches it on the device page.
 */
export async function runBulkAction(db: Db, actor: Actor, input: BulkActionInput, historyAction = "bulk_updated"): Promise<BulkResult> {
  const maintenance = input.action === "maintenanceOn" || input.action === "maintenanceOff";
  const permission = maintenance ? "maintenance.write" : "devices.write";
  if (!can(actor.role, permission)) throw new ForbiddenError(`Your role (${actor.role}) does not allow ${permission}.`);
  return db.$transaction(
    async (tx) => {
      const who = auditActor(actor);
      const history = (rows: { deviceId: string; before: Prisma.InputJsonValue; after: Prisma.InputJsonValue }[]) =>
        rows.length ? tx.auditEvent.createMany({ data: rows.map((row) => ({ ...who, entityType: "device", entityId: row.deviceId, action: historyAction, before: row.before, after: row.after })) }) : null;
      let matched = 0;
      let changed = 0;

      switch (input.action) {
        case "addToGroup": {
          const group = await tx.deviceGroup.findUnique({ where: { id: input.groupId }, select: { id: true, code: true, name: true, farmId: true, deviceTypeFilter: true, active: true } });
          const scope = farmScope(actor);
          if (!group || !group.active || (scope !== null && group.farmId !== null && group.farmId !== scope)) throw new InvalidError("Unknown group.", { groupId: ["Unknown group"] });
          // every device is checked before any is moved: all of them join, or none
          const refused: string[] = [];
          let refusedCount = 0;
          for await (const devices of targetBatches(tx, actor, input.target)) {
            matched += devices.length;
            for (const reason of devices.map((device) => groupRefusal(group, device)).filter((reason): reason is string => reason !== null)) {
              refusedCount++;
              if (refused.length < 10) refused.push(reason);
            }
          }
          if (refusedCount) {
            const more = refusedCount > 10 ? [`… and ${refusedCount - 10} more`] : [];
            throw new InvalidError(`${refusedCount} of the ${matched} devices cannot join “${group.name}”; nothing was changed.`, { groupId: [...refused, ...more] });
          }
          for await (const devices of targetBatches(tx, actor, input.target)) {
            const moving = devices.filter((device) => device.groupId !== group.id);
            const previous = await groupCodes(tx, moving.map((device) => device.groupId));
            await tx.device.updateMany({ where: { id: { in: moving.map((device) => device.id) } }, data: { groupId: group.id } });
            await history(moving.map((device) => ({ deviceId: device.deviceId, before: { group: previous.get(device.groupId) ?? null }, after: { group: group.code } })));
            changed += moving.length;
          }
          return { matched, changed, message: `${changed} devices added to ${group.name}.` };
        }
        case "removeFromGroup": {
          for await (const devices of targetBatches(tx, actor, input.target)) {
            matched += devices.length;
            const leaving = devices.filter((device) => device.groupId !== null);
            const previous = await groupCodes(tx, leaving.map((device) => device.groupId));
            await tx.device.updateMany({ where: { id: { in: leaving.map((device) => device.id) } }, data: { groupId: null } });
            await history(leaving.map((device) => ({ deviceId: device.deviceId, before: { group: previous.get(device.groupId) ?? null }, after: { group: null } })));
            changed += leaving.length;
          }
          return { matched, changed, message: `${changed} devices removed from their group.` };
        }
        case "addTag":
        case "removeTag": {
          const tag = await tx.deviceTag.findUnique({ where: { id: input.tagId }, select: { id: true, name: true } });
          if (!tag) throw new InvalidError("Unknown tag.", { tagId: ["Unknown tag"] });
          const adding = input.action === "addTag";
          for await (const devices of targetBatches(tx, actor, input.target)) {
            matched += devices.length;
            const ids = devices.map((device) => device.id);
            const tagged = new Set((await tx.deviceTagLink.findMany({ where: { tagId: tag.id, deviceId: { in: ids } }, select: { deviceId: true } })).map((link) => link.deviceId));
            const touched = devices.filter((device) => tagged.has(device.id) !== adding);
            if (adding) await tx.deviceTagLink.createMany({ data: touched.map((device) => ({ deviceId: device.id, tagId: tag.id })), skipDuplicates: true });
            else await tx.deviceTagLink.deleteMany({ where: { tagId: tag.id, deviceId: { in: touched.map((device) => device.id) } } });
            await history(touched.map((device) => ({ deviceId: device.deviceId, before: adding ? { tagAdded: null } : { tagRemoved: tag.name }, after: adding ? { tagAdded: tag.name } : { tagRemoved: null } })));
            changed += touched.length;
          }
          return { matched, changed, message: `Tag “${tag.name}” ${adding ? "added to" : "removed from"} ${changed} devices.` };
        }
        case "maintenanceOn":
        case "maintenanceOff": {
          const on = input.action === "maintenanceOn";
          const notes = on && "notes" in input ? input.notes : undefined;
          for await (const devices of targetBatches(tx, actor, input.target)) {
            matched += devices.length;
            const touched = devices.filter((device) => device.maintenanceMode !== on);
            await setMaintenance(tx, touched, on, notes ?? undefined);
            await history(
              touched.map((device) => ({
                deviceId: device.deviceId,
                before: { maintenanceMode: !on, state: device.state },
                after: { maintenanceMode: on, state: on ? "maintenance" : "active", ...(notes ? { maintenanceNotes: notes } : {}) },
              })),
            );
            changed += touched.length;
          }
          return { matched, changed, message: `Maintenance mode ${on ? "on" : "off"} for ${changed} devices.` };
        }
      }
    },
    { timeout: 60_000 },
  );
}

/**
 * M92 `action_enable_maintenance_mode` / `action_disable_maintenance_mode`: the mode and the
 * lifecycle state move together (maintenance ↔ active), so health checks skip the device.
 */
export async function setMaintenance(tx: Prisma.TransactionClient, devices: { id: number }[], on: boolean, notes?: string) {
  if (!devices.length) return;
  await tx.device.updateMany({
    where: { id: { in: devices.map((device) => device.id) } },
    data: { maintenanceMode: on, state: on ? "maintenance" : "active", ...(notes ? { maintenanceNotes: notes } : {}) },
  });
}

async function groupCodes(tx: Prisma.TransactionClient, ids: (number | null)[]) {
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  const groups = wanted.length ? await tx.deviceGroup.findMany({ where: { id: { in: wanted } }, select: { id: true, code: true } }) : [];
  return new Map<number | null, string>(groups.map((group) => [group.id, group.code]));
}

/** Maintenance mode for one device, from its page: the same rule and history as the bulk action. */
export async function setDeviceMaintenanceMode(db: Db, actor: Actor, deviceId: string, on: boolean, notes?: string | null) {
  return runBulkAction(
    db,
    actor,
    on ? { action: "maintenanceOn", notes, target: { deviceIds: [deviceId] } } : { action: "maintenanceOff", target: { deviceIds: [deviceId] } },
    on ? "maintenance_on" : "maintenance_off",
  );
}
