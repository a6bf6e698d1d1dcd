/**
 * The registry verbs against a real PostgreSQL: farm scope, group fit, lifecycle rules, retirement
 * and the change history they leave. Each test arranges its own devices on two farms of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { issueDeviceCredentials, verifyDeviceCredentials } from "../provisioning/credentials";
import { setDeviceMaintenanceMode } from "./device-bulk";
import { getDeviceDetail } from "./device-detail";
import { deviceHistory } from "./device-history";
import { createDevice, retireDevice, updateDevice } from "./device-registry";
import type { DeviceCreateInput } from "./device-schemas";
import { createTestPerson } from "../testing/people";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
let sequence = 0;
/** A fresh device id per test: two letters of our own and the run's six digits. */
const nextId = () => `Z${String.fromCharCode(65 + sequence++)}${suffix}`;

const farm = { a: 0, b: 0 };
const group = { parlourA: 0, herdA: 0, parlourB: 0, archivedA: 0, everywhere: 0 };
const tag = { parlour: 0, pilot: 0 };
let admin: Actor;
let managerA: Actor;
let technicianA: Actor;
let viewer: Actor;

const person = (role: Actor["role"], farmId: number | null) => createTestPerson(db, role, farmId, `${role}-${suffix}@registry.test`, `Test ${role}`);

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `ZA${suffix}`, name: "Registry farm A", timezone: "Europe/Amsterdam" } })).id;
  farm.b = (await db.farm.create({ data: { code: `ZB${suffix}`, name: "Registry farm B" } })).id;
  const makeGroup = async (code: string, data: { farmId: number | null; deviceTypeFilter?: "milk_meter" | "collar"; active?: boolean }) =>
    (await db.deviceGroup.create({ data: { name: `Group ${code}`, code: `${code}-${suffix}`, ...data } })).id;
  group.parlourA = await makeGroup("PARLOUR-A", { farmId: farm.a, deviceTypeFilter: "milk_meter" });
  group.herdA = await makeGroup("HERD-A", { farmId: farm.a, deviceTypeFilter: "collar" });
  group.parlourB = await makeGroup("PARLOUR-B", { farmId: farm.b, deviceTypeFilter: "milk_meter" });
  group.archivedA = await makeGroup("OLD-A", { farmId: farm.a, active: false });
  group.everywhere = await makeGroup("ALL", { farmId: null });
  tag.parlour = (await db.deviceTag.create({ data: { name: `parlour-${suffix}` } })).id;
  tag.pilot = (await db.deviceTag.create({ data: { name: `pilot-${suffix}` } })).id;
  admin = await person("admin", null);
  managerA = await person("manager", farm.a);
  technicianA = await person("technician", farm.a);
  viewer = await person("viewer", null);
});

afterAll(async () => {
  const devices = await db.device.findMany({ where: { farmId: { in: [farm.a, farm.b] } }, select: { deviceId: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: devices.map((device) => device.deviceId) } } });
  await db.device.deleteMany({ where: { farmId: { in: [farm.a, farm.b] } } });
  await db.deviceGroup.deleteMany({ where: { code: { endsWith: `-${suffix}` } } });
  await db.deviceTag.deleteMany({ where: { id: { in: [tag.parlour, tag.pilot] } } });
  await db.user.deleteMany({ where: { email: { endsWith: `-${suffix}@registry.test` } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b] } } });
  await disconnectDb();
});

function milkMeter(overrides: Partial<DeviceCreateInput> = {}): DeviceCreateInput {
  return { deviceId: nextId(), deviceType: "milk_meter", name: "Milk meter stall 1", farmId: farm.a, state: "active", manufacturer: "FlowSense", model: "MM-400", ...overrides };
}

const events = (deviceId: string) => db.auditEvent.findMany({ where: { entityType: "device", entityId: deviceId }, orderBy: { id: "asc" } });
const row = (deviceId: string) => db.device.findUniqueOrThrow({ where: { deviceId } });

/** The error a promise rejects with, so a test can look at its type, message and fields. */
async function failure(promise: Promise<unknown>): Promise<Error & { fieldErrors?: Record<string, string[]> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { fieldErrors?: Record<string, string[]> };
  }
  throw new Error("expected the call to be refused, and it succeeded");
}

