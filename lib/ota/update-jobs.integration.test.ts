/**
 * Scheduling update jobs against a real PostgreSQL: phases cut by the strategy, one pending log per
 * device, compatibility refusals (with and without force), busy devices, roles and farm scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { createTestPerson, refusal } from "../testing/people";
import { ConflictError, ForbiddenError, InvalidError } from "../errors";
import { createSqlPool } from "../telemetry/sql";
import { scheduleUpdate } from "./schedule-update";
import { applyStatusReports, type StatusReport } from "./update-status";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const farm = { a: 0, b: 0 };
const firmware = { stable: 0, draft: 0 };
let admin: Actor;
let managerA: Actor;
let technicianA: Actor;
/** Device ids are two letters and up to six digits: four of this run's, two of the device's. */
const idBase = String(1000 + Math.floor(Math.random() * 9000));
const meters = Array.from({ length: 30 }, (_, i) => `MU${idBase}${String(i).padStart(2, "0")}`);
const collar = `CU${idBase}`;
const oldMeter = `MV${idBase}`;

const person = (role: Actor["role"], farmId: number | null) => createTestPerson(db, role, farmId, `${role}-${suffix}@ota.test`, `OTA ${role}`);

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `UA${suffix}`, name: "OTA farm A" } })).id;
  farm.b = (await db.farm.create({ data: { code: `UB${suffix}`, name: "OTA farm B" } })).id;
  await db.device.createMany({
    data: meters.map((deviceId, i) => ({ deviceId, name: `Meter ${i}`, deviceType: "milk_meter" as const, farmId: i < 25 ? farm.a : farm.b, model: "MM-400", firmwareVersion: "2.0.3", state: "active" as const })),
  });
  await db.device.create({ data: { deviceId: collar, name: "Collar", deviceType: "collar", farmId: farm.a, model: "HP-C2", firmwareVersion: "1.0.0", state: "active" } });
  await db.device.create({ data: { deviceId: oldMeter, name: "Old meter", deviceType: "milk_meter", farmId: farm.a, model: "MM-400", firmwareVersion: "1.2.0", state: "active" } });
  const base = { deviceType: "milk_meter" as const, compatibleModels: ["MM-400"], minPreviousVersion: "2.0.0", storageKey: "firmware/test.bin", sha256: "a".repeat(64), sizeBytes: 1024 };
  firmware.stable = (await db.firmwareVersion.create({ data: { ...base, name: "Stable", version: `8.${suffix}.0`, state: "stable" } })).id;
  firmware.draft = (await db.firmwareVersion.create({ data: { ...base, name: "Draft", version: `8.${suffix}.1`, state: "draft" } })).id;
  admin = await person("admin", null);
  managerA = await person("manager", farm.a);
  technicianA = await person("technician", farm.a);
});

afterAll(async () => {
  await db.updateJob.deleteMany({ where: { firmwareId: { in: [firmware.stable, firmware.draft] } } });
  await db.device.deleteMany({ where: { farmId: { in: [farm.a, farm.b] } } });
  await db.firmwareVersion.deleteMany({ where: { id: { in: [firmware.stable, firmware.draft] } } });
  await db.auditEvent.deleteMany({ where: { actorLabel: { endsWith: `-${suffix}@ota.test` } } });
  await db.user.deleteMany({ where: { email: { endsWith: `-${suffix}@ota.test` } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b] } } });
  await disconnectDb();
});

