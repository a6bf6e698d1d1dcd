/**
 * People and alerts against a real PostgreSQL: the list's filters, sort and pages, the badge's
 * counts, acknowledge and resolve with their refusals (state, role, farm) and the history they
 * leave. The alerts are made here with Prisma, as the health monitor would leave them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { acknowledgeAlert, resolveAlert } from "./alert-actions";
import { countOpenAlerts, getAlert, listAlerts, parseAlertListQuery } from "./alert-list";
import { alertListQuerySchema } from "./alert-schemas";
import { createTestPerson } from "../testing/people";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const farm = { a: 0, b: 0, paging: 0 };
const group = { parentA: 0, childA: 0, b: 0, everywhere: 0 };
const device = { a1: 0, a2: 0, b1: 0 };
const ids = { a1: `YA${suffix}`, a2: `YB${suffix}`, b1: `YC${suffix}` };
let admin: Actor;
let managerA: Actor;
let technicianA: Actor;
let viewer: Actor;

const person = (role: Actor["role"], farmId: number | null) => createTestPerson(db, role, farmId, `${role}-${suffix}@alerts.test`, `Test ${role}`);

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

type Raise = { deviceId?: number; groupId?: number; alertType?: "offline" | "low_battery" | "poor_signal" | "high_errors" | "group_offline"; severity?: "critical" | "warning" | "low"; state?: "active" | "acknowledged" | "resolved"; lastMinutesAgo?: number };

/** An alert as the health monitor leaves it. */
async function raise({ deviceId, groupId, alertType = "offline", severity = "critical", state = "active", lastMinutesAgo = 1 }: Raise) {
  const alert = await db.alert.create({
    data: { deviceId, groupId, alertType, severity, state, message: `${alertType} ${suffix}`, firstOccurrence: minutesAgo(lastMinutesAgo + 60), lastOccurrence: minutesAgo(lastMinutesAgo), ...(state === "resolved" ? { resolvedAt: new Date(), resolutionNotes: "Auto-resolved: Issue no longer detected" } : {}) },
  });
  return alert.id;
}

let sequence = 0;
/** A device of its own per test: at most one alert per device and type may be open (migration alerts_open_unique). */
async function newDevice(farmId: number) {
  const letter = String.fromCharCode(68 + sequence++);
  return (await db.device.create({ data: { deviceId: `Y${letter}${suffix}`, name: `Device ${letter}`, deviceType: "collar", farmId, state: "active", healthStatus: "critical", healthScore: 30 } })).id;
}

const query = (raw: Record<string, unknown>) => alertListQuerySchema.parse(raw);
const listIds = async (actor: Actor, raw: Record<string, unknown>) => (await listAlerts(db, actor, query(raw))).items.map((alert) => alert.id);

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `YA${suffix}`, name: "Alerts farm A" } })).id;
  farm.b = (await db.farm.create({ data: { code: `YB${suffix}`, name: "Alerts farm B" } })).id;
  farm.paging = (await db.farm.create({ data: { code: `YP${suffix}`, name: "Alerts paging farm" } })).id;
  group.parentA = (await db.deviceGroup.create({ data: { name: "All barns", code: `YA-ALL-${suffix}`, farmId: farm.a } })).id;
  group.childA = (await db.deviceGroup.create({ data: { name: "Parlour", code: `YA-PARLOUR-${suffix}`, farmId: farm.a, parentId: group.parentA } })).id;
  group.b = (await db.deviceGroup.create({ data: { name: "Parlour B", code: `YB-PARLOUR-${suffix}`, farmId: farm.b } })).id;
  group.everywhere = (await db.deviceGroup.create({ data: { name: "Pilot", code: `Y-PILOT-${suffix}`, farmId: null } })).id;
  device.a1 = (await db.device.create({ data: { deviceId: ids.a1, name: "Meter A1", deviceType: "milk_meter", farmId: farm.a, groupId: group.childA, state: "active", healthStatus: "critical", healthScore: 35 } })).id;
  device.a2 = (await db.device.create({ data: { deviceId: ids.a2, name: "Collar A2", deviceType: "collar", farmId: farm.a, state: "active" } })).id;
  device.b1 = (await db.device.create({ data: { deviceId: ids.b1, name: "Meter B1", deviceType: "milk_meter", farmId: farm.b, groupId: group.b, state: "active" } })).id;
  admin = await person("admin", null);
  managerA = await person("manager", farm.a);
  technicianA = await person("technician", farm.a);
  viewer = await person("viewer", null);
});

