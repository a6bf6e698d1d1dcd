/**
 * `npm run bench:registry`: the device registry at fleet size. Seeds 100,000 devices across 20
 * farms and 200 groups into a database of its own, runs the production server against it and
 * measures, with sequential requests, /api/v1/devices for typical filter combinations and the
 * /devices page's server response. A benchmark, not a test: it prints PASS/FAIL against the
 * targets and exits 0 either way (1 only when it could not run).
 *
 *   npm run bench:registry                                   embedded PostgreSQL under .data/bench
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:registry
 *                                                            a fresh database sdm_bench on that server
 *
 * Options (environment): BENCH_DEVICES (100000), BENCH_REQUESTS per API combination (200),
 * BENCH_PAGE_REQUESTS per page combination (60), BENCH_KEEP=1 keeps the database afterwards,
 * BENCH_PG_SETTINGS="max_parallel_workers_per_gather=0,…" sets PostgreSQL settings on the bench
 * database only (to try a tuning). The machine's load average is printed beside the figures: on a
 * 2-core machine other work moves p95 a lot.
 * Targets (the issue): p95 ≤ 50 ms per API request, the list page's server response ≤ 300 ms.
 */
import os from "node:os";
import pg from "pg";
import { newSecret } from "../lib/provisioning/credentials";
import { cleanup, loadAverage, log, openBenchDatabase } from "./bench-harness";
import { signIn, startProductionServer } from "./bench-server";

const API_TARGET_P95_MS = 50;
const PAGE_TARGET_P95_MS = 300;
const DATABASE = "sdm_bench";
const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const API_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const PAGE_REQUESTS = Number(process.env.BENCH_PAGE_REQUESTS ?? 60);
const WARMUP_REQUESTS = 15;
const ADMIN_EMAIL = "bench-admin@smartdairy.example";
const ADMIN_PASSWORD = `bench-${newSecret(9)}`;

// ---------------------------------------------------------------- seeding (set-based SQL)

const FARM_NAMES = [
  "Green Valley Dairy", "Brookside Farm", "Hillcrest Holsteins", "Meadowbrook Dairy", "Riverbend Farm",
  "Oakridge Dairy", "Sunnyfield Farm", "Willow Creek Dairy", "Clover Hill Farm", "Stonebridge Dairy",
  "Maple Leaf Farm", "Cedar Grove Dairy", "Fox Hollow Farm", "Pine Ridge Dairy", "Lakeside Jerseys",
  "Elm Tree Farm", "Highland Pastures", "Silver Birch Dairy", "Windmill Farm", "Heather Moor Dairy",
];
const TAG_NAMES = [
  "parlour", "barn-a", "barn-b", "calves", "heifers", "dry-cows", "high-yield", "robot-milking", "outdoor", "pilot-firmware",
  "leased", "under-warranty", "solar", "lora", "spare", "new-2026", "inspection-due", "organic-herd", "research", "critical-path",
];

/** Literal SQL list of quoted strings (the constants above, no user input). */
const sqlArray = (values: string[]) => `array[${values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ")}]`;

