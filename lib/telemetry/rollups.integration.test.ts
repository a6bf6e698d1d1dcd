/**
 * The telemetry rollups (issue 20) on a real PostgreSQL: equal to the aggregates computed from the
 * raw samples directly, caught up over many chunks after downtime, nothing counted twice when a run
 * dies mid-step, late-committed samples within the lag still counted, retention per resolution, and
 * charts of long ranges drawn from rollups alone.
 *
 * The watermark is global: the suite first catches up whatever earlier files stored, then works on
 * a timeline of its own an hour ahead (received_at set explicitly), and at the end puts the
 * watermark back where it found it, its devices (and their rows) removed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestFleet } from "@/workers/test-fleet";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { deviceHealthHistory } from "../health/health-history";
import { rollupRetentionJob } from "../jobs/rollup-retention";
import { telemetryRollupJob } from "../jobs/telemetry-rollup";
import { resolutionFor } from "./resolution";
import { ROLLUP_FIELDS, ROLLUP_TABLES, rollUpTelemetry, transactionsOf, WATERMARK_NAME, type RollupResolution } from "./rollups";
import { createSqlPool, type Sql, type SqlPool } from "./sql";

const db = getDb();
let pool: SqlPool;
let fleet: Awaited<ReturnType<typeof createTestFleet>>;
let watermarkBefore: Date;
/** The suite's own "now": samples are received from here on. */
let base: number;

const tx = () => transactionsOf(pool);
const watermark = async () =>
  (await pool.query<{ watermark: Date }>(`SELECT watermark FROM telemetry_rollup_watermarks WHERE name = $1`, [WATERMARK_NAME])).rows[0]!.watermark;
const setWatermark = (at: Date) => pool.query(`UPDATE telemetry_rollup_watermarks SET watermark = $2 WHERE name = $1`, [WATERMARK_NAME, at.toISOString()]);

type Sample = { deviceId: number; ts: Date; receivedAt: Date; battery: number | null; signal: number | null; errors: number | null; score: number | null; cpu: number | null; memory: number | null };

/** Deterministic pseudo-random numbers (a failure must be reproducible). */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function samplesFor(deviceId: number, count: number, seed: number, tsFrom: number, tsSpanMs: number, receivedFrom: number, receivedSpanMs: number): Sample[] {
  const next = random(seed);
  const maybe = (value: number) => (next() < 0.1 ? null : value);
  return Array.from({ length: count }, () => ({
    deviceId,
    ts: new Date(tsFrom + Math.floor(next() * tsSpanMs)),
    receivedAt: new Date(receivedFrom + Math.floor(next() * receivedSpanMs)),
    battery: maybe(Math.round(next() * 1000) / 10),
    signal: maybe(-40 - Math.floor(next() * 60)),
    errors: maybe(Math.floor(next() * 20)),
    score: maybe(Math.round(next() * 100)),
    cpu: maybe(Math.round(next() * 1000) / 10),
    memory: maybe(Math.round(next() * 1000) / 10),
  }));
}

async function store(samples: Sample[], sql: Sql = pool) {
  await sql.query(
    `INSERT INTO telemetry_samples (device_id, ts, received_at, battery_level, signal_strength, error_count, health_score, cpu_percent, memory_percent)
     SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[], $4::float8[], $5::int[], $6::int[], $7::float8[], $8::float8[], $9::float8[])`,
    [
      samples.map((s) => s.deviceId),
      samples.map((s) => s.ts.toISOString()),
      samples.map((s) => s.receivedAt.toISOString()),
      samples.map((s) => s.battery),
      samples.map((s) => s.signal),
      samples.map((s) => s.errors),
      samples.map((s) => s.score),
      samples.map((s) => s.cpu),
      samples.map((s) => s.memory),
    ],
  );
}

/** The rollup rows of one device, as the table holds them. */
async function rollupRows(resolution: RollupResolution, deviceId: number) {
  const { rows } = await pool.query(`SELECT * FROM ${ROLLUP_TABLES[resolution]} WHERE device_id = $1 ORDER BY bucket`, [deviceId]);
  return rows;
}

