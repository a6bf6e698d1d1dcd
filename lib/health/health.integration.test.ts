/**
 * The farm health summary, one device's health, the chart series and their two routes, on a real
 * PostgreSQL: counting, farm scoping, bucketing, and what the demo history generator writes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as deviceHealthRoute from "@/app/api/v1/iot/devices/[id]/health/route";
import * as summaryRoute from "@/app/api/v1/iot/health/summary/route";
import { seedDemoTelemetry } from "@/prisma/seed";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { NotFoundError } from "../errors";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";
import { rollUpStoredTelemetry } from "../testing/rollups";
import { computeHealthScore, computeHealthStatus } from "./device-health";
import { deviceHealthHistory } from "./health-history";
import { deviceHealth, farmHealthSummary } from "./health-summary";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const base = 100_000 + Math.floor(Math.random() * 800_000);
const id = (prefix: string, n: number) => `${prefix}${base + n}`;
const [METER, COLLAR_DOWN, COLLAR_LOW, RETIRED, NEIGHBOUR, FRESH] = [id("MM", 1), id("AC", 2), id("AC", 3), id("MM", 4), id("FD", 5), id("TS", 6)];

let fixture: ApiFixture;
let groupId: number;
let codeA: string;
let codeB: string;
const dbId = new Map<string, number>();
const admin: Actor = { kind: "user", id: 0, label: "admin@test.example", name: "Admin", role: "admin", farmId: null };
let technician: Actor;

beforeAll(async () => {
  fixture = await createApiFixture(db, "HS", suffix);
  codeA = `HSA${suffix}`;
  codeB = `HSB${suffix}`;
  technician = { kind: "user", id: 0, label: "tech@test.example", name: "Tech", role: "technician", farmId: fixture.farmA };
  groupId = (await db.deviceGroup.create({ data: { code: `HS-HERD-${suffix}`, name: "Herd", farmId: fixture.farmA } })).id;
  const { farmA, farmB } = fixture;
  const now = Date.now();
  await db.device.createMany({
    data: [
      { deviceId: METER, name: "Meter", deviceType: "milk_meter", farmId: farmA, state: "active", healthStatus: "healthy", healthScore: 100, connectionStatus: "online", signalStrength: -50, signalQuality: "excellent", lastSeen: new Date(now) },
      { deviceId: COLLAR_DOWN, name: "Collar down", deviceType: "collar", farmId: farmA, state: "active", healthStatus: "critical", healthScore: 30, needsAttention: true, connectionStatus: "offline", batteryLevel: 5, signalStrength: -95, signalQuality: "poor", errorCount: 4, lastSeen: new Date(now - 3_600_000) },
      { deviceId: COLLAR_LOW, name: "Collar low", deviceType: "collar", farmId: farmA, state: "active", healthStatus: "warning", healthScore: 70, needsAttention: true, connectionStatus: "degraded", batteryLevel: 25, lowBatteryThreshold: 30, maintenanceMode: true, lastSeen: new Date(now - 600_000) },
      { deviceId: RETIRED, name: "Retired", deviceType: "milk_meter", farmId: farmA, state: "decommissioned", healthStatus: "critical", healthScore: 0, batteryLevel: 1 },
      { deviceId: NEIGHBOUR, name: "Neighbour", deviceType: "feeder", farmId: farmB, state: "active" },
      { deviceId: FRESH, name: "Fresh", deviceType: "temperature", farmId: farmA, state: "registered", powerSource: "battery" },
    ],
  });
  for (const row of await db.device.findMany({ where: { farmId: { in: [farmA, farmB] } }, select: { id: true, deviceId: true } })) dbId.set(row.deviceId, row.id);
  const down = dbId.get(COLLAR_DOWN)!;
  await db.alert.createMany({
    data: [
      { deviceId: down, alertType: "offline", severity: "critical" },
      { deviceId: down, alertType: "low_battery", severity: "warning", state: "acknowledged" },
      { deviceId: dbId.get(COLLAR_LOW)!, alertType: "low_battery", severity: "low", state: "resolved" },
      { groupId, alertType: "group_offline", severity: "critical" },
      { deviceId: dbId.get(NEIGHBOUR)!, alertType: "offline", severity: "warning" },
    ],
  });
});

afterAll(async () => {
  await db.alert.deleteMany({ where: { groupId } });
  await db.deviceGroup.deleteMany({ where: { id: groupId } });
  await removeApiFixture(db, fixture, [METER, COLLAR_DOWN, COLLAR_LOW, RETIRED, NEIGHBOUR, FRESH]);
  await disconnectDb();
});

describe("the farm health summary (I-013 get_farm_health_summary)", () => {
  it("counts one farm's devices by health, connection and signal, without retired ones", async () => {
    const summary = await farmHealthSummary(db, admin, codeA);
    expect(summary).toMatchObject({
      farm: { id: fixture.farmA, code: codeA },
      totalDevices: 4,
      healthSummary: { healthy: 1, warning: 1, critical: 1, unknown: 1 },
      connectionStatus: { online: 1, degraded: 1, offline: 1, unknown: 1 },
      connectionQuality: { excellent: 1, good: 0, fair: 0, poor: 1, none: 2 },
      averageHealthScore: 75, // (100 + 30 + 70 + 100) / 4
      needsAttention: 2,
      lowBattery: 2, // 5 < 20 and 25 < its own 30
      offline: 1,
      inMaintenance: 1,
      batteryStatistics: { avgPercent: 15, minPercent: 5, devicesReporting: 2 },
      openAlerts: { critical: 2, warning: 1, low: 0, total: 3 }, // the group's alert counts, the resolved one not, farm B's not
    });
    expect(summary.byType[0]).toEqual({ deviceType: "collar", total: 2, healthy: 0, warning: 1, critical: 1, unknown: 0, needsAttention: 2 });
    expect(summary.byType.map((row) => row.deviceType).sort()).toEqual(["collar", "milk_meter", "temperature"]);
  });

  it("takes a farm by id too, and covers every visible farm without one", async () => {
    expect((await farmHealthSummary(db, admin, String(fixture.farmB))).totalDevices).toBe(1);
    const all = await farmHealthSummary(db, admin, null);
    expect(all.farm).toBeNull();
    expect(all.totalDevices).toBeGreaterThanOrEqual(5);
    expect(all.openAlerts.total).toBeGreaterThanOrEqual(4);
  });

  it("gives a farm-bound person their own farm, and no other", async () => {
    expect((await farmHealthSummary(db, technician, null)).farm?.id).toBe(fixture.farmA);
    await expect(farmHealthSummary(db, technician, codeB)).rejects.toBeInstanceOf(NotFoundError);
    await expect(farmHealthSummary(db, admin, "NOPE")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("one device's health", () => {
  it("answers the M92 fields and the open alerts, most recent first", async () => {
    const health = await deviceHealth(db, technician, COLLAR_DOWN);
    expect(health).toMatchObject({ deviceId: COLLAR_DOWN, healthStatus: "critical", healthScore: 30, connectionStatus: "offline", signalQuality: "poor", needsAttention: true, batteryLevel: 5, batteryLow: true, errorCount: 4 });
    expect(health.openAlerts.map((alert) => alert.alertType).sort()).toEqual(["low_battery", "offline"]);
  });

  it("does not exist for a person of another farm", async () => {
    await expect(deviceHealth(db, technician, NEIGHBOUR)).rejects.toBeInstanceOf(NotFoundError);
    expect((await deviceHealth(db, admin, NEIGHBOUR)).deviceId).toBe(NEIGHBOUR);
  });
});

describe("the chart series", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  const at = (iso: string) => new Date(`2026-11-${iso}Z`);

  beforeAll(async () => {
    const meter = dbId.get(METER)!;
    await db.telemetrySample.createMany({
      data: [
        { deviceId: meter, ts: at("23T11:50:10"), batteryLevel: 80, signalStrength: -60, healthScore: 90, errorCount: 1 },
        { deviceId: meter, ts: at("23T11:52:00"), batteryLevel: 70, signalStrength: -70, healthScore: 80, errorCount: 3 },
        { deviceId: meter, ts: at("23T11:31:00"), batteryLevel: 60, signalStrength: -80, healthScore: 70, errorCount: 0 },
        { deviceId: meter, ts: at("23T12:30:00"), batteryLevel: 1, signalStrength: -1, healthScore: 1, errorCount: 99 }, // a clock running ahead
        { deviceId: meter, ts: at("22T11:00:00"), batteryLevel: 90, signalStrength: -50, healthScore: 100, errorCount: 0 }, // 25 h ago
        { deviceId: dbId.get(COLLAR_LOW)!, ts: at("23T11:51:00"), batteryLevel: 5, signalStrength: -99, healthScore: 5, errorCount: 50 }, // another device
      ],
    });
    // the 7- and 30-day charts read the rollups the worker's job keeps
    await rollUpStoredTelemetry();
  });

  it("averages 5-minute buckets over 24 h in SQL, the errors as the highest count, gaps as nulls", async () => {
    const history = await deviceHealthHistory(db, dbId.get(METER)!, "24h", now);
    expect(history.points).toHaveLength(288);
    expect(history.points[0]!.t).toBe(at("22T12:05:00").getTime());
    expect(history.points.at(-1)!.t).toBe(at("23T12:00:00").getTime());
    expect(history.samples).toBe(3);
    const byTime = new Map(history.points.map((point) => [new Date(point.t).toISOString(), point]));
    expect(byTime.get("2026-11-23T11:50:00.000Z")).toEqual({ t: at("23T11:50:00").getTime(), battery: 75, signal: -65, score: 85, errors: 3, samples: 2 });
    expect(byTime.get("2026-11-23T11:30:00.000Z")).toMatchObject({ battery: 60, samples: 1 });
    expect(byTime.get("2026-11-23T11:40:00.000Z")).toMatchObject({ battery: null, signal: null, samples: 0 });
  });

  it("uses hourly buckets over 7 days and takes in yesterday's sample", async () => {
    const history = await deviceHealthHistory(db, dbId.get(METER)!, "7d", now);
    expect(history.points).toHaveLength(168);
    expect(history.samples).toBe(4);
    expect(history.points.find((point) => point.t === at("23T11:00:00").getTime())).toMatchObject({ battery: 70, errors: 3, samples: 3 });
    expect(history.points.find((point) => point.t === at("22T11:00:00").getTime())).toMatchObject({ battery: 90, samples: 1 });
  });

  it("is empty for a device without telemetry", async () => {
    const history = await deviceHealthHistory(db, dbId.get(NEIGHBOUR)!, "30d", now);
    expect(history.samples).toBe(0);
    expect(history.points).toHaveLength(180);
    expect(history.points.every((point) => point.battery === null)).toBe(true);
  });
});

describe("the demo history generator", () => {
  it("writes a month per device once, with scores the M92 rules would give", async () => {
    const now = new Date();
    const fresh = dbId.get(FRESH)!;
    const written = await seedDemoTelemetry(db, now, [fresh]);
    expect(written).toBeGreaterThan(540); // 138 every 4 h + 145 hourly + 287 every 5 min, less a night without contact
    expect(written).toBeLessThanOrEqual(570);
    expect(await seedDemoTelemetry(db, now, [fresh])).toBe(0);
    const samples = await db.telemetrySample.findMany({ where: { deviceId: fresh } });
    expect(samples).toHaveLength(written);
    for (const sample of samples) {
      expect(sample.batteryLevel).toBeGreaterThanOrEqual(0);
      expect(sample.batteryLevel).toBeLessThanOrEqual(100);
      const inputs = { lastSeen: sample.ts, errorCount: sample.errorCount!, batteryLevel: sample.batteryLevel, signalStrength: sample.signalStrength };
      expect(sample.healthScore).toBe(computeHealthScore({ ...inputs, healthStatus: computeHealthStatus(inputs, sample.ts) }));
    }
    const month = await deviceHealthHistory(db, fresh, "30d", now);
    expect(month.points.filter((point) => point.samples > 0).length).toBeGreaterThan(170); // of 180 buckets
  });
});

describe("GET /api/v1/iot/devices/{id}/health and /api/v1/iot/health/summary", () => {
  const forDevice = (deviceId: string) => withParams({ id: deviceId });

  it("answer a device's health, with a series on request", async () => {
    const response = await deviceHealthRoute.GET(apiRequest(fixture.keys.technician, "GET", `/api/v1/iot/devices/${COLLAR_DOWN}/health`), forDevice(COLLAR_DOWN));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ deviceId: COLLAR_DOWN, healthStatus: "critical", batteryLow: true, openAlerts: [expect.objectContaining({ severity: expect.any(String) }), expect.anything()] });
    expect(body).not.toHaveProperty("dbId");
    expect(body).not.toHaveProperty("history");
    const withHistory = await (await deviceHealthRoute.GET(apiRequest(fixture.keys.viewer, "GET", `/api/v1/iot/devices/${METER}/health?history=7d`), forDevice(METER))).json();
    expect(withHistory.history).toMatchObject({ range: "7d", bucketMs: 3_600_000 });
    expect(withHistory.history.points).toHaveLength(168);
  });

  it("refuse a bad range (400), another farm's or an invalid device (404), and an unknown key (401)", async () => {
    const bad = await deviceHealthRoute.GET(apiRequest(fixture.keys.viewer, "GET", `/api/v1/iot/devices/${METER}/health?history=1y`), forDevice(METER));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fields).toEqual({ history: ["range must be 24h, 7d or 30d"] });
    expect((await deviceHealthRoute.GET(apiRequest(fixture.keys.technician, "GET", `/api/v1/iot/devices/${NEIGHBOUR}/health`), forDevice(NEIGHBOUR))).status).toBe(404);
    expect((await deviceHealthRoute.GET(apiRequest(fixture.keys.viewer, "GET", "/api/v1/iot/devices/x/health"), forDevice("x"))).status).toBe(404);
    expect((await deviceHealthRoute.GET(apiRequest("sdm_unknown-key", "GET", `/api/v1/iot/devices/${METER}/health`), forDevice(METER))).status).toBe(401);
  });

  it("answer the summary of a farm by code, the caller's own farm, and 404 for another", async () => {
    const response = await summaryRoute.GET(apiRequest(fixture.keys.viewer, "GET", `/api/v1/iot/health/summary?farm=${codeA.toLowerCase()}`), noParams);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ farm: { code: codeA }, totalDevices: 4, openAlerts: { total: 3 } });
    expect(await (await summaryRoute.GET(apiRequest(fixture.keys.technician, "GET", "/api/v1/iot/health/summary"), noParams)).json()).toMatchObject({ farm: { id: fixture.farmA } });
    expect((await summaryRoute.GET(apiRequest(fixture.keys.technician, "GET", `/api/v1/iot/health/summary?farm=${codeB}`), noParams)).status).toBe(404);
    expect((await summaryRoute.GET(apiRequest("sdm_unknown-key", "GET", "/api/v1/iot/health/summary"), noParams)).status).toBe(401);
  });
});
