/**
 * The web side of remote commands against a real PostgreSQL: every refusal of sendCommand (each
 * writes nothing), what a queued command holds, idempotency, the command center's filters and
 * keyset pages, cancelling, bulk sends with their skip reasons and progress, and debug mode.
 */
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { resolveDatabaseUrl } from "../config/database-url";
import { batchProgress, cancelBatchRest, sendBulkCommand, sendBulkCommandOnce } from "./bulk-commands";
import { cancelCommand, deviceCommands, getCommand, listCommands } from "./command-queries";
import { endDebugMode, startDebugMode } from "./debug-mode";
import { sendCommand, sendCommandOnce } from "./send-command";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const n = String(1000 + Math.floor(Math.random() * 9000));
const id = (prefix: string, i: number) => `${prefix}${n}${String(i).padStart(2, "0")}`;
let farmA = 0;
let farmB = 0;
let groupId = 0;

const actor = (role: Actor["role"], farmId: number | null, idNo: number): Actor => ({ kind: "user", id: 900_000 + idNo, label: `${role}-${suffix}-${idNo}@test.example`, name: role, role, farmId });
let admin: Actor;
let manager: Actor;
let technician: Actor;
let viewer: Actor;

const meter = id("MQ", 0);
const offlineMeter = id("MQ", 1);
const updatingMeter = id("MQ", 2);
const retiredMeter = id("MQ", 3);
const collar = id("CQ", 0);
const theirs = id("MR", 0);
const gateways = [0, 1, 2].map((i) => id("GQ", i));

async function refused(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { status: number; message: string; fieldErrors?: Record<string, string[]> };
  }
  throw new Error("expected a refusal");
}
const commandsOf = (deviceId: string) => db.command.count({ where: { device: { deviceId } } });

beforeAll(async () => {
  farmA = (await db.farm.create({ data: { code: `CQA${suffix}`, name: `Command farm A ${suffix}` } })).id;
  farmB = (await db.farm.create({ data: { code: `CQB${suffix}`, name: `Command farm B ${suffix}` } })).id;
  admin = actor("admin", null, 1);
  manager = actor("manager", farmA, 2);
  technician = actor("technician", farmA, 3);
  viewer = actor("viewer", null, 4);
  groupId = (await db.deviceGroup.create({ data: { name: `Gateways ${suffix}`, code: `GW${suffix}`, farmId: farmA } })).id;
  const device = (deviceId: string, extra: Record<string, unknown> = {}) => ({ deviceId, name: `Device ${deviceId}`, deviceType: "milk_meter" as const, farmId: farmA, state: "active" as const, connectionStatus: "online" as const, ...extra });
  await db.device.createMany({
    data: [
      device(meter),
      device(offlineMeter, { connectionStatus: "offline" }),
      device(updatingMeter, { firmwareUpdateStatus: "installing" }),
      device(retiredMeter, { state: "decommissioned" }),
      device(collar, { deviceType: "collar" }),
      device(theirs, { farmId: farmB }),
      ...gateways.map((g) => device(g, { deviceType: "gateway", groupId })),
    ],
  });
});

afterAll(async () => {
  const farms = [farmA, farmB];
  await db.commandBatch.deleteMany({ where: { OR: [{ farmId: { in: farms } }, { requestedBy: { contains: suffix } }] } });
  await db.auditEvent.deleteMany({ where: { actorLabel: { contains: suffix } } });
  await db.device.deleteMany({ where: { farmId: { in: farms } } });
  await db.deviceGroup.deleteMany({ where: { farmId: { in: farms } } });
  await db.farm.deleteMany({ where: { id: { in: farms } } });
  await disconnectDb();
});

