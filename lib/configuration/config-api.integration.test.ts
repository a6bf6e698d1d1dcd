/**
 * The configuration API through its route handlers with API keys of each role: appendix A's
 * GET/POST /devices/{id}/config, versions, diff, rollback and shadow, the farm and group layers;
 * 400 naming the setting's path, 403, 404, 409, and that a refusal writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as configRoute from "@/app/api/v1/devices/[id]/config/route";
import * as diffRoute from "@/app/api/v1/devices/[id]/config/diff/route";
import * as rollbackRoute from "@/app/api/v1/devices/[id]/config/rollback/route";
import * as shadowRoute from "@/app/api/v1/devices/[id]/config/shadow/route";
import * as versionRoute from "@/app/api/v1/devices/[id]/config/versions/[version]/route";
import * as versionsRoute from "@/app/api/v1/devices/[id]/config/versions/route";
import * as farmLayerRoute from "@/app/api/v1/farms/[id]/config/[deviceType]/route";
import * as groupLayerRoute from "@/app/api/v1/groups/[id]/config/[deviceType]/route";
import { createApiKey } from "../auth/api-keys";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { apiRequest as call, createApiFixture, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";
import { configHash } from "./config-hash";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const n = String(1000 + Math.floor(Math.random() * 9000));
const meter = `MC${n}01`;
const sensor = `EC${n}01`;
const theirs = `MC${n}09`;
let fixture: ApiFixture;
let managerKey: string;
let groupId = 0;

const forDevice = (id: string) => withParams({ id });
const getConfig = (key: string, id: string) => configRoute.GET(call(key, "GET", `/api/v1/devices/${id}/config`), forDevice(id));
const postConfig = (key: string, id: string, body: unknown) => configRoute.POST(call(key, "POST", `/api/v1/devices/${id}/config`, body), forDevice(id));
const versionsOf = (deviceId: string) => db.deviceConfig.count({ where: { device: { deviceId } } });

beforeAll(async () => {
  fixture = await createApiFixture(db, "CF", suffix);
  const user = await db.user.findUniqueOrThrow({ where: { id: fixture.userId } });
  const admin: Actor = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
  managerKey = (await createApiKey(db, admin, { name: `CF manager ${suffix}`, role: "manager", farmId: fixture.farmA })).key;
  groupId = (await db.deviceGroup.create({ data: { name: `Barn ${suffix}`, code: `CFG${suffix}`, farmId: fixture.farmA } })).id;
  await db.device.createMany({
    data: [
      { deviceId: meter, name: "Meter", deviceType: "milk_meter", farmId: fixture.farmA, state: "active" },
      { deviceId: sensor, name: "Sensor", deviceType: "environmental", farmId: fixture.farmA, groupId, state: "active" },
      { deviceId: theirs, name: "Theirs", deviceType: "milk_meter", farmId: fixture.farmB, state: "active" },
    ],
  });
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { OR: [{ entityType: "farm", entityId: String(fixture.farmA) }, { entityType: "group", entityId: String(groupId) }] } });
  await db.configLayer.deleteMany({ where: { OR: [{ farmId: fixture.farmA }, { groupId }] } });
  await removeApiFixture(db, fixture, [meter, sensor, theirs]);
  await db.deviceGroup.deleteMany({ where: { id: groupId } });
  await disconnectDb();
});

describe("a device's configuration over the API", () => {
  it("GET answers appendix A's shape: device_id, configuration, version, hash, sources, shadow and sync status", async () => {
    const response = await getConfig(fixture.keys.viewer, meter);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ device_id: meter, device_type: "milk_meter", version: 0, hash: null, overrides: {}, sync_status: "unknown", layer_change_pending: false, shadow: { desired_version: 0, drifted: false } });
    expect(body.configuration.telemetry.measurement_interval_sec).toEqual(expect.any(Number));
    expect(body.sources["telemetry.measurement_interval_sec"]).toEqual({ kind: "defaults", label: "Type defaults" });
    expect(body.health_thresholds).toMatchObject({ profile: "m92" });
  });

  it("POST makes a version: 201 with version, status and change_summary", async () => {
    const response = await postConfig(fixture.keys.technician, meter, { config: { telemetry: { measurement_interval_sec: 15 } }, base_version: 0, reason: "API test" });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({ device_id: meter, version: 1, previous_version: 0, status: "pending", change_summary: expect.stringMatching(/^~ Changed telemetry.measurement_interval_sec: \d+ -> 15$/) });
    const read = await (await getConfig(fixture.keys.viewer, meter)).json();
    expect(read).toMatchObject({ version: 1, hash: body.hash, sync_status: "pending", overrides: { telemetry: { measurement_interval_sec: 15 } } });
    expect(read.hash).toBe(configHash(read.configuration));
    expect(read.sources["telemetry.measurement_interval_sec"]).toEqual({ kind: "device", label: "This device" });
  });

  it("answers 400 naming the setting's path for out of range, wrong type and unknown keys; writes nothing", async () => {
    for (const [config, path] of [
      [{ telemetry: { measurement_interval_sec: 99999 } }, "telemetry.measurement_interval_sec"],
      [{ telemetry: { measurement_interval_sec: "often" } }, "telemetry.measurement_interval_sec"],
      [{ telemetry: { warp_speed: 9 } }, "telemetry.warp_speed"],
      [{ sensors: { flow_sensor: { enabled: "yes" } } }, "sensors.flow_sensor.enabled"],
    ] as const) {
      const response = await postConfig(fixture.keys.technician, meter, { config, base_version: 1 });
      expect(response.status, JSON.stringify(config)).toBe(400);
      const body = await response.json();
      expect(Object.keys(body.error.fields)).toEqual([path]);
      expect(body.error.message).toContain(path);
    }
    const missingBase = await postConfig(fixture.keys.technician, meter, { config: { telemetry: { batch_size: 5 } } });
    expect(missingBase.status).toBe(400);
    expect((await missingBase.json()).error.fields).toHaveProperty("base_version");
    expect(await versionsOf(meter)).toBe(1);
  });

  it("answers 403 to a viewer, 404 for another farm's device or an unknown one, 409 for a stale base", async () => {
    expect((await postConfig(fixture.keys.viewer, meter, { config: { telemetry: { batch_size: 5 } }, base_version: 1 })).status).toBe(403);
    expect((await postConfig(fixture.keys.technician, theirs, { config: { telemetry: { batch_size: 5 } }, base_version: 0 })).status).toBe(404);
    expect((await getConfig(fixture.keys.technician, theirs)).status).toBe(404);
    expect((await getConfig(fixture.keys.viewer, "ZZ99999")).status).toBe(404);
    const stale = await postConfig(fixture.keys.technician, meter, { config: { telemetry: { batch_size: 5 } }, base_version: 0 });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error).toMatchObject({ code: "conflict", fields: { base_version: expect.any(Array) } });
    expect(await versionsOf(meter)).toBe(1);
  });

  it("lists versions, reads one, diffs two, rolls back with a new version equal to the old one, and shows the shadow", async () => {
    expect((await postConfig(fixture.keys.admin, meter, { config: { telemetry: { batch_size: 5 } }, base_version: 1 })).status).toBe(201);
    const list = await (await versionsRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/devices/${meter}/config/versions?pageSize=1`), forDevice(meter))).json();
    expect(list).toMatchObject({ device_id: meter, current_version: 2, total: 2, pages: 2, data: [{ version: 2, source: "edit", current: true }] });

    const v1 = await (await versionRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/devices/${meter}/config/versions/1`), withParams({ id: meter, version: "1" }))).json();
    expect(v1).toMatchObject({ device_id: meter, version: 1, reason: "API test", configuration: { telemetry: { measurement_interval_sec: 15 } } });
    expect((await versionRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/devices/${meter}/config/versions/7`), withParams({ id: meter, version: "7" }))).status).toBe(404);

    const diff = await (await diffRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/devices/${meter}/config/diff?from=1&to=2`), forDevice(meter))).json();
    expect(diff.diff).toEqual({ added: {}, removed: {}, modified: { "telemetry.batch_size": { from: v1.configuration.telemetry.batch_size, to: 5 } } });
    expect(diff.change_summary).toBe(`~ Changed telemetry.batch_size: ${v1.configuration.telemetry.batch_size} -> 5`);
    expect((await diffRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/devices/${meter}/config/diff?from=1`), forDevice(meter))).status).toBe(400);

    const rollback = (body: unknown, key = fixture.keys.technician) => rollbackRoute.POST(call(key, "POST", `/api/v1/devices/${meter}/config/rollback`, body), forDevice(meter));
    expect((await rollback({ version: 1, base_version: 2 }, fixture.keys.viewer)).status).toBe(403);
    expect((await rollback({ version: 1, base_version: 1 })).status).toBe(409);
    const rolled = await rollback({ version: 1, base_version: 2, reason: "undo" });
    expect(rolled.status).toBe(201);
    expect(await rolled.json()).toMatchObject({ version: 3, change_summary: expect.stringMatching(/^Rollback to version 1/) });
    const v3 = await (await versionRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/devices/${meter}/config/versions/3`), withParams({ id: meter, version: "3" }))).json();
    expect(v3).toMatchObject({ source: "rollback", rollback_of: 1, hash: v1.hash });
    expect(v3.configuration).toEqual(v1.configuration);

    const shadow = await (await shadowRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/devices/${meter}/config/shadow`), forDevice(meter))).json();
    expect(shadow).toMatchObject({ device_id: meter, desired: { version: 3, hash: v1.hash, configuration: v1.configuration }, reported: { version: null, configuration: null }, delivery: { status: "pending", send_attempts: 0 }, drift: { drifted: false }, sync_status: "pending" });
  });
});

describe("farm and group layers over the API", () => {
  const farmPath = () => `/api/v1/farms/${fixture.farmA}/config/environmental`;
  const farmParams = () => withParams({ id: String(fixture.farmA), deviceType: "environmental" });
  const put = (key: string, body: unknown) => farmLayerRoute.PUT(call(key, "PUT", farmPath(), body), farmParams());

  it("PUT creates at version 0 and answers the layer; the device's GET shows the farm as the source", async () => {
    const response = await put(managerKey, { values: { thresholds: { ammonia_high: 30 } }, health: { profile: "i013" }, version: 0, reason: "airy barns" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ scope: "farm", scope_id: fixture.farmA, exists: true, version: 1, values: { thresholds: { ammonia_high: 30 } }, effective_health: { profile: "i013", cpu_warning_above_pct: 70 }, devices: 1 });
    const device = await (await getConfig(fixture.keys.viewer, sensor)).json();
    expect(device.configuration.thresholds.ammonia_high).toBe(30);
    expect(device.sources["thresholds.ammonia_high"]).toMatchObject({ kind: "farm", id: fixture.farmA });
    expect(device.layer_change_pending).toBe(false);
    expect(device.health_thresholds.profile).toBe("i013");
  });

  it("answers 400 naming the path (values and health.*), 403 to a technician, 404 for another farm, 409 for a stale version", async () => {
    const bad = await put(managerKey, { values: { thresholds: { ammonia_high: 1000 } }, version: 1 });
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).error.fields)).toEqual(["thresholds.ammonia_high"]);
    const badHealth = await put(managerKey, { values: {}, health: { cpu_warning_above_pct: 95, cpu_critical_above_pct: 80 }, version: 1 });
    expect(badHealth.status).toBe(400);
    expect(Object.keys((await badHealth.json()).error.fields)).toEqual(["health.cpu_critical_above_pct"]);
    expect((await put(fixture.keys.technician, { values: {}, version: 1 })).status).toBe(403);
    expect((await farmLayerRoute.GET(call(managerKey, "GET", `/api/v1/farms/${fixture.farmB}/config/environmental`), withParams({ id: String(fixture.farmB), deviceType: "environmental" }))).status).toBe(404);
    expect((await farmLayerRoute.GET(call(managerKey, "GET", `/api/v1/farms/${fixture.farmA}/config/toaster`), withParams({ id: String(fixture.farmA), deviceType: "toaster" }))).status).toBe(404);
    expect((await put(managerKey, { values: {}, version: 0 })).status).toBe(409);
    const read = await (await farmLayerRoute.GET(call(fixture.keys.viewer, "GET", farmPath()), farmParams())).json();
    expect(read).toMatchObject({ version: 1, values: { thresholds: { ammonia_high: 30 } } });
  });

  it("a group layer sits on the farm's; DELETE at ?version removes it (409 when stale)", async () => {
    const params = withParams({ id: String(groupId), deviceType: "environmental" });
    const path = `/api/v1/groups/${groupId}/config/environmental`;
    const created = await groupLayerRoute.PUT(call(managerKey, "PUT", path, { values: { thresholds: { ammonia_high: 35 } }, version: 0 }), params);
    expect(created.status).toBe(200);
    const body = await created.json();
    expect(body.inherited.sources["thresholds.ammonia_high"]).toMatchObject({ kind: "farm" });
    expect(body.effective.configuration.thresholds.ammonia_high).toBe(35);
    expect((await groupLayerRoute.DELETE(call(managerKey, "DELETE", `${path}?version=2`), params)).status).toBe(409);
    expect((await groupLayerRoute.DELETE(call(fixture.keys.viewer, "DELETE", `${path}?version=1`), params)).status).toBe(403);
    const deleted = await groupLayerRoute.DELETE(call(managerKey, "DELETE", `${path}?version=1`), params);
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted: true, devices: 1 });
    expect(await db.configLayer.count({ where: { groupId } })).toBe(0);
  });
});