/** The same aggregates computed from the raw samples in one GROUP BY: what the rollups must equal. */
async function directAggregates(resolution: RollupResolution, deviceId: number) {
  const interval = resolution === "5m" ? "5 minutes" : "1 hour";
  const fields = ROLLUP_FIELDS.map(
    ([p, c]) =>
      `min(${c})::float8 AS ${p}_min, max(${c})::float8 AS ${p}_max, COALESCE(sum(${c}), 0)::float8 AS ${p}_sum, count(${c})::int AS ${p}_count,
       (array_agg(${c} ORDER BY ts DESC, id DESC))[1]::float8 AS ${p}_last`,
  ).join(", ");
  const { rows } = await pool.query(
    `SELECT device_id, date_bin(interval '${interval}', ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket, count(*)::int AS samples,
            min(ts) AS first_ts, max(ts) AS last_ts, ${fields}
       FROM telemetry_samples WHERE device_id = $1 GROUP BY 1, 2 ORDER BY 2`,
    [deviceId],
  );
  return rows;
}

/** Rows equal, sums to rounding (float addition in another order). */
function expectSameAggregates(actual: Record<string, unknown>[], expected: Record<string, unknown>[]) {
  expect(actual.length).toBe(expected.length);
  expect(actual.length).toBeGreaterThan(0);
  actual.forEach((row, index) => {
    const want = expected[index]!;
    for (const [key, value] of Object.entries(want)) {
      if (key.endsWith("_sum")) expect(row[key] as number).toBeCloseTo(value as number, 6);
      else expect(row[key]).toEqual(value);
    }
  });
}

async function sampleTotal(resolution: RollupResolution, deviceId: number) {
  const { rows } = await pool.query<{ n: number }>(`SELECT COALESCE(sum(samples), 0)::int AS n FROM ${ROLLUP_TABLES[resolution]} WHERE device_id = $1`, [deviceId]);
  return rows[0]!.n;
}

beforeAll(async () => {
  pool = createSqlPool(resolveDatabaseUrl(), 3);
  fleet = await createTestFleet(db, 9);
  // Whatever earlier suites stored is counted first, so the steps below see only this suite's samples.
  await rollUpTelemetry(tx(), { lagMs: 0 });
  watermarkBefore = await watermark();
  base = Math.ceil((watermarkBefore.getTime() + 3600_000) / 3600_000) * 3600_000;
  await setWatermark(new Date(base));
});

afterAll(async () => {
  await fleet?.remove();
  if (watermarkBefore) await setWatermark(watermarkBefore);
  await pool?.end();
  await disconnectDb();
});

const device = (index: number) => fleet.devices[index]!.id;

describe("the rollup of a known set of samples", () => {
  it("equals the aggregates computed from the raw samples directly, at both resolutions, whatever the chunks", async () => {
    // 600 samples over 3 hours of device time, received in another order over 10 minutes; merged
    // in chunks of 37, so most buckets are merged into many times.
    const samples = [...samplesFor(device(0), 400, 1, base - 3 * 3600_000, 3 * 3600_000, base, 600_000), ...samplesFor(device(1), 200, 2, base - 3 * 3600_000, 3 * 3600_000, base, 600_000)];
    await store(samples);
    const run = await rollUpTelemetry(tx(), { now: new Date(base + 600_000), lagMs: 0, chunkRows: 37 });
    expect(run.caughtUp).toBe(true);
    expect(run.samples).toBe(600);
    expect(run.steps).toBeGreaterThanOrEqual(600 / 37);
    for (const id of [device(0), device(1)]) {
      expectSameAggregates(await rollupRows("5m", id), await directAggregates("5m", id));
      expectSameAggregates(await rollupRows("1h", id), await directAggregates("1h", id));
    }
    expect(await sampleTotal("1h", device(0))).toBe(400);
  });
});

