/**
 * The whole demo seed on a fresh database of its own (the seed only fills an empty one), then what
 * the asset screens rely on: calibration status as the rules say, today's work on the technician's
 * list, overdue work in the past, costs adding up, warranty statuses, claims, the spares (which the
 * simulator must not pick), the transfer, prices and usage counters that meet the device's counter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibrationIntervalDays, calibrationStatusOn } from "../lib/calibration/calibration-rules";
import { disconnectDb, getDb, type Db } from "../lib/db";
import { adminUrlFor, dropDatabase, ensureDatabase, withDatabase } from "../lib/services/embedded-postgres";
import { runMaintenanceSweep } from "../lib/maintenance/maintenance-sweep";
import { prismaSql } from "../lib/ota/job-stops";
import { migrateDeploy } from "../lib/services/migrate";
import { utcDay, warrantyStatus } from "../lib/warranty/warranty-status";
import { addMonthsUtc, DEMO_COST_RATES, DEMO_HORIZON_DAYS, DEMO_STOCK_IDS, seedDemoAssets } from "./demo-assets";
import { seedDemoData } from "./seed";

const DAY = 86_400_000;
const database = `sdm_demo_assets_${process.pid}_${Date.now().toString(36)}`;
const originalUrl = process.env.DATABASE_URL!;
let db: Db;
let now: Date;
let today: number;

beforeAll(async () => {
  await ensureDatabase(adminUrlFor(originalUrl), database);
  const url = withDatabase(originalUrl, database);
  await migrateDeploy(url);
  // getDb() makes its client on first use, from DATABASE_URL: this file's is the fresh database.
  process.env.DATABASE_URL = url;
  db = getDb();
  expect(await seedDemoData(db, () => undefined)).toBe(true);
  now = new Date();
  today = utcDay(now);
}, 240_000);

afterAll(async () => {
  await disconnectDb();
  process.env.DATABASE_URL = originalUrl;
  await dropDatabase(adminUrlFor(originalUrl), database);
});

const dayOf = (date: Date) => Math.round((utcDay(date) - today) / DAY);

describe("the demo's asset data", () => {
  it("keeps the 87 devices in use and adds spares in stock that the simulator leaves alone", async () => {
    expect(await db.device.count({ where: { state: "active" } })).toBe(87);
    const spares = await db.device.findMany({ where: { deviceId: { in: DEMO_STOCK_IDS } }, include: { credentials: true, farm: true, usageMonths: true } });
    expect(spares).toHaveLength(7);
    expect(await db.device.count()).toBe(94);
    for (const spare of spares) {
      // Not active and never provisioned: ensureSimulatedFleet picks active devices only, so no telemetry.
      expect(spare.state, spare.deviceId).toBe("registered");
      expect(spare.provisioningDate).toBeNull();
      expect(spare.credentials).toHaveLength(0);
      expect(spare.groupId).toBeNull();
      expect(spare.storageLocation).toMatch(/\w+, \w+/);
      expect(spare.usageMonths).toHaveLength(0);
    }
    expect(new Set(spares.map((spare) => spare.farm.code))).toEqual(new Set(["GVD", "HMF"]));
    expect(await db.telemetrySample.count({ where: { deviceId: { in: spares.map((spare) => spare.id) } } })).toBe(0);
  });

  it("gives every device an asset record and the warranty statuses of the story", async () => {
    const devices = await db.device.findMany({ include: { warrantyExtensions: true } });
    for (const device of devices) {
      expect(device.supplier, device.deviceId).toBeTruthy();
      expect(device.purchaseOrder).toMatch(/^PO-/);
      expect(Number(device.unitCost)).toBeGreaterThan(0);
      expect(device.depreciationMonths).toBeGreaterThan(0);
      expect(device.purchaseDate!.getTime()).toBeLessThan(now.getTime());
      expect(device.warrantyStart).toEqual(device.purchaseDate);
      if (device.provisioningDate) expect(device.provisioningDate.getTime()).toBeGreaterThan(device.purchaseDate!.getTime());
    }
    const status = new Map(devices.map((device) => [device.deviceId, warrantyStatus(device, now)]));
    expect(status.get("GW001")).toBe("expiring");
    expect(status.get("TS002")).toBe("expired");
    expect(status.get("AC007")).toBe("void");
    expect(devices.find((device) => device.deviceId === "AC007")!.warrantyVoidReason).toMatch(/tamper seal/);
    expect([...status].filter(([, value]) => value !== "active").map(([id]) => id).sort()).toEqual(["AC007", "GW001", "TS002"]);
    // GW001 has 18 days left: on the 30-day digest.
    expect(dayOf(devices.find((device) => device.deviceId === "GW001")!.warrantyEnd!)).toBe(18);

    const extended = devices.filter((device) => device.warrantyExtensions.length > 0);
    expect(extended.map((device) => device.deviceId)).toEqual(["MM003"]);
    const [extension] = extended[0]!.warrantyExtensions;
    expect(extension!.newEnd).toEqual(extended[0]!.warrantyEnd);
    expect(extension!.newEnd).toEqual(addMonthsUtc(extension!.previousEnd!, 12));
    expect(extension).toMatchObject({ months: 12 });
    expect(Number(extension!.cost)).toBe(45);
  });

  it("sets each device's calibration from its newest record, with the status calibrationStatusOn gives today", async () => {
    const devices = await db.device.findMany({ include: { calibrations: { orderBy: { performedAt: "desc" } } } });
    const byStatus = new Map<string, string[]>();
    for (const device of devices) {
      const interval = calibrationIntervalDays(device);
      expect(device.calibrationStatus, device.deviceId).toBe(calibrationStatusOn(device.nextCalibrationDue, interval, now));
      byStatus.set(device.calibrationStatus, [...(byStatus.get(device.calibrationStatus) ?? []), device.deviceId]);
      if (interval === null) {
        expect(device.calibrations, device.deviceId).toHaveLength(0);
        continue;
      }
      const newest = device.calibrations[0];
      expect(newest, `${device.deviceId} has a calibration`).toBeDefined();
      expect(device.lastCalibration).toEqual(newest!.performedAt);
      expect(device.nextCalibrationDue).toEqual(newest!.nextDueOn);
      for (const calibration of device.calibrations) {
        expect(calibration.performedAt.getTime()).toBeLessThanOrEqual(now.getTime());
        // passed: the type's interval from the day it was done; failed: due that same day
        expect(dayOf(calibration.nextDueOn!) - dayOf(calibration.performedAt)).toBe(calibration.passed ? interval : 0);
      }
    }
    expect(byStatus.get("overdue")!.sort()).toEqual(["ES004", "FD101"]);
    expect(byStatus.get("due")!.sort()).toEqual(["MM001", "MM002", "MM003", "MM004", "MM006", "TS003"]);
    expect(byStatus.get("ok")!.length).toBeGreaterThan(40);
    // One failed check in the history (MM002, then passed after descaling).
    expect(await db.calibration.count({ where: { passed: false } })).toBe(1);
  });

  it("puts today's work on the technician's list, the next weeks' work scheduled and overdue work in the past", async () => {
    const tech = await db.user.findUniqueOrThrow({ where: { email: "tech@smartdairy.example" } });
    const open = await db.maintenance.findMany({ where: { status: { in: ["scheduled", "in_progress", "overdue"] } }, include: { device: true } });
    const todays = open.filter((work) => dayOf(work.scheduledDate) === 0 && work.assigneeId === tech.id);
    expect(todays.map((work) => `${work.device.deviceId} ${work.maintenanceType}`).sort()).toEqual(["GW001 inspection", "MM004 cleaning"]);
    for (const work of open.filter((work) => work.status === "scheduled")) {
      expect(dayOf(work.scheduledDate)).toBeGreaterThanOrEqual(0);
      expect(dayOf(work.scheduledDate)).toBeLessThanOrEqual(DEMO_HORIZON_DAYS);
    }
    const overdue = open.filter((work) => work.status === "overdue");
    expect(overdue.map((work) => work.device.deviceId).sort()).toEqual(["AC107", "AC108", "ES004", "FD101"]);
    for (const work of overdue) expect(dayOf(work.scheduledDate)).toBeLessThan(0);
    // the technician's next two weeks: the parlour calibration (six meters) and the herd's collars (eight)
    const soon = open.filter((work) => work.assigneeId === tech.id && dayOf(work.scheduledDate) > 0 && dayOf(work.scheduledDate) <= 14);
    expect(soon.filter((work) => work.maintenanceType === "calibration")).toHaveLength(6);
    expect(soon.filter((work) => work.maintenanceType === "battery_replacement")).toHaveLength(8);
    // each device's next maintenance date is its earliest open work
    const gw001 = await db.device.findUniqueOrThrow({ where: { deviceId: "GW001" } });
    expect(dayOf(gw001.nextMaintenanceDate!)).toBe(0);
  });

  it("records a year of done work whose costs add up: parts plus labour at the farm's rate", async () => {
    const done = await db.maintenance.findMany({ where: { status: "done" }, include: { farm: true } });
    expect(done.length).toBeGreaterThan(250);
    expect(Math.min(...done.map((work) => dayOf(work.scheduledDate)))).toBeLessThan(-330);
    expect(new Set(done.map((work) => work.maintenanceType))).toEqual(new Set(["calibration", "inspection", "cleaning", "battery_replacement", "corrective", "preventive", "part_replacement"]));
    for (const work of done) {
      expect(work.performedAt!.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(work.performedById).not.toBeNull();
      expect(work.startedAt!.getTime()).toBe(work.performedAt!.getTime() - work.durationMinutes! * 60_000);
      const rate = Number(DEMO_COST_RATES[work.farm.code as keyof typeof DEMO_COST_RATES].laborPerHour);
      const labourCents = Math.round((work.durationMinutes! / 60) * rate * 100);
      const parts = work.parts as { quantity: number; unitCost?: number }[];
      const partsCents = parts.reduce((sum, part) => sum + Math.round((part.unitCost ?? 0) * 100) * part.quantity, 0);
      expect(Math.round(Number(work.laborCost) * 100)).toBe(labourCents);
      expect(Math.round(Number(work.cost) * 100)).toBe(labourCents + partsCents);
    }
    // By hand: Hillside's gate motor, 2 h at 42.00 plus the 310.00 motor.
    const gate = await db.maintenance.findFirstOrThrow({ where: { device: { deviceId: "GT101" }, maintenanceType: "corrective" } });
    expect(Number(gate.laborCost)).toBe(84);
    expect(Number(gate.cost)).toBe(394);
    expect(await db.maintenance.count({ where: { status: "cancelled" } })).toBe(1);
  });

  it("makes plan occurrences on the plan's dates, per device of its scope, and leaves the rest to the worker from nextOn", async () => {
    const plans = await db.maintenancePlan.findMany({ include: { occurrences: true } });
    expect(plans.map((plan) => `${plan.farmId}:${plan.name}`)).toHaveLength(7);
    for (const plan of plans) {
      const dates = [...new Set(plan.occurrences.map((work) => work.scheduledDate.getTime()))].sort((a, b) => a - b);
      const expected = dates.map((_, k) => addMonthsUtc(plan.startsOn, k * plan.everyCount!).getTime());
      expect(dates, plan.name).toEqual(expected);
      expect(plan.nextOn!.getTime()).toBe(addMonthsUtc(plan.startsOn, dates.length * plan.everyCount!).getTime());
      expect(dayOf(plan.nextOn!)).toBeGreaterThan(DEMO_HORIZON_DAYS);
    }
    const parlour = plans.find((plan) => plan.name === "Quarterly milk-meter calibration" && plan.occurrences.some((work) => work.assigneeId !== null))!;
    expect(parlour.everyUnit).toBe("months");
    expect(parlour.everyCount).toBe(3);
    // four quarters done on each of the six meters, then the next ones scheduled for all six
    expect(parlour.occurrences.filter((work) => work.status === "done")).toHaveLength(24);
    const upcoming = parlour.occurrences.filter((work) => work.status === "scheduled");
    expect(upcoming.length).toBeGreaterThanOrEqual(6);
    expect(upcoming.length % 6).toBe(0);
    const linked = await db.calibration.count({ where: { maintenance: { planId: parlour.id } } });
    expect(linked).toBe(24); // four done dates × six meters, each with its calibration (the failed one too)
  });

  it("has a closed claim (replaced, cost covered) and an open one sent with an RMA number", async () => {
    const claims = await db.warrantyClaim.findMany({ include: { device: true }, orderBy: { id: "asc" } });
    expect(claims.map((claim) => [claim.device.deviceId, claim.status, claim.resolution])).toEqual([
      ["MM005", "closed", "replaced"],
      ["AC004", "submitted", null],
    ]);
    expect(Number(claims[0]!.costCovered)).toBe(420);
    expect(claims[1]!.rmaNumber).toMatch(/^RMA-/);
    for (const claim of claims) expect(claim.claimNumber).toBe(`WC-${String(claim.id).padStart(6, "0")}`);
  });

  it("moved one spare between farms in the past", async () => {
    const transfers = await db.deviceTransfer.findMany({ include: { device: { include: { farm: true } } } });
    expect(transfers).toHaveLength(1);
    const [transfer] = transfers;
    expect(transfer!.device.farmId).toBe(transfer!.toFarmId);
    expect(transfer!.fromFarmId).not.toBe(transfer!.toFarmId);
    expect(transfer!.device.storageLocation).toBe(transfer!.toLocation);
    expect(dayOf(transfer!.transferredAt)).toBeLessThan(0);
  });

  it("prices every farm and keeps 12 months of usage per device in use, ending at the device's counter", async () => {
    expect(await db.farmCostRates.count()).toBe(3);
    const devices = await db.device.findMany({ where: { state: "active" }, include: { usageMonths: { orderBy: { month: "asc" } } } });
    const thisMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    for (const device of devices) {
      const months = device.usageMonths;
      expect(months, device.deviceId).toHaveLength(12);
      expect(months.at(-1)!.month.getTime()).toBe(thisMonth);
      expect(months[0]!.month.getTime()).toBe(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
      for (const [index, month] of months.entries()) {
        expect(month.farmId).toBe(device.farmId);
        expect(month.bytesEnd).toBeGreaterThan(month.bytesStart);
        if (index > 0) expect(month.bytesStart).toBe(months[index - 1]!.bytesEnd);
      }
      expect(months.at(-1)!.bytesEnd).toBe(device.dataTransmittedBytes);
      if (device.powerSource === "mains" || device.powerSource === "poe") expect(months.every((month) => month.batteryEnd === null)).toBe(true);
    }
  });

  it("opens an overdue alert per device with overdue work, and is what the worker's maintenance sweep would have made: its first run changes nothing", async () => {
    const alerts = await db.alert.findMany({ where: { alertType: "maintenance_overdue", state: "active" }, include: { device: true } });
    expect(alerts.map((alert) => alert.device!.deviceId).sort()).toEqual(["AC107", "AC108", "ES004", "FD101"]);
    expect(alerts.find((alert) => alert.device!.deviceId === "ES004")!.message).toMatch(/^Calibration due \d{4}-\d{2}-\d{2} \(Half-yearly inspection and calibration of barn air sensors\) is not done$/);
    const before = await db.maintenance.count();
    const result = await runMaintenanceSweep(prismaSql(db), new Date());
    expect(result).toMatchObject({ made: 0, overdue: 0, calibrationChanged: 0, alertsRaised: 0, alertsResolved: 0 });
    expect(await db.maintenance.count()).toBe(before);
    expect(await db.alert.count({ where: { alertType: "maintenance_overdue", state: "active" } })).toBe(4);
  });

  it("does nothing the second time", async () => {
    const before = await db.maintenance.count();
    expect(await seedDemoAssets(db)).toEqual({ plans: 0, maintenances: 0, calibrations: 0, stock: 0, claims: 0, usageMonths: 0 });
    expect(await db.maintenance.count()).toBe(before);
  });
});
