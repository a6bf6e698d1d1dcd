/**
 * The dashboard's asset numbers on real PostgreSQL, against hand-counted rows of one farm:
 * calibration due (within 14 days, or never calibrated although its type is) and overdue, open
 * maintenance whose day has passed, and the warranties ending within 30 days (soonest five).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { utcDay } from "../warranty/warranty-status";
import { assetSummary } from "./asset-summary";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const n = String(1000 + Math.floor(Math.random() * 9000));
const DAY = 86_400_000;
const today = new Date(utcDay(new Date()));
const at = (days: number) => new Date(today.getTime() + days * DAY);
let farmId = 0;
let otherFarm = 0;
const admin: Actor = { kind: "user", id: 0, label: "test", name: "Test", role: "admin", farmId: null };

beforeAll(async () => {
  farmId = (await db.farm.create({ data: { code: `AS${suffix}`, name: `Asset farm ${suffix}` } })).id;
  otherFarm = (await db.farm.create({ data: { code: `AT${suffix}`, name: `Other farm ${suffix}` } })).id;
  const device = (i: number, extra: Record<string, unknown>) => ({ deviceId: `MM${n}${String(i).padStart(2, "0")}`, name: `Meter ${i}`, deviceType: "milk_meter" as const, farmId, state: "active" as const, ...extra });
  await db.device.createMany({
    data: [
      device(1, { nextCalibrationDue: at(-1) }), // overdue
      device(2, { nextCalibrationDue: at(-30) }), // overdue
      device(3, { nextCalibrationDue: at(0) }), // due today
      device(4, { nextCalibrationDue: at(14) }), // due (edge)
      device(5, { nextCalibrationDue: at(15) }), // ok
      device(6, { nextCalibrationDue: null }), // never calibrated, a meter: due
      device(7, { deviceType: "collar" }), // not calibrated by type: neither
      device(8, { nextCalibrationDue: at(-5), state: "decommissioned" }), // retired: neither
      device(9, { warrantyEnd: at(0) }),
      device(10, { warrantyEnd: at(29) }),
      device(11, { warrantyEnd: at(30) }), // 30 days out: not in the 30-day digest
      device(12, { warrantyEnd: at(3), warrantyVoidedAt: new Date() }), // void: left out
      device(13, { warrantyEnd: at(5), farmId: otherFarm }),
    ].map((row) => ({ nextCalibrationDue: at(100), ...row })),
  });
  // Devices 9–13 got a calibration date far ahead (ok) so only 1–8 count for calibration.
  const meter = await db.device.findUniqueOrThrow({ where: { deviceId: `MM${n}05` } });
  await db.maintenance.createMany({
    data: [
      { deviceId: meter.id, farmId, maintenanceType: "inspection", status: "scheduled", scheduledDate: at(-1) },
      { deviceId: meter.id, farmId, maintenanceType: "inspection", status: "overdue", scheduledDate: at(-10) },
      { deviceId: meter.id, farmId, maintenanceType: "inspection", status: "scheduled", scheduledDate: at(0) },
      { deviceId: meter.id, farmId, maintenanceType: "inspection", status: "done", scheduledDate: at(-3) },
      { deviceId: meter.id, farmId, maintenanceType: "inspection", status: "in_progress", scheduledDate: at(-2) },
    ],
  });
});

afterAll(async () => {
  await db.maintenance.deleteMany({ where: { farmId: { in: [farmId, otherFarm] } } });
  await db.device.deleteMany({ where: { farmId: { in: [farmId, otherFarm] } } });
  await db.farm.deleteMany({ where: { id: { in: [farmId, otherFarm] } } });
  await disconnectDb();
});

describe("assetSummary", () => {
  it("counts what hand-counting the farm's rows gives", async () => {
    const summary = await assetSummary(db, admin, farmId, new Date(today.getTime() + 10 * 3_600_000));
    expect(summary.calibrationOverdue).toBe(2);
    expect(summary.calibrationDue).toBe(3);
    // Scheduled yesterday and marked overdue count; today's, the done one and the started one do not.
    expect(summary.maintenanceOverdue).toBe(2);
    expect(summary.expiring.total).toBe(2);
    expect(summary.expiring.data.map((row) => [row.deviceId, row.daysLeft])).toEqual([
      [`MM${n}09`, 0],
      [`MM${n}10`, 29],
    ]);
  });

  it("a farm-bound person counts only their farm whatever is selected", async () => {
    const manager: Actor = { ...admin, role: "manager", farmId: otherFarm };
    const summary = await assetSummary(db, manager, farmId);
    expect(summary).toMatchObject({ calibrationOverdue: 0, calibrationDue: 0, maintenanceOverdue: 0 });
    expect(summary.expiring.data.map((row) => row.deviceId)).toEqual([`MM${n}13`]);
  });
});
