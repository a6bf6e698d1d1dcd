/**
 * Maintenance against a real PostgreSQL: plans and their occurrences (days, weeks, months with the
 * month-end clamp, end dates, groups with subgroups, device types, retired devices left out), the
 * sweep run twice making nothing twice, overdue work and its one counted alert resolved when the
 * work is done, maintenance mode on start and off on finish (and left alone when set by hand),
 * cost, calibration completion moving the device, refusals (role, farm, state, bad input per
 * field), the lists and attachments. Time is fixed by passing `now`; "today" is the UTC day.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { prismaSql } from "../ota/job-stops";
import { LocalBlobStore } from "../storage/local-store";
import { createTestPerson, refusal } from "../testing/people";
import { addAttachment, listAttachments, readAttachment } from "./maintenance-attachments";
import { createPlan, deactivatePlan, updatePlan } from "./maintenance-plans";
import { deviceMaintenance, getOccurrence, listMaintenance, maintenanceCalendar, myWorkToday } from "./maintenance-queries";
import { calendarQuerySchema, completeWorkSchema, maintenanceListQuerySchema, planInputSchema, rescheduleWorkSchema, workInputSchema } from "./maintenance-schemas";
import { recomputeCalibrationStatus, runMaintenanceSweep } from "./maintenance-sweep";
import { cancelWork, completeWork, createWork, rescheduleWork, startWork } from "./maintenance-work";

const db = getDb();
const sql = prismaSql(db);
const suffix = String(Math.floor(Math.random() * 10_000)).padStart(4, "0");
const farm = { a: 0, b: 0 };
const group = { parent: 0, child: 0, b: 0, everywhere: 0 };
const dev = { a1: 0, a2: 0, a3: 0, a4: 0, b1: 0, b2: 0 };
const code = { a1: `QA${suffix}01`, a2: `QA${suffix}02`, a3: `QA${suffix}03`, a4: `QC${suffix}04`, b1: `QB${suffix}05`, b2: `QC${suffix}06` };
let admin: Actor, managerA: Actor, techA: Actor, viewer: Actor, managerB: Actor;

/** 15 January 2027, 09:00 UTC: the horizon (120 days) reaches 15 May. */
const NOW = new Date("2027-01-15T09:00:00Z");
const at = (day: string, hour = 9) => new Date(`${day}T${String(hour).padStart(2, "0")}:00:00Z`);
const plan = (raw: Record<string, unknown>) => planInputSchema.parse({ maintenanceType: "inspection", ...raw });
const dates = async (planId: number, deviceId?: number) =>
  (await db.maintenance.findMany({ where: { planId, ...(deviceId ? { deviceId } : {}) }, orderBy: [{ scheduledDate: "asc" }, { deviceId: "asc" }], select: { scheduledDate: true } })).map((row) => row.scheduledDate.toISOString().slice(0, 10));
