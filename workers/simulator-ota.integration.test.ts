/**
 * A simulated device takes over-the-air updates end to end: real broker (MQTT_URL), a device with
 * real credentials (real PostgreSQL), a signed offer published on its ota/update topic, and the
 * binary served by a small HTTP server here that checks HTTP Basic like the product's download route.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "../lib/db";
import { signedManifestOf } from "../lib/firmware/firmware-versions";
import { keyIdOf, publicKeyPem, type SigningKey } from "../lib/firmware/signing";
import { otaStatusPayload, statusPayload, telemetryPayload, type OtaStatusPayload, type OtaUpdatePayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";
import { startSimulator, type Simulator, type SimulatorOptions } from "./simulator";
import { demoFirmwareBytes } from "../prisma/seed";
import { connectOnce, createTestFleet, waitFor, type TestDevice } from "./test-fleet";

const db = getDb();
const mqttUrl = process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883";
const service = { username: process.env.MQTT_SERVICE_USERNAME || "sdm-service", password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18) };

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const serverKey: SigningKey = { privateKey, publicKey, keyId: keyIdOf(publicKey) };

let fleet: Awaited<ReturnType<typeof createTestFleet>>;
let http: Server;
let baseUrl: string;
/** path → the bytes served there and the credentials the caller must present. */
const files = new Map<string, { bytes: Buffer; username: string; password: string }>();
const simulators: Simulator[] = [];
const clients: MqttClient[] = [];

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** An offer as the OTA engine builds it: the version's manifest signed with the server key. */
function offerFor(jobId: number, version: string, bytes: Buffer, url: string, extra: Partial<OtaUpdatePayload> = {}): OtaUpdatePayload {
  const signed = signedManifestOf(
    { deviceType: "milk_meter", version, fileName: `mm-400-${version}.bin`, sha256: sha256(bytes), sizeBytes: bytes.length, minPreviousVersion: null, compatibleModels: [], isMandatory: false },
    serverKey,
  );
  return { job_id: jobId, version, download_url: url, sha256: sha256(bytes), size: bytes.length, signature: signed.signature, mandatory: false, manifest: signed.manifest, signing_key_id: signed.keyId, rollback: false, ...extra };
}

function serve(path: string, bytes: Buffer, credentials: { username: string; password: string }) {
  files.set(path, { bytes, ...credentials });
  return `${baseUrl}${path}`;
}

/** What the cloud sees of one device: its ota/status reports, statuses and telemetry, in order. */
async function watch(deviceId: string) {
  const seen: { topic: string; at: number; body: unknown }[] = [];
  const outcome = await connectOnce(mqttUrl, { ...service, clientId: `svc-ota-test-${Date.now()}-${Math.random().toString(36).slice(2, 6)}` });
  if (!outcome.ok) throw outcome.error;
  const client = outcome.client;
  clients.push(client);
  client.on("message", (topic, payload) => seen.push({ topic, at: Date.now(), body: JSON.parse(payload.toString("utf8")) }));
  await client.subscribeAsync([topics.otaStatus(deviceId), topics.status(deviceId), topics.telemetry(deviceId)], { qos: 1 });
  const of = <T,>(topic: string, schema: { parse(value: unknown): T }) => seen.filter((m) => m.topic === topic).map((m) => ({ at: m.at, ...schema.parse(m.body) }) as T & { at: number });
  return {
    client,
    ota: () => of(topics.otaStatus(deviceId), otaStatusPayload),
    statuses: () => of(topics.status(deviceId), statusPayload),
    telemetry: () => of(topics.telemetry(deviceId), telemetryPayload),
    offer: (offer: OtaUpdatePayload) => client.publishAsync(topics.otaUpdate(deviceId), JSON.stringify(offer), { qos: 1 }),
  };
}

function simulate(device: TestDevice, options: Partial<SimulatorOptions> = {}) {
  const log: string[] = [];
  const simulator = startSimulator({
    mqttUrl,
    devices: [{ deviceId: device.deviceId, deviceType: "milk_meter", firmwareVersion: "2.0.3", ...device.credentials }],
    intervalSeconds: 0.2,
    connectSpreadMs: 0,
    otaStepMs: 20,
    firmwarePublicKeyPem: publicKeyPem(serverKey),
    log: (line) => log.push(line),
    ...options,
  });
  simulators.push(simulator);
  return { simulator, log };
}

async function online(watcher: Awaited<ReturnType<typeof watch>>, version: string) {
  return waitFor(async () => watcher.statuses().find((status) => status.status === "online" && status.firmware_version === version));
}

const finalReport = (watcher: Awaited<ReturnType<typeof watch>>, jobId: number) =>
  waitFor(async () => watcher.ota().find((report) => report.job_id === jobId && ["completed", "failed", "rolled_back"].includes(report.status)));

const trail = (reports: OtaStatusPayload[], jobId: number) => reports.filter((r) => r.job_id === jobId).map((r) => (r.status === "downloading" ? `downloading ${r.progress}` : r.status));

