/**
 * The update job read models against a real PostgreSQL: counts from the logs, phases, keyset
 * pages of logs, farm scope, a device's history with its rollback answer — and the job page's
 * reads staying fast with 10,000 devices in one job.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { createTestPerson, refusal } from "../testing/people";
import { InvalidError, NotFoundError } from "../errors";
import { createSqlPool } from "../telemetry/sql";
import { scheduleUpdate } from "./schedule-update";
import { applyStatusReports } from "./update-status";
import { deviceUpdateHistory, getUpdateJob, listUpdateJobLogs, listUpdateJobs, previewUpdateTarget } from "./update-job-views";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const idBase = String(1000 + Math.floor(Math.random() * 9000));
const meters = Array.from({ length: 12 }, (_, i) => `MW${idBase}${String(i).padStart(2, "0")}`);
const farm = { a: 0, b: 0 };
const firmware = { old: 0, next: 0 };
let admin: Actor;
let managerA: Actor;
let managerB: Actor;

const person = (role: Actor["role"], farmId: number | null, name: string) => createTestPerson(db, role, farmId, `${name}-${suffix}@views.test`, `Views ${name}`);

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `VA${suffix}`, name: "Views farm A" } })).id;
  farm.b = (await db.farm.create({ data: { code: `VB${suffix}`, name: "Views farm B" } })).id;
  await db.device.createMany({
    data: meters.map((deviceId, i) => ({ deviceId, name: `Views meter ${i}`, deviceType: "milk_meter" as const, farmId: i < 10 ? farm.a : farm.b, model: "MM-400", firmwareVersion: `7.${suffix}.0`, state: "active" as const })),
  });
  const base = { deviceType: "milk_meter" as const, compatibleModels: ["MM-400"], storageKey: "firmware/test.bin", sha256: "b".repeat(64), sizeBytes: 1024, state: "stable" as const };
  firmware.old = (await db.firmwareVersion.create({ data: { ...base, name: "Old", version: `7.${suffix}.0` } })).id;
  firmware.next = (await db.firmwareVersion.create({ data: { ...base, name: "Next", version: `7.${suffix}.1` } })).id;
  admin = await person("admin", null, "admin");
  managerA = await person("manager", farm.a, "manager-a");
  managerB = await person("manager", farm.b, "manager-b");
});

afterAll(async () => {
  await db.updateJob.deleteMany({ where: { firmwareId: { in: [firmware.old, firmware.next] } } });
  await db.device.deleteMany({ where: { farmId: { in: [farm.a, farm.b] } } });
  await db.firmwareVersion.deleteMany({ where: { id: { in: [firmware.old, firmware.next] } } });
  await db.auditEvent.deleteMany({ where: { actorLabel: { endsWith: `-${suffix}@views.test` } } });
  await db.user.deleteMany({ where: { email: { endsWith: `-${suffix}@views.test` } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b] } } });
  await disconnectDb();
});

describe("update job views", () => {
  let farmJob = 0;
  let crossJob = 0;

  it("counts a job's devices by state, per phase, and says which buttons apply", async () => {
    farmJob = (await scheduleUpdate(db, managerA, { firmwareId: firmware.next, target: { deviceIds: meters.slice(0, 10) }, rollout: { strategy: "canary", canaryPercentage: 20, soakMinutes: 5, requireApproval: true } })).jobId;
    const pool = createSqlPool(process.env.DATABASE_URL!, 2);
    try {
      const at = new Date();
      await db.updateLog.updateMany({ where: { jobId: farmJob }, data: { sentAt: at } });
      await applyStatusReports(pool, [
        { deviceId: meters[0]!, jobId: farmJob, status: "completed", receivedAt: at },
        { deviceId: meters[1]!, jobId: farmJob, status: "failed", error: "flash write error", receivedAt: at },
        { deviceId: meters[2]!, jobId: farmJob, status: "downloading", progress: 40, receivedAt: at },
      ]);
    } finally {
      await pool.end();
    }
    const job = await getUpdateJob(db, managerA, farmJob);
    expect(job).toMatchObject({ state: "scheduled", strategy: "canary", deviceCount: 10, successCount: 1, failedCount: 1, inFlightCount: 1, pendingCount: 7, progressPercent: 20, phaseCount: 2, createdBy: "Views manager-a" });
    expect(job.counts).toEqual({ pending: 7, downloading: 1, installing: 0, verifying: 0, completed: 1, failed: 1, rolled_back: 0 });
    expect(job.phases.map((phase) => [phase.position, phase.targetPercentage, phase.deviceCount, phase.requiresApproval])).toEqual([
      [1, 20, 2],
      [2, 100, 8],
    ].map(([position, percent, devices]) => [position, percent, devices, position === 1]));
    expect(job.phases.reduce((sum, phase) => sum + phase.completed + phase.failed + phase.inFlight + phase.pending, 0)).toBe(10);
    expect(job.firmware).toMatchObject({ id: firmware.next, version: `7.${suffix}.1`, deviceType: "milk_meter" });
    expect(job.allowedActions).toEqual(["pause", "cancel", "rollback"]);
    expect(job.rollbackPending).toBe(0);
    expect(job.deviceTimeoutMinutes).toBe(30);
  });

  it("shows a farm's people only jobs all of whose devices are on their farm", async () => {
    crossJob = (await scheduleUpdate(db, admin, { firmwareId: firmware.next, target: { deviceIds: meters.slice(10) }, force: true, rollout: { strategy: "all_at_once", deviceTimeoutMinutes: 90 } })).jobId;
    expect((await getUpdateJob(db, admin, crossJob)).deviceTimeoutMinutes).toBe(90);
    // a device offline for the whole timeout fails without ever being sent the update
    const offlineMeter = await db.device.findUniqueOrThrow({ where: { deviceId: meters[10]! } });
    await db.updateLog.updateMany({ where: { jobId: crossJob, deviceId: offlineMeter.id }, data: { state: "failed", errorMessage: "Offline: the device did not come online within 90 minutes to take the update" } });
    expect(await getUpdateJob(db, admin, crossJob)).toMatchObject({ failedCount: 1, neverCameOnline: 1 });
    // one device of farm A joins the job's logs: now it spans two farms
    const deviceA = await db.device.findUniqueOrThrow({ where: { deviceId: meters[9]! } });
    await db.updateLog.create({ data: { jobId: crossJob, deviceId: deviceA.id, targetVersion: `7.${suffix}.1`, state: "completed", previousVersion: `7.${suffix}.0` } });

    const mine = await listUpdateJobs(db, managerA, { pageSize: 100 });
    expect(mine.items.map((item) => item.id)).toContain(farmJob);
    expect(mine.items.map((item) => item.id)).not.toContain(crossJob);
    expect((await listUpdateJobs(db, managerB, { pageSize: 100 })).items.map((item) => item.id)).not.toContain(crossJob);
    const all = await listUpdateJobs(db, admin, { pageSize: 100 });
    expect(all.items.findIndex((item) => item.id === crossJob)).toBeLessThan(all.items.findIndex((item) => item.id === farmJob));
    expect(await refusal(getUpdateJob(db, managerB, farmJob))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listUpdateJobLogs(db, managerA, crossJob))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listUpdateJobs(db, admin, { state: "exploded" }))).toBeInstanceOf(InvalidError);
    expect((await listUpdateJobs(db, admin, { state: "active", pageSize: 100 })).items.every((item) => ["scheduled", "in_progress", "paused"].includes(item.state))).toBe(true);
  });

  it("pages a job's logs by keyset, filtered by state and device", async () => {
    const first = await listUpdateJobLogs(db, managerA, farmJob, { limit: 4 });
    expect(first.items).toHaveLength(4);
    const second = await listUpdateJobLogs(db, managerA, farmJob, { limit: 4, cursor: first.nextCursor! });
    const third = await listUpdateJobLogs(db, managerA, farmJob, { limit: 4, cursor: String(second.nextCursor) });
    expect(third.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items, ...third.items].map((log) => log.deviceId)).size).toBe(10);
    const failed = await listUpdateJobLogs(db, managerA, farmJob, { state: "failed" });
    expect(failed.items).toEqual([expect.objectContaining({ deviceId: meters[1], state: "failed", errorMessage: "flash write error", phase: expect.any(Number) })]);
    expect((await listUpdateJobLogs(db, managerA, farmJob, { state: "in_flight" })).items.map((log) => log.deviceId)).toEqual([meters[2]]);
    expect((await listUpdateJobLogs(db, managerA, farmJob, { search: meters[3]!.toLowerCase() })).items.map((log) => log.deviceId)).toEqual([meters[3]]);
    expect((await listUpdateJobLogs(db, managerA, farmJob, { search: "Views meter 4" })).items.map((log) => log.deviceId)).toEqual([meters[4]]);
  });

  it("gives a device's history and whether it can go back to its previous version", async () => {
    const history = await deviceUpdateHistory(db, managerA, meters[0]!);
    expect(history.items[0]).toMatchObject({ jobId: farmJob, state: "completed", previousVersion: `7.${suffix}.0`, targetVersion: `7.${suffix}.1` });
    expect(history).toMatchObject({ canRollBack: true, previousVersion: `7.${suffix}.0` });
    // without the old binary there is nothing to send back
    await db.firmwareVersion.update({ where: { id: firmware.old }, data: { storageKey: null } });
    expect((await deviceUpdateHistory(db, managerA, meters[0]!)).canRollBack).toBe(false);
    await db.firmwareVersion.update({ where: { id: firmware.old }, data: { storageKey: "firmware/test.bin" } });
    expect((await deviceUpdateHistory(db, managerA, meters[3]!)).canRollBack).toBe(false);
    expect(await refusal(deviceUpdateHistory(db, managerB, meters[0]!))).toBeInstanceOf(NotFoundError);
  });

  it("previews how many devices a target reaches, and how many of them are offline now", async () => {
    expect(await previewUpdateTarget(db, managerA, { deviceIds: [meters[0]!, meters[11]!, "ZZ999"] })).toEqual({ count: 1, byType: [{ deviceType: "milk_meter", count: 1 }], missing: [meters[11], "ZZ999"], offline: 1 });
    // online and degraded devices take the update now; offline, never seen (unknown) and the rest wait
    await db.device.updateMany({ where: { deviceId: { in: meters.slice(0, 3) } }, data: { connectionStatus: "online" } });
    await db.device.updateMany({ where: { deviceId: meters[3]! }, data: { connectionStatus: "degraded" } });
    await db.device.updateMany({ where: { deviceId: { in: meters.slice(4, 6) } }, data: { connectionStatus: "offline" } });
    expect(await previewUpdateTarget(db, admin, { filter: { q: `MW${idBase}` } })).toMatchObject({ count: 12, offline: 8 });
    expect((await previewUpdateTarget(db, managerA, { deviceIds: meters.slice(0, 4) })).offline).toBe(0);
  });

  it("gives each log its device's connection, so a page can tell waiting to be sent from waiting for the device", async () => {
    await db.device.updateMany({ where: { deviceId: meters[5]! }, data: { connectionStatus: "offline" } });
    await db.device.updateMany({ where: { deviceId: meters[6]! }, data: { connectionStatus: "online" } });
    const { items } = await listUpdateJobLogs(db, managerA, farmJob, { limit: 50 });
    const byDevice = new Map(items.map((log) => [log.deviceId, log]));
    expect(byDevice.get(meters[5]!)).toMatchObject({ state: "pending", connectionStatus: "offline" });
    expect(byDevice.get(meters[6]!)).toMatchObject({ state: "pending", connectionStatus: "online" });
    expect(byDevice.get(meters[7]!)).toMatchObject({ connectionStatus: "unknown" });
  });

  it("reads a job of 10,000 devices in well under half a second", async () => {
    // 10,000 devices in the seeds' id format (two letters, six digits): 100 prefixes × 100
    await db.$executeRaw`
      INSERT INTO devices (device_id, name, device_type, farm_id, model, firmware_version, state, updated_at)
      SELECT chr(65 + g / 26) || chr(65 + g % 26) || ${idBase} || lpad(h::text, 2, '0'), 'Bulk meter ' || g || '-' || h, 'milk_meter', ${farm.a}, 'MM-400', ${`7.${suffix}.0`}, 'active', now()
        FROM generate_series(0, 99) g, generate_series(0, 99) h
      ON CONFLICT (device_id) DO NOTHING`;
    const ids = await db.device.findMany({ where: { farmId: farm.a, name: { startsWith: "Bulk meter" } }, select: { deviceId: true } });
    expect(ids.length).toBeGreaterThanOrEqual(9_000);
    const big = await scheduleUpdate(db, admin, { firmwareId: firmware.next, target: { filter: { farm: farm.a, q: "Bulk meter" } }, rollout: { strategy: "phased", percentages: [5, 25, 100] } });
    await db.$executeRaw`UPDATE update_logs SET state = CASE WHEN id % 3 = 0 THEN 'completed'::"UpdateLogState" WHEN id % 7 = 0 THEN 'failed'::"UpdateLogState" ELSE 'installing'::"UpdateLogState" END, sent_at = now() WHERE job_id = ${big.jobId}`;
    await db.$executeRaw`ANALYZE update_logs`;

    const started = performance.now();
    const [job, logs, list] = await Promise.all([getUpdateJob(db, managerA, big.jobId), listUpdateJobLogs(db, managerA, big.jobId, { limit: 50 }), listUpdateJobs(db, managerA, {})]);
    const elapsed = performance.now() - started;
    expect(job.deviceCount).toBe(big.deviceCount);
    expect(job.phases).toHaveLength(3);
    expect(logs.items).toHaveLength(50);
    expect(list.items[0]!.id).toBe(big.jobId);
    const late = await listUpdateJobLogs(db, managerA, big.jobId, { state: "failed", cursor: logs.items[49]!.id, limit: 50 });
    expect(late.items.every((log) => log.state === "failed")).toBe(true);
    expect(elapsed).toBeLessThan(500);
  });
});