describe("sending a command", () => {
  it("queues it with the catalogue's defaults, the device's farm, expiry and sender, audits it and wakes the engine", async () => {
    const listener = new Client({ connectionString: resolveDatabaseUrl() });
    await listener.connect();
    const notified = new Promise<string>((resolve) => listener.on("notification", (message) => resolve(message.channel)));
    await listener.query("LISTEN sdm_commands");
    try {
      const before = Date.now();
      const command = await sendCommand(db, technician, meter, { command: "ping" });
      expect(command).toMatchObject({ device: { id: meter, type: "milk_meter" }, command: "ping", label: "Ping", parameters: { count: 4 }, status: "queued", late: false, timeoutSeconds: 30, onlyIfOnline: false, requestedBy: technician.label, batchId: null });
      expect(Date.parse(command.expiresAt) - Date.parse(command.createdAt)).toBe(24 * 3600_000);
      expect(Date.parse(command.createdAt)).toBeGreaterThanOrEqual(before - 5);
      const row = await db.command.findFirstOrThrow({ where: { commandId: command.id } });
      expect(row).toMatchObject({ farmId: farmA, requestedById: technician.id, status: "queued", commandType: "ping" });
      expect(await db.auditEvent.count({ where: { entityType: "device", entityId: meter, action: "command_sent", actorLabel: technician.label } })).toBe(1);
      expect(await Promise.race([notified, new Promise((resolve) => setTimeout(() => resolve("none"), 2000))])).toBe("sdm_commands");
    } finally {
      await listener.end();
    }
  });

  it("takes its own timeout and expiry, and makes a log bundle awaiting upload for get_logs", async () => {
    const command = await sendCommand(db, technician, meter, { command: "get_logs", parameters: { time_range_hours: 6, log_types: ["network"] }, timeout_seconds: 300, expires_in_hours: 2 });
    expect(command.parameters).toEqual({ log_types: ["network"], time_range_hours: 6, include_system_logs: true });
    expect(command.timeoutSeconds).toBe(300);
    expect(Date.parse(command.expiresAt) - Date.parse(command.createdAt)).toBe(2 * 3600_000);
    const bundle = await db.deviceLogBundle.findFirstOrThrow({ where: { command: { commandId: command.id } } });
    expect(bundle).toMatchObject({ state: "awaiting_upload", logTypes: ["network"], timeRangeHours: 6, uploadTokenHash: null });
    expect(command.logBundleId).toBe(bundle.id);
  });

  it("refuses a viewer (403), another farm's device (404, as a missing one) and a retired device (409)", async () => {
    expect((await refused(sendCommand(db, viewer, meter, { command: "ping" }))).status).toBe(403);
    expect((await refused(sendCommand(db, technician, theirs, { command: "ping" }))).status).toBe(404);
    expect((await refused(sendCommand(db, technician, "MQ999999", { command: "ping" }))).status).toBe(404);
    const retired = await refused(sendCommand(db, admin, retiredMeter, { command: "ping" }));
    expect(retired.status).toBe(409);
    expect(retired.message).toMatch(/retired/);
    expect(await commandsOf(theirs)).toBe(0);
    expect(await commandsOf(retiredMeter)).toBe(0);
  });

  it("refuses a command the type lacks with 400 naming the allowed ones, and bad parameters per field", async () => {
    const wrongType = await refused(sendCommand(db, technician, collar, { command: "zero_flow", confirm: true }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.message).toMatch(/A collar has no command zero_flow\. Allowed for a collar: ping, get_status, .*locate_device, force_sync, reset_activity/);
    expect(wrongType.fieldErrors?.command?.[0]).toMatch(/^Allowed: ping/);
    expect((await refused(sendCommand(db, technician, collar, { command: "self_destruct" }))).message).toMatch(/Unknown command self_destruct/);

    const bad = await refused(sendCommand(db, technician, meter, { command: "ping", parameters: { count: 50, colour: "red" } }));
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["parameters.colour", "parameters.count"]);
    const envelope = await refused(sendCommand(db, technician, meter, { command: "ping", expires_in_hours: 1000, timeout_seconds: 1, extra: 1 }));
    expect(Object.keys(envelope.fieldErrors ?? {}).sort()).toEqual(["expires_in_hours", "extra", "timeout_seconds"]);
    expect(await commandsOf(collar)).toBe(0);
  });

  it("wants a confirmation for a disruptive command (400) and refuses it while a firmware update runs (409)", async () => {
    const unconfirmed = await refused(sendCommand(db, technician, meter, { command: "restart" }));
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.fieldErrors).toHaveProperty("confirm");
    const updating = await refused(sendCommand(db, technician, updatingMeter, { command: "restart", confirm: true }));
    expect(updating.status).toBe(409);
    expect(updating.message).toMatch(/firmware update/);
    // a non-disruptive command is fine meanwhile
    expect((await sendCommand(db, technician, updatingMeter, { command: "get_status" })).status).toBe("queued");
    expect((await sendCommand(db, technician, meter, { command: "restart", confirm: true })).status).toBe("queued");
  });

  it("refuses a disruptive command while an update log of the device is in flight", async () => {
    const firmware = await db.firmwareVersion.create({ data: { name: "t", version: `7.${n}.${suffix.length}`, deviceType: "milk_meter", sizeBytes: 1, state: "stable" } });
    const job = await db.updateJob.create({ data: { name: "t", firmwareId: firmware.id, state: "in_progress", strategy: "all_at_once", targetSpec: {}, strategyConfig: {}, scheduledAt: new Date(), deviceCount: 1 } });
    const device = await db.device.findUniqueOrThrow({ where: { deviceId: collar } });
    await db.updateLog.create({ data: { jobId: job.id, deviceId: device.id, state: "downloading" } });
    try {
      expect((await refused(sendCommand(db, technician, collar, { command: "restart", confirm: true }))).status).toBe(409);
    } finally {
      await db.updateJob.delete({ where: { id: job.id } });
      await db.firmwareVersion.delete({ where: { id: firmware.id } });
    }
    expect((await sendCommand(db, technician, collar, { command: "restart", confirm: true })).status).toBe("queued");
  });

  it("refuses 'only if online' for an offline device (409) but queues for it otherwise", async () => {
    expect((await refused(sendCommand(db, technician, offlineMeter, { command: "ping", only_if_online: true }))).status).toBe(409);
    expect((await sendCommand(db, technician, offlineMeter, { command: "ping" })).status).toBe("queued");
  });

  it("refuses a role below the command's lowest role (403)", async () => {
    const environmental = id("EQ", 0);
    await db.device.create({ data: { deviceId: environmental, name: "Barn air", deviceType: "environmental", farmId: farmA, state: "active" } });
    const low = await refused(sendCommand(db, technician, environmental, { command: "reset_thresholds", confirm: true }));
    expect(low.status).toBe(403);
    expect(low.message).toMatch(/manager role or higher/);
    expect((await sendCommand(db, manager, environmental, { command: "reset_thresholds", confirm: true })).status).toBe("queued");
  });

  it("makes one command of the same request sent twice with one Idempotency-Key, and refuses the key for another request", async () => {
    const key = `retry-${suffix}`;
    const first = await sendCommandOnce(db, technician, meter, { command: "ping", parameters: { count: 3 } }, { idempotencyKey: key });
    const again = await sendCommandOnce(db, technician, meter, { parameters: { count: 3 }, command: "ping", confirm: false }, { idempotencyKey: key });
    expect(first.created).toBe(true);
    expect(again).toEqual({ command: first.command, created: false });
    const other = await refused(sendCommand(db, technician, meter, { command: "ping", parameters: { count: 4 } }, { idempotencyKey: key }));
    expect(other.status).toBe(409);
    // keys are per caller: another person's same key is their own command
    const manager2 = await sendCommandOnce(db, manager, meter, { command: "ping", parameters: { count: 3 } }, { idempotencyKey: key });
    expect(manager2.created).toBe(true);
    expect(await db.command.count({ where: { idempotencyKey: { endsWith: `:${key}` } } })).toBe(2);
    // two at once: one command
    const racing = await Promise.all([0, 1, 2].map(() => sendCommandOnce(db, technician, meter, { command: "get_config" }, { idempotencyKey: `race-${suffix}` })));
    expect(new Set(racing.map((outcome) => outcome.command.id)).size).toBe(1);
    expect(racing.filter((outcome) => outcome.created)).toHaveLength(1);
  });
});

