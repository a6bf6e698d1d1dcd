/**
 * The worker end to end: real broker (MQTT_URL, or an embedded one started here), real PostgreSQL
 * (DATABASE_URL). Devices publish with their own credentials; rows are checked in the database.
 */
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../lib/config/database-url";
import { disconnectDb, getDb } from "../lib/db";
import type { TelemetryPayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";
import { findFreePort } from "../lib/services/free-port";
import { startEmbeddedBroker, type EmbeddedBroker } from "./embedded-broker";
import { startIotWorker, type IotWorker } from "./iot-worker";
import { connectOnce, createTestFleet, waitFor, type TestDevice } from "./test-fleet";

const db = getDb();
const service = {
  username: process.env.MQTT_SERVICE_USERNAME || "sdm-service",
  password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18),
};
let broker: EmbeddedBroker | undefined;
let mqttUrl: string;
let worker: IotWorker;
let fleet: Awaited<ReturnType<typeof createTestFleet>>;
const workerClientId = `sdm-iot-worker-test-${Date.now().toString(36)}`;
const clients: MqttClient[] = [];

async function connect(options: Parameters<typeof connectOnce>[1]) {
  const outcome = await connectOnce(mqttUrl, options);
  if (!outcome.ok) throw outcome.error;
  clients.push(outcome.client);
  return outcome.client;
}

const asDevice = (device: TestDevice) => connect({ ...device.credentials });
const asService = () => connect({ username: service.username, password: service.password, clientId: `svc-test-${Date.now()}-${Math.random().toString(36).slice(2, 6)}` });

function telemetry(client: MqttClient, deviceId: string, payload: TelemetryPayload) {
  return client.publishAsync(topics.telemetry(deviceId), JSON.stringify(payload), { qos: 1 });
}

const deviceRow = (id: number) => db.device.findUniqueOrThrow({ where: { id } });
const device = (index: number) => fleet.devices[index]!;

beforeAll(async () => {
  fleet = await createTestFleet(db, 5);
  if (process.env.MQTT_URL) {
    mqttUrl = process.env.MQTT_URL;
  } else {
    broker = await startEmbeddedBroker({ port: await findFreePort(), db, serviceUsername: service.username, servicePassword: service.password });
    mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
  }
  worker = await startIotWorker({
    mqttUrl,
    databaseUrl: resolveDatabaseUrl(),
    serviceUsername: service.username,
    servicePassword: service.password,
    // Unique per run: a persistent session left on a shared broker by an earlier run must not
    // feed this one its old messages.
    clientId: workerClientId,
    runJobs: true,
    flushIntervalMs: 50,
    log: () => undefined,
  });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await worker?.stop();
  // Wipe the worker's persistent session, or a shared broker would queue messages for it forever.
  const wipe = await connectOnce(mqttUrl, { clientId: workerClientId, clean: true, username: service.username, password: service.password });
  if (wipe.ok) await wipe.client.endAsync(true);
  await broker?.close();
  await fleet?.remove();
  await disconnectDb();
});

