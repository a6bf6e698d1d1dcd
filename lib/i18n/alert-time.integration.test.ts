/**
 * Alert messages name times in the farm's clock, with the zone named — written by the sweep (JS,
 * one bulk insert) and by SQL (the configuration drift message), on a real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHealthSweep } from "../alerts/alert-sweep";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { createSqlPool, type SqlPool } from "../telemetry/sql";
import { farmTimeSql, zoneTableFor } from "./zone-sql";

const db = getDb();
let pool: SqlPool;
let farmId: number;
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");

beforeAll(async () => {
  pool = createSqlPool(resolveDatabaseUrl(), 2);
  farmId = (await db.farm.create({ data: { code: `TZ${suffix}`, name: "Zone farm", timezone: "Europe/Amsterdam" } })).id;
});

afterAll(async () => {
  await db.alert.deleteMany({ where: { device: { farmId } } });
  await db.device.deleteMany({ where: { farmId } });
  await db.farm.delete({ where: { id: farmId } });
  await pool.end();
  await disconnectDb();
});

describe("alert message times", () => {
  it("the sweep's offline alert says when the device went silent in the farm's clock", async () => {
    // 20 minutes silent, on a whole minute so the expected text is exact.
    const lastSeen = new Date(Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000);
    const device = await db.device.create({
      data: { deviceId: `TZ${suffix}`, name: "Zone collar", deviceType: "collar", state: "active", farmId, lastSeen, connectionStatus: "online", healthStatus: "healthy", batteryLevel: 80, signalStrength: -60 },
    });
    // Every device is due at some minute of its interval: sweep a few minutes until it is judged.
    for (let minute = 0; minute < 10; minute += 1) {
      await runHealthSweep(pool, new Date(Date.now() + minute * 60_000));
      if (await db.alert.count({ where: { deviceId: device.id, alertType: "offline" } })) break;
    }
    const alert = await db.alert.findFirstOrThrow({ where: { deviceId: device.id, alertType: "offline" } });
    const local = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" }).formatToParts(lastSeen);
    const part = Object.fromEntries(local.map((p) => [p.type, p.value]));
    const zoneName = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Amsterdam", timeZoneName: "short" }).formatToParts(lastSeen).find((p) => p.type === "timeZoneName")!.value;
    expect(alert.message).toBe(`Device offline since ${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${zoneName}`);
    expect(["CET", "CEST"]).toContain(zoneName);
  });

  it("SQL writes a time in the farm's zone with the zone's name for that date (summer and winter), set-based", async () => {
    const table = zoneTableFor(["Europe/Amsterdam", "Europe/Dublin", "Asia/Kolkata", "Not/AZone"], new Date("2026-12-03T12:00:00Z"));
    const rows = await pool.query<{ zone: string; at: string; text: string }>(
      `SELECT v.zone, v.at, ${farmTimeSql("v.at::timestamptz", "v.zone", { zones: 1, offsets: 2, names: 3 })} AS text
         FROM (VALUES ('Europe/Amsterdam', '2026-12-03T10:00:00Z'), ('Europe/Amsterdam', '2026-07-03T10:00:00Z'),
                      ('Europe/Dublin', '2026-12-03T10:00:00Z'), ('Asia/Kolkata', '2026-12-03T10:00:00Z'),
                      ('UTC', '2026-12-03T10:00:00Z'), ('Not/AZone', '2026-12-03T10:00:00Z')) AS v(zone, at)`,
      [table.zones, table.offsets, table.names],
    );
    expect(rows.rows.map((row) => row.text)).toEqual([
      "2026-12-03 11:00 CET",
      "2026-07-03 12:00 CEST",
      "2026-12-03 10:00 GMT",
      "2026-12-03 15:30 GMT+5:30",
      "2026-12-03 10:00 UTC",
      // A zone nobody knows is not guessed at: the time is said in UTC.
      "2026-12-03 10:00 UTC",
    ]);
  });
});
