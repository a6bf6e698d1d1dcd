/**
 * The demo's configuration history on a real PostgreSQL, on a farm of its own (unique codes and
 * ids): the versions the story says, written by the one version writer, summaries and the
 * rollback as the domain writes them, the last versions exactly what the layers give today (so
 * the worker's sweep adds nothing), shadows saying what a freshly booted simulated sensor reports,
 * and a second run that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configHash } from "../lib/configuration/config-hash";
import { defaultConfig } from "../lib/configuration/config-schemas";
import { LayerBook } from "../lib/configuration/layer-book";
import { disconnectDb, getDb } from "../lib/db";
import { prismaSql } from "../lib/ota/job-stops";
import { seedDemoConfig } from "./demo-config";

const db = getDb();
const code = `DC${Date.now().toString(36).toUpperCase()}`.slice(0, 12);
const base = 100_000 + Math.floor(Math.random() * 800_000);
const sensorIds = Array.from({ length: 6 }, (_, index) => `ES${base + index}`);
let farmId: number;
let barnA: number;
let barnB: number;

beforeAll(async () => {
  const farm = await db.farm.create({ data: { code, name: "Demo config farm" } });
  farmId = farm.id;
  const all = await db.deviceGroup.create({ data: { name: "All barns", code: `${code}-ALL`, farmId } });
  barnA = (await db.deviceGroup.create({ data: { name: "Barn A", code: `${code}-BARN-A`, farmId, parentId: all.id } })).id;
  barnB = (await db.deviceGroup.create({ data: { name: "Barn B", code: `${code}-BARN-B`, farmId, parentId: all.id } })).id;
  for (const [index, deviceId] of sensorIds.entries()) {
    await db.device.create({ data: { deviceId, name: `Air ${index + 1}`, deviceType: "environmental", farmId, state: "active", groupId: index < 3 ? barnA : barnB } });
  }
});

afterAll(async () => {
  await db.device.deleteMany({ where: { farmId } });
  await db.farm.delete({ where: { id: farmId } });
  await disconnectDb();
});

describe("the demo's configuration history", () => {
  it("writes the story's layers and versions, with today's versions what the layers give and shadows as a booted sensor reports", async () => {
    const now = new Date();
    expect(await seedDemoConfig(db, now, { farmCode: code, sensorIds })).toEqual({ layers: 2, versions: 18 });

    const layers = await db.configLayer.findMany({ where: { OR: [{ farmId }, { groupId: barnA }] }, orderBy: { scope: "asc" } });
    expect(layers.map((layer) => [layer.scope, layer.values, layer.reason !== null])).toEqual([
      ["farm", { telemetry: { update_interval_sec: 120 } }, true],
      ["group", { thresholds: { ammonia_high: 30 } }, true],
    ]);

    const pks = await db.device.findMany({ where: { deviceId: { in: sensorIds } }, select: { id: true, deviceId: true } });
    const pk = new Map(pks.map((row) => [row.deviceId, row.id]));
    const history = async (deviceId: string) => db.deviceConfig.findMany({ where: { deviceId: pk.get(deviceId)! }, orderBy: { version: "asc" } });

    const first = await history(sensorIds[0]!);
    expect(first.map((v) => [v.version, v.source, v.status, v.rollbackOf])).toEqual([
      [1, "initial", "applied", null],
      [2, "layer", "applied", null],
      [3, "layer", "applied", null],
      [4, "edit", "applied", null],
      [5, "rollback", "pending", 3],
    ]);
    expect(first[1]!.changeSummary).toBe("~ Changed telemetry.update_interval_sec: 60 -> 120");
    expect(first[2]!.changeSummary).toBe("~ Changed thresholds.ammonia_high: 25 -> 30");
    expect(first[3]!.changeSummary).toBe("~ Changed thresholds.ammonia_critical: 50 -> 40");
    expect(first[4]!.changeSummary).toBe("Rollback to version 3: ~ Changed thresholds.ammonia_critical: 40 -> 50");
    expect(first[4]!.hash).toBe(first[2]!.hash);
    expect(first[4]!.overrides).toEqual({});
    expect(first.every((v, i) => i === 0 || v.createdAt > first[i - 1]!.createdAt)).toBe(true);

    const fifth = await history(sensorIds[4]!);
    expect(fifth.map((v) => v.source)).toEqual(["initial", "layer", "edit"]);
    expect(fifth[2]).toMatchObject({ overrides: { thresholds: { humidity_high: 90 } }, changeSummary: "~ Changed thresholds.humidity_high: 80 -> 90", status: "pending" });
    expect((await history(sensorIds[1]!)).map((v) => v.source)).toEqual(["initial", "layer", "layer"]);
    expect((await history(sensorIds[5]!)).map((v) => v.source)).toEqual(["initial", "layer"]);

    // What the worker's sweep computes today equals each device's desired version: nothing to add.
    const book = await LayerBook.load(prismaSql(db));
    const shadows = await db.deviceShadow.findMany({ where: { deviceId: { in: [...pk.values()] } }, include: { device: { select: { deviceId: true, groupId: true } } } });
    expect(shadows).toHaveLength(6);
    const factory = configHash(defaultConfig("environmental"));
    for (const shadow of shadows) {
      const effective = book.effective({ deviceType: "environmental", farmId, groupId: shadow.device.groupId }, shadow.overrides as Record<string, never>);
      expect(shadow.desiredHash, shadow.device.deviceId).toBe(configHash(effective.config));
      expect(shadow).toMatchObject({ status: "pending", reportedVersion: 0, reportedHash: factory, sentVersion: null, drifted: false, driftSince: null });
    }
  });

  it("does nothing the second time", async () => {
    const before = await db.deviceConfig.count();
    expect(await seedDemoConfig(db, new Date(), { farmCode: code, sensorIds })).toEqual({ layers: 0, versions: 0 });
    expect(await db.deviceConfig.count()).toBe(before);
  });
});
