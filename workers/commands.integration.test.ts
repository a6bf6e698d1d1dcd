/**
 * Remote commands end to end (ISSUE-15 item 2–3): real broker (MQTT_URL, or an embedded one
 * started here), real PostgreSQL (DATABASE_URL), the worker's command engine and ingest path. A test
 * device is an MQTT client with the device's own credentials that reads `devices/{id}/commands`
 * and answers on `devices/{id}/commands/{command_id}/response`. Commands are inserted as the web
 * side does (a queued row, then NOTIFY).
 */
import { randomUUID } from "node:crypto";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPIRED_OFFLINE, EXPIRED_ONLY_IF_ONLINE } from "../lib/commands/command-engine";
import { hashUploadToken } from "../lib/commands/log-upload-token";
import { resolveDatabaseUrl } from "../lib/config/database-url";
import { disconnectDb, getDb } from "../lib/db";
import { commandPayload, type CommandPayload, type CommandResponsePayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";
import { startIotWorker, type IotWorker, type IotWorkerOptions } from "./iot-worker";
import { connectOnce, createTestFleet, openTestBroker, waitFor, type TestBroker, type TestDevice } from "./test-fleet";

const db = getDb();
const service = {
  username: process.env.MQTT_SERVICE_USERNAME || "sdm-service",
  password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18),
};
const protocolVersion = process.env.MQTT_PROTOCOL_VERSION === "5" ? 5 : 4;
const run = Date.now().toString(36);
const PUBLIC_URL = "https://dairy.example";
let broker: TestBroker | undefined;
let mqttUrl: string;
let worker: IotWorker;
const workers: IotWorker[] = [];
const sessions: string[] = [];
const clients: MqttClient[] = [];
let fleet: Awaited<ReturnType<typeof createTestFleet>>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startWorker(name: string, options: Partial<IotWorkerOptions> = {}) {
  const clientId = `sdm-iot-worker-cmd-${name}-${run}`;
  sessions.push(clientId);
  const started = await startIotWorker({
    mqttUrl,
    databaseUrl: resolveDatabaseUrl(),
    serviceUsername: service.username,
    servicePassword: service.password,
    clientId,
    protocolVersion,
    runJobs: false,
    flushIntervalMs: 20,
    deviceRowRefreshMs: 0,
    shutdownTimeoutMs: 500,
    commands: { tickMs: 200, publicUrl: PUBLIC_URL },
    log: (line) => {
      if (process.env.WORKER_LOG) console.log(line);
    },
    ...options,
  });
  workers.push(started);
  return started;
}

/** A device on the broker: what it was sent, and how it answers. */
type LiveDevice = {
  client: MqttClient;
  received: CommandPayload[];
  answer(commandId: string, payload: CommandResponsePayload, asDeviceId?: string): Promise<void>;
};

async function goOnline(device: TestDevice): Promise<LiveDevice> {
  const outcome = await connectOnce(mqttUrl, { ...device.credentials });
  if (!outcome.ok) throw outcome.error;
  const client = outcome.client;
  clients.push(client);
  const received: CommandPayload[] = [];
  client.on("message", (topic, payload) => {
    if (topic === topics.commands(device.deviceId)) received.push(commandPayload.parse(JSON.parse(payload.toString())));
  });
  await client.subscribeAsync(topics.commands(device.deviceId), { qos: 1 });
  await client.publishAsync(topics.status(device.deviceId), JSON.stringify({ status: "online" }), { qos: 1 });
  await waitFor(async () => (await db.device.findUniqueOrThrow({ where: { id: device.id } })).connectionStatus === "online");
  return {
    client,
    received,
    answer: (commandId, payload, asDeviceId = device.deviceId) =>
      client.publishAsync(topics.commandResponse(asDeviceId, commandId), JSON.stringify(payload), { qos: 1 }).then(() => undefined),
  };
}

async function goOffline(device: TestDevice) {
  await db.device.update({ where: { id: device.id }, data: { connectionStatus: "offline" } });
}

/** As the web side does: a queued row, then NOTIFY. */
async function queue(
  device: TestDevice,
  commandType: string,
  parameters: Record<string, unknown> = {},
  extra: { timeoutSeconds?: number; expiresAt?: Date; onlyIfOnline?: boolean } = {},
) {
  const command = await db.command.create({
    data: {
      commandId: randomUUID(),
      deviceId: device.id,
      farmId: fleet.farmId,
      commandType,
      parameters: parameters as object,
      requestedBy: "tester@example.com",
      timeoutSeconds: extra.timeoutSeconds ?? 60,
      onlyIfOnline: extra.onlyIfOnline ?? false,
      ...(extra.expiresAt ? { expiresAt: extra.expiresAt } : {}),
    },
  });
  await db.$executeRawUnsafe(`SELECT pg_notify('sdm_commands', '')`);
  return command;
}

