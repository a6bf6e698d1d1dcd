/**
 * The worker through restarts, reconnects and outages, end to end: real broker (MQTT_URL, or an
 * embedded one started here), real PostgreSQL (DATABASE_URL). Each test runs its own worker with
 * its own client id, so it can be stopped, restarted or killed without touching the others.
 */
import { spawn } from "node:child_process";
import type { MqttClient } from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../lib/config/database-url";
import { disconnectDb, getDb } from "../lib/db";
import type { TelemetryPayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";
import { adminUrlFor } from "../lib/services/embedded-postgres";
import { startIotWorker, type IotWorker, type IotWorkerOptions } from "./iot-worker";
import { connectOnce, createTestFleet, openTestBroker, waitFor, type TestBroker, type TestDevice } from "./test-fleet";

const db = getDb();
const service = {
  username: process.env.MQTT_SERVICE_USERNAME || "sdm-service",
  password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18),
};
const protocolVersion = process.env.MQTT_PROTOCOL_VERSION === "5" ? 5 : 4;
let broker: TestBroker | undefined;
let mqttUrl: string;
const clients: MqttClient[] = [];
const workers: IotWorker[] = [];
const sessions: string[] = [];
const run = Date.now().toString(36);

function workerClientId(name: string) {
  const clientId = `sdm-iot-worker-${name}-${run}`;
  sessions.push(clientId);
  return clientId;
}

async function startWorker(clientId: string, lines: string[], options: Partial<IotWorkerOptions> = {}) {
  const worker = await startIotWorker({
    mqttUrl,
    databaseUrl: resolveDatabaseUrl(),
    serviceUsername: service.username,
    servicePassword: service.password,
    clientId,
    protocolVersion,
    runJobs: false,
    flushIntervalMs: 50,
    deviceRowRefreshMs: 0,
    shutdownTimeoutMs: 500,
    log: (line) => {
      lines.push(line);
      if (process.env.WORKER_LOG) console.log(line);
    },
    ...options,
  });
  workers.push(worker);
  return worker;
}

async function connect(options: Parameters<typeof connectOnce>[1]) {
  const outcome = await connectOnce(mqttUrl, options);
  if (!outcome.ok) throw outcome.error;
  clients.push(outcome.client);
  return outcome.client;
}

const asDevice = (device: TestDevice) => connect({ ...device.credentials });
const asService = () => connect({ username: service.username, password: service.password, clientId: `svc-recovery-${Date.now()}-${Math.random().toString(36).slice(2, 6)}` });

function telemetry(client: MqttClient, deviceId: string, payload: TelemetryPayload, retain = false) {
  return client.publishAsync(topics.telemetry(deviceId), JSON.stringify(payload), { qos: 1, retain });
}

const samples = (id: number) => db.telemetrySample.count({ where: { deviceId: id } });
const deviceRow = (id: number) => db.device.findUniqueOrThrow({ where: { id } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  broker = await openTestBroker(db, service);
  mqttUrl = broker.url;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await Promise.all(workers.map((worker) => worker.stop().catch(() => undefined)));
  for (const clientId of sessions) await broker?.wipeSession(clientId);
  await broker?.close();
  await disconnectDb();
});

describe("retained messages", () => {
  it("are not stored again when the worker subscribes anew, nor put old values back on the device", async () => {
    const lane = await createTestFleet(db, 2);
    const [timed, untimed] = lane.devices as [TestDevice, TestDevice];
    const clientId = workerClientId("retained");
    const lines: string[] = [];
    let worker = await startWorker(clientId, lines);
    // Retained by the service account: the broker ACL refuses retain from devices, which is
    // covered in embedded-broker.integration.test.ts; this is the worker's own defence.
    const svc = await asService();
    try {
      await telemetry(svc, timed.deviceId, { ts: new Date(Date.now() - 60_000).toISOString(), battery_level: 5, error_count: 40 }, true);
      await telemetry(svc, untimed.deviceId, { battery_level: 5, error_count: 40 }, true);
      await waitFor(async () => (await samples(timed.id)) === 1 && (await samples(untimed.id)) === 1);
      // Then the devices report again, newer and healthy.
      for (const device of lane.devices) await telemetry(await asDevice(device), device.deviceId, { ts: new Date().toISOString(), battery_level: 90, error_count: 0 });
      await waitFor(async () => (await deviceRow(timed.id)).batteryLevel === 90 && (await deviceRow(untimed.id)).batteryLevel === 90);

      // A restart: the worker subscribes again and the broker replays what it retained.
      await worker.stop();
      worker = await startWorker(clientId, lines);
      await sleep(1_500);
      expect(await samples(timed.id)).toBe(2);
      expect(await samples(untimed.id)).toBe(2);
      for (const device of lane.devices) expect(await deviceRow(device.id)).toMatchObject({ batteryLevel: 90, errorCount: 0, healthStatus: "healthy" });
      // MQTT 5 subscribes with "send no retained messages"; 3.1.1 cannot say so and gets them.
      if (protocolVersion === 4) expect(worker.stats().retained).toBeGreaterThanOrEqual(2);
    } finally {
      // An empty retained payload clears the topic's retained message on the broker.
      for (const device of lane.devices) await svc.publishAsync(topics.telemetry(device.deviceId), "", { qos: 1, retain: true });
      await worker.stop();
      await lane.remove();
    }
  });
});

