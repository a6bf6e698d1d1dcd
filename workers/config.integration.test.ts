/**
 * Remote configuration end to end (issue 16 item 4 and 6): real broker (MQTT_URL, or an embedded
 * one started here), real PostgreSQL, the worker's configuration engine and its ingest path. A test
 * device is an MQTT client with the device's own credentials that subscribes to
 * `devices/{id}/config` and reports on `devices/{id}/config/status`. Device ids are new every run
 * (the machine's Mosquitto keeps retained configurations between runs), and the retained topics
 * are cleared at the end.
 */
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../lib/config/database-url";
import { INITIAL_REASON } from "../lib/configuration/config-engine";
import { configHash } from "../lib/configuration/config-hash";
import { DEFAULT_CONFIGS } from "../lib/configuration/config-schemas";
import { writeVersions } from "../lib/configuration/config-versions";
import { LayerBook } from "../lib/configuration/layer-book";
import { disconnectDb, getDb } from "../lib/db";
import { configPayload, type ConfigPayload, type ConfigReportPayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";
import { createSqlPool } from "../lib/telemetry/sql";
import { startIotWorker, type IotWorker } from "./iot-worker";
import { connectOnce, createTestFleet, openTestBroker, testWorkerOptions, waitFor, type TestBroker, type TestDevice } from "./test-fleet";

const db = getDb();
const service = {
  username: process.env.MQTT_SERVICE_USERNAME || "sdm-service",
  password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18),
};
const protocolVersion = process.env.MQTT_PROTOCOL_VERSION === "5" ? 5 : 4;
const run = Date.now().toString(36);
const clientId = `sdm-iot-worker-config-${run}`;
const MINUTE = 60_000;
let broker: TestBroker | undefined;
let mqttUrl: string;
let worker: IotWorker;
const clients: MqttClient[] = [];
const pool = createSqlPool(resolveDatabaseUrl());
let fleet: Awaited<ReturnType<typeof createTestFleet>>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Received = { payload: ConfigPayload; retained: boolean };
type LiveDevice = { client: MqttClient; received: Received[]; report(payload: ConfigReportPayload): Promise<void> };

async function connect(device: TestDevice): Promise<LiveDevice> {
  const outcome = await connectOnce(mqttUrl, { ...device.credentials });
  if (!outcome.ok) throw outcome.error;
  const client = outcome.client;
  clients.push(client);
  const received: Received[] = [];
  client.on("message", (topic, payload, packet) => {
    // An empty retained payload clears the topic: not a configuration.
    if (topic === topics.config(device.deviceId) && payload.length > 0) received.push({ payload: configPayload.parse(JSON.parse(payload.toString())), retained: packet.retain });
  });
  await client.subscribeAsync(topics.config(device.deviceId), { qos: 1 });
  return {
    client,
    received,
    report: (payload) => client.publishAsync(topics.configStatus(device.deviceId), JSON.stringify(payload), { qos: 1 }).then(() => undefined),
  };
}

async function goOnline(device: TestDevice): Promise<LiveDevice> {
  const live = await connect(device);
  await live.client.publishAsync(topics.status(device.deviceId), JSON.stringify({ status: "online" }), { qos: 1 });
  await waitFor(async () => (await db.device.findUniqueOrThrow({ where: { id: device.id } })).connectionStatus === "online");
  return live;
}

const shadow = (device: TestDevice) => db.deviceShadow.findUniqueOrThrow({ where: { deviceId: device.id } });
const version = (device: TestDevice, v: number) => db.deviceConfig.findUniqueOrThrow({ where: { deviceId_version: { deviceId: device.id, version: v } } });
const openDrift = (device: TestDevice) => db.alert.findFirst({ where: { deviceId: device.id, alertType: "config_drift", state: { not: "resolved" } } });
const device = (index: number) => fleet.devices[index]!;

/** A person's edit, as the domain's updateDeviceConfig writes it (the one version writer), then NOTIFY. */
async function edit(target: TestDevice, overrides: Record<string, unknown>) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const book = await LayerBook.load(client);
    const effective = book.effective({ deviceType: "environmental", farmId: fleet.farmId, groupId: null }, overrides as never);
    const [written] = await writeVersions(client, [
      { devicePk: target.id, overrides: overrides as never, config: effective.config, hash: configHash(effective.config), source: "edit", summary: "test edit", reason: "test" },
    ]);
    await client.query("COMMIT");
    await client.query(`SELECT pg_notify('sdm_config', '')`);
    return { version: written!.version, hash: configHash(effective.config) };
  } finally {
    client.release();
  }
}