afterAll(async () => {
  const groups = await db.deviceGroup.findMany({ where: { code: { endsWith: suffix } }, select: { id: true } });
  const alerts = await db.alert.findMany({ where: { OR: [{ device: { farmId: { in: [farm.a, farm.b, farm.paging] } } }, { groupId: { in: groups.map((row) => row.id) } }] }, select: { id: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "alert", entityId: { in: alerts.map((alert) => String(alert.id)) } } });
  await db.alert.deleteMany({ where: { id: { in: alerts.map((alert) => alert.id) } } });
  await db.device.deleteMany({ where: { farmId: { in: [farm.a, farm.b, farm.paging] } } });
  await db.deviceGroup.deleteMany({ where: { code: { endsWith: suffix } } });
  await db.user.deleteMany({ where: { email: { endsWith: `-${suffix}@alerts.test` } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b, farm.paging] } } });
  await disconnectDb();
});

describe("the alerts list", () => {
  let openCriticalOld: number, warningNew: number, lowOlder: number, acknowledged: number, resolved: number, groupAlert: number, theirs: number, crossFarm: number;

  beforeAll(async () => {
    openCriticalOld = await raise({ deviceId: device.a1, alertType: "offline", severity: "critical", lastMinutesAgo: 120 });
    warningNew = await raise({ deviceId: device.a2, alertType: "low_battery", severity: "warning", lastMinutesAgo: 1 });
    lowOlder = await raise({ deviceId: device.a2, alertType: "poor_signal", severity: "low", lastMinutesAgo: 30 });
    acknowledged = await raise({ deviceId: device.a1, alertType: "high_errors", severity: "warning", state: "acknowledged", lastMinutesAgo: 5 });
    resolved = await raise({ deviceId: device.a1, alertType: "low_battery", severity: "critical", state: "resolved", lastMinutesAgo: 0 });
    groupAlert = await raise({ groupId: group.childA, alertType: "group_offline", severity: "critical", lastMinutesAgo: 10 });
    theirs = await raise({ deviceId: device.b1, severity: "critical" });
    crossFarm = await raise({ groupId: group.everywhere, alertType: "group_offline", severity: "warning" });
  });

  it("shows a farm's open alerts, open critical first and then the newest, with its group alerts", async () => {
    expect(await listIds(admin, { farm: farm.a })).toEqual([groupAlert, openCriticalOld, warningNew, acknowledged, lowOlder]);
  });

  it("filters by state: open by default, resolved, all", async () => {
    expect(await listIds(admin, { farm: farm.a, state: "resolved" })).toEqual([resolved]);
    expect(await listIds(admin, { farm: farm.a, state: "acknowledged" })).toEqual([acknowledged]);
    // a resolved critical alert needs nobody: it sorts with the rest by time, not first
    expect(await listIds(admin, { farm: farm.a, state: "all" })).toEqual([groupAlert, openCriticalOld, resolved, warningNew, acknowledged, lowOlder]);
  });

  it("filters by severity, type, device id (any case) and group with its sub-groups", async () => {
    expect(await listIds(admin, { farm: farm.a, severity: "warning,low" })).toEqual([warningNew, acknowledged, lowOlder]);
    expect(await listIds(admin, { farm: farm.a, type: ["offline", "group_offline"] })).toEqual([groupAlert, openCriticalOld]);
    expect(await listIds(admin, { device: ids.a2.toLowerCase() })).toEqual([warningNew, lowOlder]);
    expect(await listIds(admin, { group: group.parentA })).toEqual([groupAlert, openCriticalOld, acknowledged]);
    expect(await listIds(admin, { group: group.b })).toEqual([theirs]);
  });

  it("keeps a farm-bound manager inside their farm, and cross-farm group alerts to those who see every farm", async () => {
    const mine = await listIds(managerA, {});
    expect(mine).toEqual(expect.arrayContaining([groupAlert, openCriticalOld, warningNew, acknowledged, lowOlder]));
    expect(mine).not.toContain(theirs);
    expect(mine).not.toContain(crossFarm);
    // asking for the other farm in the URL does not widen the scope
    expect(await listIds(managerA, { farm: farm.b })).toEqual([]);
    expect(await listIds(viewer, {})).toEqual(expect.arrayContaining([theirs, crossFarm]));
  });

  it("gives each row its device or group and who handled it", async () => {
    await db.alert.update({ where: { id: acknowledged }, data: { acknowledgedById: technicianA.id, acknowledgedAt: new Date() } });
    const items = (await listAlerts(db, admin, query({ farm: farm.a, state: "all" }))).items;
    expect(items.find((alert) => alert.id === groupAlert)).toMatchObject({ device: null, group: { id: group.childA, name: "Parlour" } });
    expect(items.find((alert) => alert.id === acknowledged)).toMatchObject({ device: { deviceId: ids.a1, farm: { code: `YA${suffix}` } }, acknowledgedBy: "Test technician" });
    expect(items.find((alert) => alert.id === resolved)).toMatchObject({ autoResolved: true, resolvedBy: "Health monitor" });
  });

  it("answers a bad filter with a message per parameter", () => {
    expect(() => parseAlertListQuery({ severity: "huge", state: "closed", pageSize: "7" })).toThrow(InvalidError);
    try {
      parseAlertListQuery({ severity: "critical,huge", state: "closed" });
    } catch (error) {
      expect((error as InvalidError).fieldErrors).toEqual({ severity: ["Unknown severity"], state: ["state must be one of open, active, acknowledged, resolved, all"] });
    }
  });

  it("counts open critical and warning alerts for the shell's badge, per farm", async () => {
    expect(await countOpenAlerts(db, admin, farm.a)).toEqual({ critical: 2, warning: 2 });
    expect(await countOpenAlerts(db, admin, farm.b)).toEqual({ critical: 1, warning: 0 });
    // a farm-bound manager's badge is their farm's, whatever farm is asked for
    expect(await countOpenAlerts(db, managerA, null)).toEqual({ critical: 2, warning: 2 });
    expect(await countOpenAlerts(db, managerA, farm.b)).toEqual({ critical: 0, warning: 0 });
    const everywhere = await countOpenAlerts(db, admin, null);
    expect(everywhere.critical).toBeGreaterThanOrEqual(3);
    expect(everywhere.warning).toBeGreaterThanOrEqual(3);
  });

  it("pages through the list in a stable order", async () => {
    const pagingDevice = await db.device.create({ data: { deviceId: `YP${suffix}`, name: "Pager", deviceType: "feeder", farmId: farm.paging, state: "active" } });
    // resolved ones: a device has at most one open alert per type
    const created = [];
    for (let i = 0; i < 27; i++) created.push(await raise({ deviceId: pagingDevice.id, severity: "warning", state: "resolved", lastMinutesAgo: i }));
    const first = await listAlerts(db, admin, query({ farm: farm.paging, state: "resolved", pageSize: 25 }));
    const second = await listAlerts(db, admin, query({ farm: farm.paging, state: "resolved", pageSize: 25, page: 2 }));
    expect([first.total, first.pages, first.items.length, second.items.length]).toEqual([27, 2, 25, 2]);
    expect([...first.items, ...second.items].map((alert) => alert.id)).toEqual(created);
  });
});