describe("registering a device", () => {
  it("creates it with a 'created' history line naming who did it", async () => {
    const input = milkMeter({ groupId: group.parlourA, tagIds: [tag.parlour] });
    await createDevice(db, technicianA, input);
    const detail = await getDeviceDetail(db, technicianA, input.deviceId);
    expect(detail).toMatchObject({ deviceId: input.deviceId, state: "active", farm: { id: farm.a }, group: { id: group.parlourA }, provisioningMethod: "manual", provisionedBy: { email: technicianA.label } });
    expect(detail.tags.map((t) => t.id)).toEqual([tag.parlour]);
    const history = await deviceHistory(db, input.deviceId);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ action: "created", who: technicianA.label, changes: [] });
  });

  it("refuses a device id already registered, naming the field", async () => {
    const input = milkMeter();
    await createDevice(db, admin, input);
    const error = await failure(createDevice(db, admin, { ...input, name: "Another meter" }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.fieldErrors?.deviceId?.[0]).toContain(input.deviceId);
    expect(await db.device.count({ where: { deviceId: input.deviceId } })).toBe(1);
  });

  it("refuses a farm-bound person registering on another farm", async () => {
    const error = await failure(createDevice(db, technicianA, milkMeter({ farmId: farm.b })));
    expect(error).toBeInstanceOf(InvalidError);
    expect(error.fieldErrors?.farmId).toBeDefined();
  });
});

describe("editing a device", () => {
  it("writes only the tracked fields that changed, with before and after", async () => {
    const input = milkMeter({ tagIds: [tag.parlour] });
    await createDevice(db, admin, input);
    await updateDevice(db, technicianA, input.deviceId, { name: "Milk meter stall 7", model: "MM-400", manufacturer: "FlowSense", tagIds: [tag.parlour, tag.pilot], nextMaintenanceDate: new Date("2026-12-01T00:00:00Z") });
    const updated = (await events(input.deviceId)).filter((event) => event.action === "updated");
    expect(updated).toHaveLength(1);
    expect(updated[0]!.actorLabel).toBe(technicianA.label);
    expect(updated[0]!.before).toEqual({ name: "Milk meter stall 1", tags: [`parlour-${suffix}`], nextMaintenanceDate: null });
    expect(updated[0]!.after).toEqual({ name: "Milk meter stall 7", tags: [`parlour-${suffix}`, `pilot-${suffix}`].sort(), nextMaintenanceDate: "2026-12-01T00:00:00.000Z" });

    const [latest] = await deviceHistory(db, input.deviceId);
    expect(latest!.changes.map((change) => change.label).sort()).toEqual(["Name", "Next maintenance", "Tags"]);
    expect(latest!.changes.find((change) => change.field === "name")).toMatchObject({ before: "Milk meter stall 1", after: "Milk meter stall 7" });
  });

  it("leaves no history line when nothing tracked changed", async () => {
    const input = milkMeter();
    await createDevice(db, admin, input);
    await updateDevice(db, admin, input.deviceId, { name: input.name, model: input.model });
    expect((await events(input.deviceId)).map((event) => event.action)).toEqual(["created"]);
  });

  it("clears every tag when an empty list is sent", async () => {
    const input = milkMeter({ tagIds: [tag.parlour, tag.pilot] });
    await createDevice(db, admin, input);
    await updateDevice(db, admin, input.deviceId, { tagIds: [] });
    expect((await getDeviceDetail(db, admin, input.deviceId)).tags).toEqual([]);
    const [latest] = await deviceHistory(db, input.deviceId);
    expect(latest!.changes).toEqual([{ field: "tags", label: "Tags", before: [`parlour-${suffix}`, `pilot-${suffix}`].sort(), after: [] }]);
  });

  it("refuses a group that holds another device type, with a message naming both", async () => {
    const input = milkMeter();
    await createDevice(db, admin, input);
    const error = await failure(updateDevice(db, managerA, input.deviceId, { groupId: group.herdA }));
    expect(error).toBeInstanceOf(InvalidError);
    expect(error.message).toBe(`${input.deviceId} is a Milk Meter; group “Group HERD-A” holds only Activity Collar devices.`);
    expect(error.fieldErrors?.groupId).toEqual([error.message]);
    expect((await row(input.deviceId)).groupId).toBeNull();
  });

  it("refuses another farm's group: unknown to a farm-bound person, 'another farm' to an admin", async () => {
    const input = milkMeter();
    await createDevice(db, admin, input);
    const asTechnician = await failure(updateDevice(db, technicianA, input.deviceId, { groupId: group.parlourB }));
    expect(asTechnician).toBeInstanceOf(InvalidError);
    expect(asTechnician.fieldErrors?.groupId).toEqual(["Unknown group"]);
    const asAdmin = await failure(updateDevice(db, admin, input.deviceId, { groupId: group.parlourB }));
    expect(asAdmin).toBeInstanceOf(InvalidError);
    expect(asAdmin.message).toContain("belongs to another farm");
    expect((await row(input.deviceId)).groupId).toBeNull();
  });

  it("refuses an archived group and accepts a cross-farm one", async () => {
    const input = milkMeter();
    await createDevice(db, admin, input);
    expect(await failure(updateDevice(db, admin, input.deviceId, { groupId: group.archivedA }))).toBeInstanceOf(InvalidError);
    await updateDevice(db, technicianA, input.deviceId, { groupId: group.everywhere });
    expect((await row(input.deviceId)).groupId).toBe(group.everywhere);
  });

  it("refuses state changes that belong to maintenance mode, retirement or no path at all", async () => {
    const input = milkMeter();
    await createDevice(db, admin, input);
    const cases = [
      { state: "maintenance" as const, message: /maintenance mode/ },
      { state: "decommissioned" as const, message: /Retire the device/ },
      { state: "provisioned" as const, message: /cannot go from active to provisioned/ },
    ];
    for (const { state, message } of cases) {
      const error = await failure(updateDevice(db, admin, input.deviceId, { state }));
      expect(error).toBeInstanceOf(InvalidError);
      expect(error.message).toMatch(message);
      expect(error.fieldErrors?.state).toHaveLength(1);
    }
    expect((await row(input.deviceId)).state).toBe("active");
    await updateDevice(db, admin, input.deviceId, { state: "suspended" });
    const [latest] = await deviceHistory(db, input.deviceId);
    expect(latest!.changes).toEqual([{ field: "state", label: "Status", before: "active", after: "suspended" }]);
  });

  it("moves a device to another farm for an admin, but not for a farm-bound person", async () => {
    const input = milkMeter({ groupId: group.parlourA });
    await createDevice(db, admin, input);

    const farmBound = await failure(updateDevice(db, managerA, input.deviceId, { farmId: farm.b }));
    expect(farmBound).toBeInstanceOf(InvalidError);
    expect(farmBound.fieldErrors?.farmId).toBeDefined();

    // The device's group belongs to the farm it would leave: the move must take it out of it.
    const keepsGroup = await failure(updateDevice(db, admin, input.deviceId, { farmId: farm.b }));
    expect(keepsGroup.message).toContain("belongs to another farm");
    await updateDevice(db, admin, input.deviceId, { farmId: farm.b, groupId: group.parlourB });
    expect(await row(input.deviceId)).toMatchObject({ farmId: farm.b, groupId: group.parlourB });
    const [latest] = await deviceHistory(db, input.deviceId);
    expect(Object.fromEntries(latest!.changes.map((change) => [change.field, [change.before, change.after]]))).toEqual({
      farm: [`ZA${suffix}`, `ZB${suffix}`],
      group: [`PARLOUR-A-${suffix}`, `PARLOUR-B-${suffix}`],
    });
  });
});