const fields = (error: unknown) => (error as InvalidError).fieldErrors;
const openAlerts = (deviceId: number) => db.alert.findMany({ where: { deviceId, alertType: "maintenance_overdue", state: { not: "resolved" } } });

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `QA${suffix}`, name: "Maintenance farm A" } })).id;
  farm.b = (await db.farm.create({ data: { code: `QB${suffix}`, name: "Maintenance farm B" } })).id;
  group.parent = (await db.deviceGroup.create({ data: { name: "Parlours", code: `QA-ALL-${suffix}`, farmId: farm.a } })).id;
  group.child = (await db.deviceGroup.create({ data: { name: "Parlour 1", code: `QA-P1-${suffix}`, farmId: farm.a, parentId: group.parent } })).id;
  group.b = (await db.deviceGroup.create({ data: { name: "Parlour B", code: `QB-P-${suffix}`, farmId: farm.b } })).id;
  group.everywhere = (await db.deviceGroup.create({ data: { name: "Pilot", code: `Q-PILOT-${suffix}`, farmId: null } })).id;
  const device = async (deviceId: string, deviceType: "milk_meter" | "collar", farmId: number, groupId: number | null, state: "active" | "decommissioned" = "active") =>
    (await db.device.create({ data: { deviceId, name: deviceId, deviceType, farmId, groupId, state } })).id;
  dev.a1 = await device(code.a1, "milk_meter", farm.a, group.child);
  dev.a2 = await device(code.a2, "milk_meter", farm.a, group.parent);
  dev.a3 = await device(code.a3, "milk_meter", farm.a, group.child, "decommissioned");
  dev.a4 = await device(code.a4, "collar", farm.a, group.child);
  dev.b1 = await device(code.b1, "milk_meter", farm.b, group.b);
  dev.b2 = await device(code.b2, "collar", farm.b, null);
  const person = (role: Actor["role"], farmId: number | null, name: string) => createTestPerson(db, role, farmId, `${name}-${suffix}@maintenance.test`, name);
  admin = await person("admin", null, "admin");
  managerA = await person("manager", farm.a, "manager-a");
  techA = await person("technician", farm.a, "tech-a");
  viewer = await person("viewer", null, "viewer");
  managerB = await person("manager", farm.b, "manager-b");
});

afterAll(async () => {
  await disconnectDb();
});