const commandRow = (id: number) => db.command.findUniqueOrThrow({ where: { id } });
const device = (index: number) => fleet.devices[index]!;

beforeAll(async () => {
  fleet = await createTestFleet(db, 12);
  broker = await openTestBroker(db, service);
  mqttUrl = broker.url;
  worker = await startWorker("main");
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await Promise.all(workers.map((w) => w.stop().catch(() => undefined)));
  for (const clientId of sessions) await broker?.wipeSession(clientId);
  await broker?.close();
  await fleet?.remove();
  await disconnectDb();
});

describe("command engine", () => {
  it("sends a queued command at once and stores executing, then completed", async () => {
    const live = await goOnline(device(0));
    const command = await queue(device(0), "ping", { count: 2 });
    const sent = await waitFor(async () => live.received.find((c) => c.command_id === command.commandId));
    expect(sent).toMatchObject({ command: "ping", parameters: { count: 2 }, expires_at: command.expiresAt.toISOString() });
    // "sent" commits once the broker took it, which can be a moment after the device already has it.
    await waitFor(async () => (await commandRow(command.id)).status === "sent");

    await live.answer(command.commandId, { status: "executing" });
    await waitFor(async () => (await commandRow(command.id)).status === "executing");
    await live.answer(command.commandId, { status: "completed", result: { sent: 2, received: 2, avg_ms: 12 } });
    const done = await waitFor(async () => {
      const row = await commandRow(command.id);
      return row.status === "completed" ? row : null;
    });
    expect(done).toMatchObject({ late: false, result: { sent: 2, received: 2, avg_ms: 12 } });
    expect(done.sentAt).not.toBeNull();
    expect(done.executingAt).not.toBeNull();
    expect(done.completedAt).not.toBeNull();
    // A redelivered "executing" does not reopen it.
    await live.answer(command.commandId, { status: "executing" });
    await sleep(300);
    expect((await commandRow(command.id)).status).toBe("completed");
  });

  it("stores a failure with the device's error", async () => {
    const live = await goOnline(device(1));
    const command = await queue(device(1), "ping");
    await waitFor(async () => live.received.some((c) => c.command_id === command.commandId));
    await live.answer(command.commandId, { status: "failed", error: "radio busy" });
    const row = await waitFor(async () => {
      const current = await commandRow(command.id);
      return current.status === "failed" ? current : null;
    });
    expect(row.errorMessage).toBe("radio busy");
  });

  it("times out an unanswered command, and keeps a late answer marked late", async () => {
    const live = await goOnline(device(2));
    const command = await queue(device(2), "ping", {}, { timeoutSeconds: 1 });
    await waitFor(async () => live.received.some((c) => c.command_id === command.commandId));
    const timedOut = await waitFor(async () => {
      const row = await commandRow(command.id);
      return row.status === "timeout" ? row : null;
    }, 5_000);
    expect(timedOut.errorMessage).toMatch(/No answer from the device within 1 s/);
    // The row is committed inside the engine's tick; the worker counts it once that tick returns.
    await expect.poll(() => worker.stats().commandsTimedOut, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);

    await live.answer(command.commandId, { status: "completed", result: { sent: 4, received: 4 } });
    const late = await waitFor(async () => {
      const row = await commandRow(command.id);
      return row.status === "completed" ? row : null;
    });
    expect(late).toMatchObject({ late: true, errorMessage: null, result: { sent: 4, received: 4 } });
  });

  it("keeps a command for an offline device and sends it when the device comes back", async () => {
    await goOffline(device(3));
    const command = await queue(device(3), "get_config");
    await sleep(600);
    expect((await commandRow(command.id)).status).toBe("queued");
    const live = await goOnline(device(3));
    await waitFor(async () => live.received.some((c) => c.command_id === command.commandId), 3_000);
    await waitFor(async () => (await commandRow(command.id)).status === "sent");
  });

  it("expires a queued command at its expiry, and an only-if-online one at once", async () => {
    await goOffline(device(4));
    const expiring = await queue(device(4), "ping", {}, { expiresAt: new Date(Date.now() + 300) });
    const onlyOnline = await queue(device(4), "ping", {}, { onlyIfOnline: true });
    const gone = await waitFor(async () => {
      const row = await commandRow(onlyOnline.id);
      return row.status === "expired" ? row : null;
    }, 3_000);
    expect(gone.errorMessage).toBe(EXPIRED_ONLY_IF_ONLINE);
    const expired = await waitFor(async () => {
      const row = await commandRow(expiring.id);
      return row.status === "expired" ? row : null;
    }, 3_000);
    expect(expired.errorMessage).toBe(EXPIRED_OFFLINE);
    expect(expired.sentAt).toBeNull();
  });

  it("refuses a response to another device's command and to an unknown command, and counts them", async () => {
    const owner = await goOnline(device(5));
    const forger = await goOnline(device(6));
    const command = await queue(device(5), "ping");
    await waitFor(async () => owner.received.some((c) => c.command_id === command.commandId));
    const before = worker.stats().commandRefused;
    // On its own topic, with the other device's command id (its own topics are all the broker allows it).
    await forger.answer(command.commandId, { status: "completed", result: { forged: true } });
    await forger.answer(randomUUID(), { status: "completed" });
    await waitFor(async () => worker.stats().commandRefused >= before + 2);
    const row = await commandRow(command.id);
    expect(row.status).toBe("sent");
    expect(row.result).toBeNull();
  });

  it("get_status refreshes the device's own fields", async () => {
    const live = await goOnline(device(7));
    const command = await queue(device(7), "get_status");
    await waitFor(async () => live.received.some((c) => c.command_id === command.commandId));
    await live.answer(command.commandId, {
      status: "completed",
      result: { state: "running", cpu_percent: 31, memory_percent: 47, storage_percent: 62, uptime_seconds: 7200, firmware_version: "3.1.4" },
    });
    const row = await waitFor(async () => {
      const current = await db.device.findUniqueOrThrow({ where: { id: device(7).id } });
      return current.firmwareVersion === "3.1.4" ? current : null;
    });
    expect(row).toMatchObject({ cpuPercent: 31, memoryPercent: 47, storagePercent: 62, uptimeSeconds: 7200 });
  });

  it("run_diagnostics files a Diagnostic and updates the device's diagnostic fields", async () => {
    const live = await goOnline(device(8));
    const command = await queue(device(8), "run_diagnostics", { suite: "quick" });
    await waitFor(async () => live.received.some((c) => c.command_id === command.commandId));
    const report = { suite: "quick", passed: false, tests: [{ name: "flow sensor", passed: false }, { name: "storage", passed: true }] };
    await live.answer(command.commandId, { status: "completed", result: report });
    const diagnostic = await waitFor(() => db.diagnostic.findFirst({ where: { commandId: command.commandId } }));
    expect(diagnostic).toMatchObject({ deviceId: device(8).id, state: "completed", suite: "quick", passed: false, report });
    const row = await db.device.findUniqueOrThrow({ where: { id: device(8).id } });
    expect(row.lastDiagnostic).not.toBeNull();
    expect(row.diagnosticReport).toEqual(report);
  });

  it("restart counts a restart once the device confirms it", async () => {
    const live = await goOnline(device(9));
    const before = await db.device.findUniqueOrThrow({ where: { id: device(9).id } });
    const command = await queue(device(9), "restart", { delay_seconds: 0 });
    await waitFor(async () => live.received.some((c) => c.command_id === command.commandId));
    await live.answer(command.commandId, { status: "completed", result: { restarted_at: new Date().toISOString() } });
    const row = await waitFor(async () => {
      const current = await db.device.findUniqueOrThrow({ where: { id: device(9).id } });
      return current.restartCount === before.restartCount + 1 ? current : null;
    });
    expect(row.lastRestart).not.toBeNull();
  });

  it("set_debug_level records the mode; the app ends it when its time is up", async () => {
    const live = await goOnline(device(10));
    const command = await queue(device(10), "set_debug_level", { level: "verbose", duration_minutes: 15 });
    await waitFor(async () => live.received.some((c) => c.command_id === command.commandId));
    await live.answer(command.commandId, { status: "completed", result: { level: "verbose" } });
    const on = await waitFor(async () => {
      const current = await db.device.findUniqueOrThrow({ where: { id: device(10).id } });
      return current.debugLevel === "verbose" ? current : null;
    });
    expect(on.debugUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);

    // Time is up (as the app tracks it): cleared, and the device is told to go back to info.
    await db.device.update({ where: { id: device(10).id }, data: { debugUntil: new Date(Date.now() - 1_000) } });
    // (The engine looks for ended modes every 5 s.)
    const off = await waitFor(async () => live.received.find((c) => c.command === "set_debug_level" && c.parameters.level === "info"), 8_000);
    expect(off.parameters).toEqual({ level: "info", duration_minutes: 30 });
    const row = await db.device.findUniqueOrThrow({ where: { id: device(10).id } });
    expect(row).toMatchObject({ debugLevel: null, debugUntil: null });
    expect(await commandRow((await db.command.findUniqueOrThrow({ where: { commandId: off.command_id } })).id)).toMatchObject({
      requestedBy: "system",
      farmId: fleet.farmId,
    });
  });

  it("get_logs carries a one-time upload URL in what is published only, and fails its bundle on failure", async () => {
    const live = await goOnline(device(11));
    const command = await queue(device(11), "get_logs", { log_types: ["system"], time_range_hours: 2, include_system_logs: true }, { timeoutSeconds: 120 });
    const bundle = await db.deviceLogBundle.create({ data: { deviceId: device(11).id, commandId: command.id, logTypes: ["system"], timeRangeHours: 2 } });
    await db.$executeRawUnsafe(`SELECT pg_notify('sdm_commands', '')`);
    const sent = await waitFor(async () => live.received.find((c) => c.command_id === command.commandId));
    expect(sent.parameters.bundle_id).toBe(bundle.id);
    const url = new URL(String(sent.parameters.upload_url));
    expect(url.origin + url.pathname).toBe(`${PUBLIC_URL}/api/v1/iot/devices/${device(11).deviceId}/logs/${bundle.id}/upload`);
    // Stored in the transaction that marks the command sent, which commits once the broker took the message.
    const stored = await waitFor(async () => {
      const row = await db.deviceLogBundle.findUniqueOrThrow({ where: { id: bundle.id } });
      return row.uploadTokenHash ? row : null;
    });
    expect(stored.uploadTokenHash).toBe(hashUploadToken(url.searchParams.get("token")!));
    expect(stored.uploadExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 100_000);
    expect((await commandRow(command.id)).parameters).toEqual({ log_types: ["system"], time_range_hours: 2, include_system_logs: true });

    await live.answer(command.commandId, { status: "failed", error: "disk unreadable" });
    await waitFor(async () => (await db.deviceLogBundle.findUniqueOrThrow({ where: { id: bundle.id } })).state === "failed");
  });
});