describe("iot worker", () => {
  it("stores telemetry: device row with health fields, and a sample", async () => {
    const { id, deviceId } = device(0);
    const client = await asDevice(device(0));
    await telemetry(client, deviceId, {
      ts: new Date().toISOString(),
      battery_level: 15,
      battery_voltage: 3.4,
      signal_strength: -75,
      error_count: 2,
      uptime_seconds: 3600,
      cpu_percent: 12,
      memory_percent: 40,
      storage_percent: 22,
      firmware_version: "2.3.1",
      bytes_sent: 420,
      location: { lat: 52.1, lon: 5.2 },
      readings: { milk_flow_lpm: 3.2 },
    });
    const row = await waitFor(async () => {
      const current = await deviceRow(id);
      return current.lastSeen ? current : null;
    });
    expect(row).toMatchObject({
      batteryLevel: 15,
      batteryVoltage: 3.4,
      signalStrength: -75,
      errorCount: 2,
      uptimeSeconds: 3600,
      firmwareVersion: "2.3.1",
      latitude: 52.1,
      longitude: 5.2,
      dataTransmittedBytes: 420n,
      // battery 15 % < 20 → warning; score 100 − 25 − 20 (battery) − 10 (signal) − 4 (errors)
      healthStatus: "warning",
      healthScore: 41,
      signalQuality: "poor",
      connectionStatus: "online",
      needsAttention: true,
    });
    expect(row.lastHealthCheck).not.toBeNull();
    const samples = await db.telemetrySample.findMany({ where: { deviceId: id } });
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ batteryLevel: 15, signalStrength: -75, readings: { milk_flow_lpm: 3.2 } });
  });

  it("counts an invalid payload and an unknown device, and keeps storing valid messages", async () => {
    const before = worker.stats();
    const svc = await asService();
    await svc.publishAsync(topics.telemetry(device(1).deviceId), "not json", { qos: 1 });
    await svc.publishAsync(topics.telemetry(device(1).deviceId), JSON.stringify({ battery_level: 250 }), { qos: 1 });
    await telemetry(svc, "ZZ999999", { battery_level: 50 });
    const client = await asDevice(device(1));
    await telemetry(client, device(1).deviceId, { battery_level: 88, signal_strength: -55 });
    const row = await waitFor(async () => {
      const current = await deviceRow(device(1).id);
      return current.lastSeen ? current : null;
    });
    expect(row).toMatchObject({ batteryLevel: 88, healthStatus: "healthy", signalQuality: "good" });
    await waitFor(async () => worker.stats().unknownDevice > before.unknownDevice);
    const after = worker.stats();
    expect(after.invalid - before.invalid).toBe(2);
    expect(after.unknownDevice - before.unknownDevice).toBe(1);
  });

  it("never moves last_seen backwards and keeps the newest values when telemetry arrives out of order", async () => {
    const { id, deviceId } = device(2);
    const client = await asDevice(device(2));
    const now = Date.now();
    await telemetry(client, deviceId, { ts: new Date(now).toISOString(), battery_level: 60 });
    const first = await waitFor(async () => (await deviceRow(id)).lastSeen);
    // Older readings, one an hour old and one from a clock 2 hours fast, arrive afterwards.
    await telemetry(client, deviceId, { ts: new Date(now - 3_600_000).toISOString(), battery_level: 90 });
    await telemetry(client, deviceId, { ts: new Date(now + 7_200_000).toISOString(), battery_level: 59 });
    await waitFor(async () => (await db.telemetrySample.count({ where: { deviceId: id } })) === 3);
    const row = await deviceRow(id);
    expect(row.lastSeen!.getTime()).toBeGreaterThanOrEqual(first.getTime());
    expect(row.lastSeen!.getTime()).toBeLessThanOrEqual(Date.now());
    const samples = await db.telemetrySample.findMany({ where: { deviceId: id }, orderBy: { id: "asc" } });
    // The hour-old reading is filed under its own time; the future one under our receive time.
    expect(samples[1]!.ts.getTime()).toBe(now - 3_600_000);
    expect(samples[2]!.ts.getTime()).toBeLessThan(now + 600_000);
  });

  it("applies status messages: offline (the last will) and online", async () => {
    const { id, deviceId } = device(3);
    const client = await asDevice(device(3));
    await client.publishAsync(topics.status(deviceId), JSON.stringify({ status: "online", firmware_version: "1.9.0" }), { qos: 1 });
    await waitFor(async () => (await deviceRow(id)).connectionStatus === "online");
    await client.publishAsync(topics.status(deviceId), JSON.stringify({ status: "offline", reason: "connection lost" }), { qos: 1 });
    const row = await waitFor(async () => {
      const current = await deviceRow(id);
      return current.connectionStatus === "offline" ? current : null;
    });
    expect(row.firmwareVersion).toBe("1.9.0");
  });

  it("records a command's answer on the commands row", async () => {
    const { id, deviceId } = device(4);
    const commandId = `cmd-${Date.now().toString(36)}`;
    await db.command.create({ data: { commandId, deviceId: id, commandType: "ping", status: "sent", sentAt: new Date() } });
    const client = await asDevice(device(4));
    await client.publishAsync(topics.commandResponse(deviceId, commandId), JSON.stringify({ status: "completed", result: { pong: true, rtt_ms: 12 } }), { qos: 1 });
    const command = await waitFor(async () => {
      const current = await db.command.findUniqueOrThrow({ where: { commandId } });
      return current.status === "completed" ? current : null;
    });
    expect(command.result).toEqual({ pong: true, rtt_ms: 12 });
    expect(command.completedAt).not.toBeNull();
  });
});