describe("the rollup job", () => {
  it("catches up after downtime over many chunks, a bounded number per run, counting every sample once", async () => {
    const from = base + 3600_000;
    await setWatermark(new Date(from));
    // Three days of samples received while no job ran.
    const samples = samplesFor(device(2), 3000, 3, from - 86_400_000, 3 * 86_400_000, from, 3 * 86_400_000);
    await store(samples);
    const now = new Date(from + 3 * 86_400_000 + 60_000);
    const first = await rollUpTelemetry(tx(), { now, lagMs: 0, chunkRows: 100, maxSteps: 5 });
    expect(first).toMatchObject({ steps: 5, samples: 500, caughtUp: false });
    expect(await sampleTotal("5m", device(2))).toBe(500);
    // The job itself, run after run, until it has caught up.
    const lines: string[] = [];
    for (let run = 0; run < 10 && (await watermark()).getTime() < now.getTime(); run++) {
      await telemetryRollupJob.run({ maxSteps: 10, chunkRows: 100 }, { sql: pool, log: (line) => lines.push(line), now: () => now, telemetryRetentionDays: 30, rollups: { lagMs: 0 } });
    }
    expect((await watermark()).getTime()).toBe(now.getTime());
    expect(lines.join("\n")).toMatch(/telemetry-rollup: \d+ sample\(s\) in \d+ chunk\(s\)/);
    expect(await sampleTotal("5m", device(2))).toBe(3000);
    expectSameAggregates(await rollupRows("5m", device(2)), await directAggregates("5m", device(2)));
    expectSameAggregates(await rollupRows("1h", device(2)), await directAggregates("1h", device(2)));
  });

  it("takes a millisecond shared by more samples than a chunk whole, and still moves on", async () => {
    const from = base + 4 * 86_400_000;
    await setWatermark(new Date(from));
    const bulk = samplesFor(device(2), 250, 5, from - 3600_000, 3600_000, from, 1).map((sample) => ({ ...sample, deviceId: device(6), receivedAt: new Date(from + 10) }));
    await store([...bulk, ...samplesFor(device(6), 50, 6, from - 3600_000, 3600_000, from + 20, 1000)]);
    const run = await rollUpTelemetry(tx(), { now: new Date(from + 60_000), lagMs: 0, chunkRows: 100 });
    expect(run).toMatchObject({ samples: 300, caughtUp: true });
    expect(await sampleTotal("5m", device(6))).toBe(300);
    await pool.query(`DELETE FROM telemetry_rollup_5m WHERE device_id = $1`, [device(6)]);
    await pool.query(`DELETE FROM telemetry_rollup_1h WHERE device_id = $1`, [device(6)]);
  });

  it("counts nothing twice when a step fails after its merge, or its connection dies", async () => {
    const from = base + 5 * 86_400_000;
    await setWatermark(new Date(from));
    await store(samplesFor(device(3), 1000, 4, from - 3600_000, 7200_000, from, 6000_000));
    const now = new Date(from + 6000_000);
    let steps = 0;
    const failing = rollUpTelemetry(tx(), {
      now,
      lagMs: 0,
      chunkRows: 100,
      afterMerge: async () => {
        steps += 1;
        if (steps === 3) throw new Error("killed after the merge");
      },
    });
    await expect(failing).rejects.toThrow("killed after the merge");
    // Two steps committed; the third's merge was rolled back with its watermark.
    expect(await sampleTotal("5m", device(3))).toBe(200);
    expect(await sampleTotal("1h", device(3))).toBe(200);

    // The connection killed mid-step (a worker or database restart): the same.
    steps = 0;
    const killed = rollUpTelemetry(tx(), {
      now,
      lagMs: 0,
      chunkRows: 100,
      afterMerge: async (sql) => {
        steps += 1;
        if (steps === 2) await sql.query("SELECT pg_terminate_backend(pg_backend_pid())");
      },
    });
    await expect(killed).rejects.toThrow();
    expect(await sampleTotal("5m", device(3))).toBe(300);

    const rest = await rollUpTelemetry(tx(), { now, lagMs: 0, chunkRows: 100 });
    expect(rest).toMatchObject({ samples: 700, caughtUp: true });
    expect(await sampleTotal("5m", device(3))).toBe(1000);
    expectSameAggregates(await rollupRows("5m", device(3)), await directAggregates("5m", device(3)));
    expectSameAggregates(await rollupRows("1h", device(3)), await directAggregates("1h", device(3)));
  });

  it("does not miss a sample committed late, within the lag; without a lag it would", async () => {
    const start = base + 6 * 86_400_000;
    const sample = (deviceId: number, from: number, receivedOffset: number): Sample => ({
      deviceId,
      ts: new Date(from + receivedOffset - 1000),
      receivedAt: new Date(from + receivedOffset),
      battery: 50,
      signal: -60,
      errors: 0,
      score: 100,
      cpu: null,
      memory: null,
    });
    for (const [id, lagMs, from] of [
      [device(4), 60_000, start],
      [device(5), 0, start + 86_400_000],
    ] as const) {
      await setWatermark(new Date(from));
      // A window received at +100 s is still being written (its transaction open) when one received
      // at +110 s has committed and the job runs at +120 s.
      const slow = await pool.connect();
      try {
        await slow.query("BEGIN");
        await store([sample(id, from, 100_000)], slow);
        await store([sample(id, from, 110_000)]);
        await rollUpTelemetry(tx(), { now: new Date(from + 120_000), lagMs });
        await slow.query("COMMIT");
      } finally {
        slow.release();
      }
      await rollUpTelemetry(tx(), { now: new Date(from + 600_000), lagMs });
      if (lagMs > 0) expect(await sampleTotal("5m", id)).toBe(2);
      // Without the lag the watermark passed +100 s before that row was visible: it is never counted.
      else expect(await sampleTotal("5m", id)).toBe(1);
    }
  });
});

