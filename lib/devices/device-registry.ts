/**
 * Changing devices: create, edit, retire. Every write checks the actor's farms here (not only in
 * the page), refuses a group that cannot hold the device, and leaves one line of change history
 * per device with the tracked fields before and after.
 */
import { Prisma } from "@prisma/client";
import { can, farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { groupToCheck, placementRefusal } from "../groups/group-rules";
import { revokeDeviceCredentials } from "../provisioning/credentials";
import { auditActor, trackedChanges, type TrackedSnapshot } from "./device-history";
import type { DeviceCreateInput, DeviceUpdateInput } from "./device-schemas";
import { editRefusal, newStateRefusal, stateChangeRefusal } from "./lifecycle";

type Tx = Prisma.TransactionClient;

/** Viewers only read: checked here as well as at the entry points, so no caller (job, script) can forget it. */
function assertMayWrite(actor: Actor) {
  if (!can(actor.role, "devices.write")) throw new ForbiddenError(`Your role (${actor.role}) cannot change devices.`);
}

/** Another farm's device is "not found" for a farm-bound person: its existence is not theirs to know. */
function assertInScope(actor: Actor, farmId: number, deviceId: string) {
  const scope = farmScope(actor);
  if (scope !== null && scope !== farmId) throw new NotFoundError(`Device ${deviceId} not found.`);
}

function assertFarmAllowed(actor: Actor, farmId: number) {
  const scope = farmScope(actor);
  if (scope !== null && scope !== farmId) throw new InvalidError("You can only use your own farm.", { farmId: ["You can only use your own farm"] });
}

const SNAPSHOT_SELECT = {
  id: true,
  deviceId: true,
  deviceType: true,
  name: true,
  state: true,
  farmId: true,
  farm: { select: { code: true } },
  groupId: true,
  group: { select: { code: true } },
  tags: { select: { tag: { select: { id: true, name: true } } } },
  firmwareVersion: true,
  maintenanceMode: true,
  maintenanceNotes: true,
  manufacturer: true,
  model: true,
  serialNumber: true,
  macAddress: true,
  hardwareVersion: true,
  locationDescription: true,
  latitude: true,
  longitude: true,
  powerSource: true,
  lowBatteryThreshold: true,
  connectionType: true,
  ssid: true,
  healthCheckInterval: true,
  calibrationStatus: true,
  lastCalibration: true,
  nextMaintenanceDate: true,
  purchaseDate: true,
  warrantyEnd: true,
  unitCost: true,
  retiredAt: true,
} satisfies Prisma.DeviceSelect;

type SnapshotRow = Prisma.DeviceGetPayload<{ select: typeof SNAPSHOT_SELECT }>;

function snapshot(row: SnapshotRow): TrackedSnapshot {
  const { farm, group, tags, unitCost, ...rest } = row;
  return {
    ...rest,
    farm: farm.code,
    group: group?.code ?? null,
    tags: tags.map((link) => link.tag.name).sort(),
    unitCost: unitCost === null ? null : Number(unitCost),
  };
}

async function loadForWrite(tx: Tx, actor: Actor, deviceId: string): Promise<SnapshotRow> {
  const row = await tx.device.findUnique({ where: { deviceId }, select: SNAPSHOT_SELECT });
  if (!row) throw new NotFoundError(`Device ${deviceId} not found.`);
  assertInScope(actor, row.farmId, deviceId);
  return row;
}

async function checkGroup(tx: Tx, actor: Actor, groupId: number, device: { deviceId: string; deviceType: SnapshotRow["deviceType"]; farmId: number }) {
  const group = await tx.deviceGroup.findUnique({ where: { id: groupId }, select: { name: true, farmId: true, deviceTypeFilter: true, active: true } });
  const scope = farmScope(actor);
  if (!group || (scope !== null && group.farmId !== null && group.farmId !== scope)) throw new InvalidError("Unknown group.", { groupId: ["Unknown group"] });
  const refusal = placementRefusal(group, device);
  if (refusal) throw new InvalidError(refusal, { groupId: [refusal] });
}

async function checkTags(tx: Tx, tagIds: number[]) {
  const found = await tx.deviceTag.count({ where: { id: { in: tagIds } } });
  if (found !== new Set(tagIds).size) throw new InvalidError("Unknown tag.", { tagIds: ["One of the tags does not exist"] });
}

function isUniqueViolation(error: unknown) {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function createDevice(db: Db, actor: Actor, input: DeviceCreateInput, method: "manual" | "qr_code" | "nfc" | "csv_import" | "api" = "manual") {
  assertMayWrite(actor);
  const farmId = input.farmId;
  assertFarmAllowed(actor, farmId);
  const taken = () => new ConflictError(`A device with id ${input.deviceId} already exists.`, { deviceId: [`${input.deviceId} is already registered`] });
  try {
    return await db.$transaction(async (tx) => {
      if (await tx.device.findUnique({ where: { deviceId: input.deviceId }, select: { id: true } })) throw taken();
      if (!(await tx.farm.findUnique({ where: { id: farmId }, select: { id: true } }))) throw new InvalidError("Unknown farm.", { farmId: ["Unknown farm"] });
      if (input.groupId) await checkGroup(tx, actor, input.groupId, { deviceId: input.deviceId, deviceType: input.deviceType, farmId });
      if (input.tagIds?.length) await checkTags(tx, input.tagIds);
      const state = input.state ?? "registered";
      const refusal = newStateRefusal(state);
      if (refusal) throw new InvalidError(refusal, { state: [refusal] });
      const { tagIds, ...fields } = input;
      const created = await tx.device.create({
        data: {
          ...withoutUndefined(fields),
          state,
          provisioningMethod: method,
          provisioningDate: new Date(),
          provisionedById: actor.kind === "user" ? actor.id : null,
          tags: tagIds?.length ? { create: [...new Set(tagIds)].map((tagId) => ({ tagId })) } : undefined,
        },
        select: SNAPSHOT_SELECT,
      });
      await tx.auditEvent.create({ data: { ...auditActor(actor), entityType: "device", entityId: created.deviceId, action: "created", after: toJson(snapshot(created)) } });
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
}

export async function updateDevice(db: Db, actor: Actor, deviceId: string, input: DeviceUpdateInput) {
  assertMayWrite(actor);
  return db.$transaction(async (tx) => {
    const before = await loadForWrite(tx, actor, deviceId);
    const readOnly = editRefusal(before);
    if (readOnly) throw new ConflictError(readOnly);
    const farmId = input.farmId ?? before.farmId;
    if (input.farmId !== undefined && input.farmId !== before.farmId) {
      assertFarmAllowed(actor, input.farmId);
      if (!(await tx.farm.findUnique({ where: { id: input.farmId }, select: { id: true } }))) throw new InvalidError("Unknown farm.", { farmId: ["Unknown farm"] });
    }
    if (input.state && input.state !== before.state) {
      const refusal = stateChangeRefusal(before.state, input.state);
      if (refusal) throw new InvalidError(refusal, { state: [refusal] });
    }
    const groupId = groupToCheck(before, { groupId: input.groupId === undefined ? before.groupId : input.groupId, farmId });
    if (groupId !== null) await checkGroup(tx, actor, groupId, { deviceId, deviceType: before.deviceType, farmId });
    if (input.tagIds?.length) await checkTags(tx, input.tagIds);

    const { tagIds, ...fields } = input;
    const after = await tx.device.update({
      where: { id: before.id },
      data: {
        ...withoutUndefined(fields),
        tags: tagIds === undefined ? undefined : { deleteMany: {}, create: [...new Set(tagIds)].map((tagId) => ({ tagId })) },
      },
      select: SNAPSHOT_SELECT,
    });
    const changes = trackedChanges(snapshot(before), snapshot(after));
    if (changes) await tx.auditEvent.create({ data: { ...auditActor(actor), entityType: "device", entityId: deviceId, action: "updated", before: toJson(changes.before), after: toJson(changes.after) } });
    return after;
  });
}

/**
 * I-013 §8 retirement: the device is decommissioned, its MQTT credentials stop working at once,
 * and its record and history stay. There is no hard delete.
 */
export async function retireDevice(db: Db, actor: Actor, deviceId: string, reason: string) {
  assertMayWrite(actor);
  return db.$transaction(async (tx) => {
    const before = await loadForWrite(tx, actor, deviceId);
    if (before.state === "decommissioned") throw new ConflictError(`Device ${deviceId} is already retired.`);
    const after = await tx.device.update({
      where: { id: before.id },
      data: { state: "decommissioned", retiredAt: new Date(), retirementReason: reason, maintenanceMode: false, connectionStatus: "offline" },
      select: SNAPSHOT_SELECT,
    });
    await revokeDeviceCredentials(tx, before.id);
    await tx.auditEvent.create({
      data: { ...auditActor(actor), entityType: "device", entityId: deviceId, action: "retired", before: { state: before.state }, after: { state: "decommissioned", reason } },
    });
    return after;
  });
}

/** Fields the caller did not send are left out of the write. */
function withoutUndefined<T extends Record<string, unknown>>(object: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}
