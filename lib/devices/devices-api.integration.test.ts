/**
 * /api/v1/devices through its route handlers, with API keys of each role: what a script or an
 * integration partner gets, including the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as bulkRoute from "@/app/api/v1/devices/bulk/route";
import * as exportRoute from "@/app/api/v1/devices/export/route";
import * as deviceRoute from "@/app/api/v1/devices/[id]/route";
import * as devicesRoute from "@/app/api/v1/devices/route";
import * as apiKeysRoute from "@/app/api/v1/api-keys/route";
import { createApiKey } from "../auth/api-keys";
import { disconnectDb, getDb } from "../db";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const base = 100_000 + Math.floor(Math.random() * 800_000);
const ours = `MM${base}`;
const theirs = `MM${base + 1}`;
const created = `FD${base + 2}`;
let farmA: number;
let farmB: number;
let fixture: ApiFixture;
const keys = {} as Record<"admin" | "viewer" | "technician", string>;

const forDevice = (id: string) => withParams({ id });
const call = apiRequest;

beforeAll(async () => {
  fixture = await createApiFixture(db, "DA", suffix);
  ({ farmA, farmB } = fixture);
  Object.assign(keys, fixture.keys);
  await db.device.createMany({
    data: [
      { deviceId: ours, name: "Parlour meter", deviceType: "milk_meter", farmId: farmA, state: "active" },
      { deviceId: theirs, name: "Neighbour's meter", deviceType: "milk_meter", farmId: farmB, state: "active" },
    ],
  });
});

afterAll(async () => {
  await removeApiFixture(db, fixture, [ours, theirs, created]);
  await disconnectDb();
});

describe("reading devices", () => {
  it("lists with the list's filters, a total and pages", async () => {
    const response = await devicesRoute.GET(call(keys.viewer, "GET", `/api/v1/devices?farm=${farmA}&type=milk_meter&pageSize=25&groupBy=type`), noParams);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ total: 1, page: 1, pageSize: 25, pages: 1, groups: [{ key: "milk_meter", count: 1 }] });
    expect(body.data[0]).toMatchObject({ deviceId: ours, farm: { code: `DAA${suffix}` } });
  });

  it("answers a bad filter with 400 and a message per parameter", async () => {
    const response = await devicesRoute.GET(call(keys.viewer, "GET", "/api/v1/devices?health=sick&pageSize=7"), noParams);
    expect(response.status).toBe(400);
    expect((await response.json()).error.fields).toEqual({ health: ["Unknown health status"], pageSize: ["pageSize must be one of 25, 50, 100, 200"] });
  });

  it("hides another farm's device from a farm-bound technician (404, not 403)", async () => {
    expect((await deviceRoute.GET(call(keys.technician, "GET", `/api/v1/devices/${theirs}`), forDevice(theirs))).status).toBe(404);
    expect((await deviceRoute.GET(call(keys.technician, "GET", `/api/v1/devices/${ours}`), forDevice(ours))).status).toBe(200);
    expect((await deviceRoute.GET(call(keys.viewer, "GET", "/api/v1/devices/not-a-device"), forDevice("not-a-device"))).status).toBe(404);
  });
});

describe("an admin key bound to one farm", () => {
  let farmAdmin = "";
  beforeAll(async () => {
    const owner = { kind: "user" as const, id: fixture.userId, label: "owner", name: "Owner", role: "admin" as const, farmId: null };
    farmAdmin = (await createApiKey(db, owner, { name: `DA farm admin ${suffix}`, role: "admin", farmId: farmA })).key;
  });

  it("reads its farm only: the list, one device, the export", async () => {
    const list = await (await devicesRoute.GET(call(farmAdmin, "GET", "/api/v1/devices?pageSize=200"), noParams)).json();
    expect(list.data.map((device: { deviceId: string }) => device.deviceId)).toContain(ours);
    expect(list.data.map((device: { deviceId: string }) => device.deviceId)).not.toContain(theirs);
    expect((await devicesRoute.GET(call(farmAdmin, "GET", `/api/v1/devices?farm=${farmB}`), noParams).then((response) => response.json())).total).toBe(0);
    expect((await deviceRoute.GET(call(farmAdmin, "GET", `/api/v1/devices/${theirs}`), forDevice(theirs))).status).toBe(404);
    expect(await (await exportRoute.GET(call(farmAdmin, "GET", `/api/v1/devices/export?deviceIds=${theirs}`), noParams)).text()).not.toContain(theirs);
  });

  it("changes nothing on another farm", async () => {
    expect((await deviceRoute.PUT(call(farmAdmin, "PUT", `/api/v1/devices/${theirs}`, { name: "Renamed from farm A" }), forDevice(theirs))).status).toBe(404);
    expect((await devicesRoute.POST(call(farmAdmin, "POST", "/api/v1/devices", { deviceId: `FD${base + 4}`, name: "Elsewhere", deviceType: "feeder", farmId: farmB }), noParams)).status).toBe(400);
    const bulk = await bulkRoute.POST(call(farmAdmin, "POST", "/api/v1/devices/bulk", { action: "maintenanceOn", target: { deviceIds: [theirs] } }), noParams);
    expect(bulk.status).not.toBe(200);
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: theirs } })).toMatchObject({ name: "Neighbour's meter", maintenanceMode: false });
    expect(await db.device.findUnique({ where: { deviceId: `FD${base + 4}` } })).toBeNull();
  });

  it("may not make keys, which would reach every farm (403 with the reason)", async () => {
    const response = await apiKeysRoute.POST(call(farmAdmin, "POST", "/api/v1/api-keys", { name: "Escape", role: "admin" }), noParams);
    expect(response.status).toBe(403);
    expect((await response.json()).error.message).toMatch(/bound to one farm/);
  });
});

describe("changing devices", () => {
  it("refuses every change from a viewer and changes nothing", async () => {
    const attempts = [
      devicesRoute.POST(call(keys.viewer, "POST", "/api/v1/devices", { deviceId: created, name: "x", deviceType: "feeder", farmId: farmA }), noParams),
      deviceRoute.PUT(call(keys.viewer, "PUT", `/api/v1/devices/${ours}`, { name: "Renamed by a viewer" }), forDevice(ours)),
      deviceRoute.DELETE(call(keys.viewer, "DELETE", `/api/v1/devices/${ours}`), forDevice(ours)),
      bulkRoute.POST(call(keys.viewer, "POST", "/api/v1/devices/bulk", { action: "maintenanceOn", target: { deviceIds: [ours] } }), noParams),
    ];
    for (const response of await Promise.all(attempts)) expect(response.status).toBe(403);
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: ours } })).toMatchObject({ name: "Parlour meter", state: "active", maintenanceMode: false });
    expect(await db.device.findUnique({ where: { deviceId: created } })).toBeNull();
  });

  it("registers a device (API method), refuses the same id again with 409 on the field", async () => {
    const response = await devicesRoute.POST(call(keys.technician, "POST", "/api/v1/devices", { deviceId: created, name: "Feeder 1", deviceType: "feeder", farmId: farmA, macAddress: "aa-bb-cc-dd-ee-ff" }), noParams);
    expect(response.status).toBe(201);
    const body = await response.json();
    // Registered through the API with its MQTT credentials in the answer, shown this once.
    expect(body).toMatchObject({ deviceId: created, provisioningMethod: "api", macAddress: "AA:BB:CC:DD:EE:FF", state: "provisioned", credentials: { username: `dev-${created}`, clientId: `sdm-${created}` } });
    expect(body.credentials.password).toMatch(/^\S{20,}$/);
    const again = await devicesRoute.POST(call(keys.technician, "POST", "/api/v1/devices", { deviceId: created, name: "Feeder 1", deviceType: "feeder", farmId: farmA }), noParams);
    expect(again.status).toBe(409);
    expect((await again.json()).error.fields.deviceId[0]).toMatch(/already registered/);
  });

  it("refuses a technician's device for another farm", async () => {
    const response = await devicesRoute.POST(call(keys.technician, "POST", "/api/v1/devices", { deviceId: `FD${base + 3}`, name: "Elsewhere", deviceType: "feeder", farmId: farmB }), noParams);
    expect(response.status).toBe(400);
    expect((await response.json()).error.fields.farmId).toBeDefined();
  });

  it("answers invalid fields with one message each, and a body that is not JSON with 400", async () => {
    const response = await deviceRoute.PUT(call(keys.technician, "PUT", `/api/v1/devices/${ours}`, { name: "", macAddress: "nope", latitude: 123, colour: "red" }), forDevice(ours));
    expect(response.status).toBe(400);
    const fields = (await response.json()).error.fields;
    expect(Object.keys(fields).sort()).toEqual(["colour", "latitude", "macAddress", "name"]);
    const notJson = await deviceRoute.PUT(call(keys.technician, "PUT", `/api/v1/devices/${ours}`, "{name:"), forDevice(ours));
    expect(notJson.status).toBe(400);
  });

  it("edits a device and records the change with the key as author", async () => {
    const response = await deviceRoute.PUT(call(keys.technician, "PUT", `/api/v1/devices/${ours}`, { name: "Parlour meter, stall 4", locationDescription: "Stall 4" }), forDevice(ours));
    expect(response.status).toBe(200);
    const history = await db.auditEvent.findFirstOrThrow({ where: { entityType: "device", entityId: ours, action: "updated" } });
    expect(history.actorLabel).toMatch(/^api-key:/);
    expect(history.before).toEqual({ name: "Parlour meter", locationDescription: null });
    expect(history.after).toEqual({ name: "Parlour meter, stall 4", locationDescription: "Stall 4" });
  });

  it("DELETE retires the device and keeps its record and history", async () => {
    const response = await deviceRoute.DELETE(new Request(`http://localhost/api/v1/devices/${created}`, { method: "DELETE", headers: { "X-API-Key": keys.technician, "Content-Type": "application/json" }, body: JSON.stringify({ reason: "Replaced by a newer feeder" }) }), forDevice(created));
    expect(response.status).toBe(200);
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: created } })).toMatchObject({ state: "decommissioned", retirementReason: "Replaced by a newer feeder" });
    const history = await db.auditEvent.findMany({ where: { entityType: "device", entityId: created }, orderBy: { id: "asc" } });
    expect(history.map((event) => event.action)).toEqual(["created", "credentials_issued", "retired"]);
    expect((await deviceRoute.DELETE(call(keys.technician, "DELETE", `/api/v1/devices/${created}`), forDevice(created))).status).toBe(409);
  });

  it("runs a bulk action and exports CSV", async () => {
    const bulk = await bulkRoute.POST(call(keys.technician, "POST", "/api/v1/devices/bulk", { action: "maintenanceOn", target: { filter: { farm: String(farmA) } } }), noParams);
    expect(bulk.status).toBe(200);
    expect(await bulk.json()).toMatchObject({ matched: 1, changed: 1 });
    const csv = await exportRoute.GET(call(keys.technician, "GET", `/api/v1/devices/export?deviceIds=${ours},${theirs}`), noParams);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text).toContain(ours);
    expect(text).not.toContain(theirs);
  });
});