describe("rollup retention", () => {
  it("deletes each resolution's rows past its own retention, and nothing younger", async () => {
    const now = new Date(base);
    const day = 86_400_000;
    const put = (resolution: RollupResolution, agoDays: number) =>
      pool.query(
        `INSERT INTO ${ROLLUP_TABLES[resolution]} (device_id, bucket, samples, first_ts, last_ts) VALUES ($1, $2, 1, $2, $2)`,
        [device(6), new Date(Math.floor((now.getTime() - agoDays * day) / 3600_000) * 3600_000).toISOString()],
      );
    for (const ago of [100, 10]) await put("5m", ago);
    for (const ago of [800, 100]) await put("1h", ago);
    const lines: string[] = [];
    await rollupRetentionJob.run({}, { sql: pool, log: (line) => lines.push(line), now: () => now, telemetryRetentionDays: 30, rollups: { fiveMinuteRetentionDays: 90, hourlyRetentionDays: 730 } });
    const ages = async (resolution: RollupResolution) =>
      (await rollupRows(resolution, device(6))).map((row) => Math.round((now.getTime() - (row.bucket as Date).getTime()) / day));
    expect(await ages("5m")).toEqual([10]);
    expect(await ages("1h")).toEqual([100]);
    expect(lines.join("\n")).toMatch(/deleted \d+ 5m rollup row\(s\) older than 90 day\(s\)/);
    // Configured shorter: the 100-day hourly row goes too.
    await rollupRetentionJob.run({ hourlyDays: 50 }, { sql: pool, log: () => undefined, now: () => now, telemetryRetentionDays: 30 });
    expect(await ages("1h")).toEqual([]);
  });
});