describe("command engine across a worker restart", () => {
  it("does not send an acknowledged command again, and stores the answer that comes after the restart", async () => {
    const lane = await createTestFleet(db, 1);
    const target = lane.devices[0]!;
    await worker.stop();
    let first = await startWorker("restart-a");
    try {
      const live = await goOnline(target);
      const command = await db.command.create({
        data: { commandId: randomUUID(), deviceId: target.id, farmId: lane.farmId, commandType: "run_diagnostics", parameters: { suite: "full" }, timeoutSeconds: 180 },
      });
      await db.$executeRawUnsafe(`SELECT pg_notify('sdm_commands', '')`);
      await waitFor(async () => live.received.some((c) => c.command_id === command.commandId));
      await live.answer(command.commandId, { status: "executing" });
      await waitFor(async () => (await commandRow(command.id)).status === "executing");

      await first.stop();
      first = await startWorker("restart-b");
      await first.commandTick();
      await sleep(800);
      expect(live.received.filter((c) => c.command_id === command.commandId)).toHaveLength(1);

      await live.answer(command.commandId, { status: "completed", result: { suite: "full", passed: true, tests: [{ name: "clock", passed: true }] } });
      const row = await waitFor(async () => {
        const current = await commandRow(command.id);
        return current.status === "completed" ? current : null;
      });
      expect(row.late).toBe(false);
      expect(await db.diagnostic.count({ where: { commandId: command.commandId, passed: true } })).toBe(1);
    } finally {
      await first.stop();
      await lane.remove();
    }
  });

  it("holds a disruptive command while a firmware update installs, sends it after, and sends the rest meanwhile", async () => {
    const lane = await createTestFleet(db, 1);
    const target = lane.devices[0]!;
    // The restart test above stopped the main worker.
    const holding = await startWorker("hold");
    try {
      const live = await goOnline(target);
      await db.device.update({ where: { id: target.id }, data: { firmwareUpdateStatus: "installing" } });
      const restart = await db.command.create({ data: { commandId: randomUUID(), deviceId: target.id, farmId: lane.farmId, commandType: "restart", parameters: { delay_seconds: 0 } } });
      const ping = await db.command.create({ data: { commandId: randomUUID(), deviceId: target.id, farmId: lane.farmId, commandType: "ping", parameters: { count: 1 } } });
      await db.$executeRawUnsafe(`SELECT pg_notify('sdm_commands', '')`);
      await waitFor(async () => live.received.some((c) => c.command_id === ping.commandId));
      await holding.commandTick();
      await sleep(500);
      expect(live.received.some((c) => c.command_id === restart.commandId)).toBe(false);
      expect((await commandRow(restart.id)).status).toBe("queued");

      await db.device.update({ where: { id: target.id }, data: { firmwareUpdateStatus: "completed" } });
      await holding.commandTick();
      await waitFor(async () => live.received.some((c) => c.command_id === restart.commandId));
    } finally {
      await holding.stop();
      await lane.remove();
    }
  });
});
