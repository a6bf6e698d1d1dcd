/**
 * A device's configuration and its farm and group layers against a real PostgreSQL: an edit makes
 * a version with the seed's summary, bad input is a 400 naming the setting's path and writes
 * nothing, roles and farms are checked, a stale base is a 409, a rollback makes a new version
 * whose configuration is the old one's, diffs, and layers with their health limits and 409.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { createTestPerson, refusal } from "../testing/people";
import { configHash } from "./config-hash";
import { CONFIG_CHANNEL } from "./config-notify";
import { defaultConfig } from "./config-schemas";
import { diffVersions, getDeviceConfiguration, getDeviceShadow, getVersion, listVersions, rollbackDeviceConfig, updateDeviceConfig } from "./device-config";
import { deleteLayer, getLayer, previewLayerChange, putLayer } from "./layer-service";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const meter = `MD${suffix}1`;
const sensor = `ED${suffix}1`;
const grouped = `ED${suffix}2`;
const theirs = `MD${suffix}9`;
const farm = { a: 0, b: 0 };
let groupId = 0;
let admin: Actor;
let technician: Actor;
let manager: Actor;
let viewer: Actor;
let otherTechnician: Actor;

async function fieldsOf(promise: Promise<unknown>, type: new (...args: never[]) => Error): Promise<string[]> {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(type);
  return Object.keys((error as InvalidError).fieldErrors ?? {});
}

const versionsOf = (deviceId: string) => db.deviceConfig.count({ where: { device: { deviceId } } });

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `DCA${suffix}`, name: `Config farm A ${suffix}` } })).id;
  farm.b = (await db.farm.create({ data: { code: `DCB${suffix}`, name: `Config farm B ${suffix}` } })).id;
  groupId = (await db.deviceGroup.create({ data: { name: `Barn A ${suffix}`, code: `DCG${suffix}`, farmId: farm.a } })).id;
  await db.device.createMany({
    data: [
      { deviceId: meter, name: "Meter", deviceType: "milk_meter", farmId: farm.a, state: "active" },
      { deviceId: sensor, name: "Sensor", deviceType: "environmental", farmId: farm.a, state: "active" },
      { deviceId: grouped, name: "Sensor in barn", deviceType: "environmental", farmId: farm.a, groupId, state: "active" },
      { deviceId: theirs, name: "Their meter", deviceType: "milk_meter", farmId: farm.b, state: "active" },
    ],
  });
  admin = await createTestPerson(db, "admin", null, `admin-${suffix}@config.test`, "Ada Admin");
  technician = await createTestPerson(db, "technician", farm.a, `tech-${suffix}@config.test`, "Tess Technician");
  manager = await createTestPerson(db, "manager", farm.a, `manager-${suffix}@config.test`, "Max Manager");
  viewer = await createTestPerson(db, "viewer", farm.a, `viewer-${suffix}@config.test`, "Vic Viewer");
  otherTechnician = await createTestPerson(db, "technician", farm.b, `tech-b-${suffix}@config.test`, "Bea Technician");
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { OR: [{ entityType: "device", entityId: { in: [meter, sensor, grouped, theirs] } }, { entityType: "farm", entityId: { in: [String(farm.a), String(farm.b)] } }, { entityType: "group", entityId: String(groupId) }] } });
  await db.device.deleteMany({ where: { farmId: { in: [farm.a, farm.b] } } });
  await db.configLayer.deleteMany({ where: { OR: [{ farmId: { in: [farm.a, farm.b] } }, { groupId }] } });
  await db.deviceGroup.deleteMany({ where: { id: groupId } });
  await db.user.deleteMany({ where: { email: { endsWith: `${suffix}@config.test` } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b] } } });
  await disconnectDb();
});

describe("a device's configuration", () => {
  it("starts as the type's defaults, every value from the defaults, no version yet", async () => {
    const view = await getDeviceConfiguration(db, viewer, meter);
    expect(view.version).toBe(0);
    expect(view.configuration).toEqual(defaultConfig("milk_meter"));
    expect(view.sources["telemetry.measurement_interval_sec"]).toMatchObject({ kind: "defaults" });
    expect(view.syncStatus).toBe("unknown");
    expect(view.schema).toMatchObject({ type: "object", properties: { telemetry: expect.any(Object) } });
  });

  it("an edit makes version 1 with the seed's change summary, the device's own value, a pending shadow and an audit line", async () => {
    const outcome = await updateDeviceConfig(db, technician, meter, { changes: { telemetry: { measurement_interval_sec: 30 } }, baseVersion: 0, reason: "faster readings" });
    expect(outcome).toMatchObject({ deviceId: meter, version: 1, previousVersion: 0, status: "pending", changeSummary: "~ Changed telemetry.measurement_interval_sec: 1 -> 30" });
    const view = await getDeviceConfiguration(db, viewer, meter);
    expect(view.version).toBe(1);
    expect(view.configuration).toMatchObject({ telemetry: { measurement_interval_sec: 30 } });
    expect(view.overrides).toEqual({ telemetry: { measurement_interval_sec: 30 } });
    expect(view.sources["telemetry.measurement_interval_sec"]).toMatchObject({ kind: "device" });
    expect(view.hash).toBe(configHash(view.configuration));
    expect(view.syncStatus).toBe("pending");
    expect(view.layerChangePending).toBe(false);
    const version = await getVersion(db, viewer, meter, 1);
    expect(version).toMatchObject({ version: 1, source: "edit", reason: "faster readings", author: "Tess Technician", status: "pending", current: true });
    expect(version.configuration).toEqual(view.configuration);
    const audit = await db.auditEvent.findFirst({ where: { entityType: "device", entityId: meter, action: "config_changed" } });
    expect(audit?.after).toMatchObject({ configVersion: 1, summary: outcome.changeSummary });
  });

  it("refuses out-of-range and wrong-type values with 400 naming their path, and writes nothing", async () => {
    expect(await fieldsOf(updateDeviceConfig(db, technician, meter, { changes: { telemetry: { measurement_interval_sec: 0 } }, baseVersion: 1 }), InvalidError)).toEqual(["telemetry.measurement_interval_sec"]);
    expect(await fieldsOf(updateDeviceConfig(db, technician, meter, { changes: { telemetry: { measurement_interval_sec: "fast" } }, baseVersion: 1 }), InvalidError)).toEqual(["telemetry.measurement_interval_sec"]);
    const error = await refusal(updateDeviceConfig(db, technician, meter, { changes: { telemetry: { batch_size: 5000 } }, baseVersion: 1 }));
    expect((error as Error).message).toContain("telemetry.batch_size");
    expect(await versionsOf(meter)).toBe(1);
  });

  it("refuses an unknown key, a cross-field rule broken by the merged whole, and an unknown path to take back", async () => {
    expect(await fieldsOf(updateDeviceConfig(db, technician, meter, { changes: { telemetry: { turbo: true } }, baseVersion: 1 }), InvalidError)).toEqual(["telemetry.turbo"]);
    expect(await fieldsOf(updateDeviceConfig(db, technician, meter, { changes: { thresholds: { min_temperature_c: 55, max_temperature_c: 50 } }, baseVersion: 1 }), InvalidError)).not.toEqual([]);
    expect(await fieldsOf(updateDeviceConfig(db, technician, meter, { changes: {}, remove: ["telemetry.nope"], baseVersion: 1 }), InvalidError)).toEqual(["telemetry.nope"]);
    expect(await versionsOf(meter)).toBe(1);
  });

  it("says so when nothing changes, and makes no version", async () => {
    const error = await refusal(updateDeviceConfig(db, technician, meter, { changes: { telemetry: { measurement_interval_sec: 30 } }, baseVersion: 1 }));
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as Error).message).toMatch(/Nothing changed/);
    expect(await versionsOf(meter)).toBe(1);
  });

  it("refuses a viewer (403) and another farm's device (404), as people and as their farm's technician", async () => {
    expect(await refusal(updateDeviceConfig(db, viewer, meter, { changes: { telemetry: { batch_size: 20 } }, baseVersion: 1 }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(updateDeviceConfig(db, otherTechnician, meter, { changes: { telemetry: { batch_size: 20 } }, baseVersion: 1 }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getDeviceConfiguration(db, technician, theirs))).toBeInstanceOf(NotFoundError);
    expect(await refusal(rollbackDeviceConfig(db, viewer, meter, { version: 0, baseVersion: 1 }))).toBeInstanceOf(ForbiddenError);
    expect(await versionsOf(meter)).toBe(1);
  });

  it("refuses a stale base version with 409, naming the latest", async () => {
    await updateDeviceConfig(db, admin, meter, { changes: { telemetry: { batch_size: 20 } }, baseVersion: 1 });
    const error = await refusal(updateDeviceConfig(db, technician, meter, { changes: { telemetry: { batch_size: 30 } }, baseVersion: 1 }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain("version 2");
    expect(await versionsOf(meter)).toBe(2);
  });

  it("takes a value back to the inherited one", async () => {
    const outcome = await updateDeviceConfig(db, technician, meter, { changes: {}, remove: ["telemetry.batch_size"], baseVersion: 2 });
    expect(outcome.version).toBe(3);
    expect(outcome.changeSummary).toBe(`~ Changed telemetry.batch_size: 20 -> ${(defaultConfig("milk_meter").telemetry as { batch_size: number }).batch_size}`);
    expect((await getDeviceConfiguration(db, viewer, meter)).overrides).toEqual({ telemetry: { measurement_interval_sec: 30 } });
  });

  it("rolls back to any version with a new version whose configuration equals that one's", async () => {
    const v2 = await getVersion(db, viewer, meter, 2);
    const outcome = await rollbackDeviceConfig(db, technician, meter, { version: 2, baseVersion: 3, reason: "back" });
    expect(outcome).toMatchObject({ version: 4, changeSummary: expect.stringMatching(/^Rollback to version 2: ~ Changed telemetry.batch_size/) });
    const v4 = await getVersion(db, viewer, meter, 4);
    expect(v4).toMatchObject({ source: "rollback", rollbackOf: 2, reason: "back" });
    expect(v4.configuration).toEqual(v2.configuration);
    expect(v4.hash).toBe(v2.hash);
    expect(await refusal(rollbackDeviceConfig(db, technician, meter, { version: 2, baseVersion: 4 }))).toBeInstanceOf(InvalidError);
    expect(await refusal(rollbackDeviceConfig(db, technician, meter, { version: 9, baseVersion: 4 }))).toBeInstanceOf(InvalidError);
    expect(await refusal(rollbackDeviceConfig(db, technician, meter, { version: 1, baseVersion: 3 }))).toBeInstanceOf(ConflictError);
  });

  it("lists versions newest first, a page at a time, and diffs any two (0 = factory defaults)", async () => {
    const page = await listVersions(db, viewer, meter, { page: 1, pageSize: 3 });
    expect(page).toMatchObject({ total: 4, pages: 2, currentVersion: 4 });
    expect(page.data.map((v) => v.version)).toEqual([4, 3, 2]);
    expect(page.data[0]!.current).toBe(true);
    expect((await listVersions(db, viewer, meter, { page: 2, pageSize: 3 })).data.map((v) => v.version)).toEqual([1]);
    const diff = await diffVersions(db, viewer, meter, 0, 2);
    const telemetry = defaultConfig("milk_meter").telemetry as { batch_size: number; measurement_interval_sec: number };
    expect(diff.diff).toEqual({ added: {}, removed: {}, modified: { "telemetry.batch_size": { from: telemetry.batch_size, to: 20 }, "telemetry.measurement_interval_sec": { from: telemetry.measurement_interval_sec, to: 30 } } });
    expect(diff.from.version).toBe(0);
    expect(diff.to).toMatchObject({ version: 2, author: "Ada Admin" });
    expect(await refusal(diffVersions(db, viewer, meter, 1, 99))).toBeInstanceOf(NotFoundError);
  });

  it("shows the shadow: desired with its configuration, reported when the device said", async () => {
    const shadow = await getDeviceShadow(db, viewer, meter);
    expect(shadow.desired).toMatchObject({ version: 4, configuration: expect.objectContaining({ telemetry: expect.any(Object) }) });
    expect(shadow.reported).toMatchObject({ version: null, configuration: null });
    expect(shadow.syncStatus).toBe("pending");
    const v4 = await getVersion(db, viewer, meter, 4);
    await db.deviceShadow.update({ where: { deviceId: (await db.device.findUniqueOrThrow({ where: { deviceId: meter } })).id }, data: { reportedVersion: 4, reportedHash: v4.hash, reportedAt: new Date(), status: "applied" } });
    const after = await getDeviceShadow(db, viewer, meter);
    expect(after.syncStatus).toBe("in_sync");
    expect(after.reported.configuration).toEqual(v4.configuration);
  });
});

describe("farm and group layers", () => {
  it("a farm layer: created at version 0, read with who and what it sits on; the device sees it as a source", async () => {
    const layer = await putLayer(db, manager, "farm", farm.a, "environmental", { values: { thresholds: { ammonia_high: 30 } }, health: { battery_warning_below_pct: 25 }, version: 0, reason: "barns are airy" });
    expect(layer).toMatchObject({ exists: true, version: 1, values: { thresholds: { ammonia_high: 30 } }, updatedBy: "Max Manager", reason: "barns are airy", devices: 2 });
    expect(layer.inherited.config).toEqual(defaultConfig("environmental"));
    expect(layer.effective.sources["thresholds.ammonia_high"]).toMatchObject({ kind: "farm", id: farm.a });
    expect(layer.effectiveHealth.battery_warning_below_pct).toBe(25);
    const view = await getDeviceConfiguration(db, viewer, sensor);
    expect(view.configuration).toMatchObject({ thresholds: { ammonia_high: 30 } });
    expect(view.sources["thresholds.ammonia_high"]).toMatchObject({ kind: "farm" });
    expect(view.healthThresholds.battery_warning_below_pct).toBe(25);
  });

  it("a group layer sits on the farm's; the preview counts devices and shows the change", async () => {
    const preview = await previewLayerChange(db, manager, "group", groupId, "environmental", { values: { thresholds: { ammonia_high: 35 } } });
    expect(preview).toMatchObject({ devices: 1, changeSummary: "~ Changed thresholds.ammonia_high: 30 -> 35" });
    const layer = await putLayer(db, manager, "group", groupId, "environmental", { values: { thresholds: { ammonia_high: 35 } }, version: 0 });
    expect(layer.inherited.sources["thresholds.ammonia_high"]).toMatchObject({ kind: "farm" });
    expect(layer.effective.config).toMatchObject({ thresholds: { ammonia_high: 35 } });
    expect((await getDeviceConfiguration(db, viewer, grouped)).sources["thresholds.ammonia_high"]).toMatchObject({ kind: "group", id: groupId });
  });

  it("refuses a stale layer version (409), a layer that would break a group below (400), bad health limits (400 naming health.*)", async () => {
    expect(await refusal(putLayer(db, manager, "farm", farm.a, "environmental", { values: {}, version: 0 }))).toBeInstanceOf(ConflictError);
    // the group's ammonia_high 35 would sit above a farm ammonia_critical of 32
    const fields = await fieldsOf(putLayer(db, manager, "farm", farm.a, "environmental", { values: { thresholds: { ammonia_high: 30, ammonia_critical: 32 } }, version: 1 }), InvalidError);
    expect(fields.some((field) => field.startsWith("thresholds."))).toBe(true);
    expect(await fieldsOf(putLayer(db, manager, "farm", farm.a, "environmental", { values: {}, health: { battery_warning_below_pct: 150 }, version: 1 }), InvalidError)).toEqual(["health.battery_warning_below_pct"]);
    expect(await fieldsOf(putLayer(db, manager, "farm", farm.a, "environmental", { values: {}, health: { battery_critical_below_pct: 40 }, version: 1 }), InvalidError)).toEqual(["health.battery_critical_below_pct"]);
    expect(await fieldsOf(putLayer(db, manager, "farm", farm.a, "environmental", { values: { thresholds: { ammonia_high: "high" } }, version: 1 }), InvalidError)).toEqual(["thresholds.ammonia_high"]);
    expect((await getLayer(db, viewer, "farm", farm.a, "environmental")).version).toBe(1);
  });

  it("refuses a technician and a viewer (403), another farm (404)", async () => {
    expect(await refusal(putLayer(db, technician, "farm", farm.a, "environmental", { values: {}, version: 1 }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(putLayer(db, viewer, "group", groupId, "environmental", { values: {}, version: 1 }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(putLayer(db, manager, "farm", farm.b, "environmental", { values: {}, version: 0 }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getLayer(db, otherTechnician, "group", groupId, "environmental"))).toBeInstanceOf(NotFoundError);
  });

  it("refuses a layer that would make a device's own values invalid, naming the device", async () => {
    const own = await updateDeviceConfig(db, technician, sensor, { changes: { thresholds: { ammonia_critical: 40 } }, baseVersion: 0 });
    expect(own.version).toBe(1);
    const error = await refusal(putLayer(db, manager, "farm", farm.a, "environmental", { values: { thresholds: { ammonia_high: 45 } }, version: 1 }));
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as Error).message).toContain(sensor);
    expect((await getLayer(db, viewer, "farm", farm.a, "environmental")).version).toBe(1);
    await updateDeviceConfig(db, technician, sensor, { changes: {}, remove: ["thresholds.ammonia_critical"], baseVersion: 1 });
  });

  it("a cross-farm group's layer: an admin's to change (a farm's manager sees it, 403), checked against each farm's layer", async () => {
    const shared = (await db.deviceGroup.create({ data: { name: `Shared ${suffix}`, code: `DCX${suffix}`, farmId: null } })).id;
    try {
      expect(await refusal(putLayer(db, manager, "group", shared, "environmental", { values: { thresholds: { ammonia_high: 20 } }, version: 0 }))).toBeInstanceOf(ForbiddenError);
      expect((await getLayer(db, manager, "group", shared, "environmental")).exists).toBe(false);
      // farm A's layer says ammonia_high 30: a shared group's critical of 28 would sit below it for farm A's devices
      const error = await refusal(putLayer(db, admin, "group", shared, "environmental", { values: { thresholds: { ammonia_critical: 28 } }, version: 0 }));
      expect(error).toBeInstanceOf(InvalidError);
      expect((error as Error).message).toContain(`Config farm A ${suffix}`);
      const layer = await putLayer(db, admin, "group", shared, "environmental", { values: { thresholds: { ammonia_critical: 60 } }, version: 0 });
      expect(layer).toMatchObject({ farmId: null, version: 1, inherited: { sources: { "thresholds.ammonia_high": { kind: "defaults" } } } });
    } finally {
      await db.configLayer.deleteMany({ where: { groupId: shared } });
      await db.auditEvent.deleteMany({ where: { entityType: "group", entityId: String(shared) } });
      await db.deviceGroup.delete({ where: { id: shared } });
    }
  });

  it("tells the worker on sdm_config after a committed change", async () => {
    const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on("notification", (message) => heard.push(message.channel));
      await listener.query(`LISTEN ${CONFIG_CHANNEL}`);
      await updateDeviceConfig(db, technician, sensor, { changes: { alarms: { debounce_minutes: 7 } }, baseVersion: 2 });
      await expect.poll(() => heard, { timeout: 5_000 }).toContain(CONFIG_CHANNEL);
      heard.length = 0;
      await refusal(updateDeviceConfig(db, technician, sensor, { changes: { alarms: { debounce_minutes: 7 } }, baseVersion: 3 }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).toEqual([]);
    } finally {
      await listener.end();
    }
  });

  it("changes at the version a person started from, and deletes at it too", async () => {
    const changed = await putLayer(db, manager, "group", groupId, "environmental", { values: { thresholds: { ammonia_high: 28 } }, version: 1 });
    expect(changed.version).toBe(2);
    expect(await refusal(deleteLayer(db, manager, "group", groupId, "environmental", { version: 1 }))).toBeInstanceOf(ConflictError);
    expect(await deleteLayer(db, manager, "group", groupId, "environmental", { version: 2 })).toEqual({ deleted: true, devices: 1 });
    const gone = await getLayer(db, viewer, "group", groupId, "environmental");
    expect(gone).toMatchObject({ exists: false, version: 0 });
    expect(await refusal(deleteLayer(db, manager, "group", groupId, "environmental", { version: 2 }))).toBeInstanceOf(NotFoundError);
    const audit = await db.auditEvent.findMany({ where: { entityType: "group", entityId: String(groupId) }, orderBy: { id: "asc" }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(["config_layer_created", "config_layer_changed", "config_layer_removed"]);
  });
});
