/**
 * The health sweep at fleet size (issue 7 target: the 60 s sweep over 100,000 devices ≤ 2 s).
 * Seeds a realistic fleet set-based — 20 farms, 100 groups (a tenth on a 5-minute interval, a few
 * with offline thresholds that trip), ~5 % of devices with an issue, a few percent in maintenance,
 * suspended or retired, and open alerts of which some still apply, some are acknowledged and
 * some are stale — then runs the sweep three times a simulated minute apart: the first opens the
 * alerts, the later ones count repeats and resolve what recovered in between.
 *
 *   npx tsx scripts/bench-sweep.ts       fresh database sdm_bench_sweep (DATABASE_URL's server, else embedded)
 *   BENCH_DEVICES=20000 npx tsx scripts/bench-sweep.ts
 *   BENCH_HEALTH_LAYERS=1 npx tsx scripts/bench-sweep.ts   with farm/group health limits (issue 16): a
 *       quarter of the farms on the I-013 profile, a tenth of the groups with a 25 % battery warning,
 *       CPU/memory reported by every device (~5 % above I-013's warning limits)
 *
 * `measureSweep(databaseUrl, devices)` does the seeding and the runs on an already migrated
 * database of the caller's (bench:ingest uses it) and returns the figures.
 */
import os from "node:os";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { runHealthSweep, type HealthSweepResult } from "../lib/alerts/alert-sweep";
import { createSqlPool } from "../lib/telemetry/sql";
import { cleanup, loadAverage, log, openBenchDatabase } from "./bench-harness";

export const SWEEP_TARGET_MS = 2_000;

export type SweepRun = HealthSweepResult & { ms: number };
export type SweepMeasurement = { devices: number; healthLayers?: boolean; seedMs: number; runs: SweepRun[]; worstMs: number; pass: boolean };

const SEED_SQL = (devices: number) => [
  `SELECT setseed(0.0792)`,
  `INSERT INTO farms (code, name) SELECT 'SW' || lpad(f::text, 3, '0'), 'Sweep farm ' || f FROM generate_series(1, 20) f`,
  // per farm a root group and four barns below it; every tenth group checks every 5 minutes
  `INSERT INTO device_groups (name, code, farm_id, health_check_interval, offline_alert_threshold)
   SELECT 'All devices ' || f.id, 'SWG-' || f.id || '-ROOT', f.id, 60, 50 FROM farms f WHERE f.code LIKE 'SW%'`,
  `INSERT INTO device_groups (name, code, farm_id, parent_id, health_check_interval, offline_alert_threshold)
   SELECT 'Barn ' || k, 'SWG-' || f.id || '-' || k, f.id, g.id,
          CASE WHEN (f.id + k) % 10 = 0 THEN 300 ELSE 60 END, (array[3, 10, 25, 40])[k]
     FROM farms f JOIN device_groups g ON g.code = 'SWG-' || f.id || '-ROOT', generate_series(1, 4) k`,
  `CREATE TEMP TABLE bench_groups AS SELECT array_agg(id ORDER BY id) AS ids FROM device_groups WHERE code LIKE 'SWG-%'`,
  `INSERT INTO devices (device_id, name, device_type, state, farm_id, group_id, maintenance_mode, last_seen, battery_level,
                       low_battery_threshold, signal_strength, error_count, calibration_status, firmware_update_status,
                       connection_status, health_status, updated_at)
   SELECT 'SW' || lpad(r.i::text, 6, '0'), 'Sweep device ' || r.i, 'collar', r.state::"DeviceState",
          (SELECT id FROM farms WHERE code = 'SW' || lpad((1 + r.i % 20)::text, 3, '0')),
          CASE WHEN r.rg < 0.1 THEN NULL ELSE (SELECT ids[1 + floor(r.rg2 * array_length(ids, 1))::int] FROM bench_groups) END,
          r.rm < 0.03,
          CASE WHEN r.ri < 0.020 THEN now() - interval '20 minutes' - r.rv * interval '2 days' ELSE now() - r.rv * interval '50 seconds' END,
          CASE WHEN r.ri BETWEEN 0.020 AND 0.035 THEN round((2 + r.rv * 17)::numeric, 1)::float8 ELSE 40 + floor(r.rv * 60) END,
          20,
          CASE WHEN r.ri BETWEEN 0.035 AND 0.042 THEN -91 - floor(r.rv * 15)::int ELSE -50 - floor(r.rv * 30)::int END,
          CASE WHEN r.ri BETWEEN 0.042 AND 0.050 THEN 6 + floor(r.rv * 20)::int ELSE floor(r.rv * 4)::int END,
          (CASE WHEN r.ri BETWEEN 0.050 AND 0.053 THEN 'overdue' ELSE 'ok' END)::"CalibrationStatus",
          (CASE WHEN r.ri BETWEEN 0.053 AND 0.055 THEN 'failed' ELSE 'none' END)::"FirmwareUpdateStatus",
          'online', 'healthy', now()
     FROM (SELECT i, random() AS rg, random() AS rg2, random() AS rm, random() AS ri, random() AS rv,
                  CASE WHEN random() < 0.95 THEN 'active' WHEN random() < 0.5 THEN 'suspended' ELSE 'decommissioned' END AS state
             FROM generate_series(1, ${devices}) i) r`,
  // open alerts: on 3 % of devices, a quarter acknowledged; most no longer apply (stale: resolved by run 1)
  `INSERT INTO alerts (device_id, alert_type, severity, state, message, occurrence_count, first_occurrence, last_occurrence)
   SELECT d.id, (array['offline', 'low_battery', 'poor_signal', 'elevated_errors']::"AlertType"[])[1 + d.id % 4], 'warning',
          (CASE WHEN d.id % 4 = 0 THEN 'acknowledged' ELSE 'active' END)::"AlertState", 'seeded', 3,
          now() - interval '1 hour', now() - interval '1 minute'
     FROM devices d WHERE d.device_id LIKE 'SW%' AND random() < 0.03`,
  `ANALYZE`,
];

