/**
 * `npm run bench:history`: the device charts at fleet size (issue 20). 10,000 battery devices in
 * 20 farms with 30 days of telemetry at one sample per 10 s — 2.6 billion raw rows, which a 2-core
 * machine cannot seed in a benchmark's time, so it seeds what the readers read:
 *
 *   - the hourly rollups of all 10,000 devices for 30 days (7.2 million rows: every 30-day chart and
 *     battery estimate reads them), in time order, as the rollup job would have written them;
 *   - for BENCH_RAW_DEVICES of them (300 by default): 14 days of 5-minute rollups, and the last 24 h
 *     as raw samples (8,640 a device, interleaved in time with the others' as ingest stores them),
 *     which the real rollup job then merges into the 5-minute and hourly rollups up to 3 minutes
 *     before "now" (its throughput is printed; the rest is the raw tail the charts add). The 24 h
 *     chart (5-minute rollups + that tail) is measured on these devices;
 *
 * then measures the readers' own functions (lib/health/health-history.ts, lib/costs/battery-
 * estimate.ts) over random devices, sequentially. A benchmark, not a test: PASS/FAIL per target,
 * exit 0 either way (1 only when it could not run).
 *
 *   npm run bench:history                                  embedded PostgreSQL under .data/bench
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:history
 *                                                          a fresh database sdm_bench_history there
 *
 * Options (environment): BENCH_DEVICES (10000), BENCH_RAW_DEVICES (300), BENCH_REQUESTS per chart
 * (200), BENCH_DATABASE (sdm_bench_history), BENCH_KEEP=1 keeps the database. Targets: a 30-day chart p95 ≤ 100 ms, a 24 h chart p95 ≤ 50 ms,
 * dropping a day's partition ≤ 1 s (scripts/history/partition-drop.ts).
 */
import os from "node:os";
import pg from "pg";
import { batteryFits } from "../lib/costs/battery-estimate";
import { deviceHealthHistory, type HistoryRange } from "../lib/health/health-history";
import { rollUpTelemetry, transactionsOf, WATERMARK_NAME } from "../lib/telemetry/rollups";
import { fmt, loadAverage, log, openBenchDatabase, runBench, verdict } from "./bench-harness";
import { measurePartitionDrop } from "./history/partition-drop";

const DATABASE = process.env.BENCH_DATABASE ?? "sdm_bench_history";
const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const RAW_DEVICES = Math.min(DEVICES, Number(process.env.BENCH_RAW_DEVICES ?? 300));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = 20;
const FARMS = 20;
const DAY_MS = 86_400_000;
const SAMPLE_EVERY_S = 10;
const TARGETS = { "30d": 100, "24h": 50, partitionDropMs: 1000 } as const;

// ---------------------------------------------------------------- seeding (set-based SQL)

/** One hour (or 5 minutes) of a device: 360 (30) samples, values as the simulator's collars report. */
const rollupValues = (bucket: string, seconds: number) => {
  const n = seconds / SAMPLE_EVERY_S;
  return `d.id, ${bucket}, ${n}, ${bucket}, ${bucket} + interval '${seconds - SAMPLE_EVERY_S} seconds',
    v.b - 0.4, v.b + 0.4, v.b * ${n}, ${n}, v.b - 0.3,
    v.s - 4, v.s + 4, v.s * ${n}, ${n}, v.s,
    0, v.e, v.e * ${n / 2}, ${n}, v.e,
    v.sc - 5, v.sc, (v.sc - 2) * ${n}, ${n}, v.sc,
    5, 60, 20 * ${n}, ${n}, 18,
    30, 70, 45 * ${n}, ${n}, 44`;
};
const valuesAt = (time: string) => `CROSS JOIN LATERAL (SELECT
    greatest(3, 100 - mod((extract(epoch FROM ${time}) / 86400 + d.id % 17)::numeric, 20)::float8 * 4.5) AS b,
    -55 - (d.id % 30) + 5 * sin(extract(epoch FROM ${time}) / 7200 + d.id) AS s,
    (d.id % 4)::float8 AS e,
    (90 - d.id % 20)::float8 AS sc) v`;
