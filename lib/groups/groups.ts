/**
 * Device groups (M92 `iot.device.group`): the tree, its counts, and the verbs that change it.
 * Every verb checks the role and the actor's farm here, not only in the page, and leaves one line
 * of change history per change.
 */
import { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { can, farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ConflictError, type FieldErrors, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { changedFields, describeDevices, groupVisible, groupWriteRefusal, parentRefusal, rollUpCounts, wouldCreateCycle, type GroupCounts, type GroupFit } from "./group-rules";
import { equalsInsensitive } from "../search/like-pattern";
import type { GroupCreateInput, GroupListQuery, GroupUpdateInput } from "./group-schemas";

type Tx = Prisma.TransactionClient;

const GROUP_SELECT = {
  id: true,
  name: true,
  code: true,
  sequence: true,
  description: true,
  farmId: true,
  farm: { select: { id: true, code: true, name: true } },
  deviceTypeFilter: true,
  parentId: true,
  parent: { select: { code: true } },
  color: true,
  active: true,
  healthCheckInterval: true,
  offlineAlertThreshold: true,
  createdAt: true,
} satisfies Prisma.DeviceGroupSelect;

type GroupRow = Prisma.DeviceGroupGetPayload<{ select: typeof GROUP_SELECT }>;
export type GroupSummary = Omit<GroupRow, "parent"> & { parentCode: string | null } & GroupCounts;

/** Retired devices keep their record (and their group) but are no longer part of the fleet. */
const IN_FLEET = { state: { not: "decommissioned" } } satisfies Prisma.DeviceWhereInput;

function assertMayWrite(actor: Actor) {
  if (!can(actor.role, "groups.write")) throw new ForbiddenError(`Your role (${actor.role}) does not allow changing groups.`);
}

/** The groups a person may see: their farm's and the cross-farm ones (all for an admin). */
function visibleWhere(actor: Actor): Prisma.DeviceGroupWhereInput {
  const scope = farmScope(actor);
  return scope === null ? {} : { OR: [{ farmId: scope }, { farmId: null }] };
}

/**
 * Devices counted for a person: a cross-farm group holds devices of several farms, and a
 * farm-bound manager counts only their own farm's, as the device list they open shows only those.
 */
function countedDevices(actor: Actor, farmId: number | null): Prisma.DeviceWhereInput {
  const farm = farmScope(actor) ?? farmId;
  return farm === null ? IN_FLEET : { ...IN_FLEET, farmId: farm };
}

async function countByGroup(db: Pick<Db, "device">, groupIds: number[], devices: Prisma.DeviceWhereInput) {
  if (!groupIds.length) return [];
  // One aggregate for every group shown: per group, online or not (M92 `_compute_device_count`).
  const rows = await db.device.groupBy({ by: ["groupId", "connectionStatus"], where: { ...devices, groupId: { in: groupIds } }, _count: { _all: true } });
  return rows.flatMap((row) => (row.groupId === null ? [] : [{ groupId: row.groupId, online: row.connectionStatus === "online", count: row._count._all }]));
}

/**
 * The groups a person may see, in one query, with their device and online counts in a second.
 * `farmId` narrows to one farm (the farm switcher, `?farmId=`): its groups and the cross-farm ones.
 */
export async function listGroups(db: Db, actor: Actor, query: GroupListQuery = {}): Promise<GroupSummary[]> {
  const and: Prisma.DeviceGroupWhereInput[] = [visibleWhere(actor)];
  if (query.farmId) and.push({ OR: [{ farmId: query.farmId }, { farmId: null }] });
  if (query.active !== undefined) and.push({ active: query.active });
  const rows = await db.deviceGroup.findMany({ where: { AND: and }, orderBy: [{ sequence: "asc" }, { name: "asc" }], select: GROUP_SELECT });
  const counts = rollUpCounts(await countByGroup(db, rows.map((row) => row.id), countedDevices(actor, query.farmId ?? null)), new Map(rows.map((row) => [row.id, row.parentId])));
  return rows.map((row) => summary(row, counts.get(row.id)));
}

export async function getGroup(db: Db, actor: Actor, id: number): Promise<GroupSummary> {
  const row = await db.deviceGroup.findUnique({ where: { id }, select: GROUP_SELECT });
  if (!row || !groupVisible(farmScope(actor), row.farmId)) throw new NotFoundError(`Group ${id} not found.`);
  const tree = await subtree(db, id);
  const counts = rollUpCounts(await countByGroup(db, [...tree.keys()], countedDevices(actor, null)), tree);
  return summary(row, counts.get(id));
}

function summary(row: GroupRow, counts: GroupCounts | undefined): GroupSummary {
  const { parent, ...group } = row;
  return { ...group, parentCode: parent?.code ?? null, ...(counts ?? { deviceCount: 0, onlineCount: 0, subtreeDeviceCount: 0, subtreeOnlineCount: 0 }) };
}

/** The group and every group below it, each with its parent (the root's parent left out). */
async function subtree(db: Pick<Db, "$queryRaw">, rootId: number): Promise<Map<number, number | null>> {
  const rows = await db.$queryRaw<{ id: number; parent_id: number | null }[]>`
    WITH RECURSIVE tree AS (
      SELECT id, parent_id FROM device_groups WHERE id = ${rootId}
      UNION
      SELECT g.id, g.parent_id FROM device_groups g JOIN tree t ON g.parent_id = t.id
    )
    SELECT id, parent_id FROM tree`;
  return new Map(rows.map((row) => [row.id, row.id === rootId ? null : row.parent_id]));
}

/** The proposed parent and its ancestors up to the root; UNION (not UNION ALL) stops at a loop. */
async function ancestry(tx: Tx, parentId: number): Promise<Map<number, number | null>> {
  const rows = await tx.$queryRaw<{ id: number; parent_id: number | null }[]>`
    WITH RECURSIVE chain AS (
      SELECT id, parent_id FROM device_groups WHERE id = ${parentId}
      UNION
      SELECT g.id, g.parent_id FROM device_groups g JOIN chain c ON g.id = c.parent_id
    )
    SELECT id, parent_id FROM chain`;
  return new Map(rows.map((row) => [row.id, row.parent_id]));
}

function invalid(field: string, message: string) {
  return new InvalidError(message, { [field]: [message] });
}

/** The farm a group is given must be one the person runs (a manager: theirs, never cross-farm). */
function assertFarmChoice(scope: number | null, farmId: number | null) {
  if (scope === null || farmId === scope) return;
  throw invalid("farmId", farmId === null ? "Pick your farm: cross-farm groups are managed by an admin" : "You can only use your own farm");
}

async function assertFarmExists(tx: Tx, farmId: number) {
  if (!(await tx.farm.findUnique({ where: { id: farmId }, select: { id: true } }))) throw invalid("farmId", "Unknown farm");
}

function codeTaken(code: string) {
  return new ConflictError(`Group code ${code} is already taken.`, { code: [`${code} is already used by another group`] });
}

async function assertCodeFree(tx: Tx, code: string, exceptId?: number) {
  // Codes are stored upper-case; `insensitive` also catches rows written before that rule.
  const clash = await tx.deviceGroup.findFirst({ where: { code: equalsInsensitive(code), ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { id: true } });
  if (clash) throw codeTaken(code);
}

/** The parent exists for this person, accepts this group's farm, and is not the group or below it. */
async function checkParent(tx: Tx, actor: Actor, child: { id: number | null; name: string; farmId: number | null }, parentId: number) {
  const parent = await tx.deviceGroup.findUnique({ where: { id: parentId }, select: { id: true, name: true, farmId: true } });
  if (!parent || !groupVisible(farmScope(actor), parent.farmId)) throw invalid("parentId", "Unknown parent group");
  if (child.id !== null && wouldCreateCycle(child.id, parentId, await ancestry(tx, parentId))) {
    throw invalid("parentId", parent.id === child.id ? "A group cannot be its own parent" : `“${parent.name}” is inside this group; a group cannot sit under its own sub-group`);
  }
  const refusal = parentRefusal(child, parent);
  if (refusal) throw invalid("parentId", refusal);
}

/** A new filter or farm must still fit every device in the group (retired ones aside: their record is read-only). */
async function checkDevicesFit(tx: Tx, groupId: number, fit: GroupFit, changed: { type: boolean; farm: boolean }) {
  const errors: FieldErrors = {};
  const misfits = async (where: Prisma.DeviceWhereInput) => {
    const filter = { ...IN_FLEET, groupId, ...where };
    // One after the other: an interactive transaction holds a single connection.
    const total = await tx.device.count({ where: filter });
    const sample = total ? await tx.device.findMany({ where: filter, select: { deviceId: true }, orderBy: { deviceId: "asc" }, take: 10 }) : [];
    return { total, ids: sample.map((device) => device.deviceId) };
  };
  if (changed.type && fit.deviceTypeFilter) {
    const { total, ids } = await misfits({ deviceType: { not: fit.deviceTypeFilter } });
    if (total) errors.deviceTypeFilter = [`${total} device${total === 1 ? "" : "s"} of another type ${total === 1 ? "is" : "are"} in “${fit.name}”: ${describeDevices(ids, total)}. Move them to another group first.`];
  }
  if (changed.farm && fit.farmId !== null) {
    const { total, ids } = await misfits({ farmId: { not: fit.farmId } });
    if (total) errors.farmId = [`${total} device${total === 1 ? "" : "s"} of another farm ${total === 1 ? "is" : "are"} in “${fit.name}”: ${describeDevices(ids, total)}. Move them to another group first.`];
  }
  const messages = Object.values(errors).flat();
  if (messages.length) throw new InvalidError(messages.join(" "), errors);
}

/** A group as its change history records it: relations by their codes, not database ids. */
function snapshot(row: GroupRow) {
  return {
    name: row.name,
    code: row.code,
    description: row.description,
    farm: row.farm?.code ?? null,
    deviceTypeFilter: row.deviceTypeFilter,
    parent: row.parent?.code ?? null,
    sequence: row.sequence,
    color: row.color,
    active: row.active,
    healthCheckInterval: row.healthCheckInterval,
    offlineAlertThreshold: row.offlineAlertThreshold,
  };
}

/** Another farm's group is "not found" for a farm-bound person; a cross-farm one is theirs to see, not to change. */
async function loadForWrite(tx: Tx, actor: Actor, id: number): Promise<GroupRow> {
  const row = await tx.deviceGroup.findUnique({ where: { id }, select: GROUP_SELECT });
  const scope = farmScope(actor);
  if (!row || !groupVisible(scope, row.farmId)) throw new NotFoundError(`Group ${id} not found.`);
  const refusal = groupWriteRefusal(scope, row.farmId);
  if (refusal) throw new ForbiddenError(refusal);
  return row;
}

function isPrismaError(error: unknown, code: string) {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === code;
}

export async function createGroup(db: Db, actor: Actor, input: GroupCreateInput): Promise<GroupSummary> {
  assertMayWrite(actor);
  const scope = farmScope(actor);
  // Left out, the farm is the creator's own: a manager's farm, or cross-farm for an admin.
  const farmId = input.farmId === undefined ? scope : input.farmId;
  assertFarmChoice(scope, farmId);
  try {
    const id = await db.$transaction(async (tx) => {
      if (farmId !== null) await assertFarmExists(tx, farmId);
      await assertCodeFree(tx, input.code);
      if (input.parentId) await checkParent(tx, actor, { id: null, name: input.name, farmId }, input.parentId);
      const created = await tx.deviceGroup.create({
        data: {
          name: input.name,
          code: input.code,
          description: input.description ?? null,
          farmId,
          deviceTypeFilter: input.deviceTypeFilter ?? null,
          parentId: input.parentId ?? null,
          sequence: input.sequence,
          color: input.color,
          active: input.active,
          healthCheckInterval: input.healthCheckInterval,
          offlineAlertThreshold: input.offlineAlertThreshold,
        },
        select: GROUP_SELECT,
      });
      await recordAudit(tx, actor, { entityType: "group", entityId: String(created.id), action: "created", after: snapshot(created) });
      return created.id;
    });
    return await getGroup(db, actor, id);
  } catch (error) {
    if (isPrismaError(error, "P2002")) throw codeTaken(input.code);
    throw error;
  }
}

export async function updateGroup(db: Db, actor: Actor, id: number, input: GroupUpdateInput): Promise<GroupSummary> {
  assertMayWrite(actor);
  const scope = farmScope(actor);
  try {
    await db.$transaction(async (tx) => {
      const before = await loadForWrite(tx, actor, id);
      const name = input.name ?? before.name;
      const farmId = input.farmId === undefined ? before.farmId : input.farmId;
      const farmChanged = farmId !== before.farmId;
      if (farmChanged) {
        assertFarmChoice(scope, farmId);
        if (farmId !== null) await assertFarmExists(tx, farmId);
      }
      const code = input.code ?? before.code;
      if (code !== before.code) await assertCodeFree(tx, code, id);

      const parentId = input.parentId === undefined ? before.parentId : input.parentId;
      if (parentId !== null && (parentId !== before.parentId || farmChanged)) await checkParent(tx, actor, { id, name, farmId }, parentId);
      if (farmChanged) {
        // The sub-groups must still accept this group as their parent in its new farm.
        const children = await tx.deviceGroup.findMany({ where: { parentId: id }, select: { name: true, farmId: true } });
        for (const child of children) {
          if (parentRefusal(child, { name, farmId })) throw invalid("farmId", `Sub-group “${child.name}” belongs to ${child.farmId === null ? "every farm" : "another farm"}; move it out first`);
        }
      }
      const deviceTypeFilter = input.deviceTypeFilter === undefined ? before.deviceTypeFilter : input.deviceTypeFilter;
      const typeChanged = deviceTypeFilter !== before.deviceTypeFilter;
      if (typeChanged || farmChanged) await checkDevicesFit(tx, id, { name, farmId, deviceTypeFilter }, { type: typeChanged, farm: farmChanged });

      const after = await tx.deviceGroup.update({
        where: { id },
        data: {
          name,
          code,
          description: input.description,
          farmId,
          deviceTypeFilter,
          parentId,
          sequence: input.sequence,
          color: input.color,
          active: input.active,
          healthCheckInterval: input.healthCheckInterval,
          offlineAlertThreshold: input.offlineAlertThreshold,
        },
        select: GROUP_SELECT,
      });
      const changes = changedFields(snapshot(before), snapshot(after));
      if (changes) await recordAudit(tx, actor, { entityType: "group", entityId: String(id), action: "updated", before: changes.before, after: changes.after });
    });
    return await getGroup(db, actor, id);
  } catch (error) {
    if (isPrismaError(error, "P2002")) throw codeTaken(input.code ?? "This code");
    throw error;
  }
}

/**
 * A group that still holds sub-groups or devices is not deleted: the devices would silently lose
 * their group (and its health-check settings). Retired devices do not hold it back; they keep their
 * history, and the database lets go of their group (ON DELETE SET NULL).
 */
export async function deleteGroup(db: Db, actor: Actor, id: number): Promise<{ id: number }> {
  assertMayWrite(actor);
  try {
    return await db.$transaction(async (tx) => {
      const before = await loadForWrite(tx, actor, id);
      const children = await tx.deviceGroup.count({ where: { parentId: id } });
      const devices = await tx.device.count({ where: { ...IN_FLEET, groupId: id } });
      if (children || devices) {
        const holds = [children ? `${children} sub-group${children === 1 ? "" : "s"}` : null, devices ? `${devices} device${devices === 1 ? "" : "s"}` : null].filter(Boolean).join(" and ");
        const next = children && devices ? "Move its devices and sub-groups out first." : devices ? "Move its devices to another group first." : "Move or delete its sub-groups first.";
        throw new ConflictError(`“${before.name}” still holds ${holds}. ${next}`);
      }
      await tx.deviceGroup.delete({ where: { id } });
      await recordAudit(tx, actor, { entityType: "group", entityId: String(id), action: "deleted", before: snapshot(before) });
      return { id };
    });
  } catch (error) {
    // A sub-group added between the check and the delete: the foreign key (ON DELETE RESTRICT) says no.
    if (isPrismaError(error, "P2003")) throw new ConflictError("The group gained a sub-group meanwhile. Move it to another group first.");
    throw error;
  }
}

export type GroupOption = { id: number; name: string; code: string; farmId: number | null; parentId: number | null; sequence: number; active: boolean };

/** The groups a person may pick as a parent (or filter by), without counts: one light query. */
export async function listGroupOptions(db: Db, actor: Actor): Promise<GroupOption[]> {
  return db.deviceGroup.findMany({
    where: visibleWhere(actor),
    orderBy: [{ sequence: "asc" }, { name: "asc" }],
    select: { id: true, name: true, code: true, farmId: true, parentId: true, sequence: true, active: true },
  });
}