/** Between runs: some devices recover (charged, back online), a few new ones go quiet. */
const BETWEEN_RUNS_SQL = [
  `UPDATE devices SET battery_level = 95 WHERE device_id LIKE 'SW%' AND battery_level < 20 AND random() < 0.3`,
  `UPDATE devices SET last_seen = now(), connection_status = 'online' WHERE device_id LIKE 'SW%' AND last_seen < now() - interval '15 minutes' AND random() < 0.2`,
  `UPDATE devices SET last_seen = now() - interval '30 minutes' WHERE device_id LIKE 'SW%' AND random() < 0.002`,
];

/** Per-farm and per-group health limits (config_layers.health), and the CPU/memory they judge. */
const HEALTH_LAYERS_SQL = [
  `INSERT INTO config_layers (scope, scope_key, farm_id, device_type, health)
   SELECT 'farm', 'farm:' || f.id || ':collar', f.id, 'collar', '{"profile": "i013"}'::jsonb FROM farms f WHERE f.code LIKE 'SW%' AND f.id % 4 = 0`,
  `INSERT INTO config_layers (scope, scope_key, group_id, device_type, health)
   SELECT 'group', 'group:' || g.id || ':collar', g.id, 'collar', '{"battery_warning_below_pct": 25}'::jsonb
     FROM device_groups g WHERE g.code LIKE 'SWG-%' AND g.id % 10 = 0`,
  `UPDATE devices SET cpu_percent = CASE WHEN random() < 0.03 THEN 71 + random() * 28 ELSE 10 + random() * 50 END,
                      memory_percent = CASE WHEN random() < 0.02 THEN 81 + random() * 18 ELSE 20 + random() * 50 END
    WHERE device_id LIKE 'SW%'`,
  `ANALYZE`,
];

export async function measureSweep(databaseUrl: string, devices = 100_000, healthLayers = false): Promise<SweepMeasurement> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "sdm-bench-sweep" });
  await client.connect();
  const pool = createSqlPool(databaseUrl, 4);
  try {
    const seedStarted = performance.now();
    await client.query("BEGIN");
    for (const statement of SEED_SQL(devices)) await client.query(statement);
    if (healthLayers) for (const statement of HEALTH_LAYERS_SQL) await client.query(statement);
    await client.query("COMMIT");
    // A bulk-loaded table has no visibility map yet; autovacuum would make it within a minute.
    await client.query("VACUUM ANALYZE devices, alerts, device_groups");
    const seedMs = performance.now() - seedStarted;
    log(`seeded ${devices.toLocaleString("en")} devices (with open alerts and groups${healthLayers ? ", health limit layers" : ""}) in ${(seedMs / 1000).toFixed(1)} s`);

    const runs: SweepRun[] = [];
    const base = Date.now();
    for (let run = 0; run < 3; run++) {
      if (run > 0) for (const statement of BETWEEN_RUNS_SQL) await client.query(statement);
      const started = performance.now();
      const result = await runHealthSweep(pool, new Date(base + run * 60_000));
      runs.push({ ...result, ms: performance.now() - started });
    }
    const worstMs = Math.max(...runs.map((run) => run.ms));
    return { devices, healthLayers, seedMs, runs, worstMs, pass: worstMs <= SWEEP_TARGET_MS };
  } finally {
    await pool.end();
    await client.end();
  }
}

export function formatSweep(measurement: SweepMeasurement): string {
  const lines = measurement.runs.map(
    (r, i) =>
      `  run ${i + 1}: ${r.ms.toFixed(0).padStart(5)} ms  checked ${r.checked.toLocaleString("en")}, changed ${r.changed}, ` +
      `alerts raised ${r.raised} / repeated ${r.repeated} / resolved ${r.resolved} / retired ${r.retired}, ` +
      `groups checked ${r.groupsChecked}: raised ${r.groupRaised} / repeated ${r.groupRepeated} / resolved ${r.groupResolved}`,
  );
  return [
    `Health sweep over ${measurement.devices.toLocaleString("en")} devices${measurement.healthLayers ? " with health limit layers" : ""} (${os.cpus().length} cores, load average ${loadAverage()})`,
    ...lines,
    `  worst ${measurement.worstMs.toFixed(0)} ms, target ≤ ${SWEEP_TARGET_MS} ms: ${measurement.pass ? "PASS" : "FAIL"}`,
  ].join("\n");
}

async function main() {
  const { databaseUrl } = await openBenchDatabase("sdm_bench_sweep");
  const measurement = await measureSweep(databaseUrl, Number(process.env.BENCH_DEVICES ?? 100_000), process.env.BENCH_HEALTH_LAYERS === "1");
  console.log(`\n${formatSweep(measurement)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main()
    .catch((error) => {
      console.error("[bench] failed:", error instanceof Error ? error.message : error);
      process.exitCode = 1;
    })
    .finally(async () => {
      await cleanup();
      log("stopped everything it started");
    });
}