describe("scheduleUpdate", () => {
  it("refuses roles without ota.schedule, draft firmware, and incompatible devices with their reasons", async () => {
    expect(await refusal(scheduleUpdate(db, technicianA, { firmwareId: firmware.stable, target: { deviceIds: [meters[0]] } }))).toBeInstanceOf(ForbiddenError);
    const draft = await refusal(scheduleUpdate(db, admin, { firmwareId: firmware.draft, target: { deviceIds: [meters[0]] } }));
    expect(draft).toBeInstanceOf(ConflictError);
    const mixed = (await refusal(scheduleUpdate(db, admin, { firmwareId: firmware.stable, target: { deviceIds: [meters[0], collar, oldMeter] } }))) as InvalidError;
    expect(mixed).toBeInstanceOf(InvalidError);
    expect(mixed.fieldErrors.target).toEqual([`${collar} is a collar, the firmware is for milk meter`, `${oldMeter} runs 1.2.0, older than the required 2.0.0`]);
    // force includes the too-old meter but never the collar
    const forced = (await refusal(scheduleUpdate(db, admin, { firmwareId: firmware.stable, force: true, target: { deviceIds: [meters[0], collar, oldMeter] } }))) as InvalidError;
    expect(forced.fieldErrors.target).toEqual([`${collar} is a collar, the firmware is for milk meter`]);
    expect(await db.updateJob.count({ where: { firmwareId: firmware.stable } })).toBe(0);
  });

  it("cuts a canary job into phases with one pending log per device and marks the devices scheduled", async () => {
    const job = await scheduleUpdate(db, managerA, {
      firmwareId: firmware.stable,
      target: { filter: { type: ["milk_meter"], q: `MU${idBase}` } },
      rollout: { strategy: "canary", canaryPercentage: 10, soakMinutes: 15 },
    });
    // a farm-bound manager reaches only the 25 meters of farm A
    expect(job.deviceCount).toBe(25);
    expect(job.phases).toEqual([
      { position: 1, deviceCount: 3 },
      { position: 2, deviceCount: 22 },
    ]);
    const phases = await db.updatePhase.findMany({ where: { jobId: job.jobId }, orderBy: { position: "asc" }, include: { _count: { select: { logs: true } } } });
    expect(phases.map((phase) => [phase.targetPercentage, phase.soakMinutes, phase.errorThreshold, phase.minDevices, phase._count.logs])).toEqual([
      [10, 15, 20, 10, 3],
      [100, 0, 20, 10, 22],
    ]);
    const logs = await db.updateLog.findMany({ where: { jobId: job.jobId } });
    expect(logs).toHaveLength(25);
    expect(new Set(logs.map((log) => log.state))).toEqual(new Set(["pending"]));
    expect(new Set(logs.map((log) => `${log.previousVersion}→${log.targetVersion}`))).toEqual(new Set([`2.0.3→8.${suffix}.0`]));
    const scheduled = await db.device.count({ where: { deviceId: { in: meters }, firmwareUpdateStatus: "scheduled", targetFirmwareId: firmware.stable } });
    expect(scheduled).toBe(25);
  });

  it("refuses devices that are already in a running update", async () => {
    const busy = (await refusal(scheduleUpdate(db, admin, { firmwareId: firmware.stable, target: { deviceIds: [meters[0]!, meters[27]!] } }))) as ConflictError;
    expect(busy).toBeInstanceOf(ConflictError);
    expect(busy.fieldErrors.target).toHaveLength(1);
    const free = await scheduleUpdate(db, admin, { firmwareId: firmware.stable, target: { deviceIds: [meters[27]!] } });
    expect(free.phases).toEqual([{ position: 1, deviceCount: 1 }]);
  });

  it("leaves out devices already on the version unless forced", async () => {
    await db.device.update({ where: { deviceId: meters[28]! }, data: { firmwareVersion: `8.${suffix}.0` } });
    const all = (await refusal(scheduleUpdate(db, admin, { firmwareId: firmware.stable, target: { deviceIds: [meters[28]!] } }))) as InvalidError;
    expect(all.message).toMatch(/already runs/);
    const job = await scheduleUpdate(db, admin, { firmwareId: firmware.stable, target: { deviceIds: [meters[28]!, meters[29]!] } });
    expect(job.deviceCount).toBe(1);
    expect(job.skipped).toEqual([{ deviceId: meters[28], reason: `already runs 8.${suffix}.0` }]);
  });

  it("gives a device to only one of two schedules made at the same moment", async () => {
    const deviceId = `MW${idBase}`;
    const device = await db.device.create({ data: { deviceId, name: "Contested meter", deviceType: "milk_meter", farmId: farm.b, model: "MM-400", firmwareVersion: "2.0.3", state: "active" } });
    // Another schedule in the middle of its transaction: it has the device's row and a pending log
    // nobody else can see yet, and commits only after ours has started.
    let ours: Promise<unknown> | undefined;
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM devices WHERE id = ${device.id} FOR NO KEY UPDATE`;
      const job = await tx.updateJob.create({ data: { name: "The other schedule", firmwareId: firmware.stable, state: "scheduled", scheduledAt: new Date(), deviceCount: 1 } });
      const phase = await tx.updatePhase.create({ data: { jobId: job.id, position: 1, targetPercentage: 100 } });
      await tx.updateLog.create({ data: { jobId: job.id, phaseId: phase.id, deviceId: device.id, previousVersion: "2.0.3", targetVersion: `8.${suffix}.0` } });
      ours = refusal(scheduleUpdate(db, admin, { firmwareId: firmware.stable, target: { deviceIds: [deviceId] } }));
      // Long enough for ours to reach its check of running updates.
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    expect(await ours).toBeInstanceOf(ConflictError);
    expect(await db.updateLog.count({ where: { deviceId: device.id } })).toBe(1);
  });

  it("refuses a bad rollout with field messages", async () => {
    const bad = (await refusal(scheduleUpdate(db, admin, { firmwareId: firmware.stable, target: { deviceIds: [meters[29]!] }, rollout: { strategy: "phased", percentages: [50, 10] } }))) as InvalidError;
    expect(bad).toBeInstanceOf(InvalidError);
    expect(Object.keys(bad.fieldErrors)).toEqual(["rollout.percentages"]);
  });
});

describe("applyStatusReports", () => {
  it("moves logs forward once, ignores duplicates, late and unknown reports, and recounts the job", async () => {
    const pool = createSqlPool(process.env.DATABASE_URL!, 2);
    try {
      const ids = [meters[25]!, meters[26]!] as const;
      const job = await scheduleUpdate(db, admin, { firmwareId: firmware.stable, target: { deviceIds: ids }, force: true });
      const at = (seconds: number) => new Date(Date.UTC(2026, 10, 23, 3, 0, seconds));
      const report = (deviceId: string, status: StatusReport["status"], seconds: number, extra: Partial<StatusReport> = {}): StatusReport => ({
        deviceId,
        jobId: job.jobId,
        status,
        receivedAt: at(seconds),
        ...extra,
      });
      const first = await applyStatusReports(pool, [
        report(ids[0], "downloading", 1, { progress: 10 }),
        report(ids[0], "downloading", 2, { progress: 60 }),
        report(ids[0], "installing", 3),
        report(ids[0], "installing", 4),
        report(ids[1], "downloading", 1),
        report(ids[1], "failed", 5, { error: "checksum mismatch" }),
        report(ids[0], "completed", 9, { jobId: 999_999 }),
        report(`ZZ${idBase}`, "completed", 9),
      ]);
      expect(first).toMatchObject({ applied: 2, unknown: 2 });
      // redelivered and late reports: nothing changes
      const again = await applyStatusReports(pool, [report(ids[1], "failed", 6), report(ids[1], "completed", 7), report(ids[0], "downloading", 8)]);
      expect(again.applied).toBe(0);
      await applyStatusReports(pool, [report(ids[0], "verifying", 10), report(ids[0], "completed", 12, { version: `8.${suffix}.0` })]);

      const logs = await db.updateLog.findMany({ where: { jobId: job.jobId }, include: { device: { select: { deviceId: true } } } });
      const byDevice = new Map(logs.map((log) => [log.device.deviceId, log]));
      expect(byDevice.get(ids[0])).toMatchObject({ state: "completed", progress: 100 });
      expect((byDevice.get(ids[0])!.logDetails as { state: string }[]).map((step) => step.state)).toEqual(["pending", "downloading", "installing", "verifying", "completed"]);
      expect(byDevice.get(ids[1])).toMatchObject({ state: "failed", errorMessage: "checksum mismatch" });
      expect(await db.updateJob.findUniqueOrThrow({ where: { id: job.jobId }, select: { successCount: true, failedCount: true } })).toEqual({ successCount: 1, failedCount: 1 });
      const devices = await db.device.findMany({ where: { deviceId: { in: [...ids] } }, orderBy: { deviceId: "asc" }, select: { firmwareVersion: true, firmwareId: true, firmwareUpdateStatus: true, targetFirmwareId: true, firmwareUpdateError: true } });
      expect(devices).toEqual([
        { firmwareVersion: `8.${suffix}.0`, firmwareId: firmware.stable, firmwareUpdateStatus: "completed", targetFirmwareId: null, firmwareUpdateError: null },
        { firmwareVersion: "2.0.3", firmwareId: null, firmwareUpdateStatus: "failed", targetFirmwareId: null, firmwareUpdateError: "checksum mismatch" },
      ]);
      expect((await db.firmwareVersion.findUniqueOrThrow({ where: { id: firmware.stable } })).successfulUpdates).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("counts a 'completed' from a device that runs another version than the update's as failed", async () => {
    const pool = createSqlPool(process.env.DATABASE_URL!, 2);
    try {
      const deviceId = `MX${idBase}`;
      await db.device.create({ data: { deviceId, name: "Stubborn meter", deviceType: "milk_meter", farmId: farm.b, model: "MM-400", firmwareVersion: "2.0.3", state: "active" } });
      const job = await scheduleUpdate(db, admin, { firmwareId: firmware.stable, target: { deviceIds: [deviceId] } });
      const outcome = await applyStatusReports(pool, [
        { deviceId, jobId: job.jobId, status: "installing", receivedAt: new Date() },
        { deviceId, jobId: job.jobId, status: "completed", progress: 100, version: "2.0.3", receivedAt: new Date() },
      ]);
      expect(outcome.applied).toBe(1);
      const log = await db.updateLog.findFirstOrThrow({ where: { jobId: job.jobId } });
      expect(log).toMatchObject({ state: "failed", errorMessage: `reported success but runs 2.0.3, not 8.${suffix}.0` });
      expect(await db.updateJob.findUniqueOrThrow({ where: { id: job.jobId }, select: { successCount: true, failedCount: true } })).toEqual({ successCount: 0, failedCount: 1 });
      expect(await db.device.findUniqueOrThrow({ where: { deviceId }, select: { firmwareVersion: true, firmwareUpdateStatus: true } })).toEqual({ firmwareVersion: "2.0.3", firmwareUpdateStatus: "failed" });
    } finally {
      await pool.end();
    }
  });
});