/** Publishes `count` numbered readings at a steady pace; resolves when the broker acknowledged all. */
async function publishNumbered(client: MqttClient, deviceId: string, count: number, everyMs: number) {
  for (let seq = 0; seq < count; seq++) {
    await telemetry(client, deviceId, { ts: new Date().toISOString(), battery_level: 50, readings: { seq } });
    await sleep(everyMs);
  }
}

/** How many times each number was stored. */
async function storedCounts(deviceId: number) {
  const rows = await db.$queryRaw<{ seq: number; n: bigint }[]>`
    SELECT (readings->>'seq')::int AS seq, count(*) AS n FROM telemetry_samples WHERE device_id = ${deviceId} GROUP BY 1`;
  return new Map(rows.map((row) => [row.seq, Number(row.n)]));
}

/**
 * The worker's database goes away: it refuses new connections and the worker's are cut (a restart
 * or a network loss, as the worker sees it). Switched from the server's admin database, since a
 * database cannot refuse connections to itself.
 */
async function databaseOutage() {
  const name = new URL(resolveDatabaseUrl()).pathname.slice(1);
  const admin = new pg.Client({ connectionString: adminUrlFor(resolveDatabaseUrl()) });
  await admin.connect();
  await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'sdm-iot-worker'`, [name]);
  let ended = false;
  return {
    async end() {
      if (ended) return;
      ended = true;
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    },
  };
}

describe("database outages", () => {
  it("keep the broker connection while reading is paused longer than the keepalive: nothing lost, nothing stored twice", { timeout: 90_000 }, async () => {
    const lane = await createTestFleet(db, 1);
    const { id, deviceId } = lane.devices[0]!;
    const lines: string[] = [];
    // A 2 s keepalive and a backlog of 10: reading stops almost at once, and mqtt.js, missing the
    // broker's ping answers, used to drop the connection after 3 s.
    const worker = await startWorker(workerClientId("outage"), lines, { keepaliveSeconds: 2, highWater: 10 });
    const client = await asDevice(lane.devices[0]!);
    const outage = await databaseOutage();
    try {
      await publishNumbered(client, deviceId, 150, 10);
      await waitFor(async () => worker.stats().pending >= 10);
      await sleep(5_000);
      await outage.end();
      const counts = await waitFor(async () => {
        const stored = await storedCounts(id);
        return stored.size === 150 ? stored : null;
      }, 40_000);
      await sleep(1_000);
      expect([...(await storedCounts(id)).entries()].filter(([, n]) => n > 1)).toEqual([]);
      expect(counts.size).toBe(150);
      expect(lines.filter((line) => line.includes("connection lost"))).toEqual([]);
      expect(worker.stats().pausedMs).toBeGreaterThan(4_000);
      expect(lines.some((line) => line.includes("ALERT database unreachable"))).toBe(true);
      expect(worker.stats()).toMatchObject({ paused: false });
    } finally {
      await outage.end();
      await worker.stop();
      await lane.remove();
    }
  });

  it("a connection lost while messages wait for the database: the broker's redeliveries are not stored again", { timeout: 90_000 }, async () => {
    const lane = await createTestFleet(db, 1);
    const { id, deviceId } = lane.devices[0]!;
    const lines: string[] = [];
    const clientId = workerClientId("redelivery");
    const worker = await startWorker(clientId, lines);
    const client = await asDevice(lane.devices[0]!);
    const outage = await databaseOutage();
    try {
      await publishNumbered(client, deviceId, 100, 5);
      // Held in memory, unacknowledged (a broker sends only so many unacknowledged at a time).
      await waitFor(async () => worker.stats().pending >= 10);
      // Taking over the worker's client id makes the broker drop the worker's connection; the
      // intruder never acknowledges and leaves, and the worker's resumed session gets it all again.
      const resumedBefore = lines.filter((line) => line.includes("session resumed")).length;
      const intruder = await connectOnce(mqttUrl, {
        clientId,
        clean: false,
        username: service.username,
        password: service.password,
        protocolVersion,
        // MQTT 5 ends a session at disconnect unless told to keep it.
        ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 600 } } : {}),
      });
      if (!intruder.ok) throw intruder.error;
      intruder.client.handleMessage = () => undefined;
      await sleep(200);
      await intruder.client.endAsync(true);
      await waitFor(async () => lines.filter((line) => line.includes("session resumed")).length > resumedBefore, 15_000);
      await sleep(1_500);
      await outage.end();
      await waitFor(async () => (await storedCounts(id)).size === 100 || null, 40_000);
      await sleep(1_000);
      expect([...(await storedCounts(id)).entries()].filter(([, n]) => n > 1)).toEqual([]);
      expect(await samples(id)).toBe(100);
      expect(worker.stats().redelivered).toBeGreaterThan(0);
    } finally {
      await outage.end();
      await worker.stop();
      await lane.remove();
    }
  });
});

/** The worker as `npm run worker` runs it, in its own process, so that it can be killed outright. */
async function spawnWorker(clientId: string) {
  const lines: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "workers/iot-worker.ts"], {
    env: {
      ...process.env,
      MQTT_URL: mqttUrl,
      DATABASE_URL: resolveDatabaseUrl(),
      MQTT_SERVICE_USERNAME: service.username,
      MQTT_SERVICE_PASSWORD: service.password,
      MQTT_CLIENT_ID: clientId,
      MQTT_PROTOCOL_VERSION: String(protocolVersion),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      lines.push(...chunk.split("\n").filter(Boolean));
      if (process.env.WORKER_LOG) process.stdout.write(chunk);
    });
  }
  try {
    await waitFor(async () => lines.some((line) => line.includes("connected to")), 30_000, 100);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`the worker did not connect: ${lines.join("\n")}`, { cause: error });
  }
  return {
    lines,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

describe("a worker killed outright", () => {
  it("leaves no device row behind its newest stored sample: the next start brings it up to date", { timeout: 90_000 }, async () => {
    const lane = await createTestFleet(db, 1);
    const { id, deviceId } = lane.devices[0]!;
    const clientId = workerClientId("killed");
    const killed = await spawnWorker(clientId);
    try {
      const client = await asDevice(lane.devices[0]!);
      const first = Date.now() - 1_000;
      await telemetry(client, deviceId, { ts: new Date(first).toISOString(), battery_level: 40, signal_strength: -60, error_count: 1 });
      await waitFor(async () => (await deviceRow(id)).batteryLevel === 40);
      // Within the 5 s a healthy device's row write is held back: the sample is stored and
      // acknowledged, the row still says 40.
      const second = Date.now();
      await telemetry(client, deviceId, { ts: new Date(second).toISOString(), battery_level: 38, signal_strength: -60, error_count: 1, cpu_percent: 30 });
      await waitFor(async () => (await samples(id)) === 2);
      await killed.kill();
      expect(await deviceRow(id)).toMatchObject({ batteryLevel: 40, cpuPercent: null });

      const lines: string[] = [];
      await startWorker(clientId, lines, { deviceRowRefreshMs: 5_000 });
      const row = await deviceRow(id);
      expect(row).toMatchObject({ batteryLevel: 38, signalStrength: -60, errorCount: 1, cpuPercent: 30 });
      expect(row.valuesAt!.getTime()).toBe(second);
      expect(lines.some((line) => line.includes(deviceId) && line.includes("brought up to date"))).toBe(true);
    } finally {
      await killed.kill();
      await lane.remove();
    }
  });
});
