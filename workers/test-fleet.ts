/**
 * Test helpers for the MQTT integration tests: a throw-away farm with devices and credentials,
 * unique per run (random digits), removed afterwards; and a one-shot MQTT connect that reports a
 * refusal instead of retrying.
 */
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { resolveDatabaseUrl } from "../lib/config/database-url";
import type { Db } from "../lib/db";
import { issueDeviceCredentials, type IssuedCredentials } from "../lib/provisioning/credentials";
import { findFreePort } from "../lib/services/free-port";
import { startEmbeddedBroker, type EmbeddedBroker } from "./embedded-broker";
import type { IotWorkerOptions } from "./iot-worker";

export type TestDevice = { id: number; deviceId: string; credentials: IssuedCredentials };

export function randomDeviceId(prefix = "TS") {
  return `${prefix}${String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0")}`;
}

export async function createTestFleet(
  db: Db,
  count: number,
  overrides: { deviceType?: "milk_meter" | "collar" | "environmental"; state?: "provisioned" | "registered" | "active" | "suspended" } = {},
) {
  const farm = await db.farm.create({ data: { code: `T${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`.slice(0, 20), name: "Test farm" } });
  const devices: TestDevice[] = [];
  const used = new Set<string>();
  while (devices.length < count) {
    const deviceId = randomDeviceId();
    if (used.has(deviceId)) continue;
    used.add(deviceId);
    const device = await db.device.create({
      data: { deviceId, name: `Test ${deviceId}`, deviceType: overrides.deviceType ?? "milk_meter", state: overrides.state ?? "active", farmId: farm.id },
    });
    devices.push({ id: device.id, deviceId, credentials: await issueDeviceCredentials(db, device) });
  }
  return {
    farmId: farm.id,
    devices,
    async remove() {
      await db.device.deleteMany({ where: { farmId: farm.id } });
      await db.farm.delete({ where: { id: farm.id } });
    },
  };
}

export type ConnectOutcome = { ok: true; client: MqttClient } | { ok: false; error: Error & { code?: number } };

export function connectOnce(url: string, options: IClientOptions): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, protocolVersion: 4, ...options });
    client.once("connect", () => resolve({ ok: true, client }));
    client.once("error", (error: Error & { code?: number }) => {
      client.end(true);
      resolve({ ok: false, error });
    });
  });
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export type TestBroker = {
  url: string;
  /** Ends a worker's persistent session: a shared broker would otherwise keep queueing for it. */
  wipeSession(clientId: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * The broker of an integration test: MQTT_URL's when set (the machine's Mosquitto), else an
 * embedded one on a free port that authenticates devices against `db`, as in production.
 */
export async function openTestBroker(db: Db, service: { username: string; password: string }): Promise<TestBroker> {
  let embedded: EmbeddedBroker | undefined;
  let url = process.env.MQTT_URL;
  if (!url) {
    embedded = await startEmbeddedBroker({ port: await findFreePort(), db, serviceUsername: service.username, servicePassword: service.password });
    url = `mqtt://127.0.0.1:${embedded.port}`;
  }
  const brokerUrl = url;
  return {
    url: brokerUrl,
    async wipeSession(clientId) {
      const wipe = await connectOnce(brokerUrl, { clientId, clean: true, username: service.username, password: service.password });
      if (wipe.ok) await wipe.client.endAsync(true);
    },
    async close() {
      await embedded?.close();
    },
  };
}

/**
 * The worker as the integration tests start it: pg-boss's clock off (a test drives the sweeps and
 * ticks it needs), every telemetry window written to the device row at once, a quick shutdown; its
 * log lines kept in `lines` (when given) and printed with WORKER_LOG=1. `overrides` sets the engine
 * under test (`ota`, `config`, `commands` …) and anything else that differs.
 */
export function testWorkerOptions(
  broker: { mqttUrl: string; service: { username: string; password: string }; clientId: string; lines?: string[] },
  overrides: Partial<IotWorkerOptions> = {},
): IotWorkerOptions {
  return {
    mqttUrl: broker.mqttUrl,
    databaseUrl: resolveDatabaseUrl(),
    serviceUsername: broker.service.username,
    servicePassword: broker.service.password,
    clientId: broker.clientId,
    runJobs: false,
    flushIntervalMs: 50,
    deviceRowRefreshMs: 0,
    shutdownTimeoutMs: 500,
    log: (line) => {
      broker.lines?.push(line);
      if (process.env.WORKER_LOG) console.log(line);
    },
    ...overrides,
  };
}