describe("plans and their occurrences", () => {
  it("makes monthly occurrences clamped to the month's end, until the end date, at once", async () => {
    const made = await createPlan(db, managerA, plan({ name: "Monthly", scope: "device", device: code.a1, everyCount: 1, everyUnit: "months", startsOn: "2027-01-31", endsOn: "2027-04-30", assigneeId: techA.id }), NOW);
    expect(made.farmId).toBe(farm.a);
    expect(made.rhythm).toBe("every month");
    expect(await dates(made.id)).toEqual(["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]);
    expect(made.nextOn).toBeNull();
    expect(made.openCount).toBe(4);
    expect(made.upcoming[0]).toMatchObject({ deviceId: code.a1, status: "scheduled", assigneeId: techA.id, assigneeName: "tech-a" });
  });

  it("steps by days up to the horizon and by weeks until the end date", async () => {
    const daily = await createPlan(db, managerA, plan({ name: "Every 10 days", scope: "device", device: code.a2, everyCount: 10, everyUnit: "days", startsOn: "2027-01-20" }), NOW);
    expect(await dates(daily.id)).toEqual(["2027-01-20", "2027-01-30", "2027-02-09", "2027-02-19", "2027-03-01", "2027-03-11", "2027-03-21", "2027-03-31", "2027-04-10", "2027-04-20", "2027-04-30", "2027-05-10"]);
    expect(daily.nextOn).toBe("2027-05-20");
    const weekly = await createPlan(db, managerA, plan({ name: "Fortnightly", scope: "device", device: code.a4, everyCount: 2, everyUnit: "weeks", startsOn: "2027-01-18", endsOn: "2027-02-28" }), NOW);
    expect(await dates(weekly.id)).toEqual(["2027-01-18", "2027-02-01", "2027-02-15"]);
  });

  it("covers a group with its subgroups (one type of it), and every device of a type on the farm, never retired ones nor spares", async () => {
    // Spares in stock (registered, never connected) in the group and of the type: on the shelf, not serviced.
    const spares = await Promise.all([
      db.device.create({ data: { deviceId: `QS${suffix}07`, name: "spare meter", deviceType: "milk_meter", farmId: farm.a, groupId: group.child, state: "registered", storageLocation: "Store" } }),
      db.device.create({ data: { deviceId: `QS${suffix}08`, name: "spare collar", deviceType: "collar", farmId: farm.a, groupId: null, state: "registered", storageLocation: "Store" } }),
    ]);
    onTestFinished(async () => {
      await db.device.deleteMany({ where: { id: { in: spares.map((spare) => spare.id) } } });
    });
    const parlours = await createPlan(db, managerA, plan({ name: "Quarterly calibration", maintenanceType: "calibration", scope: "group", groupId: group.parent, deviceType: "milk_meter", everyCount: 3, everyUnit: "months", startsOn: "2027-02-01" }), NOW);
    const rows = await db.maintenance.findMany({ where: { planId: parlours.id }, orderBy: [{ scheduledDate: "asc" }, { deviceId: "asc" }], select: { deviceId: true, scheduledDate: true } });
    expect(rows.map((row) => [row.deviceId, row.scheduledDate.toISOString().slice(0, 10)])).toEqual([
      [dev.a1, "2027-02-01"],
      [dev.a2, "2027-02-01"],
      [dev.a1, "2027-05-01"],
      [dev.a2, "2027-05-01"],
    ]);
    const collars = await createPlan(db, managerA, plan({ name: "Collar battery", maintenanceType: "battery_replacement", scope: "device_type", deviceType: "collar", everyCount: 12, everyUnit: "months", startsOn: "2027-03-01" }), NOW);
    expect(collars.farmId).toBe(farm.a);
    expect((await db.maintenance.findMany({ where: { planId: collars.id }, select: { deviceId: true } })).map((row) => row.deviceId)).toEqual([dev.a4]);
  });

  it("makes nothing twice: the sweep run again, or from an earlier point, only conflicts", async () => {
    const before = await db.maintenance.count({ where: { farmId: farm.a } });
    const first = await runMaintenanceSweep(sql, NOW);
    expect(first.made).toBe(0);
    await db.maintenancePlan.updateMany({ where: { farmId: farm.a }, data: { nextOn: new Date("2027-01-15T00:00:00Z") } });
    const again = await runMaintenanceSweep(sql, NOW);
    expect(again.made).toBe(0);
    expect(await db.maintenance.count({ where: { farmId: farm.a } })).toBe(before);
    // A week later the horizon reaches 22 May: the 10-day plan gets 20 May.
    const later = await runMaintenanceSweep(sql, at("2027-01-22"));
    expect(later.made).toBe(1);
  });

  it("refuses bad plans per field, writing nothing", async () => {
    const count = await db.maintenancePlan.count();
    const parsed = planInputSchema.safeParse({ name: "x", maintenanceType: "inspection", scope: "device", device: code.a1, everyCount: 1, everyUnit: "months", startsOn: "2027-03-01", endsOn: "2027-02-01" });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path.join("."))).toContain("endsOn");
    expect(planInputSchema.safeParse({ name: "x", maintenanceType: "inspection", scope: "device", device: code.a1, everyCount: 2, startsOn: "2027-03-01" }).error!.issues[0]!.path).toEqual(["everyUnit"]);
    expect(fields(await refusal(createPlan(db, managerA, plan({ name: "Retired", scope: "device", device: code.a3, startsOn: "2027-03-01" }), NOW)))).toHaveProperty("device");
    expect(fields(await refusal(createPlan(db, managerA, plan({ name: "Theirs", scope: "device", device: code.b1, startsOn: "2027-03-01" }), NOW)))).toEqual({ device: [`Unknown device ${code.b1}`] });
    expect(fields(await refusal(createPlan(db, managerA, plan({ name: "Their group", scope: "group", groupId: group.b, startsOn: "2027-03-01" }), NOW)))).toEqual({ groupId: ["Unknown group"] });
    expect(fields(await refusal(createPlan(db, admin, plan({ name: "Wrong farm", scope: "group", groupId: group.parent, farmId: farm.b, startsOn: "2027-03-01" }), NOW)))).toHaveProperty("groupId");
    expect(fields(await refusal(createPlan(db, admin, plan({ name: "Spans farms", scope: "group", groupId: group.everywhere, startsOn: "2027-03-01" }), NOW)))).toHaveProperty("farmId");
    expect(fields(await refusal(createPlan(db, managerA, plan({ name: "Past one-off", scope: "device", device: code.a1, startsOn: "2027-01-01" }), NOW)))).toHaveProperty("startsOn");
    expect(fields(await refusal(createPlan(db, managerA, plan({ name: "Viewer assignee", scope: "device", device: code.a1, startsOn: "2027-03-01", assigneeId: viewer.id }), NOW)))).toHaveProperty("assigneeId");
    expect(await db.maintenancePlan.count()).toBe(count);
  });

  it("lets only planners plan", async () => {
    expect(await refusal(createPlan(db, techA, plan({ name: "No", scope: "device", device: code.a1, startsOn: "2027-03-01" }), NOW))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(createPlan(db, viewer, plan({ name: "No", scope: "device", device: code.a1, startsOn: "2027-03-01" }), NOW))).toBeInstanceOf(ForbiddenError);
  });

  it("remakes future occurrences when the rhythm changes, and cancels open work when deactivated", async () => {
    const made = await createPlan(db, managerA, plan({ name: "Cleaning", maintenanceType: "cleaning", scope: "device", device: code.a2, everyCount: 1, everyUnit: "months", startsOn: "2027-02-01" }), NOW);
    expect(await dates(made.id)).toEqual(["2027-02-01", "2027-03-01", "2027-04-01", "2027-05-01"]);
    const changed = await updatePlan(db, managerA, made.id, { everyCount: 2, everyUnit: "months" }, NOW);
    expect(changed.rhythm).toBe("every 2 months");
    expect(await dates(made.id)).toEqual(["2027-02-01", "2027-04-01"]);
    expect(await refusal(updatePlan(db, managerB, made.id, { name: "x" }, NOW))).toBeInstanceOf(NotFoundError);
    const stopped = await deactivatePlan(db, managerA, made.id, NOW);
    expect(stopped.active).toBe(false);
    expect(stopped.openCount).toBe(0);
    expect(await db.maintenance.count({ where: { planId: made.id, status: "cancelled", cancelReason: "Plan deactivated" } })).toBe(2);
  });
});

