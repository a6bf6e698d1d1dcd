/**
 * The worker through restarts, reconnects and outages, end to end: real broker (MQTT_URL, or an
 * embedded one started here), real PostgreSQL (DATABASE_URL). Each test runs its own worker with
 * its own client id, so it can be stopped, restarted or killed without touching the others.
 */
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../lib/config/database-url";
import { disconnectDb, getDb } from "../lib/db";
import type { TelemetryPayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";
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
      await lane.remove();
    }
  });
});
