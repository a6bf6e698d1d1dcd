/**
 * The worker end to end: real broker (MQTT_URL, or an embedded one started here), real PostgreSQL
 * (DATABASE_URL). Devices publish with their own credentials; rows are checked in the database.
 */
import type { MqttClient } from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../lib/config/database-url";
import { deviceHistory } from "../lib/devices/device-history";
import { disconnectDb, getDb } from "../lib/db";
import type { TelemetryPayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";
import { adminUrlFor } from "../lib/services/embedded-postgres";
import { findFreePort } from "../lib/services/free-port";
import { startEmbeddedBroker } from "./embedded-broker";
import { startIotWorker, type IotWorker } from "./iot-worker";
import { connectOnce, createTestFleet, openTestBroker, waitFor, type TestBroker, type TestDevice } from "./test-fleet";

const db = getDb();
const service = {
  username: process.env.MQTT_SERVICE_USERNAME || "sdm-service",
  password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18),
};
let broker: TestBroker | undefined;
let mqttUrl: string;
let worker: IotWorker;
const workerLog: string[] = [];
const workerOptions = () => ({
  mqttUrl,
  databaseUrl: resolveDatabaseUrl(),
  serviceUsername: service.username,
  servicePassword: service.password,
  // Unique per run: a persistent session left on a shared broker by an earlier run must not
  // feed this one its old messages.
  clientId: workerClientId,
  flushIntervalMs: 50,
  // Every window writes every row, so each test sees its message on the device row at once (the
  // held-back writes of the default are covered by lib/telemetry/ingest.test.ts and the benchmark).
  deviceRowRefreshMs: 0,
  shutdownTimeoutMs: 500,
  log: (line: string) => {
    workerLog.push(line);
    if (process.env.WORKER_LOG) console.log(line);
  },
});
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
  broker = await openTestBroker(db, service);
  mqttUrl = broker.url;
  worker = await startIotWorker({ ...workerOptions(), runJobs: true });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await worker?.stop();
  await broker?.wipeSession(workerClientId);
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
    const samples = await db.telemetrySample.findMany({ where: { deviceId: id } });
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ batteryLevel: 15, signalStrength: -75, readings: { milk_flow_lpm: 3.2 } });
  });

  it("counts each kind of refused message and an unknown device, and keeps storing valid messages", async () => {
    const before = worker.stats();
    const svc = await asService();
    await svc.publishAsync(topics.telemetry(device(1).deviceId), "not json", { qos: 1 });
    await svc.publishAsync(topics.telemetry(device(1).deviceId), Buffer.from([0xff, 0xfe, 0x00, 0x7b]), { qos: 1 });
    await svc.publishAsync(topics.telemetry(device(1).deviceId), JSON.stringify({ battery_level: 250 }), { qos: 1 });
    await svc.publishAsync(topics.telemetry(device(1).deviceId), JSON.stringify({ ts: "yesterday", signal_strength: "strong" }), { qos: 1 });
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
    expect(after.notJson - before.notJson).toBe(2);
    expect(after.schemaInvalid - before.schemaInvalid).toBe(2);
    expect(after.invalid - before.invalid).toBe(4);
    expect(after.unknownDevice - before.unknownDevice).toBe(1);
    // Nothing of the refused messages reached the database: only the valid one is a sample.
    expect(await db.telemetrySample.count({ where: { deviceId: device(1).id } })).toBe(1);
  });

  it("never moves last_seen or the current values backwards when telemetry arrives out of order", async () => {
    const { id, deviceId } = device(2);
    // Registered a day ago, so a reading from an hour ago is believable.
    await db.device.update({ where: { id }, data: { createdAt: new Date(Date.now() - 86_400_000) } });
    const client = await asDevice(device(2));
    const now = Date.now();
    const before = worker.stats();
    await telemetry(client, deviceId, { ts: new Date(now).toISOString(), battery_level: 60, error_count: 1 });
    const first = await waitFor(async () => (await deviceRow(id)).lastSeen);
    // Stored in a later window than the newer one: the database, not the window, must refuse it.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await telemetry(client, deviceId, { ts: new Date(now - 3_600_000).toISOString(), battery_level: 90, error_count: 40 });
    await waitFor(async () => (await db.telemetrySample.count({ where: { deviceId: id } })) === 2);
    const row = await deviceRow(id);
    expect(row).toMatchObject({ batteryLevel: 60, errorCount: 1 });
    expect(row.valuesAt!.getTime()).toBe(now);
    expect(row.lastSeen!.getTime()).toBeGreaterThanOrEqual(first.getTime());
    const samples = await db.telemetrySample.findMany({ where: { deviceId: id }, orderBy: { id: "asc" } });
    // The late reading is history filed under its own time.
    expect(samples[1]).toMatchObject({ batteryLevel: 90, errorCount: 40 });
    expect(samples[1]!.ts.getTime()).toBe(now - 3_600_000);
    expect(worker.stats().outOfOrder - before.outOfOrder).toBe(1);
    expect(worker.stats().clockSkewed - before.clockSkewed).toBe(0);
  });

  it("files readings from a clock ahead of ours, or from before provisioning, under the receive time", async () => {
    const { id, deviceId } = device(2);
    const client = await asDevice(device(2));
    const before = worker.stats();
    const count = await db.telemetrySample.count({ where: { deviceId: id } });
    const sentAt = Date.now();
    // Two hours fast, then a real-time clock reset to 2001: both are stored, both counted.
    await telemetry(client, deviceId, { ts: new Date(sentAt + 7_200_000).toISOString(), battery_level: 58 });
    await telemetry(client, deviceId, { ts: 978_307_200, battery_level: 57 });
    await waitFor(async () => (await db.telemetrySample.count({ where: { deviceId: id } })) === count + 2);
    const samples = await db.telemetrySample.findMany({ where: { deviceId: id }, orderBy: { id: "desc" }, take: 2 });
    for (const sample of samples) {
      expect(sample.ts.getTime()).toBe(sample.receivedAt.getTime());
      expect(sample.ts.getTime()).toBeGreaterThanOrEqual(sentAt - 1_000);
      expect(sample.ts.getTime()).toBeLessThanOrEqual(Date.now());
    }
    const row = await deviceRow(id);
    expect(row.lastSeen!.getTime()).toBeLessThanOrEqual(Date.now());
    // Filed as current, they are the current values.
    expect(row.batteryLevel).toBe(57);
    expect(worker.stats().clockSkewed - before.clockSkewed).toBe(2);
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

describe("first contact", () => {
  it("activates a provisioned or registered device set-based, with one history line each; a suspended one stays suspended", async () => {
    const waiting = await createTestFleet(db, 2, { state: "provisioned" });
    const suspended = await createTestFleet(db, 1, { state: "suspended" });
    await db.device.update({ where: { id: waiting.devices[1]!.id }, data: { state: "registered" } });
    try {
      const before = worker.stats();
      const svc = await asService();
      // One window holding all three, so the activation is one statement over several devices.
      await Promise.all(
        [...waiting.devices, ...suspended.devices].map((d) => telemetry(svc, d.deviceId, { ts: new Date().toISOString(), battery_level: 77 })),
      );
      const rows = await waitFor(async () => {
        const current = await db.device.findMany({ where: { id: { in: waiting.devices.map((d) => d.id) } } });
        return current.every((row) => row.lastSeen) ? current : null;
      });
      expect(rows.map((row) => row.state)).toEqual(["active", "active"]);
      const history = await deviceHistory(db, waiting.devices[0]!.deviceId);
      expect(history[0]).toMatchObject({ who: "worker", action: "activated" });
      expect(history[0]!.changes).toContainEqual(expect.objectContaining({ field: "state", before: "provisioned", after: "active" }));
      const registeredHistory = await deviceHistory(db, waiting.devices[1]!.deviceId);
      expect(registeredHistory.filter((entry) => entry.action === "activated")).toHaveLength(1);
      expect(registeredHistory[0]!.changes).toContainEqual(expect.objectContaining({ field: "state", before: "registered" }));

      const idle = await waitFor(async () => {
        const row = await deviceRow(suspended.devices[0]!.id);
        return row.lastSeen ? row : null;
      });
      expect(idle.state).toBe("suspended");
      expect(await db.auditEvent.count({ where: { entityType: "device", entityId: suspended.devices[0]!.deviceId } })).toBe(0);
      expect(worker.stats().activated - before.activated).toBe(2);

      // A second message is not a first contact: no second history line.
      await telemetry(svc, waiting.devices[0]!.deviceId, { battery_level: 76 });
      await waitFor(async () => (await deviceRow(waiting.devices[0]!.id)).batteryLevel === 76);
      expect(await db.auditEvent.count({ where: { entityType: "device", entityId: waiting.devices[0]!.deviceId, action: "activated" } })).toBe(1);
    } finally {
      const ids = [...waiting.devices, ...suspended.devices].map((d) => d.deviceId);
      await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: ids } } });
      await waiting.remove();
      await suspended.remove();
    }
  });
});

