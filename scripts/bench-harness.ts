/**
 * What the benchmarks share: a log line prefix, the machine's load (figures on a busy 2-core box
 * are several times worse, so every table prints it), clean-up on exit, and a fresh database of
 * their own — on DATABASE_URL's server when set, else an embedded PostgreSQL under .data/bench.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import type pg from "pg";
import { parseConfig } from "../lib/config/env";
import { adminUrlFor, dropDatabase, ensureDatabase, startEmbeddedPostgres, withDatabase } from "../lib/services/embedded-postgres";
import { findFreePort } from "../lib/services/free-port";
import { migrateDeploy } from "../lib/services/migrate";
import { newSecret } from "../lib/provisioning/credentials";
import { WORKER_NODE_FLAGS } from "../lib/services/worker-node-flags";

export const log = (line: string) => console.log(`[bench] ${line}`);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const fmt = (value: number) => Math.round(value).toLocaleString("en");
export const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

/** One MQTT connection that fails rather than retries: a benchmark wants to know at once. */
export function connectMqtt(url: string, options: mqtt.IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    client.once("connect", () => resolve(client));
    client.once("error", reject);
  });
}

export type BenchFleet = { farmCode: string; farmName: string; idPrefix: string; name: string; deviceType: string; model: string; firmwareVersion: string };

/** `count` healthy, online devices of one type in a farm of their own (ids `<prefix>000001`…); returns the farm's id. */
export async function seedOnlineFleet(sql: pg.Pool, fleet: BenchFleet, count: number): Promise<number> {
  const { rows: [farm] } = await sql.query<{ id: number }>(`INSERT INTO farms (code, name) VALUES ($1, $2) RETURNING id`, [fleet.farmCode, fleet.farmName]);
  await sql.query(
    `INSERT INTO devices (device_id, name, device_type, state, farm_id, model, firmware_version, updated_at, last_seen, health_status, health_score, connection_status)
     SELECT $3 || lpad(n::text, 6, '0'), $4 || ' ' || n, $5::"DeviceType", 'active', $1, $6, $7, now(), now(), 'healthy', 100, 'online'
       FROM generate_series(1, $2::int) AS n`,
    [farm!.id, count, fleet.idPrefix, fleet.name, fleet.deviceType, fleet.model, fleet.firmwareVersion],
  );
  return farm!.id;
}

/**
 * Farms and their people for a seeded benchmark: ids from 1, an admin (user 1), a manager per farm
 * (users 2…) and its technicians after them; the sequences moved past what is inserted.
 */
export function benchFarmsAndPeopleSql({ farms, techniciansPerFarm, codePrefix, farmName }: { farms: number; techniciansPerFarm: number; codePrefix: string; farmName: string }): string[] {
  return [
    `INSERT INTO farms (id, code, name, timezone)
   SELECT f, '${codePrefix}' || lpad(f::text, 2, '0'), '${farmName} ' || f, 'Europe/Amsterdam' FROM generate_series(1, ${farms}) f`,
    `SELECT setval(pg_get_serial_sequence('farms', 'id'), ${farms})`,
    `INSERT INTO users (id, email, name, role, farm_id, password_hash) VALUES (1, 'bench-admin@smartdairy.example', 'Bench Admin', 'admin', NULL, 'x')`,
    `INSERT INTO users (id, email, name, role, farm_id, password_hash)
   SELECT 1 + f, 'manager' || f || '@bench.example', 'Manager ' || f, 'manager'::"Role", f, 'x' FROM generate_series(1, ${farms}) f`,
    `INSERT INTO users (id, email, name, role, farm_id, password_hash)
   SELECT 1 + ${farms} + (f - 1) * ${techniciansPerFarm} + t, 'tech' || f || '-' || t || '@bench.example', 'Technician ' || f || '-' || t, 'technician'::"Role", f, 'x'
     FROM generate_series(1, ${farms}) f, generate_series(1, ${techniciansPerFarm}) t`,
    `SELECT setval(pg_get_serial_sequence('users', 'id'), ${1 + farms + farms * techniciansPerFarm})`,
  ];
}

export const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(" / ");

/** Steps undone in reverse order when the benchmark ends or is interrupted. */
export const cleanups: (() => Promise<void>)[] = [];

/**
 * Runs a benchmark's main: a failure says why and exits 1, and whatever it started is stopped either
 * way. `exit` ends the process after that, for benches whose clients keep sockets open.
 */
