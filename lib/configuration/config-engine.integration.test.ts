/**
 * The configuration engine and the report path against PostgreSQL alone (publishing captured): the
 * report rules one by one, a failed publish leaving versions pending, one tick at a time across
 * engines, retired devices left alone, and a person's edit never overwritten by the sweep.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import type { Outgoing } from "../mqtt/publish-many";
import { createSqlPool, type Sql } from "../telemetry/sql";
import { createTestFleet, type TestDevice } from "../../workers/test-fleet";
import { ConfigEngine } from "./config-engine";
import { configHash } from "./config-hash";
import { storeConfigReports, type DeviceConfigReport } from "./config-report-apply";
import { DEFAULT_CONFIGS } from "./config-schemas";
import { writeVersions } from "./config-versions";

const db = getDb();
const pool = createSqlPool(resolveDatabaseUrl());
let fleet: Awaited<ReturnType<typeof createTestFleet>>;
const published: Outgoing[] = [];
const engine = new ConfigEngine(pool, { publish: async (messages) => void published.push(...messages), resendAfterSeconds: 60, log: () => undefined });
const DEFAULT_HASH = configHash(DEFAULT_CONFIGS.environmental);
const device = (index: number) => fleet.devices[index]!;
const shadow = (d: TestDevice) => db.deviceShadow.findUniqueOrThrow({ where: { deviceId: d.id } });
const version = (d: TestDevice, v: number) => db.deviceConfig.findUniqueOrThrow({ where: { deviceId_version: { deviceId: d.id, version: v } } });

async function inTransaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const value = await work(client);
    await client.query("COMMIT");
    return value;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

const report = (d: TestDevice, fields: Partial<DeviceConfigReport> & Pick<DeviceConfigReport, "version" | "status">): DeviceConfigReport => ({
  deviceId: d.deviceId,
  devicePk: d.id,
  hash: null,
  reason: null,
  receivedAt: new Date(),
  ...fields,
});

/** A second version for `d` (an edit), as the domain writes it. */
async function editTo(d: TestDevice, ammonia: number) {
  const config = { ...DEFAULT_CONFIGS.environmental, thresholds: { ...DEFAULT_CONFIGS.environmental.thresholds, ammonia_high: ammonia } };
  const [written] = await inTransaction((sql) =>
    writeVersions(sql, [{ devicePk: d.id, overrides: { thresholds: { ammonia_high: ammonia } }, config, hash: configHash(config), source: "edit", summary: "edit" }]),
  );
  return { version: written!.version, hash: configHash(config) };
}

beforeAll(async () => {
  fleet = await createTestFleet(db, 6, { deviceType: "environmental" });
  await db.device.updateMany({ where: { farmId: fleet.farmId }, data: { connectionStatus: "online" } });
  await db.device.update({ where: { id: fleet.devices[5]!.id }, data: { state: "decommissioned" } });
  await engine.tick(undefined, { sweep: true });
});

afterAll(async () => {
  await fleet?.remove();
  await pool.end();
  await disconnectDb();
});

