/**
 * The command API through its route handlers, with API keys of each role: the bad input of issue 15
 * (unknown command for the type, bad parameters, retired device, viewer, another farm's device,
 * disruptive without confirmation), the Idempotency-Key replay, bulk by group and by filter with
 * "cancel the rest", and M92's diagnostic and restart endpoints. Every refusal writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as batchCancelRoute from "@/app/api/v1/commands/batches/[id]/cancel/route";
import * as batchRoute from "@/app/api/v1/commands/batches/[id]/route";
import * as bulkRoute from "@/app/api/v1/commands/bulk/route";
import * as cancelRoute from "@/app/api/v1/commands/[id]/cancel/route";
import * as commandRoute from "@/app/api/v1/commands/[id]/route";
import * as commandsRoute from "@/app/api/v1/commands/route";
import * as deviceCommandsRoute from "@/app/api/v1/devices/[id]/commands/route";
import * as diagnosticRoute from "@/app/api/v1/iot/devices/[id]/diagnostic/route";
import * as restartRoute from "@/app/api/v1/iot/devices/[id]/restart/route";
import { createApiKey } from "../auth/api-keys";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { apiRequest as call, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const n = String(1000 + Math.floor(Math.random() * 9000));
const meter = `MS${n}00`;
const retired = `MS${n}01`;
const collar = `CS${n}00`;
const theirs = `MT${n}00`;
const gateways = [0, 1, 2, 3].map((i) => `GS${n}0${i}`);
let fixture: ApiFixture;
let managerKey: string;
let groupId = 0;

const forId = (id: string | number) => withParams({ id: String(id) });
const send = (key: string, deviceId: string, body: unknown, headers: Record<string, string> = {}) =>
  deviceCommandsRoute.POST(call(key, "POST", `/api/v1/devices/${deviceId}/commands`, body, headers), forId(deviceId));
const commandsOf = (deviceId: string) => db.command.count({ where: { device: { deviceId } } });

beforeAll(async () => {
  fixture = await createApiFixture(db, "CM", suffix);
  const user = await db.user.findUniqueOrThrow({ where: { id: fixture.userId } });
  const admin: Actor = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
  managerKey = (await createApiKey(db, admin, { name: `CM manager ${suffix}`, role: "manager", farmId: fixture.farmA })).key;
  groupId = (await db.deviceGroup.create({ data: { name: `Gateways ${suffix}`, code: `CG${suffix}`, farmId: fixture.farmA } })).id;
  const device = (deviceId: string, extra: Record<string, unknown> = {}) => ({ deviceId, name: `Device ${deviceId}`, deviceType: "milk_meter" as const, farmId: fixture.farmA, state: "active" as const, connectionStatus: "online" as const, ...extra });
  await db.device.createMany({
    data: [
      device(meter),
      device(retired, { state: "decommissioned" }),
      device(collar, { deviceType: "collar" }),
      device(theirs, { farmId: fixture.farmB }),
      ...gateways.map((g, i) => device(g, { deviceType: "gateway", groupId: i < 3 ? groupId : null })),
    ],
  });
});

afterAll(async () => {
  const batches = (await db.commandBatch.findMany({ where: { farmId: { in: [fixture.farmA, fixture.farmB] } }, select: { id: true } })).map((batch) => String(batch.id));
  await db.auditEvent.deleteMany({ where: { entityType: "command_batch", entityId: { in: batches } } });
  await db.commandBatch.deleteMany({ where: { id: { in: batches.map(Number) } } });
  await removeApiFixture(db, fixture, [meter, retired, collar, theirs, ...gateways]);
  await db.deviceGroup.deleteMany({ where: { id: groupId } });
  await disconnectDb();
});

describe("sending a command", () => {
  it("queues it: 201 with the command and its Location, readable by id and in the device's history", async () => {
    const response = await send(fixture.keys.technician, meter, { command: "ping", parameters: { count: 2 } });
    expect(response.status).toBe(201);
    const command = await response.json();
    expect(response.headers.get("location")).toBe(`/api/v1/commands/${command.id}`);
    expect(command).toMatchObject({ device: { id: meter, type: "milk_meter" }, command: "ping", parameters: { count: 2 }, status: "queued", requestedBy: expect.stringMatching(/^api-key:/) });
    const read = await commandRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/commands/${command.id}`), forId(command.id));
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(command);
    const history = await deviceCommandsRoute.GET(call(fixture.keys.technician, "GET", `/api/v1/devices/${meter}/commands?limit=1`), forId(meter));
    expect((await history.json()).data).toEqual([command]);
  });

  it("answers an unknown command for the type with 400 naming the allowed ones", async () => {
    const response = await send(fixture.keys.technician, collar, { command: "zero_flow", confirm: true });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe("invalid");
    expect(error.message).toMatch(/Allowed for a collar: ping, get_status, get_logs, restart, get_config, set_debug_level, run_diagnostics, locate_device, force_sync, reset_activity\./);
    expect(error.fields.command[0]).toMatch(/^Allowed: /);
    expect(await commandsOf(collar)).toBe(0);
  });

  it("answers bad parameters with 400 per field, and a body that is not JSON with 400", async () => {
    const response = await send(fixture.keys.technician, meter, { command: "get_logs", parameters: { time_range_hours: 500, log_types: ["diary"], verbose: true } });
    expect(response.status).toBe(400);
    const { fields } = (await response.json()).error;
    expect(Object.keys(fields).sort()).toEqual(["parameters.log_types.0", "parameters.time_range_hours", "parameters.verbose"]);
    expect((await send(fixture.keys.technician, meter, "{command")).status).toBe(400);
    expect(await db.deviceLogBundle.count({ where: { device: { deviceId: meter } } })).toBe(0);
  });

  it("refuses a retired device (409), a viewer (403) and another farm's device (404)", async () => {
    const retiredResponse = await send(fixture.keys.admin, retired, { command: "ping" });
    expect(retiredResponse.status).toBe(409);
    expect((await retiredResponse.json()).error.code).toBe("conflict");
    const viewer = await send(fixture.keys.viewer, meter, { command: "ping" });
    expect(viewer.status).toBe(403);
    expect((await viewer.json()).error.message).toMatch(/devices\.command/);
    const other = await send(fixture.keys.technician, theirs, { command: "ping" });
    expect(other.status).toBe(404);
    expect(await commandsOf(retired)).toBe(0);
    expect(await commandsOf(theirs)).toBe(0);
    // and another farm's command is not found either
    const theirsCommand = await (await send(fixture.keys.admin, theirs, { command: "ping" })).json();
    expect((await commandRoute.GET(call(fixture.keys.technician, "GET", `/api/v1/commands/${theirsCommand.id}`), forId(theirsCommand.id))).status).toBe(404);
  });

  it("wants confirm: true for a disruptive command (400)", async () => {
    const response = await send(fixture.keys.technician, meter, { command: "zero_flow" });
    expect(response.status).toBe(400);
    expect((await response.json()).error.fields).toEqual({ confirm: ["Zero flow disrupts the device; confirm to send it"] });
    expect((await send(fixture.keys.technician, meter, { command: "zero_flow", confirm: true })).status).toBe(201);
  });

  it("replays the same request with the same Idempotency-Key (200, the same command) and refuses the key for another (409)", async () => {
    const key = { "Idempotency-Key": `api-${suffix}` };
    const first = await send(fixture.keys.technician, meter, { command: "get_status" }, key);
    expect(first.status).toBe(201);
    const again = await send(fixture.keys.technician, meter, { command: "get_status", parameters: {} }, key);
    expect(again.status).toBe(200);
    expect(again.headers.get("location")).toBeNull();
    expect((await again.json()).id).toBe((await first.json()).id);
    const other = await send(fixture.keys.technician, meter, { command: "get_config" }, key);
    expect(other.status).toBe(409);
    expect((await other.json()).error.fields).toHaveProperty("Idempotency-Key");
    expect((await send(fixture.keys.technician, meter, { command: "get_status" }, { "Idempotency-Key": "x".repeat(201) })).status).toBe(400);
  });

  it("cancels a queued command once (then 409)", async () => {
    const command = await (await send(fixture.keys.technician, meter, { command: "get_config" })).json();
    const cancel = () => cancelRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/commands/${command.id}/cancel`), forId(command.id));
    const response = await cancel();
    expect(response.status).toBe(200);
    expect((await response.json()).status).toBe("cancelled");
    expect((await cancel()).status).toBe(409);
  });
});

describe("the command center list", () => {
  it("filters and pages newest first; a bad filter is a 400 naming it", async () => {
    const list = (key: string, query: string) => commandsRoute.GET(call(key, "GET", `/api/v1/commands?${query}`), noParams);
    const first = await list(fixture.keys.admin, `device=${meter}&limit=2`);
    expect(first.status).toBe(200);
    const page = await first.json();
    expect(page.data).toHaveLength(2);
    const next = await (await list(fixture.keys.admin, `device=${meter}&limit=2&cursor=${page.nextCursor}`)).json();
    expect(next.data[0].createdAt <= page.data[1].createdAt).toBe(true);
    expect(next.data.map((c: { id: string }) => c.id)).not.toContain(page.data[1].id);
    const cancelled = await (await list(fixture.keys.technician, "status=cancelled")).json();
    expect(cancelled.data.length).toBeGreaterThan(0);
    expect(cancelled.data.every((c: { status: string; device: { id: string } }) => c.status === "cancelled" && c.device.id !== theirs)).toBe(true);
    const bad = await list(fixture.keys.admin, "status=lost&limit=0");
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).error.fields).sort()).toEqual(["limit", "status"]);
  });
});

describe("bulk commands", () => {
  const bulk = (key: string, body: unknown, headers: Record<string, string> = {}) => bulkRoute.POST(call(key, "POST", "/api/v1/commands/bulk", body, headers), noParams);

  it("sends to a group (201 with the batch), shows its progress and cancels the rest", async () => {
    const response = await bulk(managerKey, { command: "get_status", target: { groupId } });
    expect(response.status).toBe(201);
    const batch = await response.json();
    expect(response.headers.get("location")).toBe(`/api/v1/commands/batches/${batch.id}`);
    expect(batch).toMatchObject({ command: "get_status", total: 3, counts: { queued: 3 }, open: 3 });

    const progress = await batchRoute.GET(call(fixture.keys.technician, "GET", `/api/v1/commands/batches/${batch.id}`), forId(batch.id));
    expect(progress.status).toBe(200);
    const cancel = await batchCancelRoute.POST(call(managerKey, "POST", `/api/v1/commands/batches/${batch.id}/cancel`), forId(batch.id));
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toMatchObject({ cancelled: 3, batch: { counts: { queued: 0, cancelled: 3 }, open: 0, cancelledAt: expect.any(String) } });
    // a technician may not cancel a bulk command
    expect((await batchCancelRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/commands/batches/${batch.id}/cancel`), forId(batch.id))).status).toBe(403);
    expect((await batchRoute.GET(call(fixture.keys.admin, "GET", "/api/v1/commands/batches/nope"), forId("nope"))).status).toBe(404);
  });

  it("sends to a list filter, skipping what cannot take the command, and replays with the same key", async () => {
    const body = { command: "restart", confirm: true, target: { filter: { type: "gateway,milk_meter", retired: "true" } } };
    const headers = { "Idempotency-Key": `bulk-${suffix}` };
    const response = await bulk(managerKey, body, headers);
    expect(response.status).toBe(201);
    const batch = await response.json();
    expect(batch.total).toBe(5);
    expect(batch.skipped).toEqual({ retired: 1 });
    const again = await bulk(managerKey, body, headers);
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe(batch.id);
    expect((await bulk(managerKey, { ...body, command: "ping" }, headers)).status).toBe(409);
  });

  it("refuses a technician (403), a viewer (403), and a target naming another farm's device (400)", async () => {
    expect((await bulk(fixture.keys.technician, { command: "ping", target: { groupId } })).status).toBe(403);
    expect((await bulk(fixture.keys.viewer, { command: "ping", target: { groupId } })).status).toBe(403);
    const other = await bulk(managerKey, { command: "ping", target: { deviceIds: [theirs] } });
    expect(other.status).toBe(400);
    expect((await bulk(managerKey, { command: "restart", target: { groupId } })).status).toBe(400);
  });
});

describe("M92 diagnostic and restart", () => {
  it("runs diagnostics with an empty body or a suite", async () => {
    const empty = await diagnosticRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/devices/${meter}/diagnostic`), forId(meter));
    expect(empty.status).toBe(201);
    expect(await empty.json()).toMatchObject({ command: "run_diagnostics", parameters: { suite: "full" }, timeoutSeconds: 180 });
    const quick = await diagnosticRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/devices/${meter}/diagnostic`, { suite: "quick" }), forId(meter));
    expect((await quick.json()).parameters).toEqual({ suite: "quick" });
    expect((await diagnosticRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/devices/${meter}/diagnostic`, { suite: "deep" }), forId(meter))).status).toBe(400);
    expect((await diagnosticRoute.POST(call(fixture.keys.viewer, "POST", `/api/v1/iot/devices/${meter}/diagnostic`), forId(meter))).status).toBe(403);
  });

  it("restarts only with confirm: true, saying so otherwise", async () => {
    const unconfirmed = await restartRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/devices/${collar}/restart`), forId(collar));
    expect(unconfirmed.status).toBe(400);
    expect((await unconfirmed.json()).error.message).toMatch(/confirm: true/);
    const restart = await restartRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/devices/${collar}/restart`, { confirm: true, delay_seconds: 10 }), forId(collar));
    expect(restart.status).toBe(201);
    expect(await restart.json()).toMatchObject({ command: "restart", parameters: { delay_seconds: 10 }, status: "queued" });
    expect((await restartRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/devices/${retired}/restart`, { confirm: true }), forId(retired))).status).toBe(409);
    expect((await restartRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/devices/${theirs}/restart`, { confirm: true }), forId(theirs))).status).toBe(404);
  });
});