describe("charts of long ranges", () => {
  it("add the samples received since the watermark, and count each once when the job has merged them", async () => {
    const from = base + 7 * 86_400_000;
    await setWatermark(new Date(from));
    const id = device(8);
    const at = (offsetMs: number) => new Date(from + offsetMs);
    const sample = (tsOffset: number, battery: number): Sample => ({ deviceId: id, ts: at(tsOffset), receivedAt: at(60_000), battery, signal: -60, errors: 2, score: 90, cpu: null, memory: null });
    // One sample already merged into the rollups (received before the watermark)...
    await store([{ ...sample(-100_000, 80), receivedAt: at(-50_000) }]);
    await pool.query(`UPDATE telemetry_rollup_watermarks SET watermark = $2 WHERE name = $1`, [WATERMARK_NAME, at(-60_000).toISOString()]);
    await rollUpTelemetry(tx(), { now: at(0), lagMs: 0 });
    // ...and three received since, not yet merged.
    await store([sample(30_000, 70), sample(60_000, 60), sample(400_000, 50)]);
    const now = at(600_000);
    const before = await deviceHealthHistory(db, id, "24h", now);
    expect(before.resolution).toBe("5m");
    expect(before.samples).toBe(4);
    const bucket = (history: typeof before, offset: number) => history.points.find((point) => point.t === Math.floor((from + offset) / 300_000) * 300_000);
    expect(bucket(before, 30_000)).toMatchObject({ battery: 65, samples: 2 });
    expect(bucket(before, 400_000)).toMatchObject({ battery: 50, samples: 1 });
    await rollUpTelemetry(tx(), { now, lagMs: 0 });
    expect(await sampleTotal("5m", id)).toBe(4);
    const after = await deviceHealthHistory(db, id, "24h", now);
    expect(after.points).toEqual(before.points);
  });


  it("draw a 30-day chart from the hourly rollups and a 7-day one from the 5-minute rollups, with no raw samples at all", async () => {
    expect(resolutionFor(30 * 86_400_000, 4 * 3600_000)).toBe("1h");
    expect(resolutionFor(7 * 86_400_000, 3600_000)).toBe("5m");
    expect(resolutionFor(86_400_000, 5 * 60_000)).toBe("5m");
    const id = device(7);
    const now = new Date(base);
    // Rollup rows only: two hours ten days ago, and two 5-minute buckets two days ago.
    const hour = Math.floor((now.getTime() - 10 * 86_400_000) / (4 * 3600_000)) * 4 * 3600_000;
    await pool.query(
      `INSERT INTO telemetry_rollup_1h (device_id, bucket, samples, first_ts, last_ts, battery_min, battery_max, battery_sum, battery_count, errors_max, errors_count, score_sum, score_count)
       VALUES ($1, $2, 360, $2, $2, 40, 60, 18000, 360, 3, 360, 36000, 360), ($1, $3, 120, $3, $3, 20, 30, 3000, 120, 7, 120, 6000, 120)`,
      [id, new Date(hour).toISOString(), new Date(hour + 3600_000).toISOString()],
    );
    const fiveMinutes = Math.floor((now.getTime() - 2 * 86_400_000) / 3600_000) * 3600_000;
    await pool.query(
      `INSERT INTO telemetry_rollup_5m (device_id, bucket, samples, first_ts, last_ts, signal_sum, signal_count)
       VALUES ($1, $2, 30, $2, $2, -1800, 30), ($1, $3, 10, $3, $3, -800, 10)`,
      [id, new Date(fiveMinutes).toISOString(), new Date(fiveMinutes + 300_000).toISOString()],
    );
    expect((await pool.query(`SELECT count(*)::int AS n FROM telemetry_samples WHERE device_id = $1`, [id])).rows[0]?.n).toBe(0);

    const month = await deviceHealthHistory(db, id, "30d", now);
    expect(month.resolution).toBe("1h");
    expect(month.samples).toBe(480);
    // both hours fall into one 4-hour bucket: the average weighs each sample, not each hour
    expect(month.points.find((point) => point.t === hour)).toMatchObject({ battery: 43.8, score: 87.5, errors: 7, samples: 480 });

    const week = await deviceHealthHistory(db, id, "7d", now);
    expect(week.resolution).toBe("5m");
    expect(week.points.find((point) => point.t === fiveMinutes)).toMatchObject({ signal: -65, samples: 40 });
  });
});