const ROLLUP_COLUMNS = `device_id, bucket, samples, first_ts, last_ts,
  battery_min, battery_max, battery_sum, battery_count, battery_last, signal_min, signal_max, signal_sum, signal_count, signal_last,
  errors_min, errors_max, errors_sum, errors_count, errors_last, score_min, score_max, score_sum, score_count, score_last,
  cpu_min, cpu_max, cpu_sum, cpu_count, cpu_last, memory_min, memory_max, memory_sum, memory_count, memory_last`;

async function seed(pool: pg.Pool, now: Date) {
  // Seeding only: the rollups' foreign key to devices is checked row by row (7.2 million lookups);
  // the rows are made from the devices table itself. Superusers only; otherwise checked, and slower.
  const seeding = await pool.connect();
  await seeding.query(`SET synchronous_commit = off`);
  await seeding.query(`SET session_replication_role = replica`).catch(() => log("not a superuser: seeding with foreign-key checks"));
  try {
    return await seedWith(seeding, now);
  } finally {
    await seeding.query(`RESET session_replication_role`).catch(() => undefined);
    seeding.release();
  }
}

async function seedWith(pool: pg.PoolClient, now: Date) {
  await pool.query(
    `INSERT INTO farms (id, code, name) SELECT f, 'HF' || lpad(f::text, 2, '0'), 'History farm ' || f FROM generate_series(1, ${FARMS}) f`,
  );
  await pool.query(
    `INSERT INTO devices (device_id, name, device_type, state, farm_id, power_source, battery_level, low_battery_threshold, updated_at,
                          last_seen, health_status, health_score, connection_status, provisioning_date)
     SELECT 'HB' || lpad(n::text, 6, '0'), 'Collar ' || n, 'collar', 'active', 1 + n % ${FARMS}, 'battery', NULL, 20, now(),
            now(), 'healthy', 100, 'online', now() - interval '90 days'
       FROM generate_series(1, $1::int) n`,
    [DEVICES],
  );
  const { rows: [range] } = await pool.query<{ min: number; raw_max: number }>(
    `SELECT min(id) AS min, min(id) + $1::int - 1 AS raw_max FROM devices WHERE device_id LIKE 'HB%'`,
    [RAW_DEVICES],
  );
  const rawMax = range!.raw_max;
  const start = new Date(now.getTime() - 30 * DAY_MS);
  const lastDay = new Date(now.getTime() - DAY_MS);

  // Hourly, all devices, day by day in time order (the raw devices' last day comes from the job).
  let started = performance.now();
  for (let day = 0; day < 30; day++) {
    const from = new Date(start.getTime() + day * DAY_MS);
    const to = new Date(from.getTime() + DAY_MS);
    await pool.query(
      `INSERT INTO telemetry_rollup_1h (${ROLLUP_COLUMNS})
       SELECT ${rollupValues("h.bucket", 3600)}
         FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour') h(bucket)
        CROSS JOIN devices d ${valuesAt("h.bucket")}
        WHERE d.device_id LIKE 'HB%' AND (h.bucket < $3::timestamptz OR d.id > $4)
        ORDER BY h.bucket, d.id`,
      [from.toISOString(), to.toISOString(), lastDay.toISOString(), rawMax],
    );
    if (day % 10 === 9) log(`hourly rollups: ${day + 1} of 30 days (${fmt((performance.now() - started) / 1000)} s)`);
  }
  const hourlyS = (performance.now() - started) / 1000;

  // 5-minute rollups of the raw devices for the 13 days before the last (the 7-day chart's).
  started = performance.now();
  await pool.query(
    `INSERT INTO telemetry_rollup_5m (${ROLLUP_COLUMNS})
     SELECT ${rollupValues("m.bucket", 300)}
       FROM generate_series($1::timestamptz, $2::timestamptz - interval '5 minutes', interval '5 minutes') m(bucket)
      CROSS JOIN devices d ${valuesAt("m.bucket")}
      WHERE d.id BETWEEN $3 AND $4
      ORDER BY m.bucket, d.id`,
    [new Date(now.getTime() - 14 * DAY_MS).toISOString(), lastDay.toISOString(), range!.min, rawMax],
  );
  const fiveMinuteS = (performance.now() - started) / 1000;

  // The last 24 h of the raw devices as samples, every 10 s, received as stored (received_at = ts).
  started = performance.now();
  for (let hour = 0; hour < 24; hour++) {
    const from = new Date(lastDay.getTime() + hour * 3600_000);
    await pool.query(
      `INSERT INTO telemetry_samples (device_id, ts, received_at, battery_level, battery_voltage, signal_strength, error_count, health_score, cpu_percent, memory_percent)
       SELECT d.id, t.ts, t.ts, round(v.b::numeric, 1)::float8, 3.9, round(v.s)::int, v.e::int, v.sc, 20, 45
         FROM generate_series($1::timestamptz, $1::timestamptz + interval '1 hour' - interval '${SAMPLE_EVERY_S} seconds', interval '${SAMPLE_EVERY_S} seconds') t(ts)
        CROSS JOIN devices d ${valuesAt("t.ts")}
        WHERE d.id BETWEEN $2 AND $3
        ORDER BY t.ts, d.id`,
      [from.toISOString(), range!.min, rawMax],
    );
  }
  const rawS = (performance.now() - started) / 1000;

  // The real job merges those samples into both rollups.
  await pool.query(`UPDATE telemetry_rollup_watermarks SET watermark = $2 WHERE name = $1`, [WATERMARK_NAME, lastDay.toISOString()]);
  started = performance.now();
  await pool.query(`RESET session_replication_role`).catch(() => undefined);
  // As in production, the last few minutes (the job's lag and minute) are not merged yet: the charts
  // add them from the raw samples.
  const run = await rollUpTelemetry(transactionsOf(pool), { now, lagMs: 3 * 60_000 });
  const jobS = (performance.now() - started) / 1000;
  await pool.query(`ANALYZE devices; ANALYZE telemetry_samples; ANALYZE telemetry_rollup_1h; ANALYZE telemetry_rollup_5m`);
  const { rows: [counts] } = await pool.query<{ h: string; m: string; raw: string }>(
    `SELECT (SELECT count(*) FROM telemetry_rollup_1h)::text AS h, (SELECT count(*) FROM telemetry_rollup_5m)::text AS m, (SELECT count(*) FROM telemetry_samples)::text AS raw`,
  );
  return {
    rawDeviceIds: [range!.min, rawMax] as const,
    allDeviceIds: [range!.min, range!.min + DEVICES - 1] as const,
    lines: [
      `hourly rollups: ${fmt(Number(counts!.h))} rows (${DEVICES.toLocaleString("en")} devices × 30 days) in ${hourlyS.toFixed(0)} s`,
      `5-minute rollups: ${fmt(Number(counts!.m))} rows (${RAW_DEVICES} devices × 14 days) in ${fiveMinuteS.toFixed(0)} s`,
      `raw samples: ${fmt(Number(counts!.raw))} rows (${RAW_DEVICES} devices × 24 h at one per ${SAMPLE_EVERY_S} s) in ${rawS.toFixed(0)} s`,
      `rollup job: ${fmt(run.samples)} samples merged into both rollups in ${run.steps} chunks, ${jobS.toFixed(1)} s = ${fmt(run.samples / jobS)} samples/s`,
    ],
  };
}