describe("farm scope and roles", () => {
  it("hides another farm's device from a manager and a technician, for reading and writing", async () => {
    const input = milkMeter({ farmId: farm.b });
    await createDevice(db, admin, input);
    for (const actor of [managerA, technicianA]) {
      expect(await failure(getDeviceDetail(db, actor, input.deviceId))).toBeInstanceOf(NotFoundError);
      expect(await failure(updateDevice(db, actor, input.deviceId, { name: "Not mine" }))).toBeInstanceOf(NotFoundError);
      expect(await failure(retireDevice(db, actor, input.deviceId, "not mine"))).toBeInstanceOf(NotFoundError);
      expect(await failure(setDeviceMaintenanceMode(db, actor, input.deviceId, true, "not mine"))).toBeInstanceOf(InvalidError);
    }
    expect(await row(input.deviceId)).toMatchObject({ name: input.name, state: "active", maintenanceMode: false });
    expect((await events(input.deviceId)).map((event) => event.action)).toEqual(["created"]);
  });

  it("lets a viewer read any device but change none", async () => {
    const input = milkMeter({ farmId: farm.b });
    await createDevice(db, admin, input);
    expect((await getDeviceDetail(db, viewer, input.deviceId)).deviceId).toBe(input.deviceId);
    expect(await failure(updateDevice(db, viewer, input.deviceId, { name: "Viewer was here" }))).toBeInstanceOf(ForbiddenError);
    expect(await failure(retireDevice(db, viewer, input.deviceId, "viewer"))).toBeInstanceOf(ForbiddenError);
    expect(await failure(createDevice(db, viewer, milkMeter()))).toBeInstanceOf(ForbiddenError);
    expect((await row(input.deviceId)).name).toBe(input.name);
  });

  it("says 'not found' for a device id nobody registered", async () => {
    expect(await failure(getDeviceDetail(db, admin, "ZZ000000"))).toBeInstanceOf(NotFoundError);
    expect(await failure(updateDevice(db, admin, "ZZ000000", { name: "ghost" }))).toBeInstanceOf(NotFoundError);
  });
});

