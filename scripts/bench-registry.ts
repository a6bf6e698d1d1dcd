/**
 * `npm run bench:registry`: the device registry at fleet size. Seeds 100,000 devices (or
 * `--devices N`) across 20 farms and 200 groups into a database of its own, runs the production
 * server against it and measures, with sequential requests, /api/v1/devices for typical filter
 * combinations and a page 500 deep (by cursor), the /devices page's server response, and the CSV
 * export of every device (streamed: the server's RSS is sampled during it). It also prints
 * EXPLAIN ANALYZE of the list's queries for each typical filter. A benchmark, not a test: it
 * prints PASS/FAIL against the targets and exits 0 either way (1 only when it could not run).
 *
 *   npm run bench:registry -- --devices 1000000             embedded PostgreSQL under .data/bench
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:registry
 *                                                            a fresh database sdm_bench on that server
 *
 * Options (environment): BENCH_DEVICES (100000; --devices wins), BENCH_DATABASE (sdm_bench),
 * BENCH_PORT (a free port), BENCH_EXPORT=0 skips the export, BENCH_REQUESTS per API combination (200),
 * BENCH_PAGE_REQUESTS per page combination (60), BENCH_KEEP=1 keeps the database afterwards,
 * BENCH_PG_SETTINGS="max_parallel_workers_per_gather=0,…" sets PostgreSQL settings on the bench
 * database only (to try a tuning). The machine's load average is printed beside the figures: on a
 * 2-core machine other work moves p95 a lot.
 * Targets (the issue): p95 ≤ 50 ms per API request, the list page's server response ≤ 300 ms,
 * the export of every device ≤ 60 s with flat memory.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import pg from "pg";
import { encodeCursor } from "../lib/devices/device-cursor";
import { newSecret } from "../lib/provisioning/credentials";
import { loadAverage, log, openBenchDatabase, runBench } from "./bench-harness";
import { signIn, startProductionServer } from "./bench-server";

const API_TARGET_P95_MS = 50;
const PAGE_TARGET_P95_MS = 300;
const EXPORT_TARGET_S = 60;
const DATABASE = process.env.BENCH_DATABASE ?? "sdm_bench";
if (!/^[a-z_][a-z0-9_]*$/.test(DATABASE)) throw new Error(`BENCH_DATABASE: "${DATABASE}" is not a plain database name`);
const devicesArgument = process.argv.indexOf("--devices");
const DEVICES = Number(devicesArgument >= 0 ? process.argv[devicesArgument + 1] : (process.env.BENCH_DEVICES ?? 100_000));
if (!Number.isInteger(DEVICES) || DEVICES < 1000) throw new Error("--devices (or BENCH_DEVICES) must be a whole number of at least 1000");
const PORT = process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : undefined;
/** The page the deep-page lines ask for, 50 devices a page. */
const DEEP_PAGE = 500;
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
    // A million rows go in far faster into a table without its 20 secondary indexes (four of them
    // trigram GIN), each then built in one sorted pass: minutes instead of most of an hour.
    const indexes = await client.query<{ name: string; definition: string }>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = 'devices' AND indexname <> 'devices_pkey'`,
    );
    await client.query("SET maintenance_work_mem = '256MB'");
    await client.query("SET synchronous_commit = off");
    await client.query("BEGIN");
    for (const index of indexes.rows) await client.query(`DROP INDEX "${index.name}"`);
    for (const statement of SEED_SQL(DEVICES)) await client.query(statement);
    const rows = performance.now();
    for (const index of indexes.rows) await client.query(index.definition);
    await client.query("COMMIT");
    const inserted = performance.now();
    log(`devices inserted in ${((rows - started) / 1000).toFixed(1)} s, ${indexes.rows.length} indexes built in ${((inserted - rows) / 1000).toFixed(1)} s`);
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

const LIVE = `state IN ('manufactured', 'provisioned', 'registered', 'active', 'suspended', 'maintenance')`;

/**
 * The cursors the list would hand out after DEEP_PAGE - 1 pages of 50: what a person or a script
 * holds after paging that far (read here by OFFSET once, to skip the 499 requests).
 */
async function deepCursors(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // a smaller fleet than 25,000 live devices: its last full page instead
    const live = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM devices WHERE ${LIVE}`)).rows[0]!.n);
    const page = Math.min(DEEP_PAGE, Math.floor((live - 1) / 50));
    const offset = (page - 1) * 50;
    const byId = await client.query<{ device_id: string }>(`SELECT device_id FROM devices WHERE ${LIVE} ORDER BY device_id OFFSET ${offset - 1} LIMIT 1`);
    const byType = await client.query<{ device_id: string; device_type: string }>(`SELECT device_id, device_type FROM devices WHERE ${LIVE} ORDER BY device_type, device_id OFFSET ${offset - 1} LIMIT 1`);
    return {
      byId: encodeCursor({ sort: "deviceId", dir: "asc", value: byId.rows[0]!.device_id, deviceId: byId.rows[0]!.device_id, before: false, offset }),
      byType: encodeCursor({ sort: "type", dir: "asc", value: byType.rows[0]!.device_type, deviceId: byType.rows[0]!.device_id, before: false, offset }),
      page,
      lastId: byId.rows[0]!.device_id,
      lastType: byType.rows[0]!,
    };
  } finally {
    await client.end();
  }
}