// ---------------------------------------------------------------- measuring

function percentile(sorted: number[], q: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

type Row = { label: string; samples: number[]; target: number | null; detail: string };

async function measure(label: string, count: number, target: number | null, ids: readonly [number, number], read: (deviceId: number) => Promise<string>): Promise<Row> {
  const pick = () => ids[0] + Math.floor(Math.random() * (ids[1] - ids[0] + 1));
  let detail = "";
  for (let i = 0; i < Math.min(WARMUP, count); i++) detail = await read(pick());
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = pick();
    const started = performance.now();
    await read(id);
    samples.push(performance.now() - started);
  }
  return { label, samples, target, detail };
}

/** Retention's drop of one full day (a day of the raw devices' samples), timed by scripts/history/partition-drop.ts. */
async function partitionDrop(pool: pg.Pool): Promise<string> {
  const result = await measurePartitionDrop(pool, { rowsPerDay: RAW_DEVICES * (DAY_MS / 1000 / SAMPLE_EVERY_S) });
  return `partition drop: ${fmt(result.rows)} samples, ${result.dropMs.toFixed(0)} ms (of which DETACH, the part that locks the table, ${result.detachMs.toFixed(0)} ms; target ≤ ${TARGETS.partitionDropMs} ms) ${verdict(result.dropMs <= TARGETS.partitionDropMs)}`;
}

