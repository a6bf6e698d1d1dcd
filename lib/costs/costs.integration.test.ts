/**
 * The cost model against figures worked out by hand from a small fleet (farm A, its own prices),
 * at a fixed "now" of 2026-11-15 12:00 UTC: October is a whole month, November runs to date.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { createSqlPool, type SqlPool } from "../telemetry/sql";
import { rollUpStoredTelemetry } from "../testing/rollups";
import { createTestPerson, refusal } from "../testing/people";
import { usageSnapshotJob } from "../jobs/usage-snapshot";
import { generateCostForecast } from "./cost-forecast";
import { getFarmCostRates, updateFarmCostRates } from "./cost-rates";
import { costHistory, getDeviceCosts, getFarmCostSummary } from "./cost-summary";

const db = getDb();
let pool: SqlPool;
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const NOW = new Date("2026-11-15T12:00:00Z");
const MB = 1024 * 1024;
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const farms = { a: 0, b: 0, c: 0 };
const dev = { mm: 0, co: 0, gw: 0, stock: 0, retired: 0, other: 0 };
const ids = { mm: `MM${suffix}`, co: `CO${suffix}`, gw: `GW${suffix}`, stock: `CS${suffix}`, retired: `FD${suffix}`, other: `MO${suffix}`, usage: `MU${suffix}`, gone: `MG${suffix}` };
let admin: Actor, managerA: Actor, managerB: Actor, technicianA: Actor, viewer: Actor;

beforeAll(async () => {
  pool = createSqlPool(resolveDatabaseUrl(), 2);
  farms.a = (await db.farm.create({ data: { code: `CA${suffix}`, name: `Cost farm A ${suffix}` } })).id;
  farms.b = (await db.farm.create({ data: { code: `CB${suffix}`, name: `Cost farm B ${suffix}` } })).id;
  farms.c = (await db.farm.create({ data: { code: `CC${suffix}`, name: `Cost farm C ${suffix}` } })).id;
  admin = await createTestPerson(db, "admin", null, `cost-admin-${suffix}@test.example`, "Cost admin");
  managerA = await createTestPerson(db, "manager", farms.a, `cost-mgr-a-${suffix}@test.example`, "Manager A");
  managerB = await createTestPerson(db, "manager", farms.b, `cost-mgr-b-${suffix}@test.example`, "Manager B");
  technicianA = await createTestPerson(db, "technician", farms.a, `cost-tech-${suffix}@test.example`, "Tech A");
  viewer = await createTestPerson(db, "viewer", null, `cost-viewer-${suffix}@test.example`, "Viewer");
  await db.farmCostRates.create({ data: { farmId: farms.a, currency: "EUR", dataPerMb: 0.02, electricityPerKwh: 0.3, batteryReplacement: 40, laborPerHour: 50, maintenanceVisit: 80 } });

  const provisioned = day("2026-01-01");
  const make = (deviceId: string, data: Record<string, unknown>) =>
    db.device.create({ data: { deviceId, name: deviceId, farmId: farms.a, state: "active", provisioningDate: provisioned, ...data } as never });
  dev.mm = (await make(ids.mm, { deviceType: "milk_meter", powerSource: "mains", unitCost: 600, purchaseDate: day("2026-01-10"), dataTransmittedBytes: BigInt(160 * MB) })).id;
  dev.co = (await make(ids.co, { deviceType: "collar", powerSource: "battery", unitCost: 120, purchaseDate: day("2024-11-15"), depreciationMonths: 24, batteryLevel: 50, lowBatteryThreshold: 20 })).id;
  dev.gw = (await make(ids.gw, { deviceType: "gateway", powerSource: "mains", unitCost: 900, purchaseDate: day("2026-10-16"), depreciationMonths: 36, provisioningDate: day("2026-10-16") })).id;
  dev.stock = (await make(ids.stock, { deviceType: "collar", powerSource: "battery", state: "registered", provisioningDate: null, unitCost: 100, purchaseDate: day("2026-09-01"), depreciationMonths: 20 })).id;
  dev.retired = (await make(ids.retired, { deviceType: "feeder", powerSource: "mains", state: "decommissioned", retiredAt: day("2026-10-11"), unitCost: 840, purchaseDate: day("2026-01-01") })).id;
  dev.other = (await db.device.create({ data: { deviceId: ids.other, name: "other", deviceType: "milk_meter", farmId: farms.b, state: "active", provisioningDate: provisioned } })).id;

  await db.deviceUsageMonth.createMany({
    data: [
      { deviceId: dev.mm, farmId: farms.a, month: day("2026-08-01"), bytesStart: BigInt(0), bytesEnd: BigInt(50 * MB) },
      { deviceId: dev.mm, farmId: farms.a, month: day("2026-09-01"), bytesStart: BigInt(50 * MB), bytesEnd: BigInt(130 * MB) },
      { deviceId: dev.mm, farmId: farms.a, month: day("2026-10-01"), bytesStart: BigInt(0), bytesEnd: BigInt(100 * MB) },
      { deviceId: dev.co, farmId: farms.a, month: day("2026-10-01"), bytesStart: BigInt(5 * MB), bytesEnd: BigInt(15 * MB) },
      // the last snapshot said 150 MB; the device's counter is at 160 MB now
      { deviceId: dev.mm, farmId: farms.a, month: day("2026-11-01"), bytesStart: BigInt(100 * MB), bytesEnd: BigInt(150 * MB) },
      { deviceId: dev.other, farmId: farms.b, month: day("2026-10-01"), bytesStart: BigInt(0), bytesEnd: BigInt(1000 * MB) },
    ],
  });
  const work = (deviceId: number, farmId: number, data: Record<string, unknown>) => db.maintenance.create({ data: { deviceId, farmId, scheduledDate: day("2026-10-01"), ...data } as never });
  await work(dev.co, farms.a, { maintenanceType: "battery_replacement", status: "done", performedAt: new Date("2026-10-05T09:00:00Z") });
  await work(dev.co, farms.a, { maintenanceType: "corrective", status: "done", performedAt: new Date("2026-10-20T09:00:00Z"), cost: 55.5 });
  await work(dev.co, farms.a, { maintenanceType: "inspection", status: "done", performedAt: new Date("2026-10-21T09:00:00Z") });
  await work(dev.co, farms.a, { maintenanceType: "inspection", status: "cancelled", cancelledAt: new Date("2026-10-22T09:00:00Z"), cost: 500 });
  await work(dev.mm, farms.a, { maintenanceType: "cleaning", status: "done", performedAt: new Date("2026-11-01T00:00:00Z"), cost: 0 });
  await work(dev.other, farms.b, { maintenanceType: "corrective", status: "done", performedAt: new Date("2026-10-20T09:00:00Z"), cost: 999 });
  // planned work in the forecast
  await work(dev.mm, farms.a, { maintenanceType: "calibration", status: "scheduled", scheduledDate: day("2026-12-10") });
  await work(dev.co, farms.a, { maintenanceType: "corrective", status: "scheduled", scheduledDate: day("2027-01-05") });
  const plan = await db.maintenancePlan.create({
    data: { farmId: farms.a, name: "Gateway inspection", maintenanceType: "inspection", scope: "device_type", deviceType: "gateway", everyCount: 1, everyUnit: "months", startsOn: day("2026-12-20"), nextOn: day("2027-01-20") },
  });
  await work(dev.gw, farms.a, { planId: plan.id, maintenanceType: "inspection", status: "scheduled", scheduledDate: day("2026-12-20") });

  await db.warrantyExtension.create({ data: { deviceId: dev.mm, farmId: farms.a, newEnd: day("2029-01-01"), months: 12, cost: 30, createdAt: new Date("2026-10-12T10:00:00Z") } });
  const claim = (data: Record<string, unknown>) => db.warrantyClaim.create({ data: { claimNumber: `WC${suffix}${Math.random().toString().slice(2, 6)}`, deviceId: dev.co, farmId: farms.a, issueType: "battery", issueDescription: "x", ...data } as never });
  await claim({ status: "closed", costCovered: 12.5, closedAt: new Date("2026-10-25T10:00:00Z") });
  await claim({ status: "closed", costCovered: 7, closedAt: new Date("2026-09-20T10:00:00Z") });
  await claim({ status: "approved", costCovered: 100 });

  // the collar's battery falls 1 point a day over the last 21 days: 71 → 50
  await db.telemetrySample.createMany({
    data: Array.from({ length: 22 }, (_, i) => ({ deviceId: dev.co, ts: new Date(Date.UTC(2026, 9, 25, 12) + i * 86_400_000), batteryLevel: 71 - i })),
  });
  // the battery estimate reads the hourly rollups the worker's job keeps
  await rollUpStoredTelemetry();
});

afterAll(async () => {
  const farmIds = [farms.a, farms.b, farms.c];
  await db.maintenance.deleteMany({ where: { farmId: { in: farmIds } } });
  await db.maintenancePlan.deleteMany({ where: { farmId: { in: farmIds } } });
  await db.device.deleteMany({ where: { farmId: { in: farmIds } } });
  await db.auditEvent.deleteMany({ where: { entityType: "farm", entityId: { in: farmIds.map(String) } } });
  await db.user.deleteMany({ where: { email: { endsWith: `-${suffix}@test.example` } } });
  await db.farm.deleteMany({ where: { id: { in: farmIds } } });
  await pool.end();
  await disconnectDb();
});

describe("the monthly farm cost summary", () => {
  it("prices October by hand: data, power, batteries, maintenance, amortisation, warranty, covered", async () => {
    const summary = await getFarmCostSummary(db, admin, { farmId: farms.a, month: "2026-10", now: NOW });
    // data: MM 100 MB + CO 10 MB at 0.02 = 2.20
    // power: MM 6 W × 744 h = 4.464 kWh, GW 10 W × 384 h (from the 16th) = 3.84 kWh, feeder 25 W × 240 h (retired the 11th) = 6 kWh;
    //        14.304 kWh × 0.30 = 4.2912
    // batteries: the replacement without a cost at the farm's 40; maintenance: 55.50 + an inspection without cost at the visit price 80
    // amortisation: MM 600/60 + CO 120/24 (its last month) + GW 900/36 (its first) + stock 100/20 + feeder 840/84 = 10 + 5 + 25 + 5 + 10
    expect(summary.costs).toEqual({ data: 2.2, power: 4.29, batteries: 40, maintenance: 135.5, amortisation: 55, warranty: 30, covered: -12.5, total: 254.49 });
    expect(summary).toMatchObject({ period: "2026-10", monthToDate: false, hours: 744, currency: "EUR", deviceCount: 4, dataMb: 110, costPerDevice: 63.62 });
    const collar = summary.byType.find((row) => row.deviceType === "collar")!;
    // CO and the collar in stock (amortisation only; not in service, so not counted as a device)
    expect(collar).toMatchObject({ devices: 1, costs: { batteries: 40, maintenance: 135.5, amortisation: 10, data: 0.2, covered: -12.5, total: 173.2 } });
    expect(summary.topDevices[0]).toMatchObject({ deviceId: ids.co, total: 168.2 });
    expect(summary.topDevices.map((device) => device.deviceId)).not.toContain(ids.other);
    expect(summary.rates).toMatchObject({ dataPerMb: 0.02, electricityPerKwh: 0.3 });
  });

  it("counts the current month to now, with the device counter past the last snapshot", async () => {
    const summary = await getFarmCostSummary(db, managerA, { month: "2026-11", now: NOW });
    // 14.5 days = 348 h: MM 2.088 kWh + GW 3.48 kWh = 5.568 kWh × 0.30 = 1.6704; data 160 − 100 MB = 60 MB × 0.02;
    // amortisation MM 10 + GW 25 + stock 5 (the collar's ended in October, the feeder was retired); cleaning recorded at 0
    expect(summary.costs).toEqual({ data: 1.2, power: 1.67, batteries: 0, maintenance: 0, amortisation: 40, warranty: 0, covered: 0, total: 42.87 });
    expect(summary).toMatchObject({ farmId: farms.a, monthToDate: true, hours: 348, deviceCount: 3 });
  });

  it("starts amortisation in the purchase month, and refuses bad and future months", async () => {
    const september = await getFarmCostSummary(db, admin, { farmId: farms.a, month: "2026-09", now: NOW });
    // no gateway yet; the stock collar bought on 1 September starts; MM 6 W × 720 h + feeder 25 W × 720 h = 22.32 kWh × 0.30
    expect(september.costs).toMatchObject({ data: 1.6, power: 6.7, amortisation: 30, covered: -7, total: 31.3 });
    const bad = await refusal(getFarmCostSummary(db, admin, { month: "2026-13", now: NOW }));
    expect(bad).toBeInstanceOf(InvalidError);
    expect((bad as InvalidError).fieldErrors.month).toEqual(["Use the format YYYY-MM, e.g. 2026-11"]);
    expect(await refusal(getFarmCostSummary(db, admin, { month: "2026-12", now: NOW }))).toBeInstanceOf(InvalidError);
  });

  it("the last 12 months end with the current one", async () => {
    const history = await costHistory(db, managerA, { now: NOW });
    expect(history.months).toHaveLength(12);
    expect(history.months[0]!.period).toBe("2025-12");
    expect(history.months[11]).toMatchObject({ period: "2026-11", monthToDate: true });
    expect(history.months[10]!.costs.total).toBe(254.49);
    expect(history.months[8]!.costs.data).toBe(1);
  });

  it("is for managers and admins of the farm only", async () => {
    expect(await refusal(getFarmCostSummary(db, viewer, { now: NOW }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(getFarmCostSummary(db, technicianA, { now: NOW }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(getFarmCostSummary(db, managerB, { farmId: farms.a, now: NOW }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getDeviceCosts(db, managerB, ids.co, { now: NOW }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(generateCostForecast(db, technicianA, { months: 3, now: NOW }))).toBeInstanceOf(ForbiddenError);
  });
});

describe("a device's costs", () => {
  it("shows its month to date, 12 months and the battery estimate from its readings", async () => {
    const costs = await getDeviceCosts(db, managerA, ids.co, { now: NOW });
    expect(costs.monthToDate.costs.total).toBe(0);
    // amortisation 5 a month from December 2025 to October 2026 (11 months)
    expect(costs.last12Months).toMatchObject({ amortisation: 55, batteries: 40, maintenance: 135.5, data: 0.2, covered: -19.5 });
    expect(costs.amortisation).toMatchObject({ months: 24, perMonth: 5, endsAfter: "2026-10" });
    // 50 % now, 1 point a day, replace at 20 %: 30 days, 21 days of readings
    expect(costs.battery).toMatchObject({ status: "estimated", drainPerDay: 1, daysRemaining: 30, estimatedDate: "2026-12-15", confidence: "high", estimatedCost: 40, samples: 22, spanDays: 21 });
    const meter = await getDeviceCosts(db, admin, ids.mm, { now: NOW });
    expect(meter.power).toEqual({ source: "mains", watts: 6, pricePerKwh: 0.3 });
    expect(meter.battery).toBeNull();
  });
});

describe("the cost forecast", () => {
  it("forecasts each part the way it says", async () => {
    const forecast = await generateCostForecast(db, managerA, { months: 3, now: NOW });
    expect(forecast.forecast.map((month) => month.period)).toEqual(["2026-12", "2027-01", "2027-02"]);
    // amortisation known: MM 10 + GW 25 + stock 5; power: MM 6 W + GW 10 W for 744 / 744 / 672 h at 0.30
    // maintenance: Dec calibration (no history: visit 80) + the plan's made occurrence (80); Jan corrective at October's 55.50 + the plan's next date (80); Feb the plan (80)
    // batteries: the collar reaches 20 % on 15 December; data: Aug 1.00, Sep 1.60, Oct 2.20 → 1.60 + 0.40 × (2, 3, 4)
    expect(forecast.forecast.map((month) => month.parts)).toEqual([
      { amortisation: 40, power: 3.57, maintenance: 160, batteries: 40, data: 2.4 },
      { amortisation: 40, power: 3.57, maintenance: 135.5, batteries: 0, data: 2.8 },
      { amortisation: 40, power: 3.23, maintenance: 80, batteries: 0, data: 3.2 },
    ]);
    expect(forecast.forecast.map((month) => month.total)).toEqual([245.97, 181.87, 126.43]);
    expect(forecast.forecast.map((month) => [month.maintenanceJobs, month.batteryReplacements])).toEqual([[2, 1], [2, 0], [1, 0]]);
    expect(forecast.totals.total).toBe(554.27);
    expect(await refusal(generateCostForecast(db, viewer, { months: 3, now: NOW }))).toBeInstanceOf(ForbiddenError);
  });
});

describe("farm cost rates", () => {
  it("start from the defaults, refuse bad prices per field, and are audited", async () => {
    expect(await getFarmCostRates(db, admin, farms.c)).toMatchObject({ isDefault: true, currency: "EUR", dataPerMb: 0.01, batteryReplacement: 50, maintenanceVisit: 100, electricityPerKwh: 0.25, laborPerHour: 45 });
    const bad = await refusal(updateFarmCostRates(db, admin, farms.c, { currency: "euro", dataPerMb: -1, electricityPerKwh: "abc", batteryReplacement: 50, laborPerHour: 45, maintenanceVisit: 1.234 }));
    expect(bad).toBeInstanceOf(InvalidError);
    expect(Object.keys((bad as InvalidError).fieldErrors).sort()).toEqual(["currency", "dataPerMb", "electricityPerKwh", "maintenanceVisit"]);
    expect(await db.farmCostRates.count({ where: { farmId: farms.c } })).toBe(0);
    expect(await refusal(updateFarmCostRates(db, technicianA, farms.a, { currency: "EUR", dataPerMb: 1, electricityPerKwh: 1, batteryReplacement: 1, laborPerHour: 1, maintenanceVisit: 1 }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(updateFarmCostRates(db, managerB, farms.c, { currency: "EUR", dataPerMb: 1, electricityPerKwh: 1, batteryReplacement: 1, laborPerHour: 1, maintenanceVisit: 1 }))).toBeInstanceOf(NotFoundError);
    const saved = await updateFarmCostRates(db, admin, farms.c, { currency: "gbp", dataPerMb: "0.015", electricityPerKwh: 0.2, batteryReplacement: 45, laborPerHour: 40, maintenanceVisit: 90 });
    expect(saved).toMatchObject({ isDefault: false, currency: "GBP", dataPerMb: 0.015 });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: "farm", entityId: String(farms.c), action: "cost_rates.update" } });
    expect(audit.before).toMatchObject({ isDefault: true, dataPerMb: 0.01 });
    expect(audit.after).toMatchObject({ currency: "GBP", dataPerMb: 0.015 });
  });
});

describe("usage-snapshot job", () => {
  it("starts a month at the previous month's end, follows the counter, and loses no bytes at the rollover", async () => {
    const usage = await db.device.create({ data: { deviceId: ids.usage, name: "usage", deviceType: "milk_meter", farmId: farms.c, state: "active", dataTransmittedBytes: BigInt(1 * MB), batteryLevel: 90 } });
    await db.device.create({ data: { deviceId: ids.gone, name: "gone", deviceType: "milk_meter", farmId: farms.c, state: "decommissioned", retiredAt: day("2026-01-01") } });
    const run = (at: string) => usageSnapshotJob.run({}, { sql: pool, log: () => undefined, now: () => new Date(at), telemetryRetentionDays: 30 });
    const rows = () => db.deviceUsageMonth.findMany({ where: { device: { farmId: farms.c } }, orderBy: { month: "asc" }, include: { device: { select: { deviceId: true } } } });

    await run("2031-01-10T00:07:00Z");
    expect(await rows()).toMatchObject([{ device: { deviceId: ids.usage }, farmId: farms.c, bytesStart: BigInt(MB), bytesEnd: BigInt(MB), batteryStart: 90, batteryEnd: 90 }]);

    await db.device.update({ where: { id: usage.id }, data: { dataTransmittedBytes: BigInt(401 * MB), batteryLevel: 85 } });
    await run("2031-01-10T01:07:00Z");
    await db.device.update({ where: { id: usage.id }, data: { dataTransmittedBytes: BigInt(601 * MB) } });
    await run("2031-02-01T00:07:00Z");
    const [january, february] = await rows();
    expect(january).toMatchObject({ bytesStart: BigInt(MB), bytesEnd: BigInt(401 * MB), batteryStart: 90, batteryEnd: 85 });
    // what was sent after the last January snapshot belongs to February's first: 601 − 401
    expect(february).toMatchObject({ bytesStart: BigInt(401 * MB), bytesEnd: BigInt(601 * MB) });

    const cAdmin = { ...admin };
    const jan = await getFarmCostSummary(db, cAdmin, { farmId: farms.c, month: "2031-01", now: new Date("2031-02-15T00:00:00Z") });
    const feb = await getFarmCostSummary(db, cAdmin, { farmId: farms.c, month: "2031-02", now: new Date("2031-02-15T00:00:00Z") });
    // GBP prices from the test above: 0.015 per MB
    expect([jan.dataMb, jan.costs.data, feb.dataMb, feb.costs.data]).toEqual([400, 6, 200, 3]);
  });
});
