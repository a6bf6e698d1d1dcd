/**
 * The configuration engine's sweeps at fleet size (issue 16, "Speed": the effective-config and
 * drift sweep over 100,000 devices ≤ 2 s), and the report path's storing rate. A benchmark, not a
 * test: it prints its figures and PASS/FAIL against the target. `npm run bench:config`
 * (scripts/bench-config.ts) calls `benchConfigSweep`; it also runs alone:
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx scripts/bench-config-sweep.ts
 *
 * In a database of its own (scripts/bench-harness.ts):
 *   1. seeds BENCH_SWEEP_DEVICES (100,000) online devices of every type over 20 farms of 10 groups
 *      each (two levels), with a farm layer in half the farms and a group layer in a fifth of the groups;
 *   2. the first sweep: every device's version 1 (the cold start, written through writeVersions);
 *   3. delivery of all of them with the publish stubbed (what the database side costs), then every
 *      device "applied" — 1 % reporting another hash (drift) — and 0.5 % given overrides of their own;
 *   4. the quiet sweep (materialize + drift, nothing or little to do), BENCH_SWEEP_RUNS (5) times:
 *      the figure of the target; then one group layer changed (its devices get a version) and swept;
 *   5. BENCH_SWEEP_REPORTS (20,000) config/status reports stored through the ingest window
 *      (store-window.ts → config-report-apply.ts), 1,000 per window: reports stored per second.
 */
import os from "node:os";
import pg from "pg";
import { ConfigEngine } from "../lib/configuration/config-engine";
import { storeConfigReports } from "../lib/configuration/config-report-apply";
import { CONFIG_DEVICE_TYPES } from "../lib/configuration/config-schemas";
import { TelemetryWindow } from "../lib/telemetry/coalesce";
import { storeWindow } from "../lib/telemetry/store-window";
import { cleanup, fmt, loadAverage, log, openBenchDatabase, verdict } from "./bench-harness";

export const SWEEP_TARGET_MS = 2_000;
const FARMS = 20;
const GROUPS_PER_FARM = 10;

export type ConfigSweepFigures = {
  devices: number;
  initialMs: number;
  deliverMs: number;
  delivered: number;
  quietRunsMs: number[];
  quietWorstMs: number;
  driftRaised: number;
  layerChangeMs: number;
  layerVersions: number;
  reports: number;
  reportsPerSecond: number;
  /** The report rules alone, 1,000 per transaction. */
  applyPerSecond: number;
};

async function seed(sql: pg.Pool, devices: number) {
  const types = `array[${CONFIG_DEVICE_TYPES.map((type) => `'${type}'`).join(", ")}]`;
  await sql.query(`INSERT INTO farms (id, code, name) SELECT f, 'CS' || lpad(f::text, 2, '0'), 'Sweep farm ' || f FROM generate_series(1, ${FARMS}) f`);
  // Per farm: 5 top groups, each with one child group.
  await sql.query(
    `INSERT INTO device_groups (id, name, code, farm_id, parent_id)
     SELECT g, 'Barn ' || g, 'CSG' || g, 1 + (g - 1) / ${GROUPS_PER_FARM}, CASE WHEN g % 2 = 0 THEN g - 1 END
       FROM generate_series(1, ${FARMS * GROUPS_PER_FARM}) g ORDER BY g`,
  );
  await sql.query(
    `INSERT INTO devices (id, device_id, name, device_type, state, farm_id, group_id, connection_status, last_seen, health_status, health_score, created_at, updated_at)
     SELECT d, 'CS' || lpad(d::text, 7, '0'), 'Device ' || d, (${types})[1 + d % ${CONFIG_DEVICE_TYPES.length}]::"DeviceType", 'active',
            1 + d % ${FARMS}, CASE WHEN d % 10 = 0 THEN NULL ELSE (d % ${FARMS}) * ${GROUPS_PER_FARM} + 1 + (d / ${FARMS}) % ${GROUPS_PER_FARM} END,
            'online', now(), 'healthy', 100, now(), now()
       FROM generate_series(1, ${devices}) d`,
  );
  for (const table of ["farms", "device_groups", "devices"]) await sql.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
  // Layers: the environmental sensors' thresholds on half the farms, their telemetry on a fifth of the groups.
  await sql.query(
    `INSERT INTO config_layers (scope, scope_key, farm_id, device_type, "values", health, updated_at)
     SELECT 'farm', 'farm:' || f || ':environmental', f, 'environmental', '{"thresholds": {"ammonia_high": 20}}', '{}', now()
       FROM generate_series(1, ${FARMS}, 2) f`,
  );
  await sql.query(
    `INSERT INTO config_layers (scope, scope_key, group_id, device_type, "values", health, updated_at)
     SELECT 'group', 'group:' || g || ':environmental', g, 'environmental', '{"telemetry": {"update_interval_sec": 30}}', '{}', now()
       FROM generate_series(1, ${FARMS * GROUPS_PER_FARM}, 5) g`,
  );
  await sql.query("ANALYZE");
}

