/**
 * Calibration on real PostgreSQL: the hand record through the API moves the device's last and next
 * calibration and status (and bad input, a viewer, another farm's device write nothing); the due /
 * overdue query agrees with calibrationStatusOn; a completed calibrate_* answer stored by the
 * ingest makes one calibration (method "command") that sets the device exactly as recordCalibrationIn
 * would, once however often the answer is redelivered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as calibrationsRoute from "@/app/api/v1/devices/[id]/calibrations/route";
import { storeCommandAnswers } from "../commands/command-outcomes";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { createSqlPool } from "../telemetry/sql";
import { apiRequest as call, createApiFixture, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";
import { calibrationStatusOn } from "./calibration-rules";
import { calibrationStatusWhere } from "./calibration-filters";
import { calibrationInputSchema } from "./calibration-schemas";
import { CALIBRATED_DEVICE_SELECT, recordCalibrationIn } from "./record-calibration";

const db = getDb();
const pool = createSqlPool(resolveDatabaseUrl(), 2);
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const n = String(1000 + Math.floor(Math.random() * 9000));
const meter = `MM${n}10`;
const twin = `MM${n}11`;
const probe = `TS${n}10`;
const theirs = `MM${n}12`;
const retired = `MM${n}13`;
const DAY = 86_400_000;
const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
const dayOf = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null;
let fixture: ApiFixture;

const forId = (id: string) => withParams({ id });
const post = (key: string, deviceId: string, body: unknown) => calibrationsRoute.POST(call(key, "POST", `/api/v1/devices/${deviceId}/calibrations`, body), forId(deviceId));
const device = (deviceId: string) => db.device.findUniqueOrThrow({ where: { deviceId }, select: { id: true, lastCalibration: true, nextCalibrationDue: true, calibrationStatus: true } });

beforeAll(async () => {
  fixture = await createApiFixture(db, "CB", suffix);
  const row = (deviceId: string, extra: Record<string, unknown> = {}) => ({ deviceId, name: `Device ${deviceId}`, deviceType: "milk_meter" as const, farmId: fixture.farmA, state: "active" as const, ...extra });
  await db.device.createMany({
    data: [row(meter), row(twin), row(probe, { deviceType: "temperature" }), row(theirs, { farmId: fixture.farmB }), row(retired, { state: "decommissioned" })],
  });
});

afterAll(async () => {
  await db.calibration.deleteMany({ where: { farmId: { in: [fixture.farmA, fixture.farmB] } } });
  await removeApiFixture(db, fixture, [meter, twin, probe, theirs, retired]);
  await pool.end();
  await disconnectDb();
});

describe("a calibration entered by hand", () => {
  it("is recorded and moves the device: last calibration, next due a quarter later for a milk meter, status ok", async () => {
    const performedAt = new Date(today.getTime() - 2 * DAY + 9 * 3_600_000);
    const response = await post(fixture.keys.technician, meter, { reference: "10 L test volume", referenceValue: 10, beforeValue: 10.21, afterValue: 10.01, unit: "L", tolerance: 0.05, passed: true, performedAt: performedAt.toISOString() });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.calibration).toMatchObject({ method: "manual", passed: true, beforeValue: 10.21, afterValue: 10.01, nextDueOn: dayOf(new Date(today.getTime() + 88 * DAY)) });
    expect(body.device).toMatchObject({ status: "ok", intervalDays: 90, intervalIsDefault: true, nextCalibrationDue: dayOf(new Date(today.getTime() + 88 * DAY)) });
    const row = await device(meter);
    expect(row.lastCalibration?.toISOString()).toBe(performedAt.toISOString());
    expect(dayOf(row.nextCalibrationDue)).toBe(dayOf(new Date(today.getTime() + 88 * DAY)));
    expect(row.calibrationStatus).toBe("ok");

    const history = await calibrationsRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/devices/${meter}/calibrations`), forId(meter));
    expect(history.status).toBe(200);
    const list = await history.json();
    expect(list.total).toBe(1);
    expect(list.data[0]).toMatchObject({ reference: "10 L test volume", unit: "L", performedBy: null });
  });

  it("a failed calibration makes the device due today, whatever the interval", async () => {
    const response = await post(fixture.keys.admin, probe, { beforeOffset: 1.4, afterOffset: 0.9, tolerance: 0.2, passed: "failed" });
    expect(response.status).toBe(201);
    const row = await device(probe);
    expect(dayOf(row.nextCalibrationDue)).toBe(dayOf(today));
    expect(row.calibrationStatus).toBe("due");
  });

  it("refuses bad input per field and writes nothing", async () => {
    const before = await db.calibration.count({ where: { farmId: fixture.farmA } });
    const response = await post(fixture.keys.technician, twin, { beforeValue: "abc" });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.fields).toEqual({ beforeValue: ["Must be a number"], passed: ["Say whether the calibration passed or failed"] });
    const future = await post(fixture.keys.technician, twin, { afterValue: 1, passed: true, performedAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect((await future.json()).error.fields).toEqual({ performedAt: ["A calibration cannot be recorded in the future"] });
    const noReadings = await post(fixture.keys.technician, twin, { passed: true });
    expect((await noReadings.json()).error.fields.afterValue).toBeDefined();
    expect(await db.calibration.count({ where: { farmId: fixture.farmA } })).toBe(before);
    expect((await device(twin)).lastCalibration).toBeNull();
  });

  it("refuses a viewer (403), another farm's device (404) and a retired device (400)", async () => {
    expect((await post(fixture.keys.viewer, twin, { afterValue: 1, passed: true })).status).toBe(403);
    expect((await post(fixture.keys.technician, theirs, { afterValue: 1, passed: true })).status).toBe(404);
    expect((await post(fixture.keys.admin, retired, { afterValue: 1, passed: true })).status).toBe(400);
    expect(await db.calibration.count({ where: { device: { deviceId: { in: [twin, theirs, retired] } } } })).toBe(0);
  });

  it("an older calibration entered late changes history, not the device", async () => {
    const { nextCalibrationDue } = await device(meter);
    const response = await post(fixture.keys.technician, meter, { afterValue: 10, passed: true, performedAt: new Date(today.getTime() - 40 * DAY).toISOString() });
    expect(response.status).toBe(201);
    expect(dayOf((await device(meter)).nextCalibrationDue)).toBe(dayOf(nextCalibrationDue));
  });
});

describe("due and overdue as a query", () => {
  it("agrees with calibrationStatusOn for every device of the farm", async () => {
    await db.device.update({ where: { deviceId: twin }, data: { nextCalibrationDue: new Date(today.getTime() - DAY) } });
    const rows = await db.device.findMany({ where: { farmId: fixture.farmA }, select: { deviceId: true, deviceType: true, state: true, nextCalibrationDue: true, calibrationIntervalDays: true } });
    for (const status of ["due", "overdue"] as const) {
      const found = (await db.device.findMany({ where: { farmId: fixture.farmA, ...calibrationStatusWhere(status) }, select: { deviceId: true } })).map((row) => row.deviceId).sort();
      const expected = rows
        .filter((row) => row.state !== "decommissioned" && calibrationStatusOn(row.nextCalibrationDue, row.calibrationIntervalDays ?? (row.deviceType === "milk_meter" ? 90 : 365)) === status)
        .map((row) => row.deviceId)
        .sort();
      expect(found, status).toEqual(expected);
    }
    // Hand-checked: the twin is overdue, the failed probe due today, the meter fine.
    expect((await db.device.findMany({ where: { farmId: fixture.farmA, ...calibrationStatusWhere("overdue") }, select: { deviceId: true } })).map((row) => row.deviceId)).toEqual([twin]);
  });
});

describe("a calibrate_* command's answer", () => {
  async function command(deviceId: string, commandId: string, type = "calibrate_flow") {
    const row = await device(deviceId);
    await db.command.create({ data: { commandId, deviceId: row.id, farmId: fixture.farmA, commandType: type, parameters: { reference_volume_liters: 10 }, status: "sent", sentAt: new Date() } });
    return row.id;
  }
  const answer = (commandId: string, devicePk: number, result: Record<string, unknown>, receivedAt = new Date()) => ({
    commandId,
    devicePk,
    status: "completed" as const,
    result,
    error: null,
    receivedAt,
    executingAt: null,
    responses: 1,
  });
  const readings = { reference: "10 L test volume", reference_value: 10, before: 10.24, after: 10.01, offset_before: 0, offset_after: -0.24, unit: "L", tolerance: 0.05, passed: true };

  it("makes one calibration, method command, that sets the device as recordCalibrationIn does; a redelivery makes none", async () => {
    const commandId = `cmd-${suffix}-1`;
    const pk = await command(twin, commandId);
    const receivedAt = new Date();
    const stored = await storeCommandAnswers(pool, [answer(commandId, pk, readings, receivedAt)]);
    expect(stored.calibrationStatus.get(pk)).toBe("ok");
    const calibrations = await db.calibration.findMany({ where: { deviceId: pk } });
    expect(calibrations).toHaveLength(1);
    expect(calibrations[0]).toMatchObject({ method: "command", commandId, reference: "10 L test volume", referenceValue: 10, beforeValue: 10.24, afterValue: 10.01, afterOffset: -0.24, unit: "L", passed: true });
    const viaCommand = await device(twin);

    // The same readings through the one Prisma writer, on the other meter, give the same device state.
    const other = await db.device.findUniqueOrThrow({ where: { deviceId: meter }, select: CALIBRATED_DEVICE_SELECT });
    await db.calibration.deleteMany({ where: { deviceId: other.id } });
    await db.$transaction((tx) =>
      recordCalibrationIn(tx, { device: other, input: calibrationInputSchema.parse({ afterValue: 10.01, passed: true, performedAt: receivedAt.toISOString() }), actor: "worker", method: "command" }),
    );
    const viaWriter = await device(meter);
    expect(dayOf(viaCommand.nextCalibrationDue)).toBe(dayOf(viaWriter.nextCalibrationDue));
    expect(dayOf(viaCommand.nextCalibrationDue)).toBe(dayOf(new Date(today.getTime() + 90 * DAY)));
    expect(viaCommand.calibrationStatus).toBe(viaWriter.calibrationStatus);
    expect(viaCommand.lastCalibration?.getTime()).toBe(viaWriter.lastCalibration?.getTime());
    expect(await db.auditEvent.count({ where: { entityType: "device", entityId: twin, action: "calibration.recorded", actorLabel: "worker" } })).toBe(1);

    // Redelivered (a final answer is never reopened), and even straight to the recorder: still one.
    await storeCommandAnswers(pool, [answer(commandId, pk, readings)]);
    const { recordCommandCalibrations } = await import("./command-calibrations");
    await recordCommandCalibrations(pool, [{ command_id: commandId, command_type: "calibrate_flow", device_id: pk, status: "completed", result: readings, received_at: new Date() }]);
    expect(await db.calibration.count({ where: { deviceId: pk } })).toBe(1);
  });

  it("a failed calibration in the answer makes the device due today; a result without readings makes no record", async () => {
    const pk = await command(twin, `cmd-${suffix}-2`);
    await storeCommandAnswers(pool, [answer(`cmd-${suffix}-2`, pk, { ...readings, after: 10.3, passed: false })]);
    const row = await device(twin);
    expect(dayOf(row.nextCalibrationDue)).toBe(dayOf(today));
    expect(row.calibrationStatus).toBe("due");

    await command(twin, `cmd-${suffix}-3`, "calibrate_flow");
    await storeCommandAnswers(pool, [answer(`cmd-${suffix}-3`, pk, { factor: 1.01 })]);
    expect(await db.calibration.count({ where: { commandId: `cmd-${suffix}-3` } })).toBe(0);
    expect((await db.command.findUniqueOrThrow({ where: { commandId: `cmd-${suffix}-3` } })).status).toBe("completed");
  });
});