export function runBench(main: () => Promise<unknown>, { exit = false } = {}) {
  main()
    .catch((error) => {
      console.error("[bench] failed:", error instanceof Error ? error.message : error);
      process.exitCode = 1;
    })
    .finally(async () => {
      await cleanup();
      log("stopped everything it started");
      if (exit) process.exit();
    });
}

export async function cleanup() {
  for (const step of cleanups.reverse()) await step().catch((error) => log(`cleanup: ${(error as Error).message}`));
  cleanups.length = 0;
}

/**
 * A fresh, migrated database named `database`, dropped at the end unless BENCH_KEEP=1.
 * `beforeMigrate` runs on the empty database (per-database PostgreSQL settings).
 */
export async function openBenchDatabase(database: string, beforeMigrate?: (adminUrl: string) => Promise<void>) {
  const config = parseConfig(process.env);
  const dataDir = path.resolve(config.DATA_DIR, "bench");
  mkdirSync(dataDir, { recursive: true });
  process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
  process.on("SIGTERM", () => void cleanup().then(() => process.exit(143)));

  let adminUrl: string;
  let databaseUrl: string;
  if (config.DATABASE_URL) {
    adminUrl = adminUrlFor(config.DATABASE_URL);
    log(`PostgreSQL: ${new URL(config.DATABASE_URL).host} (external), fresh database ${database}`);
    databaseUrl = withDatabase(config.DATABASE_URL, database);
  } else {
    const postgres = await startEmbeddedPostgres({ dataDir, database: "postgres", log });
    cleanups.push(() => postgres.stop());
    adminUrl = postgres.adminUrl;
    databaseUrl = withDatabase(postgres.url, database);
    log(`PostgreSQL: embedded (data in ${path.relative(process.cwd(), dataDir)}/postgres), fresh database ${database}`);
  }
  await dropDatabase(adminUrl, database);
  await ensureDatabase(adminUrl, database);
  await beforeMigrate?.(adminUrl);
  if (process.env.BENCH_KEEP !== "1") cleanups.push(() => dropDatabase(adminUrl, database));
  await migrateDeploy(databaseUrl, log);
  return { config, dataDir, adminUrl, databaseUrl };
}

/**
 * The embedded broker (Aedes) in a process of its own, authenticating devices against
 * `databaseUrl` as in production: what a benchmark uses when MQTT_URL is not set.
 */
export async function startEmbeddedBrokerProcess(databaseUrl: string, servicePassword: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await findFreePort();
  const broker = spawn(process.execPath, ["--import", "tsx", "workers/embedded-broker.ts"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, MQTT_SERVICE_PASSWORD: servicePassword, EMBEDDED_MQTT_PORT: String(port), EMBEDDED_MQTT_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    broker.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) resolve();
    });
    broker.once("exit", (code) => reject(new Error(`embedded broker exited (${code})`)));
  });
  broker.stdout!.resume();
  log(`broker: embedded (Aedes) in its own process on port ${port}, MQTT 3.1.1`);
  return { child: broker, url: `mqtt://127.0.0.1:${port}` };
}

/**
 * The broker a benchmark talks to: MQTT_URL's when set (external), else the embedded one in a
 * process of its own, stopped at clean-up. Returns its URL and the service account to log in with.
 */
export async function benchBroker(config: { MQTT_URL?: string; MQTT_SERVICE_USERNAME: string; MQTT_SERVICE_PASSWORD?: string }, databaseUrl: string) {
  const serviceUsername = config.MQTT_SERVICE_USERNAME;
  const servicePassword = config.MQTT_SERVICE_PASSWORD ?? newSecret(18);
  let mqttUrl = config.MQTT_URL;
  if (!mqttUrl) {
    const broker = await startEmbeddedBrokerProcess(databaseUrl, servicePassword);
    cleanups.push(async () => {
      if (broker.child.exitCode === null) broker.child.kill("SIGTERM");
      await sleep(500);
    });
    mqttUrl = broker.url;
  } else log(`broker: ${mqttUrl} (external)`);
  return { mqttUrl, serviceUsername, servicePassword };
}

export type WorkerProcess = {
  child: ChildProcess;
  /** Every line it printed, for its stats line. */
  lines: string[];
  /** SIGTERM, then waits (up to 15 s) for it to store what it holds and exit. */
  stop(): Promise<void>;
};