/**
 * EXPLAIN ANALYZE of the queries the list runs for each typical filter (the page's ids, as
 * lib/devices/device-list.ts asks Prisma for them, and the count capped at 10,001): its time and
 * the indexes it used, to check the indexes against the filter combinations at this size.
 */
async function explainTypical(databaseUrl: string, rootGroup: number, deep: Awaited<ReturnType<typeof deepCursors>>) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const subtree = `SELECT id FROM device_groups WHERE id = ${rootGroup} OR parent_id = ${rootGroup} OR parent_id IN (SELECT id FROM device_groups WHERE parent_id = ${rootGroup})`;
  const queries: [string, string][] = [
    ["default first page", `SELECT id FROM devices WHERE ${LIVE} ORDER BY device_id LIMIT 51`],
    ["default count (capped)", `SELECT count(*) FROM (SELECT 1 FROM devices WHERE ${LIVE} LIMIT 10001) s`],
    ["farm + types", `SELECT id FROM devices WHERE farm_id = 3 AND ${LIVE} AND device_type IN ('collar', 'milk_meter') ORDER BY device_id LIMIT 51`],
    ["farm + types count (capped)", `SELECT count(*) FROM (SELECT 1 FROM devices WHERE farm_id = 3 AND ${LIVE} AND device_type IN ('collar', 'milk_meter') LIMIT 10001) s`],
    ["farm-bound manager, first page", `SELECT id FROM devices WHERE farm_id = 3 AND ${LIVE} ORDER BY device_id LIMIT 51`],
    ["critical + attention by lastSeen desc", `SELECT id FROM devices WHERE ${LIVE} AND health_status = 'critical' AND needs_attention AND last_seen IS NOT NULL ORDER BY last_seen DESC, device_id DESC LIMIT 51`],
    ["group subtree + tag", `SELECT id FROM devices d WHERE ${LIVE} AND group_id IN (${subtree}) AND EXISTS (SELECT 1 FROM device_tag_links l WHERE l.device_id = d.id AND l.tag_id = 2) ORDER BY device_id LIMIT 51`],
    [`page ${deep.page} by cursor`, `SELECT id FROM devices WHERE ${LIVE} AND device_id > '${deep.lastId}' ORDER BY device_id LIMIT 51`],
    [`page ${deep.page} by cursor, sort=type (ties)`, `SELECT id FROM devices WHERE ${LIVE} AND device_type = '${deep.lastType.device_type}' AND device_id > '${deep.lastType.device_id}' ORDER BY device_id LIMIT 51`],
    [`page ${deep.page} by offset (old ?page=)`, `SELECT id FROM devices WHERE ${LIVE} ORDER BY device_id OFFSET ${(deep.page - 1) * 50} LIMIT 51`],
    ["estimate (EXPLAIN only)", `EXPLAIN SELECT 1 FROM devices WHERE ${LIVE}`],
  ];
  console.log(`\nEXPLAIN ANALYZE of the list's queries at ${DEVICES.toLocaleString("en")} devices (ms; indexes used)`);
  try {
    for (const [label, sql] of queries) {
      // the count estimate only plans its query (lib/devices/device-count.ts): time the EXPLAIN itself
      const planOnly = sql.startsWith("EXPLAIN ");
      const started = performance.now();
      const plan = await client.query<{ "QUERY PLAN": { "Execution Time"?: number; Plan: Record<string, unknown> }[] }>(planOnly ? `EXPLAIN (FORMAT JSON) ${sql.slice(8)}` : `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`);
      const root = plan.rows[0]!["QUERY PLAN"][0]!;
      root["Execution Time"] ??= performance.now() - started;
      const indexes = new Set<string>();
      const nodes: string[] = [];
      const visit = (node: Record<string, unknown>) => {
        if (typeof node["Index Name"] === "string") indexes.add(node["Index Name"]);
        nodes.push(String(node["Node Type"]));
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child);
      };
      visit(root.Plan);
      console.log(`  ${label.padEnd(44)} ${root["Execution Time"]!.toFixed(1).padStart(8)}  ${[...indexes].join(", ") || "(no index)"}  [${[...new Set(nodes)].join(" > ")}]`);
    }
  } finally {
    await client.end();
  }
}