const SEED_SQL = (devices: number) => [
  `SELECT setseed(0.2026)`,
  // 20 farms
  `INSERT INTO farms (id, code, name, timezone, latitude, longitude)
   SELECT f, 'BF' || lpad(f::text, 2, '0'), (${sqlArray(FARM_NAMES)})[f],
          (array['Europe/Amsterdam', 'Europe/Dublin', 'Europe/Berlin', 'America/Chicago'])[1 + f % 4],
          51.5 + f * 0.13, 4.2 + f * 0.21
   FROM generate_series(1, 20) f`,
  // per farm: a root, 3 areas below it and 5 sub-areas below those (9 × 20 = 180) …
  `INSERT INTO device_groups (id, name, code, sequence, farm_id, parent_id)
   SELECT (f - 1) * 9 + k + 1,
          (array['All devices', 'Milking parlour', 'Free-stall barn', 'Feeding and water', 'Rotary parlour A', 'Rotary parlour B',
                 'Barn 1 north', 'Barn 2 south', 'Feed alley'])[k + 1],
          'BF' || lpad(f::text, 2, '0') || '-' || (array['ROOT', 'PARLOUR', 'BARN', 'FEED', 'ROT-A', 'ROT-B', 'BARN-1N', 'BARN-2S', 'ALLEY'])[k + 1],
          10 * k, f,
          CASE WHEN k = 0 THEN NULL WHEN k <= 3 THEN (f - 1) * 9 + 1 ELSE (f - 1) * 9 + 2 + (k - 4) % 3 END
   FROM generate_series(1, 20) f, generate_series(0, 8) k`,
  // … and 20 cross-farm groups (4 roots with 4 children each)
  `INSERT INTO device_groups (id, name, code, sequence, farm_id, parent_id)
   SELECT 180 + n,
          CASE WHEN n <= 4 THEN (array['Fleet gateways', 'Pilot firmware', 'Leased devices', 'Research trial'])[n] ELSE 'Cohort ' || (n - 4) END,
          'FLEET-' || lpad(n::text, 2, '0'), 10 * n, NULL,
          CASE WHEN n <= 4 THEN NULL ELSE 180 + 1 + (n - 5) % 4 END
   FROM generate_series(1, 20) n`,
  `INSERT INTO device_tags (id, name, color) SELECT t, (${sqlArray(TAG_NAMES)})[t], t % 12 FROM generate_series(1, 20) t`,
  // the devices: one row of dice per device, then the fields derived from them
  `INSERT INTO devices (device_id, name, device_type, state, farm_id, group_id, manufacturer, model, serial_number, mac_address,
                        hardware_version, firmware_version, health_status, health_score, last_health_check, needs_attention,
                        battery_level, power_source, signal_strength, signal_quality, connection_type, connection_status, last_seen,
                        error_count, maintenance_mode, provisioning_date, provisioning_method, retired_at, created_at, updated_at)
   SELECT d.prefix || lpad(d.i::text, 6, '0'),
          d.label || ' ' || d.farm_code || '-' || lpad((d.i % 10000)::text, 4, '0'),
          d.device_type::"DeviceType", d.state::"DeviceState", d.farm_id,
          CASE WHEN d.rg < 0.05 THEN NULL WHEN d.rg < 0.10 THEN 181 + floor(d.rg2 * 20)::int ELSE (d.farm_id - 1) * 9 + 1 + floor(d.rg2 * 9)::int END,
          d.manufacturer, d.manufacturer || ' ' || d.prefix || '-' || (1 + d.i % 3) || '00',
          upper(left(d.manufacturer, 3)) || '-' || (2021 + d.i % 5) || '-' || lpad(d.i::text, 7, '0'),
          'B8:27:EB:' || upper(substr(lpad(to_hex(d.i), 6, '0'), 1, 2) || ':' || substr(lpad(to_hex(d.i), 6, '0'), 3, 2) || ':' || substr(lpad(to_hex(d.i), 6, '0'), 5, 2)),
          'rev ' || (1 + d.i % 4),
          CASE WHEN d.rf < 0.02 THEN NULL WHEN d.rf < 0.12 THEN '2.8.4' WHEN d.rf < 0.40 THEN '3.1.0' WHEN d.rf < 0.92 THEN '3.2.1' ELSE '3.3.0-rc1' END,
          d.health::"HealthStatus",
          CASE d.health WHEN 'healthy' THEN 80 + d.rh2 * 20 WHEN 'warning' THEN 50 + d.rh2 * 30 WHEN 'critical' THEN 5 + d.rh2 * 45 ELSE 100 END,
          CASE WHEN d.health = 'unknown' THEN NULL ELSE now() - d.rl * interval '1 hour' END,
          d.health = 'critical' OR (d.health = 'warning' AND d.ra < 0.4) OR (d.connection = 'offline' AND d.ra < 0.5) OR d.ra < 0.01,
          CASE WHEN d.power IN ('mains', 'poe') THEN NULL ELSE round((3 + 97 * (1 - d.rb * d.rb))::numeric, 1)::float8 END,
          d.power::"PowerSource",
          CASE WHEN d.connection IN ('unknown', 'offline') AND d.rsig < 0.5 THEN NULL ELSE -35 - floor(d.rsig * 60)::int END,
          (CASE WHEN d.connection IN ('unknown', 'offline') AND d.rsig < 0.5 THEN 'none' WHEN d.rsig < 0.33 THEN 'excellent' WHEN d.rsig < 0.55 THEN 'good'
                WHEN d.rsig < 0.8 THEN 'fair' ELSE 'poor' END)::"SignalQuality",
          d.connection_type::"ConnectionType", d.connection::"ConnectionStatus",
          CASE d.connection WHEN 'online' THEN now() - d.rl * interval '5 minutes' WHEN 'degraded' THEN now() - d.rl * interval '30 minutes'
                            WHEN 'offline' THEN now() - interval '1 hour' - d.rl * interval '14 days' WHEN 'unknown' THEN NULL
                            ELSE now() - d.rl * interval '1 hour' END,
          CASE d.health WHEN 'critical' THEN floor(d.ra * 40)::int WHEN 'warning' THEN floor(d.ra * 10)::int ELSE 0 END,
          d.state = 'maintenance' OR d.ra > 0.995,
          CASE WHEN d.state = 'manufactured' THEN NULL ELSE now() - interval '20 days' - d.rp * interval '900 days' END,
          (CASE WHEN d.state = 'manufactured' THEN NULL WHEN d.rp < 0.55 THEN 'csv_import' WHEN d.rp < 0.85 THEN 'qr_code' WHEN d.rp < 0.95 THEN 'manual' ELSE 'api' END)::"ProvisioningMethod",
          CASE WHEN d.state = 'decommissioned' THEN now() - d.rp * interval '200 days' END,
          now() - interval '20 days' - d.rp * interval '900 days', now()
   FROM (
     SELECT r.*, t.device_type, t.prefix, t.label, 'BF' || lpad(r.farm_id::text, 2, '0') AS farm_code,
            (array['DeLaval', 'Lely', 'GEA', 'Nedap', 'Afimilk', 'SCR'])[1 + floor(r.rm * 6)::int] AS manufacturer,
            CASE WHEN t.device_type IN ('gateway', 'gate', 'milk_meter') THEN 'mains' WHEN t.device_type = 'rfid_reader' THEN 'poe'
                 WHEN t.device_type = 'waterer' AND r.rb2 < 0.5 THEN 'solar' ELSE 'battery' END AS power,
            CASE WHEN t.device_type IN ('gateway', 'milk_meter', 'rfid_reader') THEN 'ethernet' WHEN t.device_type = 'collar' THEN 'lora'
                 WHEN r.rb2 < 0.7 THEN 'wifi' ELSE 'lora' END AS connection_type,
            CASE WHEN r.rs < 0.80 THEN 'active' WHEN r.rs < 0.85 THEN 'registered' WHEN r.rs < 0.89 THEN 'provisioned' WHEN r.rs < 0.92 THEN 'maintenance'
                 WHEN r.rs < 0.94 THEN 'suspended' WHEN r.rs < 0.98 THEN 'decommissioned' ELSE 'manufactured' END AS state,
            CASE WHEN r.rh < 0.72 THEN 'healthy' WHEN r.rh < 0.88 THEN 'warning' WHEN r.rh < 0.95 THEN 'critical' ELSE 'unknown' END AS health,
            CASE WHEN r.rc < 0.78 THEN 'online' WHEN r.rc < 0.90 THEN 'offline' WHEN r.rc < 0.96 THEN 'degraded' WHEN r.rc < 0.98 THEN 'unknown'
                 WHEN r.rc < 0.99 THEN 'error' ELSE 'connecting' END AS connection
     FROM (
       SELECT i, 1 + floor(20 * power(random(), 1.4))::int AS farm_id, random() AS rt, random() AS rs, random() AS rh, random() AS rh2,
              random() AS rc, random() AS rb, random() AS rb2, random() AS rsig, random() AS rf, random() AS rl, random() AS ra,
              random() AS rg, random() AS rg2, random() AS rm, random() AS rp
       FROM generate_series(1, ${devices}) i
     ) r
     CROSS JOIN LATERAL (
       SELECT * FROM (VALUES
         (0.35, 'collar', 'AC', 'Activity collar'), (0.50, 'milk_meter', 'MM', 'Milk meter'), (0.60, 'temperature', 'TS', 'Temperature sensor'),
         (0.68, 'environmental', 'ES', 'Climate sensor'), (0.78, 'feeder', 'FD', 'Feed dispenser'), (0.83, 'gate', 'GT', 'Sorting gate'),
         (0.91, 'waterer', 'WD', 'Water trough'), (0.97, 'rfid_reader', 'RF', 'RFID reader'), (1.01, 'gateway', 'GW', 'LoRa gateway')
       ) AS types(upto, device_type, prefix, label)
       WHERE r.rt < types.upto ORDER BY types.upto LIMIT 1
     ) t
   ) d`,
  // tags: about 60 % of devices carry one, 25 % a second; low tag ids are the common ones
  `INSERT INTO device_tag_links (device_id, tag_id)
   SELECT id, 1 + floor(20 * power(random(), 2))::int FROM devices WHERE random() < 0.60
   UNION
   SELECT id, 1 + floor(20 * random())::int FROM devices WHERE random() < 0.25
   ON CONFLICT DO NOTHING`,
  `SELECT setval(pg_get_serial_sequence('farms', 'id'), 20)`,
  `SELECT setval(pg_get_serial_sequence('device_groups', 'id'), 200)`,
  `SELECT setval(pg_get_serial_sequence('device_tags', 'id'), 20)`,
];

