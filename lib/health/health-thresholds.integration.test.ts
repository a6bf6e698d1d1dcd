/**
 * Health limits from farm and group layers (config_layers.health) through the real paths on a real
 * PostgreSQL: the health sweep (screen with the loosest limits, each device judged by its own),
 * the group offline count, the ingest's health judgement and the charts' per-device read. The sweep
 * runs over the whole database; the assertions look at this file's own devices only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHealthSweep } from "../alerts/alert-sweep";
import { resolveDatabaseUrl } from "../config/database-url";
import { scopeKey } from "../configuration/layer-book";
import { disconnectDb, getDb } from "../db";
import { TelemetryIngestor } from "../telemetry/ingest";
import { createSqlPool, type SqlPool } from "../telemetry/sql";
import { HEALTH_PROFILE_DEFAULTS, type HealthThresholdsPatch } from "./health-thresholds";
import { deviceHealthThresholds, ThresholdBook, ThresholdCache } from "./threshold-book";

const db = getDb();
let pool: SqlPool;
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
let serial = 0;
/** tuned: battery warning 40 %; i013: the I-013 profile; plain: no layer. */
const farms = { tuned: 0, i013: 0, plain: 0 };

beforeAll(async () => {
  pool = createSqlPool(resolveDatabaseUrl(), 3);
  for (const key of Object.keys(farms) as (keyof typeof farms)[]) {
    farms[key] = (await db.farm.create({ data: { code: `HT${key.slice(0, 2).toUpperCase()}${suffix}`, name: `Health limits ${key}` } })).id;
  }
  await farmLayer(farms.tuned, { battery_warning_below_pct: 40 });
  await farmLayer(farms.i013, { profile: "i013" });
});

afterAll(async () => {
  const farmIds = Object.values(farms);
  await db.alert.deleteMany({ where: { OR: [{ device: { farmId: { in: farmIds } } }, { group: { farmId: { in: farmIds } } }] } });
  await db.device.deleteMany({ where: { farmId: { in: farmIds } } });
  await db.configLayer.deleteMany({ where: { OR: [{ farmId: { in: farmIds } }, { group: { farmId: { in: farmIds } } }] } });
  await db.deviceGroup.deleteMany({ where: { farmId: { in: farmIds }, parentId: { not: null } } });
  await db.deviceGroup.deleteMany({ where: { farmId: { in: farmIds } } });
  await db.farm.deleteMany({ where: { id: { in: farmIds } } });
  await pool.end();
  await disconnectDb();
});

function farmLayer(farmId: number, health: HealthThresholdsPatch, deviceType: "collar" | "feeder" = "collar") {
  return db.configLayer.create({ data: { scope: "farm", scopeKey: scopeKey("farm", farmId, deviceType), farmId, deviceType, health } });
}
function groupLayer(groupId: number, health: HealthThresholdsPatch) {
  return db.configLayer.create({ data: { scope: "group", scopeKey: scopeKey("group", groupId, "collar"), groupId, deviceType: "collar", health } });
}

type DeviceData = Parameters<typeof db.device.create>[0]["data"];
async function device(farmId: number, overrides: Partial<DeviceData> = {}) {
  serial += 1;
  return db.device.create({
    data: {
      deviceId: `HT${suffix}${String(serial).padStart(3, "0")}`,
      name: `Limits test ${serial}`,
      deviceType: "collar",
      state: "active",
      farm: { connect: { id: farmId } },
      lastSeen: new Date(Date.now() - 30_000),
      connectionStatus: "online",
      healthStatus: "healthy",
      batteryLevel: 80,
      signalStrength: -60,
      createdAt: new Date(Date.now() - 86_400_000),
      ...overrides,
    } as DeviceData,
  });
}

const openAlerts = (deviceId: number) =>
  db.alert.findMany({ where: { deviceId, state: { not: "resolved" } }, orderBy: { alertType: "asc" }, select: { alertType: true, severity: true, message: true } });