export async function benchConfigSweep(options: { devices?: number; runs?: number; reports?: number } = {}): Promise<ConfigSweepFigures> {
  const devices = options.devices ?? Number(process.env.BENCH_SWEEP_DEVICES ?? 100_000);
  const runs = options.runs ?? Number(process.env.BENCH_SWEEP_RUNS ?? 5);
  const reportCount = Math.min(devices, options.reports ?? Number(process.env.BENCH_SWEEP_REPORTS ?? 20_000));
  const { databaseUrl } = await openBenchDatabase(`sdm_bench_config_sweep_${process.pid}`);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  try {
    let started = performance.now();
    await seed(pool, devices);
    log(`seeded ${fmt(devices)} online devices (${CONFIG_DEVICE_TYPES.length} types, ${FARMS} farms, ${FARMS * GROUPS_PER_FARM} groups) in ${fmt(performance.now() - started)} ms`);

    let published = 0;
    const engine = new ConfigEngine(pool, {
      publish: async (messages) => {
        published += messages.length;
      },
      chunk: 2_000,
      log: () => undefined,
    });
    const client = await pool.connect();
    const tick = async <T>(work: () => Promise<T>) => {
      const t0 = performance.now();
      const value = await work();
      return { value, ms: performance.now() - t0 };
    };
    let initialMs: number;
    let deliverMs: number;
    let delivered: number;
    const quietRunsMs: number[] = [];
    let driftRaised = 0;
    let layerChangeMs: number;
    let layerVersions: number;
    try {
      const initial = await tick(() => engine.materialize(client, new Date()));
      initialMs = initial.ms;
      log(`first sweep: ${fmt(initial.value.initial)} initial versions written in ${fmt(initialMs)} ms`);
      const delivery = await tick(() => engine.deliver(client, new Date()));
      deliverMs = delivery.ms;
      delivered = delivery.value.sent;
      log(`delivery (publish stubbed): ${fmt(delivered)} marked sent in ${fmt(deliverMs)} ms (${fmt(published)} messages built)`);

      // Every device confirms; 1 % runs something else; 0.5 % get overrides of their own (a version each on the next sweep).
      await client.query(
        `UPDATE device_states SET status = 'applied', reported_version = desired_version, reported_at = now(),
                reported_hash = CASE WHEN device_id % 100 = 7 THEN md5(device_id::text) || md5(device_id::text) ELSE desired_hash END`,
      );
      await client.query(`UPDATE device_states SET overrides = '{"network": {"keepalive_sec": 90}}' WHERE device_id % 200 = 3 AND device_id IN (SELECT id FROM devices WHERE device_type <> 'environmental')`);
      await client.query(`UPDATE device_states SET drift_since = now() - interval '1 hour' WHERE device_id % 100 = 7`);
      await client.query("ANALYZE device_states");
      for (let run = 0; run < runs; run++) {
        const quiet = await tick(async () => {
          const materialized = await engine.materialize(client, new Date());
          const drift = await engine.driftSweep(client, new Date());
          return { materialized, drift };
        });
        quietRunsMs.push(quiet.ms);
        driftRaised += quiet.value.drift.raised;
        log(
          `sweep ${run + 1}: ${fmt(quiet.ms)} ms (materialize ${fmt(quiet.value.materialized.ms)} ms: ${fmt(quiet.value.materialized.candidates)} looked at, ` +
            `${fmt(quiet.value.materialized.layer)} versions; drift: ${quiet.value.drift.drifted} drifted, ${quiet.value.drift.raised} raised, ${quiet.value.drift.repeated} refreshed)`,
        );
      }
      // A group layer changed: its devices get a version each.
      await client.query(`UPDATE config_layers SET "values" = '{"telemetry": {"update_interval_sec": 45}}', version = version + 1 WHERE scope_key = 'group:16:environmental'`);
      const changed = await tick(() => engine.materialize(client, new Date()));
      layerChangeMs = changed.ms;
      layerVersions = changed.value.layer;
      log(`after a group layer change: ${fmt(layerVersions)} layer versions in ${fmt(layerChangeMs)} ms`);
    } finally {
      client.release();
    }

    // Reports through the ingest window, as the worker stores them.
    const { rows: targets } = await pool.query<{ device_id: string; version: number; hash: string }>(
      `SELECT d.device_id, s.desired_version AS version, s.desired_hash AS hash FROM devices d JOIN device_states s ON s.device_id = d.id ORDER BY d.id LIMIT $1`,
      [reportCount],
    );
    started = performance.now();
    for (let start = 0; start < targets.length; start += 1_000) {
      const window = new TelemetryWindow();
      const receivedAt = new Date();
      for (const target of targets.slice(start, start + 1_000)) {
        window.add({ kind: "config_status", deviceId: target.device_id, payload: { version: target.version, status: "applied", hash: target.hash }, receivedAt });
      }
      await storeWindow(pool, window, receivedAt);
    }
    const reportsMs = performance.now() - started;
    const reportsPerSecond = (targets.length / reportsMs) * 1000;
    // The report rules alone (config-report-apply.ts), without the device rows the window also writes.
    started = performance.now();
    const ids = new Map((await pool.query<{ id: number; device_id: string }>(`SELECT id, device_id FROM devices WHERE device_id = ANY($1::text[])`, [targets.map((t) => t.device_id)])).rows.map((row) => [row.device_id, row.id]));
    for (let start = 0; start < targets.length; start += 1_000) {
      const receivedAt = new Date();
      const batch = targets.slice(start, start + 1_000).map((target) => ({ deviceId: target.device_id, devicePk: ids.get(target.device_id)!, version: target.version, status: "applied" as const, hash: target.hash, reason: null, receivedAt }));
      const conn = await pool.connect();
      try {
        await conn.query("BEGIN");
        await storeConfigReports(conn, batch);
        await conn.query("COMMIT");
      } finally {
        conn.release();
      }
    }
    const applyPerSecond = (targets.length / (performance.now() - started)) * 1000;

    const quietWorstMs = Math.max(...quietRunsMs);
    const figures: ConfigSweepFigures = {
      devices,
      initialMs,
      deliverMs,
      delivered,
      quietRunsMs,
      quietWorstMs,
      driftRaised,
      layerChangeMs,
      layerVersions,
      reports: targets.length,
      reportsPerSecond,
      applyPerSecond,
    };
    console.log(`\nconfiguration sweeps over ${fmt(devices)} devices (${os.cpus().length} cores, load ${loadAverage()})`);
    console.log(`  first sweep (every device's version 1)           ${fmt(initialMs)} ms`);
    console.log(`  delivery of all (publish stubbed)                ${fmt(deliverMs)} ms (${fmt(delivered)} sent)`);
    console.log(`  quiet sweep, materialize + drift (${runs} runs)      ${quietRunsMs.map((ms) => fmt(ms)).join(" / ")} ms, worst ${fmt(quietWorstMs)} ms, target ≤ ${fmt(SWEEP_TARGET_MS)} ms: ${verdict(quietWorstMs <= SWEEP_TARGET_MS)}`);
    console.log(`  drift alerts raised                              ${fmt(driftRaised)}`);
    console.log(`  sweep after one group layer change               ${fmt(layerChangeMs)} ms (${fmt(layerVersions)} versions)`);
    console.log(`  config reports stored (ingest window of 1,000)   ${fmt(reportsPerSecond)}/s (${fmt(targets.length)} reports)`);
    console.log(`  of which the report rules alone                  ${fmt(applyPerSecond)}/s\n`);
    return figures;
  } finally {
    await pool.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchConfigSweep()
    .catch((error) => {
      console.error("[bench] failed:", error instanceof Error ? error.stack : error);
      process.exitCode = 1;
    })
    .finally(async () => {
      await cleanup();
      log("stopped everything it started");
    });
}