async function main() {
  const loadBefore = loadAverage();
  const { databaseUrl } = await openBenchDatabase(DATABASE);
  // The readers take the product's Prisma client, which reads DATABASE_URL.
  process.env.DATABASE_URL = databaseUrl;
  const { getDb, disconnectDb } = await import("../lib/db");
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const now = new Date(Math.floor(Date.now() / 3600_000) * 3600_000);
    log(`seeding ${DEVICES.toLocaleString("en")} devices (${RAW_DEVICES} with raw samples and 5-minute rollups)…`);
    const seeded = await seed(pool, now);
    for (const line of seeded.lines) log(line);
    const db = getDb();
    const chart = (range: HistoryRange) => async (id: number) => {
      const history = await deviceHealthHistory(db, id, range, now);
      return `${history.resolution}, ${history.points.length} points, ${fmt(history.samples)} samples`;
    };
    const rows: Row[] = [];
    log(`30-day chart over random devices of all ${DEVICES.toLocaleString("en")}: ${REQUESTS} reads`);
    rows.push(await measure("30-day chart (deviceHealthHistory 30d)", REQUESTS, TARGETS["30d"], seeded.allDeviceIds, chart("30d")));
    log(`24 h chart over random devices of the ${RAW_DEVICES}: ${REQUESTS} reads`);
    rows.push(await measure("24 h chart (deviceHealthHistory 24h)", REQUESTS, TARGETS["24h"], seeded.rawDeviceIds, chart("24h")));
    rows.push(await measure("x 7-day chart (deviceHealthHistory 7d)", Math.ceil(REQUESTS / 2), null, seeded.rawDeviceIds, chart("7d")));
    rows.push(
      await measure("x battery estimate, one device (batteryFits)", Math.ceil(REQUESTS / 2), null, seeded.allDeviceIds, async (id) => {
        const [fit] = await batteryFits(db, { farmId: null, deviceId: id }, now);
        return `${fit?.samples ?? 0} samples, ${fit?.slopePerDay?.toFixed(2) ?? "-"} %/day`;
      }),
    );
    rows.push(
      await measure("x battery estimates, a farm of 500 (batteryFits)", 10, null, [1, FARMS], async (farmId) => `${(await batteryFits(db, { farmId, deviceId: null }, now)).length} devices`),
    );
    const drop = await partitionDrop(pool);

    const width = Math.max(...rows.map((row) => row.label.length));
    console.log(`\nCharts at ${DEVICES.toLocaleString("en")} devices, 30 days at one sample per ${SAMPLE_EVERY_S} s (ms; sequential reads of random devices)`);
    console.log(`  ${"reader".padEnd(width)}      n     p50     p95     p99     max  target  result  read`);
    for (const row of rows) {
      const sorted = [...row.samples].sort((a, b) => a - b);
      const p95 = percentile(sorted, 0.95);
      const number = (value: number) => value.toFixed(1).padStart(7);
      console.log(
        `  ${row.label.padEnd(width)} ${String(sorted.length).padStart(6)} ${number(percentile(sorted, 0.5))} ${number(p95)} ${number(percentile(sorted, 0.99))} ${number(sorted.at(-1)!)} ` +
          `${row.target === null ? "      -" : `≤${row.target}`.padStart(7)}  ${row.target === null ? "    " : verdict(p95 <= row.target)}    ${row.detail}`,
      );
    }
    const p95Of = (index: number) => percentile([...rows[index]!.samples].sort((a, b) => a - b), 0.95);
    console.log(
      [
        "",
        `  ${drop}`,
        "",
        `Summary (${os.cpus().length} cores, load average 1/5/15 min: ${loadBefore} before, ${loadAverage()} after)`,
        `  30-day chart p95 ≤ ${TARGETS["30d"]} ms (hourly rollups, all ${DEVICES.toLocaleString("en")} devices): ${verdict(p95Of(0) <= TARGETS["30d"])}`,
        `  24 h chart p95 ≤ ${TARGETS["24h"]} ms (5-minute rollups + 3 min of raw samples, the ${RAW_DEVICES} devices seeded with them): ${verdict(p95Of(1) <= TARGETS["24h"])}`,
        `  Seeded at full size: hourly rollups. A subset (${RAW_DEVICES} devices) has raw samples and 5-minute rollups: a device's rows are`,
        `  as scattered as at full size (interleaved in time), but the smaller tables cache better than ${DEVICES.toLocaleString("en")} devices' would.`,
        "",
      ].join("\n"),
    );
  } finally {
    await pool.end();
    await disconnectDb();
  }
}

runBench(main);