beforeAll(async () => {
  fleet = await createTestFleet(db, 3);
  http = createServer((request, response) => {
    const file = files.get(request.url ?? "");
    if (!file) return void response.writeHead(404).end();
    const expected = `Basic ${Buffer.from(`${file.username}:${file.password}`).toString("base64")}`;
    if (request.headers.authorization !== expected) return void response.writeHead(401, { "www-authenticate": 'Basic realm="firmware"' }).end();
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(file.bytes.length) });
    // In eighths with pauses, as over a slow link, so the device sees the download progress.
    const step = Math.ceil(file.bytes.length / 8);
    const send = (offset: number) => {
      if (offset >= file.bytes.length) return void response.end();
      response.write(file.bytes.subarray(offset, offset + step));
      setTimeout(() => send(offset + step), 10);
    };
    send(0);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(simulators.map((simulator) => simulator.stop()));
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await new Promise((resolve) => http?.close(resolve));
  await fleet?.remove();
  await disconnectDb();
});

describe("simulated device over-the-air updates", () => {
  it("downloads, verifies and installs a signed update, reboots into it, ignores a repeated offer and rolls back", async () => {
    const device = fleet.devices[0]!;
    const watcher = await watch(device.deviceId);
    const { simulator } = simulate(device);
    await online(watcher, "2.0.3");

    const jobId = 100_000 + Math.floor(Math.random() * 100_000);
    const next = demoFirmwareBytes("milk_meter", "2.1.0");
    const offer = offerFor(jobId, "2.1.0", next, serve(`/fw/${device.deviceId}/2.1.0`, next, device.credentials));
    await watcher.offer(offer);
    const completed = await finalReport(watcher, jobId);
    expect(completed).toMatchObject({ status: "completed", version: "2.1.0", progress: 100 });
    expect(trail(watcher.ota(), jobId)).toEqual(["downloading 0", "downloading 25", "downloading 50", "downloading 75", "downloading 100", "installing", "verifying", "completed"]);

    // Rebooted into the new version: its status and telemetry say so from then on.
    await online(watcher, "2.1.0");
    const after = await waitFor(async () => watcher.telemetry().find((sample) => sample.at > completed.at));
    expect(after.firmware_version).toBe("2.1.0");

    // QoS 1 may deliver the same offer again: the device does not install twice.
    const reports = watcher.ota().length;
    await watcher.offer(offer);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(watcher.ota()).toHaveLength(reports);

    // The job rolls back: the same job, back to 2.0.3, downloaded and checked the same way.
    const previous = demoFirmwareBytes("milk_meter", "2.0.3");
    await watcher.offer(offerFor(jobId, "2.0.3", previous, serve(`/fw/${device.deviceId}/2.0.3`, previous, device.credentials), { rollback: true }));
    const rolledBack = await waitFor(async () => watcher.ota().find((report) => report.job_id === jobId && report.status === "rolled_back"));
    expect(rolledBack).toMatchObject({ version: "2.0.3" });
    await waitFor(async () => watcher.telemetry().find((sample) => sample.at > rolledBack.at && sample.firmware_version === "2.0.3"));
    expect(simulator.stats()).toMatchObject({ otaOffers: 2, otaCompleted: 2, otaFailed: 0 });
  });

  it("refuses a tampered binary with the SHA-256 mismatch and keeps its version", async () => {
    const device = fleet.devices[1]!;
    const watcher = await watch(device.deviceId);
    const { simulator } = simulate(device);
    await online(watcher, "2.0.3");

    const jobId = 200_000 + Math.floor(Math.random() * 100_000);
    const genuine = demoFirmwareBytes("milk_meter", "2.1.0");
    const tampered = Buffer.from(genuine);
    tampered[4096] = tampered[4096]! ^ 0x01;
    await watcher.offer(offerFor(jobId, "2.1.0", genuine, serve(`/fw/${device.deviceId}/tampered`, tampered, device.credentials)));
    const failed = await finalReport(watcher, jobId);
    expect(failed).toMatchObject({ status: "failed", error: `SHA-256 mismatch: expected ${sha256(genuine)} got ${sha256(tampered)}` });
    expect(trail(watcher.ota(), jobId)).not.toContain("installing");
    const after = await waitFor(async () => watcher.telemetry().find((sample) => sample.at > failed.at));
    expect(after.firmware_version).toBe("2.0.3");
    expect(simulator.stats()).toMatchObject({ otaOffers: 1, otaCompleted: 0, otaFailed: 1 });
  });

  it("reports a refused download and a simulated flash failure of a failing version", async () => {
    const device = fleet.devices[2]!;
    const watcher = await watch(device.deviceId);
    simulate(device, { otaFailVersions: { "2.2.0": 1 } });
    await online(watcher, "2.0.3");

    const base = 300_000 + Math.floor(Math.random() * 100_000);
    const build = demoFirmwareBytes("milk_meter", "2.2.0");
    // The server only hands it out with other credentials: the device's are refused.
    await watcher.offer(offerFor(base, "2.2.0", build, serve(`/fw/${device.deviceId}/other`, build, { username: "dev-XX000", password: "not-this-device" })));
    expect(await finalReport(watcher, base)).toMatchObject({ status: "failed", error: "download failed: HTTP 401" });

    await watcher.offer(offerFor(base + 1, "2.2.0", build, serve(`/fw/${device.deviceId}/2.2.0`, build, device.credentials)));
    expect(await finalReport(watcher, base + 1)).toMatchObject({ status: "failed", error: "flash write failed (simulated)" });
    expect(trail(watcher.ota(), base + 1).slice(-2)).toEqual(["installing", "failed"]);
  });
});