describe("reading and cancelling", () => {
  it("lists newest first in keyset pages with the URL filters, inside the caller's farm", async () => {
    const all = await listCommands(db, admin, { device: meter });
    expect(all.items.length).toBeGreaterThan(4);
    expect(all.items.every((c) => c.device.id === meter)).toBe(true);
    const stamps = all.items.map((c) => c.createdAt);
    expect([...stamps].sort().reverse()).toEqual(stamps);

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listCommands(db, admin, { farm: String(farmA), limit: "2", ...(cursor ? { cursor } : {}) });
      pages.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const whole = await listCommands(db, admin, { farm: farmA, limit: 200 });
    expect(pages).toEqual(whole.items.map((c) => c.id));

    const some = (await listCommands(db, admin, { command: "get_logs,restart", farm: farmA })).items;
    expect(some.length).toBeGreaterThanOrEqual(2);
    expect(some.every((c) => ["get_logs", "restart"].includes(c.command))).toBe(true);
    expect((await listCommands(db, admin, { type: "collar", farm: farmA })).items.every((c) => c.device.type === "collar")).toBe(true);
    expect((await listCommands(db, admin, { sender: manager.label })).items.every((c) => c.requestedBy === manager.label)).toBe(true);
    expect((await listCommands(db, admin, { status: "queued", farm: farmA })).items.length).toBe(whole.items.length);
    expect((await listCommands(db, admin, { from: "2000-01-01", to: "2000-01-02", farm: farmA })).items).toEqual([]);
    // the technician of farm A never sees farm B, whatever the filter
    expect((await listCommands(db, technician, { farm: farmB })).items).toEqual([]);
    await expect(listCommands(db, admin, { status: "lost" })).rejects.toMatchObject({ status: 400, fieldErrors: { status: ["Unknown status"] } });
    await expect(listCommands(db, admin, { cursor: "nonsense" })).rejects.toMatchObject({ status: 400 });
  });

  it("reads one command, 404 for another farm's, and the device's history", async () => {
    const [latest] = (await listCommands(db, admin, { device: meter, limit: 1 })).items;
    expect(await getCommand(db, technician, latest!.id)).toEqual(latest);
    const theirsCommand = await sendCommand(db, admin, theirs, { command: "ping" });
    await expect(getCommand(db, technician, theirsCommand.id)).rejects.toMatchObject({ status: 404 });
    expect((await getCommand(db, viewer, theirsCommand.id)).id).toBe(theirsCommand.id);
    expect((await deviceCommands(db, technician, meter, 3)).map((c) => c.id)).toEqual((await listCommands(db, admin, { device: meter, limit: 3 })).items.map((c) => c.id));
    await expect(deviceCommands(db, technician, theirs)).rejects.toMatchObject({ status: 404 });
  });

  it("cancels only a queued command", async () => {
    const command = await sendCommand(db, technician, meter, { command: "get_status" });
    const cancelled = await cancelCommand(db, technician, command.id);
    expect(cancelled).toMatchObject({ status: "cancelled", error: expect.stringContaining("Cancelled by") });
    expect(cancelled.completedAt).not.toBeNull();
    await expect(cancelCommand(db, technician, command.id)).rejects.toMatchObject({ status: 409 });
    const sent = await sendCommand(db, technician, meter, { command: "get_status" });
    await db.command.update({ where: { commandId: sent.id }, data: { status: "sent", sentAt: new Date() } });
    await expect(cancelCommand(db, technician, sent.id)).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/this one is sent/) });
    await expect(cancelCommand(db, viewer, sent.id)).rejects.toMatchObject({ status: 403 });
  });

  it("fails the log bundle of a get_logs it cancels: it will never be uploaded", async () => {
    const command = await sendCommand(db, technician, meter, { command: "get_logs" });
    await cancelCommand(db, technician, command.id);
    expect((await db.deviceLogBundle.findFirstOrThrow({ where: { command: { commandId: command.id } } })).state).toBe("failed");
  });
});

