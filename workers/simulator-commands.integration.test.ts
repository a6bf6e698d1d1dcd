/**
 * Simulated devices answer remote commands end to end: the real broker (MQTT_URL), devices with
 * real credentials, commands published as the engine publishes them, and the product's log
 * upload route handler behind a small HTTP server, storing into a temporary DATA_DIR.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { rmSync } from "node:fs";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? "/tmp"}/sdm-simcmd-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { PUT as uploadRoute } from "@/app/api/v1/iot/devices/[id]/logs/[bundleId]/upload/route";
import { logsResult, restartResult, statusResult } from "../lib/commands/catalogue";
import { parseLogLine } from "../lib/commands/log-lines";
import { logUploadUrl, newUploadToken } from "../lib/commands/log-upload-token";
import { disconnectDb, getDb } from "../lib/db";
import { commandResponsePayload, statusPayload, type CommandPayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";
import { getBlobStore } from "../lib/storage";
import { startSimulator, type Simulator, type SimulatorOptions } from "./simulator";
import { logTypeOf } from "./simulator-logs";
import { connectOnce, createTestFleet, waitFor, type TestDevice } from "./test-fleet";

const db = getDb();
const mqttUrl = process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883";
const service = { username: process.env.MQTT_SERVICE_USERNAME || "sdm-service", password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18) };

let fleet: Awaited<ReturnType<typeof createTestFleet>>;
let http: Server;
let publicUrl: string;
const simulators: Simulator[] = [];
const clients: MqttClient[] = [];

/** What the cloud sees of one device: command responses and statuses, in order. */
async function watch(deviceId: string) {
  const seen: { topic: string; at: number; body: unknown }[] = [];
  const outcome = await connectOnce(mqttUrl, { ...service, clientId: `svc-cmd-test-${randomUUID().slice(0, 8)}` });
  if (!outcome.ok) throw outcome.error;
  const client = outcome.client;
  clients.push(client);
  client.on("message", (topic, payload) => seen.push({ topic, at: Date.now(), body: JSON.parse(payload.toString("utf8")) }));
  await client.subscribeAsync([`devices/${deviceId}/commands/+/response`, topics.status(deviceId)], { qos: 1 });
  return {
    responses: (commandId: string) => seen.filter((m) => m.topic === topics.commandResponse(deviceId, commandId)).map((m) => ({ at: m.at, ...commandResponsePayload.parse(m.body) })),
    statuses: () => seen.filter((m) => m.topic === topics.status(deviceId)).map((m) => ({ at: m.at, ...statusPayload.parse(m.body) })),
    send: (command: string, parameters: Record<string, unknown>, commandId = `cmd-${randomUUID()}`) => {
      const payload: CommandPayload = { command_id: commandId, command, parameters, timestamp: new Date().toISOString(), expires_at: new Date(Date.now() + 3_600_000).toISOString() };
      return client.publishAsync(topics.commands(deviceId), JSON.stringify(payload), { qos: 1 }).then(() => commandId);
    },
  };
}

function simulate(device: TestDevice, deviceType: string, options: Partial<SimulatorOptions> = {}) {
  const simulator = startSimulator({
    mqttUrl,
    devices: [{ deviceId: device.deviceId, deviceType, firmwareVersion: "2.0.3", ...device.credentials }],
    intervalSeconds: 0.1,
    connectSpreadMs: 0,
    commandDelayScale: 0.01,
    log: () => undefined,
    ...options,
  });
  simulators.push(simulator);
  return simulator;
}

const online = (watcher: Awaited<ReturnType<typeof watch>>, after = 0) => waitFor(async () => watcher.statuses().find((status) => status.status === "online" && status.at >= after));
const final = (watcher: Awaited<ReturnType<typeof watch>>, commandId: string) => waitFor(async () => watcher.responses(commandId).find((r) => r.status !== "executing"), 15_000);