describe("poisoned and oversized messages", () => {
  const publishRaw = (client: MqttClient, topic: string, payload: unknown) => client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });

  it("refuses what PostgreSQL cannot store, and every other device's messages of the same window are stored", async () => {
    const lane = await createTestFleet(db, 7);
    const [good1, nul, surrogate, uptime, firmware, answering, good2] = lane.devices as TestDevice[] as [TestDevice, TestDevice, TestDevice, TestDevice, TestDevice, TestDevice, TestDevice];
    const commandId = `cmd-nul-${Date.now().toString(36)}`;
    await db.command.create({ data: { commandId, deviceId: answering.id, commandType: "ping", status: "sent", sentAt: new Date() } });
    try {
      const before = worker.stats();
      const svc = await asService();
      // All at once, so they share windows with the good ones.
      await Promise.all([
        telemetry(svc, good1.deviceId, { battery_level: 81 }),
        publishRaw(svc, topics.telemetry(nul.deviceId), { battery_level: 70, readings: { note: "a\u0000b" } }),
        publishRaw(svc, topics.telemetry(surrogate.deviceId), { battery_level: 60, readings: { label: "x\ud800" } }),
        publishRaw(svc, topics.telemetry(uptime.deviceId), { battery_level: 50, uptime_seconds: 3_000_000_000 }),
        publishRaw(svc, topics.status(firmware.deviceId), { status: "online", firmware_version: "1.0\u0000" }),
        publishRaw(svc, topics.commandResponse(answering.deviceId, commandId), { status: "completed", result: { text: "\u0000" } }),
        publishRaw(svc, topics.otaStatus(answering.deviceId), { job_id: 1, status: "failed", error: "disk\u0000" }),
        telemetry(svc, good2.deviceId, { battery_level: 82 }),
      ]);
      await waitFor(async () => {
        const rows = await db.device.findMany({ where: { id: { in: [good1.id, good2.id] } } });
        return rows.every((row) => row.batteryLevel !== null);
      });
      await waitFor(async () => worker.stats().schemaInvalid - before.schemaInvalid >= 6);
      expect(worker.stats().schemaInvalid - before.schemaInvalid).toBe(6);
      expect(workerLog.some((line) => line.includes("NUL character or a lone UTF-16 surrogate"))).toBe(true);
      expect(workerLog.some((line) => line.includes("uptime_seconds"))).toBe(true);
      for (const refused of [nul, surrogate, uptime]) {
        expect(await db.telemetrySample.count({ where: { deviceId: refused.id } })).toBe(0);
        expect((await deviceRow(refused.id)).lastSeen).toBeNull();
      }
      expect((await deviceRow(firmware.id)).firmwareVersion).toBeNull();
      expect((await db.command.findUniqueOrThrow({ where: { commandId } })).status).toBe("sent");
    } finally {
      await lane.remove();
    }
  });

  it("isolates a valid message the database still refuses: dropped, acknowledged (never redelivered) and counted; the rest of its window is stored", async () => {
    const lane = await createTestFleet(db, 4);
    const clientId = `${workerClientId}-refused`;
    // A rule the contract does not know (as a new column limit or trigger would be).
    await db.$executeRawUnsafe(`ALTER TABLE telemetry_samples ADD CONSTRAINT test_refuses_13_13 CHECK (battery_level IS DISTINCT FROM 13.13) NOT VALID`);
    // Its own worker (the shared one receives these too), so that a second run can show nothing was left unacknowledged.
    let own = await startIotWorker({ ...workerOptions(), clientId, runJobs: false });
    try {
      const svc = await asService();
      await Promise.all(lane.devices.map((d, index) => telemetry(svc, d.deviceId, { battery_level: index === 1 ? 13.13 : 60 + index })));
      await waitFor(async () => own.stats().stored + own.stats().refused >= 4);
      expect(own.stats()).toMatchObject({ stored: 3, refused: 1, pending: 0 });
      expect(workerLog.some((line) => line.includes("which the database refuses") && line.includes(lane.devices[1]!.deviceId))).toBe(true);
      const rows = await db.device.findMany({ where: { farmId: lane.farmId }, orderBy: { id: "asc" } });
      expect(rows.map((row) => row.batteryLevel)).toEqual([60, null, 62, 63]);
      expect(await db.telemetrySample.count({ where: { deviceId: lane.devices[1]!.id } })).toBe(0);

      await own.stop();
      own = await startIotWorker({ ...workerOptions(), clientId, runJobs: false });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(own.stats().received).toBe(0);
    } finally {
      await db.$executeRawUnsafe(`ALTER TABLE telemetry_samples DROP CONSTRAINT IF EXISTS test_refuses_13_13`);
      await own.stop();
      await broker!.wipeSession(clientId);
      await lane.remove();
    }
  });

  it("refuses and counts payloads past their topic's bytes, keys or depth, and stores the next good one", async () => {
    const lane = await createTestFleet(db, 2);
    const [meter, answering] = lane.devices as [TestDevice, TestDevice];
    try {
      const before = worker.stats();
      const svc = await asService();
      let deep: unknown = "bottom";
      for (let level = 0; level < 30; level++) deep = { deeper: deep };
      await publishRaw(svc, topics.telemetry(meter.deviceId), { battery_level: 10, readings: { blob: "x".repeat(20_000) } });
      await publishRaw(svc, topics.telemetry(meter.deviceId), { battery_level: 11, readings: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])) });
      await publishRaw(svc, topics.commandResponse(answering.deviceId, "cmd-deep"), { status: "completed", result: deep });
      await telemetry(svc, meter.deviceId, { battery_level: 12 });
      await waitFor(async () => (await deviceRow(meter.id)).batteryLevel === 12);
      const after = worker.stats();
      expect(after.tooLarge - before.tooLarge).toBe(3);
      expect(after.invalid - before.invalid).toBe(3);
      expect(await db.telemetrySample.count({ where: { deviceId: meter.id } })).toBe(1);
    } finally {
      await lane.remove();
    }
  });
});

