import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { CONNECTION_ONLINE_MS, OFFLINE_AFTER_MS } from "../health/device-health";
import { createSqlPool, type SqlPool } from "../telemetry/sql";
import { runHealthSweep } from "../alerts/alert-sweep";
import { healthSweepJob } from "./health-sweep";
import { dropOldTelemetry } from "../telemetry/partitions";

const db = getDb();
let pool: SqlPool;
let farmId: number;
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const ids = { fresh: `SW${suffix}`, quiet: `SX${suffix}`, gone: `SY${suffix}`, maintenance: `SZ${suffix}`, willOffline: `SV${suffix}` };

beforeAll(async () => {
  pool = createSqlPool(resolveDatabaseUrl(), 2);
  const farm = await db.farm.create({ data: { code: `J${suffix}`, name: "Sweep farm" } });
  farmId = farm.id;
  const now = Date.now();
  const base = { deviceType: "milk_meter" as const, state: "active" as const, farmId, connectionStatus: "online" as const, healthStatus: "healthy" as const, batteryLevel: 80, signalStrength: -55 };
  await db.device.createMany({
    data: [
      { ...base, deviceId: ids.fresh, name: "fresh", lastSeen: new Date(now - 60_000) },
      { ...base, deviceId: ids.quiet, name: "quiet", lastSeen: new Date(now - CONNECTION_ONLINE_MS - 60_000) },
      { ...base, deviceId: ids.gone, name: "gone", lastSeen: new Date(now - OFFLINE_AFTER_MS - 10 * 60_000) },
      { ...base, deviceId: ids.maintenance, name: "maint", maintenanceMode: true, lastSeen: new Date(now - OFFLINE_AFTER_MS - 10 * 60_000) },
      { ...base, deviceId: ids.willOffline, name: "will", connectionStatus: "offline", lastSeen: new Date(now - 30_000) },
    ],
  });
});

afterAll(async () => {
  await db.device.deleteMany({ where: { farmId } });
  await db.farm.delete({ where: { id: farmId } });
  await pool.end();
  await disconnectDb();
});

const row = (deviceId: string) => db.device.findUniqueOrThrow({ where: { deviceId } });

describe("health-sweep job (connection ageing, absorbed from the former connection-sweep)", () => {
  it("ages connection status, marks long-silent devices critical, leaves maintenance and explicit offline alone", async () => {
    const lines: string[] = [];
    await healthSweepJob.run({}, { sql: pool, log: (line) => lines.push(line), now: () => new Date(), telemetryRetentionDays: 30 });
    // the job logs its figures when something changed
    expect(lines.join("\n")).toMatch(/health-sweep: \d+ device\(s\) checked in \d+ ms; \d+ changed \(\d+ newly critical\); alerts \d+ raised/);
    expect(await row(ids.fresh)).toMatchObject({ connectionStatus: "online", healthStatus: "healthy" });
    expect(await row(ids.quiet)).toMatchObject({ connectionStatus: "degraded", healthStatus: "healthy" });
    // 20 min silent: offline (≥ 15 min) and critical (> 10 min), score from assessDevice: 100 − 50
    expect(await row(ids.gone)).toMatchObject({ connectionStatus: "offline", healthStatus: "critical", healthScore: 50, needsAttention: true });
    expect(await row(ids.maintenance)).toMatchObject({ connectionStatus: "online", healthStatus: "healthy" });
    // its last will said offline a moment ago: not swept back to online
    expect(await row(ids.willOffline)).toMatchObject({ connectionStatus: "offline" });
    // a second run changes nothing for these rows
    const again = await runHealthSweep(pool, new Date());
    expect(again.becameCritical).toBe(0);
    // the silent device's offline alert was opened once and counted again, not duplicated
    const gone = await row(ids.gone);
    expect(await db.alert.findMany({ where: { deviceId: gone.id } })).toMatchObject([{ alertType: "offline", occurrenceCount: 2, state: "active" }]);
  });
});

describe("telemetry-retention", () => {
  it("deletes samples older than the cut-off (here: rows of a day without its partition, in the default one) and keeps newer ones", async () => {
    const device = await row(ids.fresh);
    const old = new Date(Date.now() - 400 * 24 * 3600_000);
    await db.telemetrySample.createMany({
      data: [
        ...Array.from({ length: 5 }, () => ({ deviceId: device.id, ts: old, receivedAt: old })),
        { deviceId: device.id, ts: new Date(), receivedAt: new Date() },
      ],
    });
    const { defaultRowsDeleted } = await dropOldTelemetry(pool, new Date(Date.now() - 399 * 24 * 3600_000));
    expect(defaultRowsDeleted).toBeGreaterThanOrEqual(5);
    expect(await db.telemetrySample.count({ where: { deviceId: device.id } })).toBe(1);
  });
});