async function seed(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    await client.query("BEGIN");
    for (const statement of SEED_SQL(DEVICES)) await client.query(statement);
    await client.query("COMMIT");
    const inserted = performance.now();
    // A bulk-loaded table has no statistics or visibility map yet; autovacuum would make both
    // within a minute. (A fleet sending telemetry keeps most pages not all-visible, so its counts
    // read more of the heap than here: this measures the registry, not registry + ingest.)
    await client.query("VACUUM ANALYZE");
    const counts = await client.query<{ devices: string; links: string; groups: string }>(
      "SELECT (SELECT count(*) FROM devices) AS devices, (SELECT count(*) FROM device_tag_links) AS links, (SELECT count(*) FROM device_groups) AS groups",
    );
    const row = counts.rows[0]!;
    log(
      `seeded ${Number(row.devices).toLocaleString("en")} devices, 20 farms, ${row.groups} groups, 20 tags (${Number(row.links).toLocaleString("en")} links) ` +
        `in ${((inserted - started) / 1000).toFixed(1)} s + VACUUM ANALYZE ${((performance.now() - inserted) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/** The bench's admin (for the page) and an admin API key (for /api/v1), made through lib/auth. */
async function createAdmin(databaseUrl: string) {
  process.env.DATABASE_URL = databaseUrl;
  const { getDb, disconnectDb } = await import("../lib/db");
  const { hashPassword } = await import("../lib/auth/password");
  const { createApiKey } = await import("../lib/auth/api-keys");
  const db = getDb();
  try {
    const user = await db.user.create({ data: { email: ADMIN_EMAIL, name: "Bench Admin", role: "admin", passwordHash: await hashPassword(ADMIN_PASSWORD) } });
    const { key } = await createApiKey(db, { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null }, { name: "bench:registry", role: "admin", farmId: null });
    return key;
  } finally {
    await disconnectDb();
  }
}

// ---------------------------------------------------------------- measuring

type Measured = { label: string; samples: number[]; detail: string; target: number; error?: string };

function percentile(sorted: number[], q: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function measure(label: string, count: number, target: number, request: () => Promise<Response>, describe: (response: Response) => Promise<string>): Promise<Measured> {
  try {
    const first = await request();
    if (first.status !== 200) throw new Error(`HTTP ${first.status}: ${(await first.text()).slice(0, 300)}`);
    const detail = await describe(first);
    for (let i = 0; i < WARMUP_REQUESTS; i++) await (await request()).arrayBuffer();
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      const response = await request();
      await response.arrayBuffer();
      samples.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`HTTP ${response.status} on request ${i + 1}`);
    }
    return { label, samples, detail, target };
  } catch (error) {
    return { label, samples: [], detail: "", target, error: (error as Error).message };
  }
}

function printTable(title: string, rows: Measured[]) {
  const width = Math.max(...rows.map((row) => row.label.length), 20);
  const number = (value: number) => value.toFixed(1).padStart(7);
  console.log(`\n${title}`);
  console.log(`  ${"combination".padEnd(width)}      n     p50     p95     p99     max  target  result  matched`);
  for (const row of rows) {
    if (row.error) {
      console.log(`  ${row.label.padEnd(width)}  ERROR ${row.error}`);
      continue;
    }
    const sorted = [...row.samples].sort((a, b) => a - b);
    const p95 = percentile(sorted, 0.95);
    console.log(
      `  ${row.label.padEnd(width)} ${String(sorted.length).padStart(6)} ${number(percentile(sorted, 0.5))} ${number(p95)} ${number(percentile(sorted, 0.99))} ${number(sorted.at(-1)!)} ` +
        `${`≤${row.target}`.padStart(7)}  ${p95 <= row.target ? "PASS" : "FAIL"}    ${row.detail}`,
    );
  }
}

const passed = (row: Measured) => !row.error && percentile([...row.samples].sort((a, b) => a - b), 0.95) <= row.target;

async function groupSubtreeRoot(databaseUrl: string) {
  // the root group of farm BF05: itself, 3 areas and 5 sub-areas
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const group = await client.query<{ id: number }>("SELECT id FROM device_groups WHERE code = 'BF05-ROOT'");
    return group.rows[0]!.id;
  } finally {
    await client.end();
  }
}

async function bench(base: string, apiKey: string, databaseUrl: string) {
  const rootGroup = await groupSubtreeRoot(databaseUrl);
  const apiCombinations: [string, string][] = [
    ["1 default first page", ""],
    ["2 farm + types", "farm=3&type=collar,milk_meter"],
    ["3 search q (partial id/serial)", "q=0482"],
    ["4 critical+attention by lastSeen", "health=critical&attention=true&sort=lastSeen&dir=desc"],
    ["5 group subtree + tag, page 3", `group=${rootGroup}&tag=2&page=3`],
    ["x groupBy=type, whole fleet", "groupBy=type"],
    ["x sort battery, whole fleet", "sort=battery&dir=asc"],
    ["x deep page 400 (offset), whole fleet", "page=400&pageSize=200"],
  ];
  const api: Measured[] = [];
  for (const [label, query] of apiCombinations) {
    log(`API ${label}: ${API_REQUESTS} requests`);
    api.push(
      await measure(
        `${label}  ?${query}`,
        API_REQUESTS,
        API_TARGET_P95_MS,
        () => fetch(`${base}/api/v1/devices?${query}`, { headers: { "x-api-key": apiKey } }),
        async (response) => {
          const body = (await response.json()) as { data: unknown[]; total: number; groups?: unknown[] };
          return `${body.data.length} of ${body.total}${body.groups ? `, ${body.groups.length} groups` : ""}`;
        },
      ),
    );
  }
  printTable(`GET /api/v1/devices (sequential, after ${WARMUP_REQUESTS} warm-up requests; ms)`, api);

  const cookie = await signIn(base, ADMIN_EMAIL, ADMIN_PASSWORD, "/devices");
  const pageCombinations: [string, string][] = [
    ["page default", ""],
    ["page farm + types", "farm=3&type=collar,milk_meter"],
    ["page search q", "q=0482"],
    ["page critical+attention", "health=critical&attention=true&sort=lastSeen&dir=desc"],
    ["page group + tag, page 3", `group=${rootGroup}&tag=2&page=3`],
  ];
  const pages: Measured[] = [];
  for (const [label, query] of pageCombinations) {
    log(`${label}: ${PAGE_REQUESTS} requests`);
    pages.push(
      await measure(
        `${label}  /devices?${query}`,
        PAGE_REQUESTS,
        PAGE_TARGET_P95_MS,
        () => fetch(`${base}/devices?${query}`, { headers: { cookie }, redirect: "manual" }),
        async (response) => `${((await response.arrayBuffer()).byteLength / 1024).toFixed(0)} KiB HTML`,
      ),
    );
  }
  printTable(`GET /devices, full server-rendered HTML, signed in as admin (sequential; ms)`, pages);
  return { api, pages, typical: api.slice(0, 5) };
}

// ---------------------------------------------------------------- main


/** `name=value,…` as `ALTER DATABASE sdm_bench SET name = 'value'` (a developer's own input). */
async function applySettings(adminUrl: string, settings: string | undefined) {
  if (!settings?.trim()) return;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const setting of settings.split(",")) {
      const [name, value] = setting.split("=").map((part) => part.trim());
      if (!name || value === undefined || !/^[a-z_.]+$/.test(name)) throw new Error(`BENCH_PG_SETTINGS: "${setting}" is not name=value`);
      await client.query(`ALTER DATABASE "${DATABASE}" SET ${name} = '${value.replaceAll("'", "''")}'`);
      log(`PostgreSQL setting for ${DATABASE}: ${name} = ${value}`);
    }
  } finally {
    await client.end();
  }
}