describe("retiring a device", () => {
  it("decommissions it, revokes its credentials, keeps its record and history, and refuses later changes", async () => {
    const input = milkMeter();
    await createDevice(db, technicianA, input);
    const device = await row(input.deviceId);
    const credentials = await issueDeviceCredentials(db, device);
    expect(await verifyDeviceCredentials(db, credentials.username, credentials.password)).toBe(input.deviceId);
    await updateDevice(db, technicianA, input.deviceId, { name: "Milk meter stall 9" });

    await retireDevice(db, technicianA, input.deviceId, "Flow sensor cracked");

    const retired = await getDeviceDetail(db, technicianA, input.deviceId);
    expect(retired).toMatchObject({ state: "decommissioned", retirementReason: "Flow sensor cracked", maintenanceMode: false });
    expect(retired.retiredAt).toBeInstanceOf(Date);
    expect(retired.credentials.every((credential) => credential.revokedAt !== null)).toBe(true);
    expect(await verifyDeviceCredentials(db, credentials.username, credentials.password)).toBeNull();

    const history = await deviceHistory(db, input.deviceId);
    expect(history.map((entry) => entry.action)).toEqual(["retired", "updated", "created"]);
    expect(history[0]).toMatchObject({ who: technicianA.label });
    expect(Object.fromEntries(history[0]!.changes.map((change) => [change.field, change.after]))).toEqual({ state: "decommissioned", reason: "Flow sensor cracked" });

    expect(await failure(retireDevice(db, technicianA, input.deviceId, "again"))).toBeInstanceOf(ConflictError);
    const edit = await failure(updateDevice(db, admin, input.deviceId, { name: "Back from the dead" }));
    expect(edit).toBeInstanceOf(ConflictError);
    expect(edit.message).toContain("retired");
    expect(await failure(setDeviceMaintenanceMode(db, admin, input.deviceId, true))).toBeInstanceOf(InvalidError);
    expect((await row(input.deviceId)).name).toBe("Milk meter stall 9");
    expect(await events(input.deviceId)).toHaveLength(3);
  });
});

describe("maintenance mode (M92 action_enable/disable_maintenance_mode)", () => {
  it("moves the device to maintenance and back to active, with notes and a history line each way", async () => {
    const input = milkMeter();
    await createDevice(db, technicianA, input);

    const on = await setDeviceMaintenanceMode(db, technicianA, input.deviceId, true, "Replacing the flow sensor");
    expect(on).toMatchObject({ matched: 1, changed: 1 });
    expect(await row(input.deviceId)).toMatchObject({ state: "maintenance", maintenanceMode: true, maintenanceNotes: "Replacing the flow sensor" });

    // A second "on" changes nothing and writes nothing.
    expect(await setDeviceMaintenanceMode(db, technicianA, input.deviceId, true)).toMatchObject({ changed: 0 });

    const off = await setDeviceMaintenanceMode(db, technicianA, input.deviceId, false);
    expect(off).toMatchObject({ changed: 1 });
    expect(await row(input.deviceId)).toMatchObject({ state: "active", maintenanceMode: false, maintenanceNotes: "Replacing the flow sensor" });

    const history = await deviceHistory(db, input.deviceId);
    expect(history.map((entry) => entry.action)).toEqual(["maintenance_off", "maintenance_on", "created"]);
    const asPairs = (entry: (typeof history)[number]) => Object.fromEntries(entry.changes.map((change) => [change.label, [change.before, change.after]]));
    expect(asPairs(history[1]!)).toEqual({ "Maintenance mode": [false, true], Status: ["active", "maintenance"], "Maintenance notes": [null, "Replacing the flow sensor"] });
    expect(asPairs(history[0]!)).toEqual({ "Maintenance mode": [true, false], Status: ["maintenance", "active"] });
    expect(history.every((entry) => entry.who === technicianA.label)).toBe(true);
  });

  it("keeps a device in maintenance out of the edit form's state moves", async () => {
    const input = milkMeter();
    await createDevice(db, admin, input);
    await setDeviceMaintenanceMode(db, admin, input.deviceId, true);
    const error = await failure(updateDevice(db, admin, input.deviceId, { state: "active" }));
    expect(error.message).toMatch(/maintenance mode/);
    // Editing other fields of a device in maintenance (its state sent unchanged) is fine.
    await updateDevice(db, admin, input.deviceId, { state: "maintenance", name: "Meter in the workshop" });
    expect(await row(input.deviceId)).toMatchObject({ state: "maintenance", name: "Meter in the workshop" });
  });
});
