/**
 * telemetry_samples' day partitions on a real PostgreSQL: created ahead, caught up after a downtime
 * (with the rows that waited in the DEFAULT partition moved into their days), dropped by retention
 * without touching newer days. The days used are in 2001, far from any other test's samples; the
 * jobs are given that "now".
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measurePartitionDrop } from "@/scripts/history/partition-drop";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { telemetryPartitionsJob } from "../jobs/telemetry-partitions";
import { telemetryRetentionJob } from "../jobs/telemetry-retention";
import { dayPartitions, dropOldTelemetry, ensureTelemetryPartitions, leftoverDays } from "./partitions";
import { createSqlPool, type SqlPool } from "./sql";

const db = getDb();
let pool: SqlPool;
let farmId: number;
let deviceId: number;
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const lines: string[] = [];
const context = (now: string, telemetryRetentionDays = 30) => ({ sql: pool, log: (line: string) => lines.push(line), now: () => new Date(now), telemetryRetentionDays });

/** Where each of the device's samples is stored, by ts. */
async function placement(): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ ts: Date; part: string }>(
    `SELECT ts, tableoid::regclass::text AS part FROM telemetry_samples WHERE device_id = $1 ORDER BY ts`,
    [deviceId],
  );
  return Object.fromEntries(rows.map((row) => [row.ts.toISOString(), row.part]));
}

const days2001 = async () => (await dayPartitions(pool)).filter((day) => day.startsWith("2001-"));

beforeAll(async () => {
  pool = createSqlPool(resolveDatabaseUrl(), 2);
  // A run against the machine's database that was interrupted may have left 2001 days behind.
  await dropOldTelemetry(pool, new Date("2002-01-01T00:00:00Z"));
  const farm = await db.farm.create({ data: { code: `P${suffix}`, name: "Partition farm" } });
  farmId = farm.id;
  const device = await db.device.create({ data: { deviceId: `PT${suffix}`, name: "partitioned", deviceType: "milk_meter", state: "active", farmId } });
  deviceId = device.id;
});

afterAll(async () => {
  await dropOldTelemetry(pool, new Date("2002-01-01T00:00:00Z"));
  await db.device.deleteMany({ where: { farmId } });
  await db.farm.delete({ where: { id: farmId } });
  await pool.end();
  await disconnectDb();
});