/** The web server's own process (the one listening on the port) and its resident memory. */
function serverPid(base: string): number | null {
  const port = new URL(base).port;
  try {
    const out = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
    const match = /pid=(\d+)/.exec(out);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

const rssMb = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : 0;
};

/** GET the CSV export of every device, counting its lines, while sampling the server's RSS every 200 ms. */
async function benchExport(base: string, apiKey: string) {
  const pid = serverPid(base);
  const before = pid ? rssMb(pid) : 0;
  let peak = before;
  const samples: number[] = [];
  const sampler = pid
    ? setInterval(() => {
        const now = rssMb(pid);
        samples.push(now);
        peak = Math.max(peak, now);
      }, 200)
    : null;
  const started = performance.now();
  let firstByte = 0;
  let bytes = 0;
  let lines = 0;
  try {
    const response = await fetch(`${base}/api/v1/devices/export`, { headers: { "x-api-key": apiKey } });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (!firstByte) firstByte = performance.now() - started;
      bytes += chunk.byteLength;
      for (const byte of chunk) if (byte === 10) lines++;
    }
  } finally {
    if (sampler) clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  return { seconds, firstByte, bytes, rows: lines - 1, before, peak, firstQuarterPeak: Math.max(before, ...samples.slice(0, quarter)), lastQuarterPeak: Math.max(before, ...samples.slice(-quarter)), pid };
}

async function bench(base: string, apiKey: string, databaseUrl: string) {
  const rootGroup = await groupSubtreeRoot(databaseUrl);
  const deep = await deepCursors(databaseUrl);
  await explainTypical(databaseUrl, rootGroup, deep);
  const apiCombinations: [string, string][] = [
    ["1 default first page", ""],
    ["2 farm + types", "farm=3&type=collar,milk_meter"],
    ["3 search q (partial id/serial)", "q=0482"],
    ["4 critical+attention by lastSeen", "health=critical&attention=true&sort=lastSeen&dir=desc"],
    ["5 group subtree + tag, page 3", `group=${rootGroup}&tag=2&page=3`],
    [`6 page ${deep.page} deep (cursor)`, `cursor=${deep.byId}`],
    [`x page ${deep.page} deep, sort=type (cursor)`, `sort=type&cursor=${deep.byType}`],
    [`x page ${deep.page} by offset (?page=)`, `page=${deep.page}`],
    ["x groupBy=type, whole fleet", "groupBy=type"],
    ["x sort battery, whole fleet", "sort=battery&dir=asc"],
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
          const body = (await response.json()) as { data: unknown[]; total: number; totalKind: string; page: number; groups?: unknown[] };
          const total = `${body.totalKind === "estimate" ? "about " : body.totalKind === "atLeast" ? "more than " : ""}${body.total.toLocaleString("en")}`;
          return `${body.data.length} of ${total}, page ${body.page}${body.groups ? `, ${body.groups.length} groups` : ""}`;
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
    [`page ${deep.page} deep (cursor)`, `cursor=${deep.byId}`],
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

  let exported: Awaited<ReturnType<typeof benchExport>> | null = null;
  if (process.env.BENCH_EXPORT !== "0") {
    log(`export of every device (CSV), server RSS sampled every 200 ms`);
    exported = await benchExport(base, apiKey);
    console.log(
      `\nGET /api/v1/devices/export (every live device, CSV, streamed; load average ${loadAverage()})\n` +
        `  ${exported.rows.toLocaleString("en")} rows, ${(exported.bytes / 1024 / 1024).toFixed(0)} MB in ${exported.seconds.toFixed(1)} s (first byte ${exported.firstByte.toFixed(0)} ms) ` +
        `≤${EXPORT_TARGET_S} s ${exported.seconds <= EXPORT_TARGET_S ? "PASS" : "FAIL"}\n` +
        (exported.pid
          ? `  server RSS (pid ${exported.pid}): ${exported.before.toFixed(0)} MB before, peak ${exported.peak.toFixed(0)} MB; peak in the first quarter of the export ${exported.firstQuarterPeak.toFixed(0)} MB, in the last ${exported.lastQuarterPeak.toFixed(0)} MB`
          : "  server RSS: not sampled (no ss or /proc here)"),
    );
  }
  return { api, pages, typical: api.slice(0, 6), extras: api.slice(6), exported };
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

  const base = await startProductionServer(databaseUrl, dataDir, {}, PORT);
  const loadBefore = loadAverage();
  const { pages, typical, extras, exported } = await bench(base, apiKey, databaseUrl);

  const apiOk = typical.every(passed);
  const extrasOk = extras.every(passed);
  const pagesOk = pages.every(passed);
  console.log(
    [
      "",
      `Summary (targets for a 2-core machine; ${os.cpus().length} cores here, load average 1/5/15 min: ${loadBefore} before, ${loadAverage()} after)`,
      `  ${DEVICES.toLocaleString("en")} devices seeded`,
      `  API p95 ≤ ${API_TARGET_P95_MS} ms, five typical combinations and page ${DEEP_PAGE}: ${apiOk ? "PASS" : "FAIL"}`,
      `  API p95 ≤ ${API_TARGET_P95_MS} ms, extra whole-fleet lines:   ${extrasOk ? "PASS" : "FAIL"}`,
      `  /devices page p95 ≤ ${PAGE_TARGET_P95_MS} ms:                 ${pagesOk ? "PASS" : "FAIL"}`,
      exported ? `  export of every device ≤ ${EXPORT_TARGET_S} s:               ${exported.seconds <= EXPORT_TARGET_S ? "PASS" : "FAIL"} (${exported.seconds.toFixed(1)} s, server RSS peak ${exported.peak.toFixed(0)} MB from ${exported.before.toFixed(0)} MB)` : "  export: skipped (BENCH_EXPORT=0)",
      "",
    ].join("\n"),
  );
}

runBench(main);