describe("overdue work", () => {
  it("turns overdue after its day and opens one alert per device, counted, resolved when the work is done", async () => {
    // 3 February: a1 has the monthly 31 January and the quarterly 1 February; a2 the 20 and 30 January and 1 February.
    const sweep = await runMaintenanceSweep(sql, at("2027-02-03"));
    expect(sweep.overdue).toBeGreaterThanOrEqual(5);
    const a1Alerts = await openAlerts(dev.a1);
    expect(a1Alerts).toHaveLength(1);
    expect(a1Alerts[0]).toMatchObject({ occurrenceCount: 2, severity: "warning", message: "Inspection due 2027-01-31 (Monthly) is not done, and 1 more overdue" });
    expect((await openAlerts(dev.a2))[0]!.occurrenceCount).toBe(3);

    const quiet = await runMaintenanceSweep(sql, at("2027-02-03", 12));
    expect(quiet.overdue).toBe(0);
    expect((await openAlerts(dev.a1))[0]!.occurrenceCount).toBe(2);

    // 10 February: the 10-day plan's 9 February counts once more on a2's one alert.
    await runMaintenanceSweep(sql, at("2027-02-10"));
    const a2 = await openAlerts(dev.a2);
    expect(a2).toHaveLength(1);
    expect(a2[0]!.occurrenceCount).toBe(4);

    const overdueA1 = await db.maintenance.findMany({ where: { deviceId: dev.a1, status: "overdue" }, orderBy: { scheduledDate: "asc" } });
    expect(overdueA1.map((row) => row.scheduledDate.toISOString().slice(0, 10))).toEqual(["2027-01-31", "2027-02-01"]);
    await completeWork(db, techA, overdueA1[0]!.id, completeWorkSchema.parse({ notes: "Checked" }), at("2027-02-10", 10));
    const left = await openAlerts(dev.a1);
    expect(left).toHaveLength(1);
    expect(left[0]!.message).toBe("Calibration due 2027-02-01 (Quarterly calibration) is not done");
    await cancelWork(db, managerA, overdueA1[1]!.id, { reason: "Done with the next visit" }, at("2027-02-10", 11));
    expect(await openAlerts(dev.a1)).toHaveLength(0);
    const resolved = await db.alert.findFirst({ where: { deviceId: dev.a1, alertType: "maintenance_overdue" }, orderBy: { id: "desc" } });
    expect(resolved).toMatchObject({ state: "resolved", resolutionNotes: "Auto-resolved: the overdue maintenance was done, cancelled or moved" });
  });

  it("resolves the alert when overdue work is moved to a later day", async () => {
    const work = await createWork(db, managerA, workInputSchema.parse({ device: code.a4, maintenanceType: "corrective", scheduledDate: "2027-02-05" }));
    await runMaintenanceSweep(sql, at("2027-02-10"));
    expect(await openAlerts(dev.a4)).toHaveLength(1);
    await db.maintenance.updateMany({ where: { deviceId: dev.a4, status: "overdue", id: { not: work.id } }, data: { status: "cancelled" } });
    const moved = await rescheduleWork(db, managerA, work.id, rescheduleWorkSchema.parse({ scheduledDate: "2027-02-20" }), at("2027-02-10"));
    expect(moved.status).toBe("scheduled");
    expect(await openAlerts(dev.a4)).toHaveLength(0);
    expect(fields(await refusal(rescheduleWork(db, managerA, work.id, rescheduleWorkSchema.parse({ scheduledDate: "2027-02-01" }), at("2027-02-10"))))).toHaveProperty("scheduledDate");
  });
});