describe("telemetry partitions", () => {
  it("the table is partitioned by range on ts, with a default partition", async () => {
    const { rows } = await pool.query<{ strategy: string; key: string; has_default: boolean }>(
      `SELECT p.partstrat AS strategy, pg_get_partkeydef(p.partrelid) AS key, p.partdefid <> 0 AS has_default
         FROM pg_partitioned_table p WHERE p.partrelid = 'telemetry_samples'::regclass`,
    );
    expect(rows).toEqual([{ strategy: "r", key: "RANGE (ts)", has_default: true }]);
  });

  it("the job creates today's partition and the 7 days ahead, once", async () => {
    await telemetryPartitionsJob.run({}, context("2001-03-10T15:00:00Z"));
    expect(await days2001()).toEqual(["2001-03-10", "2001-03-11", "2001-03-12", "2001-03-13", "2001-03-14", "2001-03-15", "2001-03-16", "2001-03-17"]);
    expect(lines.at(-1)).toMatch(/telemetry-partitions: created 8 day partition\(s\) \(2001-03-10 … 2001-03-17\), 0 sample\(s\) moved/);
    // A sample of one of those days is stored in that day's partition.
    await db.telemetrySample.create({ data: { deviceId, ts: new Date("2001-03-12T23:59:59.999Z"), batteryLevel: 50 } });
    expect(await placement()).toEqual({ "2001-03-12T23:59:59.999Z": "telemetry_samples_p20010312" });
    // A second run the same day changes nothing.
    expect(await ensureTelemetryPartitions(pool, { now: new Date("2001-03-10T18:00:00Z"), retentionDays: 30 })).toEqual({ created: [], moved: 0 });
    // An explicit horizon reaches further.
    await telemetryPartitionsJob.run({ daysAhead: 9 }, context("2001-03-10T18:00:00Z"));
    expect((await days2001()).at(-1)).toBe("2001-03-19");
  });

  it("after days of downtime the job creates every missing day and moves the rows that waited in the default partition", async () => {
    // While no job ran, samples arrived for days without a partition: the default one took them.
    const waiting = ["2001-03-21T00:00:00.000Z", "2001-03-25T12:00:00.000Z", "2001-03-25T23:59:59.999Z"];
    const tooOld = "2001-01-02T10:00:00.000Z"; // older than retention at the new "now": no partition for it
    await db.telemetrySample.createMany({ data: [...waiting, tooOld].map((ts) => ({ deviceId, ts: new Date(ts), batteryLevel: 40 })) });
    const before = await placement();
    for (const ts of [...waiting, tooOld]) expect(before[ts]).toBe("telemetry_samples_default");

    const result = await ensureTelemetryPartitions(pool, { now: new Date("2001-03-28T08:00:00Z"), retentionDays: 30 });
    // 03-20 … 04-04: the gap since the last partition and the 7 days ahead of the new "now".
    expect(result.created[0]).toBe("2001-03-20");
    expect(result.created.at(-1)).toBe("2001-04-04");
    expect(result.created).toHaveLength(16);
    expect(result.moved).toBe(3);
    const after = await placement();
    expect(after).toMatchObject({
      "2001-03-21T00:00:00.000Z": "telemetry_samples_p20010321",
      "2001-03-25T12:00:00.000Z": "telemetry_samples_p20010325",
      "2001-03-25T23:59:59.999Z": "telemetry_samples_p20010325",
      [tooOld]: "telemetry_samples_default",
    });
    // Nothing lost, nothing doubled.
    expect(Object.keys(after)).toHaveLength(Object.keys(before).length);
    expect(await db.telemetrySample.count({ where: { deviceId } })).toBe(5);
    // Every day is there: no hole left between the first and the last.
    const days = await days2001();
    expect(days).toHaveLength(26);
    expect(days[0]).toBe("2001-03-10");
    expect(days.at(-1)).toBe("2001-04-04");

    // A day whose rows sit in the default partition gets its partition even far from "now".
    await db.telemetrySample.create({ data: { deviceId, ts: new Date("2001-03-01T06:00:00Z"), batteryLevel: 45 } });
    const stray = await ensureTelemetryPartitions(pool, { now: new Date("2001-03-28T09:00:00Z"), retentionDays: 30 });
    expect(stray).toEqual({ created: ["2001-03-01"], moved: 1 });
    expect((await placement())["2001-03-01T06:00:00.000Z"]).toBe("telemetry_samples_p20010301");
  });

  it("retention drops whole day partitions older than the cut-off and keeps newer data", async () => {
    const newer = await db.telemetrySample.count({ where: { deviceId, ts: { gte: new Date("2001-03-21T00:00:00Z") } } });
    expect(newer).toBe(3);
    // 1 day of retention at 2001-03-22 00:00: every day that ended by 03-21 00:00 goes.
    await telemetryRetentionJob.run({ retentionDays: 1 }, context("2001-03-22T00:00:00Z"));
    const days = await days2001();
    expect(days[0]).toBe("2001-03-21");
    expect(lines.at(-1)).toMatch(/telemetry-retention: dropped 12 day partition\(s\) \(2001-03-01, 2001-03-10, .*, 2001-03-20\) and 1 default-partition sample\(s\) older than 1 day\(s\)/);
    // The dropped tables are gone, not merely detached.
    const { rows } = await pool.query(`SELECT relname FROM pg_class WHERE relname IN ('telemetry_samples_p20010312', 'telemetry_samples_p20010301')`);
    expect(rows).toEqual([]);
    // The days kept keep their rows; the old ones (03-01, 03-12, and the default's 01-02) are gone.
    expect(Object.keys(await placement())).toEqual(["2001-03-21T00:00:00.000Z", "2001-03-25T12:00:00.000Z", "2001-03-25T23:59:59.999Z"]);
    // Run again: nothing more to drop.
    expect(await dropOldTelemetry(pool, new Date("2001-03-21T00:00:00Z"))).toEqual({ dropped: [], defaultRowsDeleted: 0, detachMs: 0 });
  });

  it("a day detached by a retention run interrupted before its DROP is dropped by the next run", async () => {
    await pool.query(`ALTER TABLE telemetry_samples DETACH PARTITION telemetry_samples_p20010321`);
    expect(await leftoverDays(pool)).toContain("2001-03-21");
    expect(await days2001()).not.toContain("2001-03-21");
    // Not old enough yet: kept.
    await dropOldTelemetry(pool, new Date("2001-03-21T12:00:00Z"));
    expect(await leftoverDays(pool)).toContain("2001-03-21");
    await dropOldTelemetry(pool, new Date("2001-03-22T00:00:00Z"));
    expect(await leftoverDays(pool)).not.toContain("2001-03-21");
    expect((await pool.query(`SELECT to_regclass('telemetry_samples_p20010321') AS t`)).rows).toEqual([{ t: null }]);
  });

  it("the drop measurement fills an old day's partition and times retention dropping it", async () => {
    const raw = new pg.Pool({ connectionString: resolveDatabaseUrl(), max: 2 });
    try {
      const before = await dayPartitions(pool);
      const { rows, dropMs } = await measurePartitionDrop(raw, { rowsPerDay: 20_000 });
      expect(rows).toBe(20_000);
      expect(dropMs).toBeGreaterThan(0);
      // Only its own day went; every other partition is still there.
      expect(await dayPartitions(pool)).toEqual(before);
    } finally {
      await raw.end();
    }
  });
});