describe("the sweep reads each device's limits from its farm's and groups' layers", () => {
  it("a farm's battery warning of 40 % raises low_battery at 35 %, which the default does not; per device type", async () => {
    const tuned = await device(farms.tuned, { batteryLevel: 35 });
    const tunedFeeder = await device(farms.tuned, { batteryLevel: 35, deviceType: "feeder" });
    const plain = await device(farms.plain, { batteryLevel: 35 });
    await runHealthSweep(pool, new Date());
    expect(await openAlerts(tuned.id)).toEqual([{ alertType: "low_battery", severity: "warning", message: "Battery level at 35%" }]);
    expect(await openAlerts(tunedFeeder.id)).toEqual([]);
    expect(await openAlerts(plain.id)).toEqual([]);

    // The layer relaxed again: the next sweep resolves the alert (the layers are read per sweep).
    await db.configLayer.update({ where: { scopeKey: scopeKey("farm", farms.tuned, "collar") }, data: { health: { battery_warning_below_pct: 30 } } });
    await runHealthSweep(pool, new Date(Date.now() + 1_000));
    expect(await openAlerts(tuned.id)).toEqual([]);
    await db.configLayer.update({ where: { scopeKey: scopeKey("farm", farms.tuned, "collar") }, data: { health: { battery_warning_below_pct: 40 } } });
  });

  it("the I-013 profile raises a CPU alert at 95 % (critical), memory at 85 % (warning); the default raises neither", async () => {
    const busy = await device(farms.i013, { cpuPercent: 95, memoryPercent: 85 });
    const calm = await device(farms.i013, { cpuPercent: 70, memoryPercent: 80 });
    const plain = await device(farms.plain, { cpuPercent: 95, memoryPercent: 99 });
    await runHealthSweep(pool, new Date());
    expect(await openAlerts(busy.id)).toEqual([
      { alertType: "high_cpu", severity: "critical", message: "CPU usage at 95%" },
      { alertType: "high_memory", severity: "warning", message: "Memory usage at 85%" },
    ]);
    expect(await openAlerts(calm.id)).toEqual([]);
    expect(await openAlerts(plain.id)).toEqual([]);
  });

  it("a group layer overrides one limit of its farm's profile", async () => {
    const group = await db.deviceGroup.create({ data: { name: "Quiet barn", code: `HTG${suffix}`, farmId: farms.i013 } });
    await groupLayer(group.id, { cpu_critical_above_pct: 99 });
    const inGroup = await device(farms.i013, { cpuPercent: 95, group: { connect: { id: group.id } } });
    await runHealthSweep(pool, new Date());
    expect(await openAlerts(inGroup.id)).toEqual([{ alertType: "high_cpu", severity: "warning", message: "CPU usage at 95%" }]);
    expect(await deviceHealthThresholds(db, inGroup.id)).toEqual({ ...HEALTH_PROFILE_DEFAULTS.i013, cpu_critical_above_pct: 99 });
    expect(await deviceHealthThresholds(db, (await device(farms.plain)).id)).toEqual(HEALTH_PROFILE_DEFAULTS.m92);
  });

  it("I-013 telemetry age: late after 5 minutes (warning, health warning), offline after 10; M92 says nothing at 7 minutes", async () => {
    const at = new Date();
    const late = await device(farms.i013, { lastSeen: new Date(at.getTime() - 7 * 60_000) });
    const plain = await device(farms.plain, { lastSeen: new Date(at.getTime() - 7 * 60_000) });
    await runHealthSweep(pool, at);
    expect(await openAlerts(late.id)).toEqual([{ alertType: "telemetry_late", severity: "warning", message: expect.stringMatching(/^No telemetry for 7 min/) }]);
    expect(await db.device.findUniqueOrThrow({ where: { id: late.id } })).toMatchObject({ healthStatus: "warning", connectionStatus: "degraded", needsAttention: true });
    expect(await openAlerts(plain.id)).toEqual([]);
    expect(await db.device.findUniqueOrThrow({ where: { id: plain.id } })).toMatchObject({ healthStatus: "healthy", connectionStatus: "degraded" });

    // (Older data rather than a sweep in the future: the sweep runs over every test's devices.)
    for (const d of [late, plain]) await db.device.update({ where: { id: d.id }, data: { lastSeen: new Date(at.getTime() - 11 * 60_000) } });
    await runHealthSweep(pool, new Date(at.getTime() + 1_000));
    expect((await openAlerts(late.id)).map((a) => a.alertType)).toEqual(["offline", "telemetry_late"]);
    expect((await openAlerts(plain.id)).map((a) => a.alertType)).toEqual(["offline"]);
    expect(await db.device.findUniqueOrThrow({ where: { id: late.id } })).toMatchObject({ healthStatus: "critical" });
  });

  it("a longer offline age (slow-reporting farm) keeps its devices and their group out of offline", async () => {
    const slowFarm = farms.tuned;
    const group = await db.deviceGroup.create({ data: { name: "Slow barn", code: `HTS${suffix}`, farmId: slowFarm, offlineAlertThreshold: 1 } });
    await groupLayer(group.id, { telemetry_age_critical_sec: 3600 });
    const slow = await device(slowFarm, { lastSeen: new Date(Date.now() - 20 * 60_000), group: { connect: { id: group.id } } });
    await runHealthSweep(pool, new Date());
    expect(await openAlerts(slow.id)).toEqual([]);
    expect(await db.device.findUniqueOrThrow({ where: { id: slow.id } })).toMatchObject({ healthStatus: "healthy", connectionStatus: "degraded" });
    expect(await db.alert.count({ where: { groupId: group.id, state: { not: "resolved" } } })).toBe(0);

    // Past its own limit: offline, and the group (threshold 1) with it.
    await db.device.update({ where: { id: slow.id }, data: { lastSeen: new Date(Date.now() - 61 * 60_000) } });
    await runHealthSweep(pool, new Date());
    expect((await openAlerts(slow.id)).map((a) => a.alertType)).toEqual(["offline"]);
    expect(await db.alert.count({ where: { groupId: group.id, alertType: "group_offline", state: { not: "resolved" } } })).toBe(1);
  });
});