/** Publishes `count` numbered readings at a steady pace; resolves when the broker acknowledged all. */
async function publishNumbered(client: MqttClient, deviceId: string, count: number, everyMs: number) {
  for (let seq = 0; seq < count; seq++) {
    await telemetry(client, deviceId, { ts: new Date().toISOString(), battery_level: 50, readings: { seq } });
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function storedSeqs(deviceId: number) {
  const rows = await db.$queryRaw<{ seq: number }[]>`SELECT DISTINCT (readings->>'seq')::int AS seq FROM telemetry_samples WHERE device_id = ${deviceId}`;
  return new Set(rows.map((row) => row.seq));
}

describe("outages", () => {
  it("loses no message when the database goes away mid-stream and comes back", async () => {
    const lane = await createTestFleet(db, 1);
    const { id, deviceId } = lane.devices[0]!;
    const name = new URL(resolveDatabaseUrl()).pathname.slice(1);
    // A database cannot refuse connections to itself: the outage is switched from the server's admin database.
    const admin = new pg.Client({ connectionString: adminUrlFor(resolveDatabaseUrl()) });
    await admin.connect();
    const before = worker.stats();
    try {
      const client = await asDevice(lane.devices[0]!);
      const stream = publishNumbered(client, deviceId, 120, 10);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The database refuses new connections and the worker's are cut: a restart, as the worker sees it.
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
      const cut = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'sdm-iot-worker'`,
        [name],
      );
      expect(cut.rowCount).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
      await stream;
      const seqs = await waitFor(async () => {
        const stored = await storedSeqs(id);
        return stored.size === 120 ? stored : null;
      }, 20_000);
      expect(seqs.size).toBe(120);
      expect(worker.stats().failedFlushes).toBeGreaterThan(before.failedFlushes);
    } finally {
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
      await lane.remove();
    }
  });

  // Retried: once in a full run on a busy 2-core machine (Mosquitto 2.0.11) fewer than 100 arrived
  // within 20 s, and it passed alone; a real loss fails all three tries. Noted for investigation.
  it("loses no message when its broker connection drops: the persistent session redelivers", { retry: 2 }, async () => {
    const lane = await createTestFleet(db, 1);
    const { id, deviceId } = lane.devices[0]!;
    try {
      const client = await asDevice(lane.devices[0]!);
      const stream = publishNumbered(client, deviceId, 100, 10);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Taking over the worker's client id makes the broker drop the worker's connection; the
      // intruder never acknowledges (whatever it receives stays in the session) and leaves.
      const resumedBefore = workerLog.filter((line) => line.includes("session resumed")).length;
      const intruder = await connectOnce(mqttUrl, { clientId: workerClientId, clean: false, username: service.username, password: service.password });
      if (!intruder.ok) throw intruder.error;
      intruder.client.handleMessage = () => undefined;
      await new Promise((resolve) => setTimeout(resolve, 200));
      await intruder.client.endAsync(true);
      await stream;
      const seqs = await waitFor(async () => {
        const stored = await storedSeqs(id);
        return stored.size === 100 ? stored : null;
      }, 20_000);
      expect(seqs.size).toBe(100);
      // The connection really dropped and the session was picked up again, not started anew.
      expect(workerLog.filter((line) => line.includes("session resumed")).length).toBeGreaterThan(resumedBefore);
    } finally {
      await lane.remove();
    }
  });

  it("comes back by itself after the embedded broker restarts", async () => {
    const lane = await createTestFleet(db, 1);
    const { id, deviceId } = lane.devices[0]!;
    const port = await findFreePort();
    const start = () => startEmbeddedBroker({ port, db, serviceUsername: service.username, servicePassword: service.password });
    let own = await start();
    const lines: string[] = [];
    const ownWorker = await startIotWorker({
      mqttUrl: `mqtt://127.0.0.1:${port}`,
      databaseUrl: resolveDatabaseUrl(),
      serviceUsername: service.username,
      servicePassword: service.password,
      clientId: `${workerClientId}-restart`,
      runJobs: false,
      flushIntervalMs: 50,
      log: (line) => lines.push(line),
    });
    try {
      await own.close();
      own = await start();
      await waitFor(async () => lines.filter((line) => line.includes("connected to")).length >= 2, 15_000);
      // The restarted broker lost the session (Aedes keeps it in memory): the worker subscribes anew.
      const probe = await connectOnce(`mqtt://127.0.0.1:${port}`, { ...lane.devices[0]!.credentials });
      if (!probe.ok) throw probe.error;
      await waitFor(async () => {
        await telemetry(probe.client, deviceId, { battery_level: 33 });
        return (await deviceRow(id)).batteryLevel === 33;
      }, 15_000, 500);
      await probe.client.endAsync(true);
    } finally {
      await ownWorker.stop();
      await own.close();
      await lane.remove();
    }
  });

  // Last, because it stops the shared worker: the one real proof that a message is acknowledged to
  // the broker only once stored is a worker that stops before storing it, and a next run that gets it.
  it("a worker stopped while the database is down leaves its messages unacknowledged; the next run stores them", { timeout: 60_000 }, async () => {
    const lane = await createTestFleet(db, 1);
    const { id, deviceId } = lane.devices[0]!;
    const name = new URL(resolveDatabaseUrl()).pathname.slice(1);
    const admin = new pg.Client({ connectionString: adminUrlFor(resolveDatabaseUrl()) });
    await admin.connect();
    try {
      const client = await asDevice(lane.devices[0]!);
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'sdm-iot-worker%'`, [name]);
      await publishNumbered(client, deviceId, 60, 5);
      // Held in memory, unacknowledged. (A broker sends only so many unacknowledged messages at a
      // time — Mosquitto's max_inflight_messages — and keeps the rest queued for the session.)
      await waitFor(async () => worker.stats().pending >= 10);
      await worker.stop();
      expect(await storedSeqs(id)).toEqual(new Set());

      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
      worker = await startIotWorker({ ...workerOptions(), runJobs: false });
      const seqs = await waitFor(async () => {
        const stored = await storedSeqs(id);
        return stored.size === 60 ? stored : null;
      }, 20_000);
      expect(seqs.size).toBe(60);
    } finally {
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
      await lane.remove();
    }
  });
});

// Aedes (the embedded broker) has no shared subscriptions: this runs against an external broker.
describe.skipIf(process.env.SDM_BROKER !== "external")("several broker connections", () => {
  it("shares the device topics: each message reaches one of the worker's connections, and is stored once", async () => {
    const lane = await createTestFleet(db, 2);
    const sharedId = `${workerClientId}-shared`;
    const lines: string[] = [];
    const sharing = await startIotWorker({ ...workerOptions(), clientId: sharedId, connections: 3, runJobs: false, log: (line) => lines.push(line) });
    try {
      expect(lines.filter((line) => line.includes("connected to")).map((line) => /as (\S+)/.exec(line)?.[1]).sort()).toEqual([1, 2, 3].map((n) => `${sharedId}-${n}`));
      const before = sharing.stats().received;
      for (const device of lane.devices) {
        const client = await asDevice(device);
        await publishNumbered(client, device.deviceId, 40, 2);
      }
      await waitFor(async () => sharing.stats().stored >= 80 || null, 15_000);
      // 80 published; without $share each of the three connections would have received all 80.
      expect(sharing.stats().received - before).toBe(80);
    } finally {
      await sharing.stop();
      for (const n of [1, 2, 3]) await broker!.wipeSession(`${sharedId}-${n}`);
      await lane.remove();
    }
  });
});