async function main() {
  const { dataDir, databaseUrl } = await openBenchDatabase(DATABASE, (adminUrl) => applySettings(adminUrl, process.env.BENCH_PG_SETTINGS));
  await seed(databaseUrl);
  const apiKey = await createAdmin(databaseUrl);

  const base = await startProductionServer(databaseUrl, dataDir);
  const loadBefore = loadAverage();
  const { api, pages, typical } = await bench(base, apiKey, databaseUrl);

  const apiOk = typical.every(passed);
  const extrasOk = api.slice(5).every(passed);
  const pagesOk = pages.every(passed);
  console.log(
    [
      "",
      `Summary (targets for a 2-core machine; ${os.cpus().length} cores here, load average 1/5/15 min: ${loadBefore} before, ${loadAverage()} after)`,
      `  API p95 ≤ ${API_TARGET_P95_MS} ms, five typical combinations: ${apiOk ? "PASS" : "FAIL"}`,
      `  API p95 ≤ ${API_TARGET_P95_MS} ms, extra whole-fleet lines:   ${extrasOk ? "PASS" : "FAIL"}`,
      `  /devices page p95 ≤ ${PAGE_TARGET_P95_MS} ms:                 ${pagesOk ? "PASS" : "FAIL"}`,
      "",
    ].join("\n"),
  );
}

main()
  .catch((error) => {
    console.error("[bench] failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    log("stopped everything it started");
  });