describe("ingest judges each device by its limits", () => {
  it("CPU at 95 % makes an I-013 device critical as it reports; the same reading leaves a default device healthy", async () => {
    const i013 = await device(farms.i013, { lastSeen: null, connectionStatus: "unknown", healthStatus: "unknown" });
    const plain = await device(farms.plain, { lastSeen: null, connectionStatus: "unknown", healthStatus: "unknown" });
    const ingestor = new TelemetryIngestor({ pool, thresholds: new ThresholdCache(pool) });
    const ts = new Date().toISOString();
    for (const d of [i013, plain]) {
      ingestor.accept({ kind: "telemetry", deviceId: d.deviceId, receivedAt: new Date(), payload: { ts, battery_level: 80, cpu_percent: 95 } });
    }
    await ingestor.stop();
    expect(await db.device.findUniqueOrThrow({ where: { id: i013.id } })).toMatchObject({ cpuPercent: 95, healthStatus: "critical", needsAttention: true });
    expect(await db.device.findUniqueOrThrow({ where: { id: plain.id } })).toMatchObject({ cpuPercent: 95, healthStatus: "healthy", needsAttention: false });
  });

  it("the book loads every layer's limits for the screen", async () => {
    const loosest = (await ThresholdBook.load(pool)).loosest();
    expect(loosest.batteryWarningBelowPct).toBeGreaterThanOrEqual(40);
    expect(loosest.cpuWarningAbovePct).not.toBeNull();
    expect(loosest.cpuWarningAbovePct!).toBeLessThanOrEqual(70);
  });
});