/**
 * The real worker (`tsx workers/iot-worker.ts`) in a process of its own, as in production, started
 * once it is connected to the broker. cleanup() stops it first and only then wipes its persistent
 * sessions: wiped while it runs, it would reconnect and make them again — and a dead session on a
 * shared subscription keeps taking a share of the next run's messages.
 */
export async function startWorkerProcess(options: {
  env: Record<string, string>;
  mqttUrl: string;
  clientId: string;
  connections: number;
  serviceUsername: string;
  servicePassword: string;
  protocolVersion: 4 | 5;
}): Promise<WorkerProcess> {
  // BENCH_WORKER_NODE_ARGS: extra node flags for the worker alone, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  // (node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, ...nodeArgs, "--import", "tsx", "workers/iot-worker.ts"], {
    env: {
      ...process.env,
      ...options.env,
      MQTT_URL: options.mqttUrl,
      MQTT_SERVICE_USERNAME: options.serviceUsername,
      MQTT_SERVICE_PASSWORD: options.servicePassword,
      MQTT_CLIENT_ID: options.clientId,
      MQTT_PROTOCOL_VERSION: String(options.protocolVersion),
      MQTT_INGEST_CONNECTIONS: String(options.connections),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await Promise.race([once(child, "exit"), new Promise((resolve) => setTimeout(resolve, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  // The worker's own client ids (workers/iot-worker.ts): the base, or base-1…base-N on a shared subscription.
  const clientIds = options.connections > 1 ? Array.from({ length: options.connections }, (_, i) => `${options.clientId}-${i + 1}`.slice(0, 64)) : [options.clientId];
  cleanups.push(async () => {
    await stop();
    for (const clientId of clientIds) {
      const wipe = mqtt.connect(options.mqttUrl, { clientId, clean: true, username: options.serviceUsername, password: options.servicePassword, protocolVersion: options.protocolVersion, reconnectPeriod: 0 });
      await Promise.race([new Promise((resolve) => wipe.once("connect", resolve)), new Promise((resolve) => setTimeout(resolve, 3_000))]);
      await wipe.endAsync(true).catch(() => undefined);
    }
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        lines.push(line);
        if (process.env.BENCH_VERBOSE) log(`worker: ${line}`);
        if (line.includes("connected to")) resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code})`)));
  });
  return { child, lines, stop };
}

/**
 * CPU seconds used so far by each process of a kind that matters here on this machine (Linux /proc): on a 2-core box
 * shared by publishers, broker, worker and database, who spends the cores is what explains a rate.
 */
export function cpuSecondsByRole(): Map<number, { role: string; seconds: number }> {
  const ticks = 100; // USER_HZ: 100 on every Linux this runs on
  const roles = new Map<number, { role: string; seconds: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    let command: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      command = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name (which may hold spaces) start at the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Own time plus that of children already reaped: PostgreSQL's backends come and go (the
    // pool closes idle connections) and their time lands on the postmaster when they exit.
    const seconds = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks;
    const role = command.includes("iot-worker.ts")
      ? "worker"
      : command.includes("--publisher")
        ? "publishers"
        : command.startsWith("postgres") || command.includes("/postgres ")
          ? "PostgreSQL"
          : command.includes("mosquitto") || command.includes("embedded-broker.ts")
            ? "broker"
            : Number(entry) === process.pid
              ? "bench (reader)"
              : null;
    if (role) roles.set(Number(entry), { role, seconds });
  }
  return roles;
}

/** What each role used between two cpuSecondsByRole() readings, as "worker 0.61 cores, …". */
export function cpuShare(before: ReturnType<typeof cpuSecondsByRole>, after: ReturnType<typeof cpuSecondsByRole>, seconds: number): string {
  // Per process: one that ended in between (a PostgreSQL backend) takes its time with it.
  const used = new Map<string, number>();
  for (const [pid, { role, seconds: total }] of after) used.set(role, (used.get(role) ?? 0) + total - (before.get(pid)?.seconds ?? 0));
  return [...used]
    .map(([role, cpu]) => ({ role, cores: cpu / seconds }))
    .sort((a, b) => b.cores - a.cores)
    .map(({ role, cores }) => `${role} ${cores.toFixed(2)}`)
    .join(", ");
}
