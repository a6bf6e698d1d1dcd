/**
 * Simulated devices take remote configuration end to end: the real broker (MQTT_URL), devices
 * with real credentials, configurations published retained as lib/configuration/config-delivery.ts
 * publishes them (configMessage), reports read back from `config/status` as the worker reads them,
 * and the device's telemetry rhythm and alarm flags observed on the wire.
 *
 * Device ids are unique per run (createTestFleet), and every retained configuration the test
 * publishes is cleared at the end: on the machine's Mosquitto (CI) retained messages outlive the run.
 */
import { randomUUID } from "node:crypto";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deepMerge } from "../lib/configuration/config-layers";
import { configMessage } from "../lib/configuration/config-delivery";
import { configHash } from "../lib/configuration/config-hash";
import { defaultConfig, type ConfigObject } from "../lib/configuration/config-schemas";
import { disconnectDb, getDb } from "../lib/db";
import { configReportPayload, telemetryPayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";
import { startSimulator, type Simulator, type SimulatorOptions } from "./simulator";
import { parseConfigSwitch } from "./simulator-config";
import { connectOnce, createTestFleet, waitFor, type TestDevice } from "./test-fleet";

const db = getDb();
const mqttUrl = process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883";
const service = { username: process.env.MQTT_SERVICE_USERNAME || "sdm-service", password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18) };

let fleet: Awaited<ReturnType<typeof createTestFleet>>;
const simulators: Simulator[] = [];
const clients: MqttClient[] = [];
/** Config topics this run published retained on: cleared in afterAll. */
const retained = new Set<string>();

type Seen = { topic: string; at: number; body: unknown };

/** What the cloud sees of one device (config reports, telemetry), and the cloud's way to configure it. */
async function watch(deviceId: string) {
  const seen: Seen[] = [];
  const outcome = await connectOnce(mqttUrl, { ...service, clientId: `svc-cfg-test-${randomUUID().slice(0, 8)}` });
  if (!outcome.ok) throw outcome.error;
  const client = outcome.client;
  clients.push(client);
  client.on("message", (topic, payload) => {
    if (payload.length) seen.push({ topic, at: Date.now(), body: JSON.parse(payload.toString("utf8")) });
  });
  await client.subscribeAsync([topics.configStatus(deviceId), topics.telemetry(deviceId)], { qos: 1 });
  return {
    reports: () => seen.filter((m) => m.topic === topics.configStatus(deviceId)).map((m) => ({ at: m.at, ...configReportPayload.parse(m.body) })),
    telemetry: () => seen.filter((m) => m.topic === topics.telemetry(deviceId)).map((m) => ({ at: m.at, ...telemetryPayload.parse(m.body) })),
    /** As the delivery engine sends it: the whole configuration, version and hash, retained, QoS 1. */
    configure: async (version: number, configuration: ConfigObject, hash = configHash(configuration)) => {
      const message = configMessage({ deviceId, payload: { version, hash, configuration, issued_at: new Date().toISOString() } });
      retained.add(message.topic);
      await client.publishAsync(message.topic, message.payload, { qos: 1, retain: true });
    },
  };
}
type Watcher = Awaited<ReturnType<typeof watch>>;

function simulate(device: TestDevice, options: Partial<SimulatorOptions> = {}) {
  const simulator = startSimulator({
    mqttUrl,
    devices: [{ deviceId: device.deviceId, deviceType: "environmental", firmwareVersion: "2.0.3", ...device.credentials }],
    intervalSeconds: 0.2,
    connectSpreadMs: 0,
    log: () => undefined,
    ...options,
  });
  simulators.push(simulator);
  return simulator;
}

