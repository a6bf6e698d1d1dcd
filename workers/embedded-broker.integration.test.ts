import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "../lib/db";
import { topics } from "../lib/mqtt/topics";
import { revokeDeviceCredentials } from "../lib/provisioning/credentials";
import { findFreePort } from "../lib/services/free-port";
import { startEmbeddedBroker, type EmbeddedBroker } from "./embedded-broker";
import { connectOnce, createTestFleet, type TestDevice } from "./test-fleet";

const db = getDb();
const service = { username: "sdm-service-test", password: "service-secret-for-tests" };
let broker: EmbeddedBroker;
let url: string;
let fleet: Awaited<ReturnType<typeof createTestFleet>>;
let a: TestDevice;
let b: TestDevice;
let revoked: TestDevice;
const clients: MqttClient[] = [];

function asDevice(device: TestDevice, password = device.credentials.password) {
  return { username: device.credentials.username, password, clientId: device.credentials.clientId };
}

async function connected(options: Parameters<typeof connectOnce>[1]) {
  const outcome = await connectOnce(url, options);
  if (!outcome.ok) throw outcome.error;
  clients.push(outcome.client);
  return outcome.client;
}

beforeAll(async () => {
  fleet = await createTestFleet(db, 3);
  [a, b, revoked] = fleet.devices as [TestDevice, TestDevice, TestDevice];
  await revokeDeviceCredentials(db, revoked.id);
  broker = await startEmbeddedBroker({ port: await findFreePort(), db, serviceUsername: service.username, servicePassword: service.password });
  url = `mqtt://127.0.0.1:${broker.port}`;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await broker?.close();
  await fleet?.remove();
  await disconnectDb();
});

describe("embedded broker authentication", () => {
  it("lets a device in with its credentials", async () => {
    const client = await connected(asDevice(a));
    expect(client.connected).toBe(true);
  });

  it("refuses a wrong password", async () => {
    const outcome = await connectOnce(url, asDevice(a, "not-the-password"));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe(4);
  });

  it("refuses a revoked credential", async () => {
    const outcome = await connectOnce(url, asDevice(revoked));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe(4);
  });

  it("refuses anonymous clients and a wrong service password", async () => {
    const anonymous = await connectOnce(url, { clientId: "anonymous-test" });
    expect(anonymous.ok).toBe(false);
    const wrongService = await connectOnce(url, { username: service.username, password: "nope", clientId: "svc-wrong" });
    expect(wrongService.ok).toBe(false);
  });

  it("refuses a device that borrows another client id (it could knock that client off)", async () => {
    const outcome = await connectOnce(url, { ...asDevice(a), clientId: "sdm-iot-worker-test" });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe(2);
  });
});

describe("embedded broker authorization", () => {
  it("keeps a device inside its own topics", async () => {
    const watcher = await connected({ username: service.username, password: service.password, clientId: `svc-watch-${Date.now()}` });
    const seen: string[] = [];
    watcher.on("message", (topic) => seen.push(topic));
    await watcher.subscribeAsync(`devices/${b.deviceId}/#`, { qos: 1 });
    await watcher.subscribeAsync(`devices/${a.deviceId}/#`, { qos: 1 });

    const deviceA = await connected({ ...asDevice(a), clientId: `${a.credentials.clientId}-authz` });
    // Its own topic: delivered.
    await deviceA.publishAsync(topics.telemetry(a.deviceId), JSON.stringify({ battery_level: 50 }), { qos: 1 });

    // Subscribing to B's topics or to everyone's is refused (SUBACK 0x80).
    for (const filter of [topics.commands(b.deviceId), "devices/+/telemetry", "#"]) {
      await expect(deviceA.subscribeAsync(filter, { qos: 1 }), filter).rejects.toThrow(/Subscribe error/);
    }
    const own = await deviceA.subscribeAsync(topics.commands(a.deviceId), { qos: 1 });
    expect(own[0]?.qos).toBe(1);

    // Publishing to B's topic: refused, dropped, and the connection closed.
    const closed = new Promise<void>((resolve) => deviceA.once("close", () => resolve()));
    deviceA.publish(topics.status(b.deviceId), JSON.stringify({ status: "offline" }), { qos: 1 });
    await closed;

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toContain(topics.telemetry(a.deviceId));
    expect(seen.filter((topic) => topic.startsWith(`devices/${b.deviceId}/`))).toEqual([]);
  });

  it("lets the service account publish and subscribe anywhere", async () => {
    const svc = await connected({ username: service.username, password: service.password, clientId: `svc-any-${Date.now()}` });
    const grants = await svc.subscribeAsync("devices/+/telemetry", { qos: 1 });
    expect(grants[0]?.qos).toBe(1);
    const deviceB = await connected(asDevice(b));
    await deviceB.subscribeAsync(topics.commands(b.deviceId), { qos: 1 });
    const received = new Promise<string>((resolve) => deviceB.once("message", (_topic, payload) => resolve(payload.toString())));
    await svc.publishAsync(topics.commands(b.deviceId), JSON.stringify({ command_id: "c1", command: "ping", parameters: {}, timestamp: new Date().toISOString() }), { qos: 1 });
    expect(JSON.parse(await received)).toMatchObject({ command: "ping" });
  });
});