describe("acknowledging and resolving", () => {
  it("acknowledges an active alert with notes, who and when, and leaves a history line", async () => {
    const id = await raise({ deviceId: device.a1, alertType: "poor_signal" });
    const alert = await acknowledgeAlert(db, managerA, id, { notes: "Checking the parlour cable" });
    expect(alert).toMatchObject({ state: "acknowledged", acknowledgedBy: "Test manager", acknowledgeNotes: "Checking the parlour cable", device: { deviceId: ids.a1, healthStatus: "critical", healthScore: 35 } });
    expect(alert.acknowledgedAt!.getTime()).toBeGreaterThan(Date.now() - 10_000);
    const stored = await db.alert.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ state: "acknowledged", acknowledgedById: managerA.id, acknowledgeNotes: "Checking the parlour cable" });
    const events = await db.auditEvent.findMany({ where: { entityType: "alert", entityId: String(id) } });
    expect(events).toEqual([expect.objectContaining({ action: "acknowledge", actorId: managerA.id, before: { state: "active" }, after: { state: "acknowledged", notes: "Checking the parlour cable" } })]);
  });

  it("refuses to acknowledge twice, then resolves the acknowledged alert; resolved is final", async () => {
    const id = await raise({ deviceId: await newDevice(farm.a), alertType: "high_errors" });
    await acknowledgeAlert(db, technicianA, id, { notes: null });
    await expect(acknowledgeAlert(db, managerA, id, { notes: "again" })).rejects.toThrow(ConflictError);
    await expect(acknowledgeAlert(db, managerA, id, { notes: "again" })).rejects.toThrow(/already acknowledged/);
    const resolved = await resolveAlert(db, managerA, id, { notes: "Replaced the sensor" });
    expect(resolved).toMatchObject({ state: "resolved", acknowledgedBy: "Test technician", resolvedBy: "Test manager", resolutionNotes: "Replaced the sensor", autoResolved: false });
    expect(resolved.history.map((entry) => entry.action)).toEqual(["resolve", "acknowledge"]);
    await expect(resolveAlert(db, managerA, id, { notes: "twice" })).rejects.toThrow(/already resolved; a resolved alert is final/);
    await expect(acknowledgeAlert(db, managerA, id, { notes: null })).rejects.toThrow(ConflictError);
    expect(await db.alert.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "resolved", resolutionNotes: "Replaced the sensor" });
  });

  it("resolves an active alert directly", async () => {
    const id = await raise({ deviceId: await newDevice(farm.a), alertType: "low_battery", severity: "warning" });
    expect(await resolveAlert(db, admin, id, { notes: "Battery swapped" })).toMatchObject({ state: "resolved", acknowledgedAt: null, resolvedBy: "Test admin" });
  });

  it("lets only one of two people acknowledge the same alert at the same moment", async () => {
    const id = await raise({ deviceId: await newDevice(farm.a), alertType: "poor_signal" });
    const results = await Promise.allSettled([acknowledgeAlert(db, managerA, id, { notes: "me" }), acknowledgeAlert(db, technicianA, id, { notes: "me too" })]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(ConflictError);
    expect(await db.auditEvent.count({ where: { entityType: "alert", entityId: String(id) } })).toBe(1);
  });

  it("refuses a viewer, and changes nothing", async () => {
    const id = await raise({ deviceId: await newDevice(farm.a) });
    await expect(acknowledgeAlert(db, viewer, id, { notes: null })).rejects.toThrow(ForbiddenError);
    await expect(resolveAlert(db, viewer, id, { notes: "no" })).rejects.toThrow(ForbiddenError);
    expect(await db.alert.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "active", acknowledgedAt: null, resolvedAt: null });
  });

  it("treats another farm's alert as not found for a farm-bound person", async () => {
    const id = await raise({ deviceId: await newDevice(farm.b) });
    const crossGroup = (await db.deviceGroup.create({ data: { name: "Trial", code: `Y-TRIAL-${suffix}`, farmId: null } })).id;
    const cross = await raise({ groupId: crossGroup, alertType: "group_offline" });
    await expect(getAlert(db, managerA, id)).rejects.toThrow(NotFoundError);
    await expect(acknowledgeAlert(db, managerA, id, { notes: null })).rejects.toThrow(NotFoundError);
    await expect(resolveAlert(db, technicianA, id, { notes: "not mine" })).rejects.toThrow(NotFoundError);
    await expect(resolveAlert(db, technicianA, cross, { notes: "not mine" })).rejects.toThrow(NotFoundError);
    await expect(getAlert(db, managerA, 2_000_000_000)).rejects.toThrow(NotFoundError);
    expect(await db.alert.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "active" });
    // the admin sees both
    expect((await getAlert(db, admin, id)).device?.farm.code).toBe(`YB${suffix}`);
    expect((await getAlert(db, admin, cross)).group).toMatchObject({ id: crossGroup, farmId: null });
  });
});
