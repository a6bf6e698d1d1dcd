import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "../lib/db";
import { MAX_PACKET_BYTES } from "../lib/mqtt/packet-size";
import { topics } from "../lib/mqtt/topics";
import type { Actor } from "../lib/auth/permissions";
import { issueDeviceCredentials, revokeDeviceCredentials } from "../lib/provisioning/credentials";
import { claimDevice, generateProvisioningToken } from "../lib/provisioning/provision-device";
import { findFreePort } from "../lib/services/free-port";
import { startEmbeddedBroker, type EmbeddedBroker } from "./embedded-broker";
import { connectOnce, createTestFleet, randomDeviceId, type TestDevice } from "./test-fleet";

const db = getDb();
const service = { username: "sdm-service-test", password: "service-secret-for-tests" };
let broker: EmbeddedBroker;
let url: string;
let fleet: Awaited<ReturnType<typeof createTestFleet>>;
let a: TestDevice;
let b: TestDevice;
let revoked: TestDevice;
let rotated: TestDevice;
let cut: TestDevice;
let admin: Actor;
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
  fleet = await createTestFleet(db, 5);
  [a, b, revoked, rotated, cut] = fleet.devices as [TestDevice, TestDevice, TestDevice, TestDevice, TestDevice];
  await revokeDeviceCredentials(db, revoked.id);
  const user = await db.user.create({ data: { email: `broker-${Date.now()}-${Math.floor(Math.random() * 1e6)}@test.example`, name: "Broker test admin", role: "admin", passwordHash: "x" } });
  admin = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
  broker = await startEmbeddedBroker({ port: await findFreePort(), db, serviceUsername: service.username, servicePassword: service.password, sessionCheckIntervalMs: 200 });
  url = `mqtt://127.0.0.1:${broker.port}`;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await broker?.close();
  if (fleet) await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: (await db.device.findMany({ where: { farmId: fleet.farmId }, select: { deviceId: true } })).map((device) => device.deviceId) } } });
  await fleet?.remove();
  if (admin) await db.user.delete({ where: { id: admin.id } });
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

  it("refuses a password that was regenerated away and lets the new one in", async () => {
    const old = rotated.credentials;
    const fresh = await issueDeviceCredentials(db, rotated);
    const outcome = await connectOnce(url, { username: old.username, password: old.password, clientId: old.clientId });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe(4);
    const client = await connected({ username: fresh.username, password: fresh.password, clientId: fresh.clientId });
    expect(client.connected).toBe(true);
    rotated = { ...rotated, credentials: fresh };
  });

  it("closes an open connection once its password is regenerated (revoked and retired alike: lib/mqtt/broker-access.test.ts)", async () => {
    const client = await connected({ ...asDevice(cut), clientId: `${cut.credentials.clientId}-cut` });
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    await issueDeviceCredentials(db, cut);
    await closed;
    expect(client.connected).toBe(false);
    const again = await connectOnce(url, asDevice(cut));
    expect(again.ok).toBe(false);
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

  it("refuses a retained publish from a device: nothing is kept to be replayed to later subscribers", async () => {
    const deviceA = await connected({ ...asDevice(a), clientId: `${a.credentials.clientId}-retain` });
    const closed = new Promise<void>((resolve) => deviceA.once("close", () => resolve()));
    deviceA.publish(topics.status(a.deviceId), JSON.stringify({ status: "online" }), { qos: 1, retain: true });
    await closed;
    // A subscriber arriving afterwards is handed no retained message.
    const late = await connected({ username: service.username, password: service.password, clientId: `svc-late-${Date.now()}` });
    const replayed: string[] = [];
    late.on("message", (topic) => replayed.push(topic));
    await late.subscribeAsync(topics.status(a.deviceId), { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replayed).toEqual([]);
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

describe("embedded broker packet size", () => {
  it("closes a connection that sends a packet past MAX_PACKET_BYTES, before routing it, and keeps serving others", async () => {
    const received: number[] = [];
    const svc = await connected({ ...service, clientId: `svc-size-${Date.now()}` });
    await svc.subscribeAsync(topics.telemetry(b.deviceId), { qos: 1 });
    svc.on("message", (_topic, payload) => received.push(payload.length));
    const device = await connected(asDevice(b));
    const closed = new Promise<void>((resolve) => device.once("close", () => resolve()));
    device.publish(topics.telemetry(b.deviceId), Buffer.alloc(MAX_PACKET_BYTES + 1, 0x61), { qos: 1 });
    await closed;
    // The broker is fine, and the device may come back with a message of a sensible size.
    const again = await connected(asDevice(b));
    await again.publishAsync(topics.telemetry(b.deviceId), JSON.stringify({ battery_level: 50 }), { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([JSON.stringify({ battery_level: 50 }).length]);
  });
});

describe("a device that claims its own credentials (I-013 §2.3)", () => {
  it("connects with what the claim returned and publishes under its own topics", async () => {
    const deviceId = randomDeviceId("TC");
    await db.device.create({ data: { deviceId, name: `Claimed ${deviceId}`, deviceType: "milk_meter", state: "registered", farmId: fleet.farmId } });
    const { token } = await generateProvisioningToken(db, admin, deviceId);
    const credentials = await claimDevice(db, { deviceId, token, ip: "192.0.2.1" });

    const watcher = await connected({ username: service.username, password: service.password, clientId: `svc-claim-${Date.now()}` });
    await watcher.subscribeAsync(credentials.topics.telemetry, { qos: 1 });
    const seen = new Promise<string>((resolve) => watcher.once("message", (_topic, payload) => resolve(payload.toString())));
    const device = await connected({ username: credentials.username, password: credentials.password, clientId: credentials.clientId });
    await device.publishAsync(credentials.topics.telemetry, JSON.stringify({ battery_level: 88 }), { qos: 1 });
    expect(JSON.parse(await seen)).toEqual({ battery_level: 88 });
    await expect(device.subscribeAsync(topics.commands(a.deviceId), { qos: 1 })).rejects.toThrow(/Subscribe error/);
  });
});