beforeAll(async () => {
  fleet = await createTestFleet(db, 10, { deviceType: "environmental" });
  broker = await openTestBroker(db, service);
  mqttUrl = broker.url;
  worker = await startIotWorker(
    testWorkerOptions({ mqttUrl, service, clientId }, { protocolVersion, flushIntervalMs: 20, config: { tickMs: 200, resendAfterSeconds: 1, maxSendAttempts: 2 } }),
  );
  // The start's sweep gave every device its first version.
  await waitFor(async () => (await db.deviceShadow.count({ where: { deviceId: { in: fleet.devices.map((d) => d.id) }, desiredVersion: 1 } })) === fleet.devices.length);
});

afterAll(async () => {
  // Clear the retained configurations: a shared broker would keep them.
  const cleaner = await connectOnce(mqttUrl, { username: service.username, password: service.password, clientId: `sdm-config-cleaner-${run}` });
  if (cleaner.ok) {
    await Promise.all(fleet.devices.map((d) => cleaner.client.publishAsync(topics.config(d.deviceId), "", { qos: 1, retain: true }).catch(() => undefined)));
    await cleaner.client.endAsync(true);
  }
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await worker?.stop().catch(() => undefined);
  await broker?.wipeSession(clientId);
  await broker?.close();
  await pool.end();
  await fleet?.remove();
  await disconnectDb();
});