const report = (watcher: Watcher, version: number, after = 0) => waitFor(async () => watcher.reports().find((r) => r.version === version && r.at >= after), 10_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const gaps = (times: number[]) => times.slice(1).map((time, index) => time - times[index]!);

const defaults = () => defaultConfig("environmental");

beforeAll(async () => {
  fleet = await createTestFleet(db, 4, { deviceType: "environmental" });
});

afterAll(async () => {
  await Promise.all(simulators.map((simulator) => simulator.stop()));
  // An empty retained payload clears each configuration this run left on the broker.
  const cleaner = clients[0];
  if (cleaner?.connected) for (const topic of retained) await cleaner.publishAsync(topic, "", { qos: 1, retain: true });
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await fleet?.remove();
  await disconnectDb();
});

describe("simulated devices take remote configuration", () => {
  it("report what they run on connect, apply a configuration (interval and alarm flags really change) and confirm it", async () => {
    const device = fleet.devices[0]!;
    const watcher = await watch(device.deviceId);
    const simulator = simulate(device);
    expect(await report(watcher, 0)).toMatchObject({ status: "applied", hash: configHash(defaults()) });
    await waitFor(async () => watcher.telemetry().length >= 8);

    // 600 s where 60 s is the default: ×10, clamped to ×6 → 1.2 s instead of 0.2 s. An ammonia
    // alarm at 2 ppm flags every reading (the simulated barn has 8–32 ppm).
    const configuration = deepMerge(defaults(), { telemetry: { update_interval_sec: 600 }, thresholds: { ammonia_high: 2, ammonia_critical: 100 } });
    const sentAt = Date.now();
    await watcher.configure(1, configuration);
    const applied = await report(watcher, 1, sentAt);
    expect(applied).toMatchObject({ status: "applied", hash: configHash(configuration) });
    expect(applied.reason ?? null).toBeNull();

    const before = watcher.telemetry().filter((t) => t.at < sentAt);
    await waitFor(async () => watcher.telemetry().filter((t) => t.at > applied.at).length >= 4, 15_000);
    const after = watcher.telemetry().filter((t) => t.at > applied.at);
    const fast = median(gaps(before.map((t) => t.at)));
    const slow = median(gaps(after.map((t) => t.at)));
    expect(fast).toBeLessThan(400);
    expect(slow).toBeGreaterThan(900);
    expect(slow).toBeLessThan(2_000);
    // Flags judged against the thresholds it runs: defaults (25 ppm) before, 2 ppm after.
    expect(before.every((t) => (t.readings!.ammonia_alarm === "high") === ((t.readings!.ammonia_ppm as number) >= 25))).toBe(true);
    expect(after.every((t) => t.readings!.ammonia_alarm === "high")).toBe(true);

    // The retained copy again (as after a reconnect) is a repeat of what it runs: no second report.
    await watcher.configure(1, configuration);
    await sleep(500);
    expect(watcher.reports().filter((r) => r.version === 1)).toHaveLength(1);
    expect(simulator.stats()).toMatchObject({ configApplied: 1, configRejected: 0 });
  });

  it("rejects an invalid configuration with the path and reason, once, and keeps running what it ran", async () => {
    const device = fleet.devices[1]!;
    const watcher = await watch(device.deviceId);
    simulate(device);
    await report(watcher, 0);
    const good = deepMerge(defaults(), { telemetry: { update_interval_sec: 120 } });
    await watcher.configure(1, good);
    await report(watcher, 1);

    const bad = deepMerge(good, { thresholds: { ammonia_high: 60 } }); // above its critical limit (50)
    await watcher.configure(2, bad);
    const rejected = await report(watcher, 2);
    expect(rejected).toMatchObject({ status: "rejected", hash: configHash(good) });
    expect(rejected.reason).toMatch(/^invalid configuration: thresholds\.ammonia_critical: ammonia critical \(50\) must be above ammonia high \(60\)/);

    const tampered = deepMerge(good, { telemetry: { batch_size: 20 } });
    await watcher.configure(3, tampered, configHash(good));
    expect(await report(watcher, 3)).toMatchObject({ status: "rejected", reason: expect.stringMatching(/^hash mismatch/) });

    // The same refused version again: answered once, so nothing can loop.
    await watcher.configure(2, bad);
    await sleep(500);
    expect(watcher.reports().filter((r) => r.version === 2)).toHaveLength(1);
    // And an empty retained payload (a cleared configuration) is ignored.
    const reportsBefore = watcher.reports().length;
    await clients.at(-1)!.publishAsync(topics.config(device.deviceId), "", { qos: 1, retain: true });
    await sleep(300);
    expect(watcher.reports()).toHaveLength(reportsBefore);
  });

  it("keeps what it applied across a reconnect, and says so when it is back", async () => {
    const device = fleet.devices[2]!;
    const watcher = await watch(device.deviceId);
    simulate(device, { commandDelayScale: 0 });
    await report(watcher, 0);
    const configuration = deepMerge(defaults(), { thresholds: { ammonia_high: 30 } });
    await watcher.configure(1, configuration);
    await report(watcher, 1);
    // A restart command: the device reconnects, the broker hands it the retained version 1 again.
    const restartedAt = Date.now();
    const outcome = await connectOnce(mqttUrl, { ...service, clientId: `svc-cfg-cmd-${randomUUID().slice(0, 8)}` });
    if (!outcome.ok) throw outcome.error;
    clients.push(outcome.client);
    const commandId = `cmd-${randomUUID()}`;
    await outcome.client.publishAsync(topics.commands(device.deviceId), JSON.stringify({ command_id: commandId, command: "restart", parameters: { delay_seconds: 0 }, timestamp: new Date().toISOString(), expires_at: new Date(Date.now() + 60_000).toISOString() }), { qos: 1 });
    const back = await report(watcher, 1, restartedAt);
    expect(back).toMatchObject({ status: "applied", hash: configHash(configuration) });
    await sleep(500);
    expect(watcher.reports().filter((r) => r.at >= restartedAt)).toHaveLength(1);
  });

  it("the switches: a named device rejects a threshold its firmware does not support; fail and silent devices", async () => {
    const [rejecting, failing] = [fleet.devices[3]!, fleet.devices[0]!];
    const watcher = await watch(rejecting.deviceId);
    simulate(rejecting, { configReject: parseConfigSwitch("config-reject", rejecting.deviceId) });
    await report(watcher, 0);
    const slower = deepMerge(defaults(), { telemetry: { update_interval_sec: 120 } });
    await watcher.configure(1, slower);
    expect(await report(watcher, 1)).toMatchObject({ status: "applied" });
    await watcher.configure(2, deepMerge(slower, { thresholds: { ammonia_high: 30 } }));
    expect(await report(watcher, 2)).toMatchObject({ status: "rejected", hash: configHash(slower), reason: "setting thresholds.ammonia_high not supported by firmware 2.0.3" });

    // The first device again, now failing every write (its retained version 1 from the first test fails too).
    await Promise.all(simulators.splice(0, 1).map((simulator) => simulator.stop()));
    const failWatcher = await watch(failing.deviceId);
    simulate(failing, { configFail: parseConfigSwitch("config-fail", failing.deviceId) });
    await report(failWatcher, 0);
    await failWatcher.configure(7, slower);
    expect(await report(failWatcher, 7)).toMatchObject({ status: "failed", reason: "flash write error" });

    const silentDevice = fleet.devices[1]!;
    await Promise.all(simulators.splice(0, 1).map((simulator) => simulator.stop()));
    const silentWatcher = await watch(silentDevice.deviceId);
    const since = Date.now();
    const silent = simulate(silentDevice, { configSilent: parseConfigSwitch("config-silent", "1") });
    await waitFor(async () => silent.stats().connected === 1);
    await silentWatcher.configure(9, slower);
    await waitFor(async () => silent.stats().configApplied >= 1);
    await sleep(300);
    expect(silentWatcher.reports().filter((r) => r.at >= since)).toEqual([]);
  });
});