describe("bulk commands", () => {
  it("needs the bulk role and a confirmation for a disruptive command", async () => {
    await expect(sendBulkCommand(db, technician, { command: "get_status", target: { groupId } })).rejects.toMatchObject({ status: 403 });
    await expect(sendBulkCommand(db, manager, { command: "restart", target: { groupId } })).rejects.toMatchObject({ status: 400, fieldErrors: { confirm: expect.any(Array) } });
    await expect(sendBulkCommand(db, manager, { command: "get_status", target: { groupId: 999_999_999 } })).rejects.toMatchObject({ status: 400 });
  });

  it("sends to a group, counts the progress and cancels the rest", async () => {
    const batch = await sendBulkCommand(db, manager, { command: "get_status", target: { groupId } });
    expect(batch).toMatchObject({ command: "get_status", total: 3, skipped: {}, farmId: farmA, counts: { queued: 3, sent: 0 }, open: 3, cancelledAt: null, description: expect.stringContaining(`Gateways ${suffix}`) });
    const rows = await db.command.findMany({ where: { batchId: batch.id }, include: { device: true } });
    expect(rows.map((row) => row.device.deviceId).sort()).toEqual(gateways);
    expect(rows.every((row) => row.farmId === farmA && row.requestedBy === manager.label && row.timeoutSeconds === 60)).toBe(true);
    expect(await db.auditEvent.count({ where: { entityType: "device", entityId: { in: gateways }, action: "command_sent", actorLabel: manager.label } })).toBe(3);

    const now = new Date();
    await db.command.update({ where: { id: rows[0]!.id }, data: { status: "completed", sentAt: now, completedAt: now } });
    await db.command.update({ where: { id: rows[1]!.id }, data: { status: "failed", sentAt: now, completedAt: now, late: true } });
    const { cancelled, batch: after } = await cancelBatchRest(db, manager, batch.id);
    expect(cancelled).toBe(1);
    expect(after).toMatchObject({ counts: { completed: 1, failed: 1, cancelled: 1, queued: 0 }, late: 1, open: 0, startedAt: now.toISOString(), lastAnswerAt: now.toISOString() });
    expect(after.cancelledAt).not.toBeNull();
    expect(await batchProgress(db, technician, batch.id)).toEqual(after);
    await expect(batchProgress(db, actor("manager", farmB, 9), batch.id)).rejects.toMatchObject({ status: 404 });
  });

  it("skips devices whose type lacks the command, retired ones, and updating ones for a disruptive command", async () => {
    const batch = await sendBulkCommand(db, admin, { command: "restart_network", confirm: true, target: { deviceIds: [...gateways, meter, retiredMeter] } });
    expect(batch).toMatchObject({ total: 3, skipped: { wrong_type: 1, retired: 1 } });
    const restart = await sendBulkCommand(db, admin, { command: "restart", confirm: true, target: { filter: { farm: String(farmA), type: "milk_meter" } } });
    expect(restart.skipped).toEqual({ updating: 1, retired: 1 });
    expect(restart.total).toBe((await db.device.count({ where: { farmId: farmA, deviceType: "milk_meter" } })) - 2);
    await expect(sendBulkCommand(db, admin, { command: "zero_flow", confirm: true, target: { deviceIds: gateways } })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/None of the 3 devices/) });
    await expect(sendBulkCommand(db, manager, { command: "ping", target: { deviceIds: [theirs] } })).rejects.toMatchObject({ status: 400, message: `Not found: ${theirs}.` });
  });

  it("replays a bulk request with the same Idempotency-Key and refuses the key for another", async () => {
    const key = `bulk-${suffix}`;
    const first = await sendBulkCommandOnce(db, manager, { command: "ping", target: { groupId } }, { idempotencyKey: key });
    const again = await sendBulkCommandOnce(db, manager, { command: "ping", target: { groupId }, parameters: { count: 4 } }, { idempotencyKey: key });
    expect(again.created).toBe(false);
    expect(again.batch.id).toBe(first.batch.id);
    await expect(sendBulkCommand(db, manager, { command: "ping", target: { groupId }, parameters: { count: 2 } }, { idempotencyKey: key })).rejects.toMatchObject({ status: 409 });
  });

  it("queues 10,000 devices in well under a second", async () => {
    const letters = (p: number) => String.fromCharCode(87 + Math.floor(p / 26)) + String.fromCharCode(65 + (p % 26));
    const many = Array.from({ length: 10_000 }, (_, i) => ({ deviceId: `${letters(Math.floor(i / 100))}${n}${String(i % 100).padStart(2, "0")}`, name: "w", deviceType: "waterer" as const, farmId: farmB, state: "active" as const }));
    await db.device.createMany({ data: many });
    const started = performance.now();
    const batch = await sendBulkCommand(db, admin, { command: "flush_trough", target: { filter: { farm: String(farmB), type: "waterer" } } });
    const elapsed = performance.now() - started;
    console.log(`bulk command to ${batch.total} devices: ${elapsed.toFixed(0)} ms`);
    expect(batch.total).toBe(10_000);
    expect(elapsed).toBeLessThan(3000);
    expect(await db.command.count({ where: { batchId: batch.id, status: "queued" } })).toBe(10_000);
  });
});

describe("debug mode", () => {
  it("is a set_debug_level command on, and an info one off that takes back a queued on", async () => {
    const on = await startDebugMode(db, technician, offlineMeter, { level: "trace", duration_minutes: "45" });
    expect(on).toMatchObject({ command: "set_debug_level", parameters: { level: "trace", duration_minutes: 45 }, status: "queued" });
    await expect(startDebugMode(db, technician, offlineMeter, { level: "info" })).rejects.toMatchObject({ status: 400 });
    await expect(startDebugMode(db, technician, offlineMeter, { level: "debug", duration_minutes: 500 })).rejects.toMatchObject({ status: 400, fieldErrors: { duration_minutes: expect.any(Array) } });
    const off = await endDebugMode(db, technician, offlineMeter);
    expect(off.parameters).toEqual({ level: "info", duration_minutes: 30 });
    expect((await getCommand(db, technician, on.id)).status).toBe("cancelled");
    await expect(endDebugMode(db, viewer, offlineMeter)).rejects.toMatchObject({ status: 403 });
  });
});