describe("configuration engine", () => {
  it("gives every device version 1 of its type's defaults", async () => {
    const first = await version(device(0), 1);
    expect(first).toMatchObject({ source: "initial", reason: INITIAL_REASON, hash: configHash(DEFAULT_CONFIGS.environmental), status: "pending" });
    expect(first.desired).toEqual(DEFAULT_CONFIGS.environmental);
  });

  it("delivers the desired version with its hash once the device is online, and stores the confirmation", async () => {
    const live = await goOnline(device(0));
    const sent = await waitFor(async () => live.received[0]);
    expect(sent.payload).toMatchObject({ version: 1, hash: configHash(DEFAULT_CONFIGS.environmental) });
    expect(configHash(sent.payload.configuration)).toBe(sent.payload.hash);
    // Marked sent once the broker took it (the device may hear it a moment before that commit).
    await waitFor(async () => (await shadow(device(0))).status === "sent");

    await live.report({ version: 1, status: "applied", hash: sent.payload.hash });
    const applied = await waitFor(async () => {
      const row = await shadow(device(0));
      return row.status === "applied" ? row : null;
    });
    expect(applied).toMatchObject({ reportedVersion: 1, reportedHash: sent.payload.hash, driftSince: null, drifted: false });
    expect(await version(device(0), 1)).toMatchObject({ status: "applied" });
    expect((await version(device(0), 1)).appliedAt).not.toBeNull();
    expect(worker.stats().configReports).toBeGreaterThanOrEqual(1);
    // Confirmed: never sent again (past the resend time of 1 s; one resend may have gone out before the confirmation was stored).
    const heard = live.received.length;
    await sleep(1_500);
    expect(live.received).toHaveLength(heard);
    expect(live.received.every((r) => r.payload.version === 1)).toBe(true);
  });

  it("stores a rejection with its reason and never resends the rejected version", async () => {
    const live = await goOnline(device(1));
    const sent = await waitFor(async () => live.received[0]);
    await live.report({ version: sent.payload.version, status: "rejected", reason: "thresholds.ammonia_high: above the sensor's range" });
    const rejected = await waitFor(async () => {
      const row = await shadow(device(1));
      return row.status === "rejected" ? row : null;
    });
    expect(rejected.statusReason).toBe("thresholds.ammonia_high: above the sensor's range");
    expect(await version(device(1), 1)).toMatchObject({ status: "rejected", statusReason: "thresholds.ammonia_high: above the sensor's range" });
    // A resend the worker published before the rejection was stored can still be on its way (and
    // its send count still being written): let it land, then not one more message past the resend
    // time, several ticks, and coming online again.
    await sleep(1_000);
    const heard = live.received.length;
    const attempts = (await shadow(device(1))).sendAttempts;
    await sleep(2_000);
    await live.client.publishAsync(topics.status(device(1).deviceId), JSON.stringify({ status: "online" }), { qos: 1 });
    await sleep(1_000);
    expect(live.received).toHaveLength(heard);
    expect((await shadow(device(1))).sendAttempts).toBe(attempts);
  });

  it("resends an unconfirmed version, then gives up with a reason", async () => {
    const live = await goOnline(device(2));
    await waitFor(async () => live.received.length >= 2, 6_000);
    const failed = await waitFor(async () => {
      const row = await shadow(device(2));
      return row.status === "failed" ? row : null;
    }, 6_000);
    expect(failed.statusReason).toMatch(/No confirmation from the device after 2 sends/);
    expect(await version(device(2), 1)).toMatchObject({ status: "failed" });
    await sleep(1_500);
    expect(live.received).toHaveLength(2);
    expect(worker.stats().configsFailed).toBeGreaterThanOrEqual(1);
  });

  it("drops a report of a version the device never had, and counts a malformed one as invalid", async () => {
    const live = await goOnline(device(3));
    await waitFor(async () => live.received[0]);
    const before = worker.stats();
    await live.report({ version: 99, status: "applied", hash: "a".repeat(64) });
    await waitFor(async () => worker.stats().configReportsDropped > before.configReportsDropped);
    await live.client.publishAsync(topics.configStatus(device(3).deviceId), JSON.stringify({ version: -1, status: "installed" }), { qos: 1 });
    await waitFor(async () => worker.stats().schemaInvalid > before.schemaInvalid);
    const row = await shadow(device(3));
    expect(row).toMatchObject({ reportedVersion: null, reportedHash: null, desiredVersion: 1 });
    // Version 0 (the factory defaults, reported unasked after a boot) is taken.
    await live.report({ version: 0, status: "applied", hash: configHash(DEFAULT_CONFIGS.environmental) });
    const taken = await waitFor(async () => {
      const current = await shadow(device(3));
      return current.reportedVersion === 0 ? current : null;
    });
    // The defaults are what version 1 is: in sync.
    expect(taken.status).toBe("applied");
  });

  it("raises configuration drift after the grace period and resolves it when the device converges", async () => {
    const live = await goOnline(device(4));
    const sent = await waitFor(async () => live.received[0]);
    // The device runs something else than it was sent (a local change).
    const other = configHash({ ...DEFAULT_CONFIGS.environmental, alarms: { enabled: false } });
    await live.report({ version: 1, status: "applied", hash: other });
    const drifting = await waitFor(async () => {
      const row = await shadow(device(4));
      return row.reportedHash === other ? row : null;
    });
    expect(drifting.driftSince).not.toBeNull();
    expect(drifting.status).not.toBe("applied");

    // Within the grace period: nothing yet.
    await worker.configTick(new Date(Date.now() + 5 * MINUTE), { sweep: true });
    expect(await openDrift(device(4))).toBeNull();
    expect((await shadow(device(4))).drifted).toBe(false);

    // Past it: drifted, alerted — the rejected device of the earlier test too.
    await worker.configTick(new Date(Date.now() + 11 * MINUTE), { sweep: true });
    expect((await shadow(device(4))).drifted).toBe(true);
    const alert = await openDrift(device(4));
    expect(alert).toMatchObject({ severity: "warning", occurrenceCount: 1 });
    expect(alert!.message).toMatch(/another configuration than version 1/);
    const rejectedAlert = await openDrift(device(1));
    expect(rejectedAlert?.message).toMatch(/rejected configuration version 1: thresholds.ammonia_high/);
    // Found again: counted, not doubled.
    await worker.configTick(new Date(Date.now() + 12 * MINUTE), { sweep: true });
    expect(await db.alert.count({ where: { deviceId: device(4).id, alertType: "config_drift" } })).toBe(1);
    expect((await openDrift(device(4)))!.occurrenceCount).toBe(2);

    // The device converges: back in sync, the alert auto-resolved by the next sweep.
    await live.report({ version: 1, status: "applied", hash: sent.payload.hash });
    await waitFor(async () => (await shadow(device(4))).status === "applied");
    await worker.configTick(new Date(Date.now() + 13 * MINUTE), { sweep: true });
    expect(await shadow(device(4))).toMatchObject({ drifted: false, driftSince: null });
    const resolved = await db.alert.findFirstOrThrow({ where: { id: alert!.id } });
    expect(resolved.state).toBe("resolved");
    expect(resolved.resolutionNotes).toMatch(/^Auto-resolved/);
  });

  it("hands a reconnecting device the latest configuration (retained), and sends what changed while it was away", async () => {
    let live = await goOnline(device(5));
    await waitFor(async () => live.received[0]);
    const second = await edit(device(5), { thresholds: { ammonia_high: 30 } });
    const got = await waitFor(async () => live.received.find((r) => r.payload.version === second.version));
    expect(got.payload.hash).toBe(second.hash);
    expect(got.payload.configuration).toMatchObject({ thresholds: { ammonia_high: 30 } });

    // A new connection is handed the latest version by the broker itself, before saying a word.
    await live.client.endAsync(true);
    live = await connect(device(5));
    const retained = await waitFor(async () => live.received[0]);
    expect(retained).toMatchObject({ retained: true, payload: { version: second.version, hash: second.hash } });

    // Away (offline) while a third version is written: not sent; sent once the device says it is back.
    await live.client.endAsync(true);
    await db.device.update({ where: { id: device(5).id }, data: { connectionStatus: "offline" } });
    const third = await edit(device(5), { thresholds: { ammonia_high: 35 } });
    await sleep(800);
    expect(await shadow(device(5))).toMatchObject({ desiredVersion: third.version, status: "pending" });
    live = await goOnline(device(5));
    await waitFor(async () => live.received.find((r) => r.payload.version === third.version));
    // Marked sent after the broker took it (a crash in between sends again), so the device can see it first.
    await waitFor(async () => (await shadow(device(5))).status === "sent");
  });

  it("writes a layer version for every device a farm layer change reaches, and delivers it", async () => {
    const live = await goOnline(device(6));
    const first = await waitFor(async () => live.received[0]);
    await live.report({ version: 1, status: "applied", hash: first.payload.hash });
    await waitFor(async () => (await shadow(device(6))).status === "applied");

    // As the web side's layer edit does: the layer, then NOTIFY; the worker writes the versions.
    await db.configLayer.create({
      data: { scope: "farm", scopeKey: `farm:${fleet.farmId}:environmental`, farmId: fleet.farmId, deviceType: "environmental", values: { thresholds: { ammonia_high: 20 } }, health: {} },
    });
    await db.$executeRawUnsafe(`SELECT pg_notify('sdm_config', '')`);
    const layered = await waitFor(async () => {
      const row = await db.deviceConfig.findFirst({ where: { deviceId: device(6).id, source: "layer" } });
      return row ?? null;
    });
    expect(layered.version).toBe(2);
    expect(layered.changeSummary).toBe("~ Changed thresholds.ammonia_high: 25 -> 20");
    expect(layered.reason).toBe("Layer change: Farm Test farm");
    const delivered = await waitFor(async () => live.received.find((r) => r.payload.version === 2));
    expect(delivered.payload.configuration).toMatchObject({ thresholds: { ammonia_high: 20 } });

    // Every device of the farm moved, except the one whose own override already decides the value.
    const shadows = await db.deviceShadow.findMany({ where: { deviceId: { in: fleet.devices.map((d) => d.id) } } });
    for (const row of shadows) {
      const config = await version({ id: row.deviceId } as TestDevice, row.desiredVersion);
      expect((config.desired as { thresholds: { ammonia_high: number } }).thresholds.ammonia_high).toBe(row.deviceId === device(5).id ? 35 : 20);
    }
    // Nothing changed since: the next sweep writes nothing.
    const count = await db.deviceConfig.count({ where: { deviceId: { in: fleet.devices.map((d) => d.id) } } });
    await worker.configTick(undefined, { sweep: true });
    expect(await db.deviceConfig.count({ where: { deviceId: { in: fleet.devices.map((d) => d.id) } } })).toBe(count);
  });
});