describe("configuration reports", () => {
  it("takes version 1 applied, drops a version the device never had and a version 0 that names no hash", async () => {
    const stored = await inTransaction((sql) =>
      storeConfigReports(sql, [
        report(device(0), { version: 7, status: "applied", hash: DEFAULT_HASH }),
        report(device(0), { version: 0, status: "applied" }),
        report(device(0), { version: 0, status: "rejected", reason: "no" }),
        // "applied" without a hash: the hash of the version it names.
        report(device(0), { version: 1, status: "applied" }),
      ]),
    );
    expect(stored).toMatchObject({ applied: 1, dropped: 3 });
    expect(await shadow(device(0))).toMatchObject({ status: "applied", reportedVersion: 1, reportedHash: DEFAULT_HASH });
    expect(await version(device(0), 1)).toMatchObject({ status: "applied", reported: expect.objectContaining({ status: "applied", hash: DEFAULT_HASH }) });
  });

  it("keeps what a newer report said when an older one arrives after it", async () => {
    const second = await editTo(device(1), 30);
    const newer = new Date();
    const older = new Date(newer.getTime() - 5_000);
    await inTransaction((sql) => storeConfigReports(sql, [report(device(1), { version: second.version, status: "applied", hash: second.hash, receivedAt: newer })]));
    await inTransaction((sql) => storeConfigReports(sql, [report(device(1), { version: 1, status: "applied", hash: DEFAULT_HASH, receivedAt: older })]));
    expect(await shadow(device(1))).toMatchObject({ status: "applied", reportedVersion: second.version, reportedHash: second.hash });
  });

  it("a rejection of an older version marks that version only; of the desired one, the shadow too", async () => {
    const second = await editTo(device(2), 31);
    await inTransaction((sql) => storeConfigReports(sql, [report(device(2), { version: 1, status: "rejected", reason: "old one" })]));
    expect(await version(device(2), 1)).toMatchObject({ status: "rejected", statusReason: "old one" });
    expect((await shadow(device(2))).status).toBe("pending");
    await inTransaction((sql) => storeConfigReports(sql, [report(device(2), { version: second.version, status: "rejected" })]));
    const rejected = await shadow(device(2));
    expect(rejected).toMatchObject({ status: "rejected", statusReason: "Rejected by the device (no reason given)" });
    // Rejected counts as drift: the clock runs.
    expect(rejected.driftSince).not.toBeNull();
    // Never sent by the engine.
    published.length = 0;
    await engine.tick();
    expect(published.filter((m) => m.topic.includes(device(2).deviceId))).toHaveLength(0);
  });
});

describe("configuration engine", () => {
  it("leaves a retired device without versions", async () => {
    expect(await db.deviceShadow.findUnique({ where: { deviceId: device(5).id } })).toBeNull();
  });

  it("leaves versions pending when publishing fails, and sends them on the next tick", async () => {
    const failing = new ConfigEngine(pool, {
      publish: async () => {
        throw new Error("broker gone");
      },
      log: () => undefined,
    });
    const third = await editTo(device(3), 32);
    await expect(failing.tick()).rejects.toThrow("broker gone");
    expect(await shadow(device(3))).toMatchObject({ status: "pending", sendAttempts: 0 });
    published.length = 0;
    await engine.tick();
    const sent = published.find((m) => m.topic === `devices/${device(3).deviceId}/config`);
    expect(sent?.retain).toBe(true);
    expect(JSON.parse(sent!.payload)).toMatchObject({ version: third.version, hash: third.hash });
    expect(await shadow(device(3))).toMatchObject({ status: "sent", sendAttempts: 1, sentVersion: third.version });
  });

  it("runs one tick at a time across engines", async () => {
    // The first engine's tick is held in its publish; meanwhile the second finds the lock taken.
    let release = () => undefined as void;
    let publishing = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => (publishing = resolve));
    const holder = new ConfigEngine(pool, {
      publish: async () => {
        publishing();
        await held;
      },
      log: () => undefined,
    });
    await editTo(device(3), 34);
    const first = holder.tick();
    await started;
    const other = new ConfigEngine(pool, { publish: async () => undefined, log: () => undefined });
    expect((await other.tick(undefined, { sweep: true })).ran).toBe(false);
    release();
    expect(await first).toMatchObject({ ran: true, sent: 1 });
    expect((await other.tick(undefined, { sweep: true })).ran).toBe(true);
  });

  it("does not write over a person's edit: the device's own overrides stay in the layer version", async () => {
    const edited = await editTo(device(4), 33);
    await db.configLayer.create({
      data: { scope: "farm", scopeKey: `farm:${fleet.farmId}:environmental`, farmId: fleet.farmId, deviceType: "environmental", values: { alarms: { debounce_minutes: 7 } }, health: {} },
    });
    const result = await engine.tick(undefined, { sweep: true });
    expect(result.materialized?.layer).toBeGreaterThanOrEqual(4);
    const row = await shadow(device(4));
    expect(row.desiredVersion).toBe(edited.version + 1);
    const latest = await version(device(4), row.desiredVersion);
    expect(latest).toMatchObject({ source: "layer", overrides: { thresholds: { ammonia_high: 33 } }, changeSummary: "~ Changed alarms.debounce_minutes: 5 -> 7" });
    expect(latest.reason).toMatch(/^Layer change: Farm /);
    expect(latest.desired).toMatchObject({ thresholds: { ammonia_high: 33 }, alarms: { debounce_minutes: 7 } });
  });
});