describe("doing the work", () => {
  const oneOff = (device: string, maintenanceType = "corrective", scheduledDate = "2027-02-12") => createWork(db, managerA, workInputSchema.parse({ device, maintenanceType, scheduledDate, assigneeId: techA.id }));

  it("puts the device into maintenance mode on start and takes it out on finish, with the cost of parts and labour", async () => {
    const work = await oneOff(code.a1);
    const started = await startWork(db, techA, work.id, {}, at("2027-02-12", 8));
    expect(started).toMatchObject({ status: "in_progress", modeSetByWork: true, deviceInMaintenance: true, deviceState: "maintenance" });
    expect(started.started.name).toBe("tech-a");
    expect(await refusal(startWork(db, techA, work.id))).toBeInstanceOf(ConflictError);
    const done = await completeWork(
      db,
      techA,
      work.id,
      completeWorkSchema.parse({ notes: "Replaced the seal", parts: JSON.stringify([{ name: "Seal", partNumber: "S-1", quantity: 2, unitCost: "12.50" }, { name: "Screw", quantity: 3, unitCost: 0.1 }]), durationMinutes: "45", laborCost: "40" }),
      at("2027-02-12", 9),
    );
    expect(done).toMatchObject({ status: "done", cost: "65.30", laborCost: "40", durationMinutes: 45, deviceInMaintenance: false, deviceState: "active" });
    expect(done.parts).toHaveLength(2);
    expect(done.performed).toMatchObject({ id: techA.id, name: "tech-a" });
    const history = await db.auditEvent.findMany({ where: { entityType: "device", entityId: code.a1, action: { in: ["maintenance_on", "maintenance_off"] } }, orderBy: { id: "asc" } });
    expect(history.map((event) => event.action)).toEqual(["maintenance_on", "maintenance_off"]);
    expect(await db.auditEvent.count({ where: { entityType: "maintenance", entityId: String(work.id) } })).toBe(3);
  });

  it("leaves a maintenance mode set by hand alone", async () => {
    await db.device.update({ where: { id: dev.a2 }, data: { maintenanceMode: true, state: "maintenance" } });
    const work = await oneOff(code.a2);
    const started = await startWork(db, techA, work.id, {}, at("2027-02-12", 8));
    expect(started.modeSetByWork).toBe(false);
    await completeWork(db, techA, work.id, completeWorkSchema.parse({}), at("2027-02-12", 9));
    expect(await db.device.findUnique({ where: { id: dev.a2 }, select: { maintenanceMode: true, state: true } })).toEqual({ maintenanceMode: true, state: "maintenance" });
    await db.device.update({ where: { id: dev.a2 }, data: { maintenanceMode: false, state: "active" } });
  });

  it("records work straight from scheduled, and refuses to record it twice", async () => {
    const work = await oneOff(code.a4);
    const done = await completeWork(db, techA, work.id, completeWorkSchema.parse({ notes: "Done on the round" }), at("2027-02-12", 9));
    expect(done.status).toBe("done");
    expect(done.cost).toBeNull();
    expect(done.deviceInMaintenance).toBe(false);
    const twice = await refusal(completeWork(db, techA, work.id, completeWorkSchema.parse({}), at("2027-02-12", 10)));
    expect(twice).toBeInstanceOf(ConflictError);
    expect((twice as ConflictError).status).toBe(409);
    expect((twice as ConflictError).message).toBe(`Maintenance ${work.id} is already done on 2027-02-12 by tech-a.`);
    expect(await refusal(cancelWork(db, managerA, work.id, { reason: "x" }))).toBeInstanceOf(ConflictError);
  });

  it("moves the device's calibration when calibration work is recorded with readings", async () => {
    const work = await oneOff(code.a1, "calibration");
    const done = await completeWork(db, techA, work.id, completeWorkSchema.parse({ calibration: { reference: "Reference jar 10 l", referenceValue: 10, beforeValue: 10.4, afterValue: 10.02, unit: "l", passed: "passed" } }), at("2027-02-12", 9));
    expect(done.calibration).toMatchObject({ passed: true, nextDueOn: "2027-05-13", beforeValue: "10.4", afterValue: "10.02" });
    const device = await db.device.findUniqueOrThrow({ where: { id: dev.a1 }, select: { lastCalibration: true, nextCalibrationDue: true, calibrationStatus: true } });
    expect(device.lastCalibration?.toISOString()).toBe("2027-02-12T09:00:00.000Z");
    expect(device.nextCalibrationDue?.toISOString().slice(0, 10)).toBe("2027-05-13");
    expect(device.calibrationStatus).toBe("ok");
    expect(await db.calibration.count({ where: { maintenanceId: work.id } })).toBe(1);
    const inspection = await oneOff(code.a1, "inspection");
    expect(fields(await refusal(completeWork(db, techA, inspection.id, completeWorkSchema.parse({ calibration: { afterValue: 1, passed: true } }))))).toHaveProperty("calibration");
  });

  it("refuses bad records per field", () => {
    const bad = completeWorkSchema.safeParse({ laborCost: -5, durationMinutes: -1, parts: [{ name: "Seal", quantity: 0, unitCost: -1 }] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((issue) => issue.path.join(".")).sort()).toEqual(["durationMinutes", "laborCost", "parts.0.quantity", "parts.0.unitCost"]);
    expect(workInputSchema.safeParse({ device: code.a1, maintenanceType: "polishing", scheduledDate: "2027-02-30" }).error!.issues.map((issue) => issue.path.join(".")).sort()).toEqual(["maintenanceType", "scheduledDate"]);
  });

  it("refuses a viewer, a technician planning, and another farm's work (not found)", async () => {
    const work = await oneOff(code.a1);
    expect(await refusal(startWork(db, viewer, work.id))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(completeWork(db, viewer, work.id, completeWorkSchema.parse({})))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(cancelWork(db, techA, work.id, { reason: "no" }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(createWork(db, techA, workInputSchema.parse({ device: code.a1, maintenanceType: "corrective", scheduledDate: "2027-02-12" })))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(getOccurrence(db, managerB, work.id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(startWork(db, managerB, work.id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(completeWork(db, managerB, work.id, completeWorkSchema.parse({})))).toBeInstanceOf(NotFoundError);
    expect(fields(await refusal(createWork(db, managerB, workInputSchema.parse({ device: code.a1, maintenanceType: "corrective", scheduledDate: "2027-02-12" }))))).toHaveProperty("device");
    expect(fields(await refusal(createWork(db, managerA, workInputSchema.parse({ device: code.a3, maintenanceType: "corrective", scheduledDate: "2027-02-12" }))))).toHaveProperty("device");
    expect((await getOccurrence(db, viewer, work.id)).id).toBe(work.id);
  });
});

describe("reading maintenance", () => {
  it("lists by farm, status, due and assignee, within the actor's farm", async () => {
    const list = (actor: Actor, raw: Record<string, unknown>, now = at("2027-02-12")) => listMaintenance(db, actor, maintenanceListQuerySchema.parse(raw), now);
    const mine = await list(techA, { assignee: "me", due: "today" });
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(mine.rows.every((row) => row.assigneeId === techA.id && row.scheduledDate === "2027-02-12" && ["scheduled", "in_progress", "overdue"].includes(row.status))).toBe(true);
    const overdue = await list(managerA, { due: "overdue" });
    expect(overdue.rows.every((row) => row.scheduledDate < "2027-02-12" && row.farmId === farm.a)).toBe(true);
    expect(overdue.rows.map((row) => row.scheduledDate)).toEqual([...overdue.rows.map((row) => row.scheduledDate)].sort());
    expect((await list(managerB, { farm: farm.a })).rows).toEqual([]);
    const page = await list(admin, { farm: farm.a, pageSize: 25 });
    const all = await db.maintenance.count({ where: { farmId: farm.a } });
    expect(page.total).toBe(all);
    expect(page.rows).toHaveLength(Math.min(25, all));
    expect(page.hasNext).toBe(all > 25);
    const done = await list(admin, { farm: farm.a, status: "done", dir: "desc" });
    expect(done.rows.every((row) => row.status === "done")).toBe(true);
  });

  it("shows the calendar by day, my work today and a device's maintenance", async () => {
    const calendar = await maintenanceCalendar(db, managerA, calendarQuerySchema.parse({ from: "2027-02-01", to: "2027-02-28" }), at("2027-02-12"));
    expect(calendar.days).toHaveLength(28);
    const first = calendar.days.find((day) => day.date === "2027-02-01")!;
    expect(first.entries.every((entry) => entry.scheduledDate === "2027-02-01")).toBe(true);
    expect(first.total).toBe(first.entries.length);
    expect(calendarQuerySchema.safeParse({ from: "2027-01-01", to: "2027-04-01" }).success).toBe(false);
    const today = await myWorkToday(db, techA, at("2027-02-12"));
    expect(today.today).toBe("2027-02-12");
    expect([...today.dueToday, ...today.overdue].every((row) => row.assigneeId === techA.id)).toBe(true);
    const device = await deviceMaintenance(db, managerA, code.a1);
    expect(device.history.length).toBeGreaterThan(0);
    expect(device.next.every((row) => ["scheduled", "in_progress", "overdue"].includes(row.status))).toBe(true);
    expect(device.plans.map((row) => row.name).sort()).toEqual(["Monthly", "Quarterly calibration"]);
    expect(await refusal(deviceMaintenance(db, managerB, code.a1))).toBeInstanceOf(NotFoundError);
  });
});

describe("calibration status", () => {
  it("follows the due date with the calendar, as calibrationStatusOn says", async () => {
    const today = at("2027-03-01");
    const set = (id: number, nextCalibrationDue: string | null) => db.device.update({ where: { id }, data: { nextCalibrationDue: nextCalibrationDue ? new Date(`${nextCalibrationDue}T00:00:00Z`) : null, calibrationStatus: "ok" } });
    await set(dev.a1, "2027-02-28");
    await set(dev.a2, "2027-03-15");
    await set(dev.b1, "2027-03-16");
    await set(dev.a4, null);
    await set(dev.b2, null);
    await db.device.update({ where: { id: dev.b2 }, data: { calibrationIntervalDays: 30 } });
    await recomputeCalibrationStatus(sql, today);
    const status = async (id: number) => (await db.device.findUniqueOrThrow({ where: { id }, select: { calibrationStatus: true } })).calibrationStatus;
    expect(await status(dev.a1)).toBe("overdue");
    expect(await status(dev.a2)).toBe("due");
    expect(await status(dev.b1)).toBe("ok");
    expect(await status(dev.a4)).toBe("not_required");
    expect(await status(dev.b2)).toBe("due");
    expect(await recomputeCalibrationStatus(sql, today)).toBe(0);
  });
});

describe("attachments", () => {
  it("keeps photos, PDFs and text with the work, readable on the farm, refusing other types", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "maint-att-"));
    const store = new LocalBlobStore(path.join(root, "store"));
    const work = await db.maintenance.findFirstOrThrow({ where: { deviceId: dev.a1, status: "done" } });
    const upload = async (name: string, contentType: string, text: string) => {
      const file = path.join(root, `${Math.random()}.tmp`);
      await writeFile(file, text);
      return { file, size: Buffer.byteLength(text), sha256: "0".repeat(64), fileName: name, contentType };
    };
    const added = await addAttachment(db, techA, work.id, await upload("report.txt", "text/plain", "all good"), store);
    expect(added).toMatchObject({ fileName: "report.txt", contentType: "text/plain", sizeBytes: 8, uploadedByName: "tech-a" });
    expect((await listAttachments(db, viewer, work.id)).map((file) => file.id)).toEqual([added.id]);
    const read = await readAttachment(db, viewer, work.id, added.id, store);
    const chunks: Buffer[] = [];
    for await (const chunk of read.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("all good");
    expect(fields(await refusal(addAttachment(db, techA, work.id, await upload("tool.exe", "application/x-msdownload", "MZ"), store)))).toHaveProperty("file");
    expect(await refusal(addAttachment(db, viewer, work.id, await upload("a.txt", "text/plain", "x"), store))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(readAttachment(db, managerB, work.id, added.id, store))).toBeInstanceOf(NotFoundError);
    await rm(root, { recursive: true, force: true });
  });
});

describe("retired devices", () => {
  it("have their work not yet started cancelled by the sweep, and get no new occurrences", async () => {
    const id = (await db.device.create({ data: { deviceId: `QR${suffix}07`, name: "To retire", deviceType: "milk_meter", farmId: farm.a, groupId: group.child, state: "active" } })).id;
    const work = await createWork(db, managerA, workInputSchema.parse({ device: `QR${suffix}07`, maintenanceType: "inspection", scheduledDate: "2027-03-20" }));
    await db.device.update({ where: { id }, data: { state: "decommissioned" } });
    await runMaintenanceSweep(sql, at("2027-03-02"));
    expect(await db.maintenance.findUniqueOrThrow({ where: { id: work.id }, select: { status: true, cancelReason: true } })).toEqual({ status: "cancelled", cancelReason: "Device retired" });
    // The quarterly plan of the parlours reaches 1 August by the end of April: not for the retired meter.
    await runMaintenanceSweep(sql, at("2027-04-30"));
    expect(await db.maintenance.count({ where: { deviceId: id, status: { not: "cancelled" } } })).toBe(0);
    expect(await db.maintenance.count({ where: { deviceId: dev.a1, scheduledDate: new Date("2027-08-01T00:00:00Z") } })).toBe(1);
  });
});