beforeAll(async () => {
  fleet = await createTestFleet(db, 3);
  // The product's upload route handler, as Next.js would call it.
  http = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const match = /^\/api\/v1\/iot\/devices\/([^/]+)\/logs\/([^/]+)\/upload$/.exec(url.pathname);
    if (!match || request.method !== "PUT") return void response.writeHead(404).end();
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
    const webRequest = new Request(url, { method: "PUT", headers, body: Readable.toWeb(request) as ReadableStream, duplex: "half" } as RequestInit);
    uploadRoute(webRequest, { params: Promise.resolve({ id: decodeURIComponent(match[1]!), bundleId: match[2]! }) }).then(
      async (answer) => {
        response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
        response.end(Buffer.from(await answer.arrayBuffer()));
      },
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  publicUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(simulators.map((simulator) => simulator.stop()));
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await new Promise((resolve) => http?.close(resolve));
  await fleet?.remove();
  await disconnectDb();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("simulated devices answer remote commands", () => {
  it("collects its logs: gzip PUT to the signed URL, stored, then completed with the bundle's figures", async () => {
    const device = fleet.devices[0]!;
    const watcher = await watch(device.deviceId);
    simulate(device, "milk_meter");
    await online(watcher);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few telemetry ticks of log lines

    // What the web side and the engine do: a command row, a bundle row, a minted token.
    const commandId = `cmd-${randomUUID()}`;
    const command = await db.command.create({
      data: { commandId, deviceId: device.id, commandType: "get_logs", parameters: { log_types: ["sensor"], time_range_hours: 1, include_system_logs: true }, status: "sent", sentAt: new Date(), timeoutSeconds: 120, farmId: fleet.farmId },
    });
    const { token, hash } = newUploadToken();
    const bundle = await db.deviceLogBundle.create({
      data: { deviceId: device.id, commandId: command.id, logTypes: ["sensor"], timeRangeHours: 1, uploadTokenHash: hash, uploadExpiresAt: new Date(Date.now() + 120_000) },
    });
    await watcher.send("get_logs", { log_types: ["sensor"], time_range_hours: 1, include_system_logs: true, upload_url: logUploadUrl(publicUrl, device.deviceId, bundle.id, token), bundle_id: bundle.id }, commandId);

    const answer = await final(watcher, commandId);
    expect(answer.status, answer.error ?? "").toBe("completed");
    const result = logsResult.parse(answer.result);
    expect(result.bundle_id).toBe(bundle.id);
    expect(watcher.responses(commandId)[0]!.status).toBe("executing");

    const stored = await db.deviceLogBundle.findUniqueOrThrow({ where: { id: bundle.id } });
    expect(stored).toMatchObject({ state: "stored", sizeBytes: result.size_bytes, sha256: result.sha256, lineCount: result.lines, uploadTokenHash: null });
    const object = await getBlobStore().open(stored.storageKey!);
    const chunks: Buffer[] = [];
    for await (const chunk of object!.body) chunks.push(chunk as Buffer);
    const lines = gunzipSync(Buffer.concat(chunks)).toString("utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(result.lines!);
    // Only the asked types (sensor, plus system as include_system_logs says), all in the log format.
    const parsed = lines.map((line, i) => parseLogLine(line, i + 1));
    expect(parsed.every((line) => line.level !== null && ["sensor", "system"].includes(logTypeOf(line.source!)))).toBe(true);
    expect(parsed.some((line) => logTypeOf(line.source!) === "sensor")).toBe(true);

    // The same token again (a second get_logs answered with an old URL) is refused: failed, with the server's words.
    const again = `cmd-${randomUUID()}`;
    await watcher.send("get_logs", { upload_url: logUploadUrl(publicUrl, device.deviceId, bundle.id, token), bundle_id: bundle.id }, again);
    expect(await final(watcher, again)).toMatchObject({ status: "failed", error: "log upload refused: HTTP 403 The upload token is wrong or was already used." });
  });

  it("never executes a repeated command id twice, and refuses what the catalogue refuses", async () => {
    const device = fleet.devices[1]!;
    const watcher = await watch(device.deviceId);
    const simulator = simulate(device, "gateway");
    await online(watcher);
    const id = await watcher.send("get_status", {});
    await final(watcher, id);
    await watcher.send("get_status", {}, id);
    await watcher.send("get_status", {}, id);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(watcher.responses(id).map((r) => r.status)).toEqual(["executing", "completed"]);
    expect(statusResult.safeParse(watcher.responses(id)[1]!.result).success).toBe(true);
    expect(simulator.stats()).toMatchObject({ commands: 1, commandDuplicates: 2 });

    const unknown = await watcher.send("zero_flow", {});
    expect(await final(watcher, unknown)).toMatchObject({ status: "failed", error: expect.stringMatching(/^unknown command "zero_flow" for a gateway/) });
    const bad = await watcher.send("ping", { count: 99 });
    expect(await final(watcher, bad)).toMatchObject({ status: "failed", error: expect.stringMatching(/^invalid parameters: count/) });
  });

  it("restarts: offline, back online, then completed with restarted_at and its uptime from zero", async () => {
    const device = fleet.devices[2]!;
    const watcher = await watch(device.deviceId);
    simulate(device, "environmental", { commandDelayScale: 0.1 });
    await online(watcher);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const sentAt = Date.now();
    const id = await watcher.send("restart", { delay_seconds: 0 });
    const answer = await final(watcher, id);
    expect(answer.status).toBe("completed");
    const result = restartResult.parse(answer.result);
    const offline = watcher.statuses().find((status) => status.status === "offline" && status.at >= sentAt);
    const back = watcher.statuses().find((status) => status.status === "online" && status.at >= sentAt);
    expect(offline?.reason).toBe("restart command");
    expect(back!.at).toBeGreaterThanOrEqual(offline!.at);
    expect(answer.at).toBeGreaterThanOrEqual(back!.at);
    expect(Date.parse(result.restarted_at!)).toBeGreaterThanOrEqual(sentAt);
    expect(answer.result!.uptime_seconds).toBe(0);

    const status = await watcher.send("get_status", {});
    const statusAnswer = statusResult.parse((await final(watcher, status)).result);
    expect(statusAnswer.uptime_seconds).toBeLessThan(3);
  });
});
