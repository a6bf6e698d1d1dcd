/**
 * Several workers on one MQTT shared subscription (`$share/<group>/…`), end to end: the machine's
 * broker (MQTT_URL: Mosquitto 2 here, EMQX in production), real PostgreSQL (DATABASE_URL). The
 * embedded broker (Aedes) has no shared subscriptions: there these tests are skipped, saying so.
 *
 * What Mosquitto does when a member of a shared subscription with a persistent session dies: the
 * QoS 1 messages in flight to it, and a share of every later one, stay in its session until a
 * client with its id comes back (they are not handed to the other members). So a dead worker is
 * restarted with its MQTT_CLIENT_ID, and what it had stored but not yet acknowledged comes back
 * with DUP set: lib/worker/redelivery-check.ts keeps that from being stored twice.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import net from "node:net";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../lib/config/database-url";
import { disconnectDb, getDb } from "../lib/db";
import { commandPayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";
import { findFreePort } from "../lib/services/free-port";
import { startIotWorker, type IotWorker } from "./iot-worker";
import { connectOnce, createTestFleet, openTestBroker, testWorkerOptions, waitFor, type TestBroker, type TestDevice } from "./test-fleet";

const db = getDb();
const service = {
  username: process.env.MQTT_SERVICE_USERNAME || "sdm-service",
  password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18),
};
/** scripts/with-services.ts says which broker it gave us (SDM_BROKER=embedded: Aedes). */
const external = Boolean(process.env.MQTT_URL) && process.env.SDM_BROKER !== "embedded";
const run = Date.now().toString(36);
/** Each test its own group: a killed member's session stays in its group, taking its share. */
const groupOf = (test: string) => `sdm-test-${test}-${run}`;
let broker: TestBroker | undefined;
let mqttUrl: string;
const clients: MqttClient[] = [];
const workers: IotWorker[] = [];
const sessions: string[] = [];
const children: { kill(): Promise<void> }[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function clientIdFor(name: string) {
  const clientId = `sdm-iot-worker-share-${name}-${run}`;
  sessions.push(clientId);
  return clientId;
}

/** The worker as `npm run worker` runs it, in a process of its own (so it can be killed outright). */
async function spawnWorker(clientId: string, group: string, url = mqttUrl) {
  const lines: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "workers/iot-worker.ts"], {
    env: {
      ...process.env,
      MQTT_URL: url,
      DATABASE_URL: resolveDatabaseUrl(),
      MQTT_SERVICE_USERNAME: service.username,
      MQTT_SERVICE_PASSWORD: service.password,
      MQTT_CLIENT_ID: clientId,
      MQTT_PROTOCOL_VERSION: "5",
      MQTT_SHARED_GROUP: group,
      WORKER_STATS_SECONDS: "1",
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
  const handle = {
    lines,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    /** The latest "received N" of its once-a-second stats line. */
    received() {
      const last = lines.filter((line) => line.startsWith("worker: received ")).at(-1);
      return last ? Number(/received (\d+)/.exec(last)![1]) : 0;
    },
  };
  children.push(handle);
  try {
    // Subscribed: the first stats line comes after the start resolved (subscriptions granted).
    await waitFor(async () => lines.some((line) => line.startsWith("worker: received ")), 40_000, 100);
  } catch (error) {
    await handle.kill();
    throw new Error(`the worker did not start: ${lines.join("\n")}`, { cause: error });
  }
  return handle;
}

async function startWorker(clientId: string, group: string, lines: string[] = []) {
  const worker = await startIotWorker(
    testWorkerOptions({ mqttUrl, service, clientId, lines }, { protocolVersion: 5, sharedSubscription: true, sharedGroup: group }),
  );
  workers.push(worker);
  return worker;
}

async function asDevice(device: TestDevice) {
  const outcome = await connectOnce(mqttUrl, { ...device.credentials });
  if (!outcome.ok) throw outcome.error;
  clients.push(outcome.client);
  return outcome.client;
}

/** How many times each (device, seq) was stored, for the devices given. */
async function storedCounts(deviceIds: number[]) {
  const rows = await db.$queryRaw<{ device_id: number; seq: number; n: bigint }[]>`
    SELECT device_id, (readings->>'seq')::int AS seq, count(*) AS n FROM telemetry_samples
     WHERE device_id = ANY(${deviceIds}::int[]) GROUP BY 1, 2`;
  return rows.map((row) => ({ deviceId: row.device_id, seq: row.seq, n: Number(row.n) }));
}

/**
 * A TCP relay between a worker and the broker that, once `swallowAcks()` is called, stops passing
 * what the worker sends: the worker still receives and stores, but its PUBACKs never arrive — a
 * worker that dies between its commit and its acknowledgement, made certain instead of lucky.
 */
async function ackSwallowingRelay(target: URL) {
  const port = await findFreePort();
  let swallow = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(Number(target.port || 1883), target.hostname);
    sockets.add(inbound).add(outbound);
    outbound.pipe(inbound);
    inbound.on("data", (chunk) => {
      if (!swallow) outbound.write(chunk);
    });
    const close = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on("error", close).on("close", close);
    outbound.on("error", close).on("close", close);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `mqtt://127.0.0.1:${port}`,
    swallowAcks() {
      swallow = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

beforeAll(async () => {
  broker = await openTestBroker(db, service);
  mqttUrl = broker.url;
});

afterAll(async () => {
  await Promise.all(children.map((child) => child.kill()));
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await Promise.all(workers.map((worker) => worker.stop().catch(() => undefined)));
  for (const clientId of sessions) await broker?.wipeSession(clientId);
  await broker?.close();
  await disconnectDb();
});

const onSharedBroker = external ? describe : describe.skip;
if (!external) console.log("shared-subscription tests skipped: they need an external MQTT_URL (Mosquitto 2 / EMQX); the embedded Aedes broker has no $share subscriptions");

onSharedBroker("two workers on a shared subscription", () => {
  it("split a fleet's stream; one killed mid-stream and restarted with its client id: nothing lost, nothing stored twice", { timeout: 150_000 }, async () => {
    const fleet = await createTestFleet(db, 20);
    const ids = fleet.devices.map((device) => device.id);
    const perDevice = 60;
    const idA = clientIdFor("a");
    const idB = clientIdFor("b");
    let restarted: IotWorker | undefined;
    const group = groupOf("kill");
    const a = await spawnWorker(idA, group);
    const b = await spawnWorker(idB, group);
    try {
      const devices = await Promise.all(fleet.devices.map(async (device) => ({ device, client: await asDevice(device) })));
      // 20 devices, one message each per 40 ms: ~500 messages/s for ~2.4 s.
      const publishing = (async () => {
        for (let seq = 0; seq < perDevice; seq++) {
          await Promise.all(
            devices.map(({ device, client }) =>
              client.publishAsync(topics.telemetry(device.deviceId), JSON.stringify({ ts: new Date().toISOString(), battery_level: 80, readings: { seq } }), { qos: 1 }),
            ),
          );
          await sleep(40);
        }
      })();
      // Mid-stream: both have taken messages, then A dies without a word.
      await waitFor(async () => a.received() > 50 && b.received() > 50, 30_000, 100);
      await a.kill();
      const killedAt = (await storedCounts(ids)).length;
      await publishing;
      expect(killedAt).toBeLessThan(ids.length * perDevice);
      // B alone cannot finish: A's share waits in A's session on the broker.
      await sleep(1_000);
      // A comes back under its id (an orchestrator's restart) and takes what its session kept.
      const lines: string[] = [];
      restarted = await startWorker(idA, group, lines);
      const counts = await waitFor(async () => {
        const stored = await storedCounts(ids);
        return stored.length === ids.length * perDevice ? stored : null;
      }, 40_000);
      await sleep(1_000);
      expect((await storedCounts(ids)).filter((row) => row.n > 1)).toEqual([]);
      expect(counts.length).toBe(ids.length * perDevice);
      expect(await db.telemetrySample.count({ where: { deviceId: { in: ids } } })).toBe(ids.length * perDevice);
      expect(restarted.stats().received).toBeGreaterThan(0);
      // Both took a share before the kill.
      expect(a.received()).toBeGreaterThan(0);
      expect(b.received()).toBeGreaterThan(0);
      expect(lines.some((line) => line.includes("session resumed"))).toBe(true);
    } finally {
      await a.kill();
      await b.kill();
      // Every group gets every message: this group's members must not store the next tests' too.
      await restarted?.stop();
      for (const clientId of [idA, idB]) await broker?.wipeSession(clientId);
      await fleet.remove();
    }
  });

  it("a worker that stored messages and died before acknowledging them: their redelivery is not stored again", { timeout: 120_000 }, async () => {
    const fleet = await createTestFleet(db, 1);
    const device = fleet.devices[0]!;
    const relay = await ackSwallowingRelay(new URL(mqttUrl));
    const clientId = clientIdFor("unacked");
    const group = groupOf("unacked");
    const killed = await spawnWorker(clientId, group, relay.url);
    try {
      const client = await asDevice(device);
      relay.swallowAcks();
      const count = 15;
      for (let seq = 0; seq < count; seq++) {
        await client.publishAsync(topics.telemetry(device.deviceId), JSON.stringify({ ts: new Date(Date.now() - (count - seq) * 1000).toISOString(), error_count: seq, readings: { seq } }), { qos: 1 });
      }
      // Stored, and every PUBACK lost on the way: then the process is killed.
      await waitFor(async () => (await storedCounts([device.id])).length === count, 20_000);
      await killed.kill();
      await relay.close();

      const worker = await startWorker(clientId, group);
      // The broker sends them all again (DUP set); each is found stored and acknowledged.
      await waitFor(async () => worker.stats().redeliveredStored === count || null, 20_000);
      await sleep(500);
      expect((await storedCounts([device.id])).filter((row) => row.n > 1)).toEqual([]);
      expect(await db.telemetrySample.count({ where: { deviceId: device.id } })).toBe(count);
      // Acknowledged this time: a further restart is sent nothing again.
      await worker.stop();
      const again = await startWorker(clientId, group);
      await sleep(1_500);
      expect(again.stats().received).toBe(0);

      // A redelivery that was not stored before (same device, a new reading) is stored.
      await client.publishAsync(topics.telemetry(device.deviceId), JSON.stringify({ ts: new Date().toISOString(), error_count: 99, readings: { seq: 99 } }), { qos: 1 });
      await waitFor(async () => (await db.telemetrySample.count({ where: { deviceId: device.id } })) === count + 1);
      await again.stop();
    } finally {
      await killed.kill();
      await broker?.wipeSession(clientId);
      await relay.close().catch(() => undefined);
      await fleet.remove();
    }
  });

});

// Engines do not need $share: on the embedded broker both workers subscribe plainly (each stores
// the devices' status messages, which set a state twice over) and the engines are what is tested.
describe("two workers' timed engines", () => {
  it("run the command engine's ticks once across both: every command reaches its device once", { timeout: 60_000 }, async () => {
    const fleet = await createTestFleet(db, 4);
    const group = groupOf("engines");
    const options = { commands: { tickMs: 20, publicUrl: "https://dairy.example" } };
    const one = await startIotWorker(testWorkerOptions({ mqttUrl, service, clientId: clientIdFor("cmd-1") }, { protocolVersion: external ? 5 : 4, sharedSubscription: external, sharedGroup: group, ...options }));
    const two = await startIotWorker(testWorkerOptions({ mqttUrl, service, clientId: clientIdFor("cmd-2") }, { protocolVersion: external ? 5 : 4, sharedSubscription: external, sharedGroup: group, ...options }));
    workers.push(one, two);
    try {
      const received = new Map<string, number>();
      for (const device of fleet.devices) {
        const client = await asDevice(device);
        client.on("message", (topic, payload) => {
          if (topic !== topics.commands(device.deviceId)) return;
          const id = commandPayload.parse(JSON.parse(payload.toString())).command_id;
          received.set(id, (received.get(id) ?? 0) + 1);
        });
        await client.subscribeAsync(topics.commands(device.deviceId), { qos: 1 });
        await client.publishAsync(topics.status(device.deviceId), JSON.stringify({ status: "online" }), { qos: 1 });
      }
      await waitFor(async () => (await db.device.count({ where: { id: { in: fleet.devices.map((d) => d.id) }, connectionStatus: "online" } })) === 4);
      const queued: string[] = [];
      for (let round = 0; round < 10; round++) {
        for (const device of fleet.devices) {
          const commandId = randomUUID();
          queued.push(commandId);
          await db.command.create({
            data: { commandId, deviceId: device.id, farmId: fleet.farmId, commandType: "ping", parameters: {}, requestedBy: "tester@example.com", timeoutSeconds: 60 },
          });
        }
        await db.$executeRawUnsafe(`SELECT pg_notify('sdm_commands', '')`);
        await sleep(30);
      }
      await waitFor(async () => queued.every((id) => received.has(id)), 20_000);
      await sleep(1_000);
      expect(queued.filter((id) => received.get(id) !== 1)).toEqual([]);
      expect(one.stats().commandsSent + two.stats().commandsSent).toBe(queued.length);
      // Both ticked; the lock let one at a time send.
      expect(await db.command.count({ where: { commandId: { in: queued }, status: "sent" } })).toBe(queued.length);
    } finally {
      await one.stop();
      await two.stop();
      await fleet.remove();
    }
  });
});
