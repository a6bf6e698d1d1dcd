/**
 * The update engine end to end: real PostgreSQL, real broker (MQTT_URL, or an embedded one), the
 * real worker. Devices here are scripted MQTT clients with their own credentials: they receive
 * `ota/update`, check its signature, and answer on `ota/status` as the test tells them — succeed,
 * fail, say nothing, or answer twice and out of order.
 */
import { generateKeyPairSync } from "node:crypto";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { keyIdOf, publicKeyPem, verifyManifest } from "../firmware/signing";
import { otaUpdatePayload, type OtaStatusPayload, type OtaUpdatePayload } from "../mqtt/payloads";
import { topics } from "../mqtt/topics";
import { newSecret } from "../provisioning/credentials";
import { startIotWorker, type IotWorker, type IotWorkerOptions } from "../../workers/iot-worker";
import { connectOnce, createTestFleet, openTestBroker, waitFor, type TestBroker } from "../../workers/test-fleet";
import { applyJobAction } from "./job-actions";
import { scheduleUpdate } from "./schedule-update";

const db = getDb();
const service = { username: process.env.MQTT_SERVICE_USERNAME || "sdm-service", password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18) };
const pair = generateKeyPairSync("ed25519");
const signingKey = { privateKey: pair.privateKey, publicKey: pair.publicKey, keyId: keyIdOf(pair.publicKey) };
const suffix = String(Math.floor(Math.random() * 100_000));
const versions = { base: `7.${suffix}.0`, good: `7.${suffix}.1`, bad: `7.${suffix}.2` };
const firmwareIds: Record<keyof typeof versions, number> = { base: 0, good: 0, bad: 0 };

let broker: TestBroker | undefined;
let mqttUrl: string;
let worker: IotWorker;
let fleet: Awaited<ReturnType<typeof createTestFleet>>;
let admin: Actor;
const workerClientId = `sdm-ota-test-${Date.now().toString(36)}`;
const clients: MqttClient[] = [];
const workerLog: string[] = [];

/** What each scripted device does with the next offer. */
type Behaviour = "succeed" | "fail" | "silent" | "ignore-rollback";
const behaviour = new Map<string, Behaviour>();
const offers: Array<{ deviceId: string; offer: OtaUpdatePayload; at: number }> = [];

const workerOptions = (): IotWorkerOptions => ({
  mqttUrl,
  databaseUrl: resolveDatabaseUrl(),
  serviceUsername: service.username,
  servicePassword: service.password,
  clientId: workerClientId,
  flushIntervalMs: 50,
  deviceRowRefreshMs: 0,
  shutdownTimeoutMs: 1_000,
  runJobs: false,
  // Ticks are driven by the tests (with the time they choose).
  ota: { tickMs: 0, publicUrl: "http://farm.test:3000", signingKey },
  log: (line) => {
    workerLog.push(line);
    if (process.env.WORKER_LOG) console.log(line);
  },
});

async function scriptedDevice(deviceId: string, credentials: { username: string; password: string; clientId: string }) {
  const outcome = await connectOnce(mqttUrl, { ...credentials, clean: true });
  if (!outcome.ok) throw outcome.error;
  const client = outcome.client;
  clients.push(client);
  await client.subscribeAsync(topics.otaUpdate(deviceId), { qos: 1 });
  // As a real device does on connecting: the engine sends offers only to devices that are online.
  await client.publishAsync(topics.status(deviceId), JSON.stringify({ status: "online" }), { qos: 1 });
  const say = (payload: OtaStatusPayload) => client.publishAsync(topics.otaStatus(deviceId), JSON.stringify(payload), { qos: 1 });
  client.on("message", (_topic, bytes) => {
    const offer = otaUpdatePayload.parse(JSON.parse(bytes.toString("utf8")));
    offers.push({ deviceId, offer, at: Date.now() });
    void (async () => {
      if (offer.rollback) {
        if (behaviour.get(deviceId) === "ignore-rollback") return;
        await say({ job_id: offer.job_id, status: "downloading", progress: 0 });
        await say({ job_id: offer.job_id, status: "rolled_back", version: offer.version });
        return;
      }
      const mine = behaviour.get(deviceId) ?? "succeed";
      if (mine === "silent") return;
      await say({ job_id: offer.job_id, status: "downloading", progress: 10 });
      await say({ job_id: offer.job_id, status: "downloading", progress: 60 });
      await say({ job_id: offer.job_id, status: "installing" });
      if (mine === "fail") {
        await say({ job_id: offer.job_id, status: "failed", error: "flash write failed" });
        return;
      }
      await say({ job_id: offer.job_id, status: "verifying" });
      await say({ job_id: offer.job_id, status: "completed", version: offer.version });
      // QoS 1 redelivery and a stale retry: neither may change the counts.
      await say({ job_id: offer.job_id, status: "completed", version: offer.version });
      await say({ job_id: offer.job_id, status: "installing" });
    })();
  });
}

const logsOf = (jobId: number) => db.updateLog.findMany({ where: { jobId }, include: { device: { select: { deviceId: true } } }, orderBy: { id: "asc" } });
const jobOf = (jobId: number) => db.updateJob.findUniqueOrThrow({ where: { id: jobId }, include: { phases: { orderBy: { position: "asc" } } } });

/** Ticks (at `now`) until `probe` holds: statuses arrive between ticks, as in production. */
async function tickUntil<T>(jobId: number, probe: () => Promise<T | null | false | undefined>, now?: () => Date, timeoutMs = 15_000) {
  return waitFor(
    async () => {
      await worker.otaTick(now?.());
      return probe();
    },
    timeoutMs,
    100,
  ).catch((error: unknown) => {
    throw new Error(`job ${jobId}: ${error instanceof Error ? error.message : String(error)}\n${workerLog.slice(-10).join("\n")}`);
  });
}

beforeAll(async () => {
  fleet = await createTestFleet(db, 12);
  await db.device.updateMany({ where: { farmId: fleet.farmId }, data: { firmwareVersion: versions.base } });
  const base = { deviceType: "milk_meter" as const, storageKey: "firmware/engine-test.bin", sha256: "b".repeat(64), sizeBytes: 2048, state: "stable" as const };
  for (const key of Object.keys(versions) as (keyof typeof versions)[]) {
    firmwareIds[key] = (await db.firmwareVersion.create({ data: { ...base, name: `Engine test ${key}`, version: versions[key] } })).id;
  }
  const user = await db.user.create({ data: { email: `ota-engine-${suffix}@ota.test`, name: "Engine admin", role: "admin", passwordHash: "not-used" } });
  admin = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
  broker = await openTestBroker(db, service);
  mqttUrl = broker.url;
  worker = await startIotWorker(workerOptions());
  for (const device of fleet.devices) await scriptedDevice(device.deviceId, device.credentials);
  await waitFor(async () => (await db.device.count({ where: { farmId: fleet.farmId, connectionStatus: "online" } })) === fleet.devices.length);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await worker?.stop();
  await broker?.wipeSession(workerClientId);
  await broker?.close();
  await db.updateJob.deleteMany({ where: { firmwareId: { in: Object.values(firmwareIds) } } });
  await fleet?.remove();
  await db.firmwareVersion.deleteMany({ where: { id: { in: Object.values(firmwareIds) } } });
  await db.auditEvent.deleteMany({ where: { entityType: "update_job", actorLabel: { in: ["worker", admin?.label ?? "-"] } } });
  await db.user.deleteMany({ where: { email: `ota-engine-${suffix}@ota.test` } });
  await disconnectDb();
});

const ids = () => fleet.devices.map((device) => device.deviceId);

describe("ota engine", () => {
  it("runs a canary job to completion: signed offers to the canary first, then the rest; duplicates and stale reports change nothing", async () => {
    const scheduled = await scheduleUpdate(db, admin, {
      firmwareId: firmwareIds.good,
      target: { deviceIds: ids() },
      rollout: { strategy: "canary", canaryPercentage: 25, soakMinutes: 0, minDevices: 10 },
    });
    expect(scheduled.phases.map((phase) => phase.deviceCount)).toEqual([3, 9]);
    const offersBefore = offers.length;

    // The canary is offered first, and only the canary.
    await worker.otaTick();
    const job1 = await jobOf(scheduled.jobId);
    expect(job1.state).toBe("in_progress");
    expect(job1.phases.map((phase) => phase.state)).toEqual(["in_progress", "pending"]);
    const canary = await db.updateLog.findMany({ where: { phaseId: job1.phases[0]!.id } });
    expect(canary.every((log) => log.sentAt !== null)).toBe(true);
    expect(await db.updateLog.count({ where: { phaseId: job1.phases[1]!.id, sentAt: { not: null } } })).toBe(0);

    const first = await waitFor(async () => (offers.length >= offersBefore + 3 ? offers.slice(offersBefore) : null));
    const offer = first[0]!.offer;
    expect(offer).toMatchObject({ job_id: scheduled.jobId, version: versions.good, sha256: "b".repeat(64), size: 2048, rollback: false, signing_key_id: signingKey.keyId });
    expect(offer.download_url).toBe(`http://farm.test:3000/api/v1/iot/firmware/versions/${firmwareIds.good}/download`);
    // The device can trust it: the signature covers the manifest, which names this binary.
    expect(verifyManifest(publicKeyPem(signingKey), offer.manifest!, offer.signature)).toBe(true);
    expect(JSON.parse(offer.manifest!)).toMatchObject({ version: versions.good, sha256_hash: "b".repeat(64), file_size: 2048 });

    const done = await tickUntil(scheduled.jobId, async () => {
      const job = await jobOf(scheduled.jobId);
      return job.state === "completed" ? job : null;
    });
    expect(done.phases.map((phase) => phase.state)).toEqual(["succeeded", "succeeded"]);
    expect(done).toMatchObject({ successCount: 12, failedCount: 0, deviceCount: 12 });
    expect(done.stateReason).toBe(`12 of 12 devices updated to ${versions.good}, 0 failed`);
    const logs = await logsOf(scheduled.jobId);
    expect(new Set(logs.map((log) => log.state))).toEqual(new Set(["completed"]));
    // The trail of each device: every state once, in order, however often it was reported.
    expect((logs[0]!.logDetails as { state: string }[]).map((step) => step.state)).toEqual(["pending", "downloading", "installing", "verifying", "completed"]);
    expect(logs.every((log) => log.progress === 100 && log.durationSeconds !== null && log.finishedAt !== null)).toBe(true);
    const devices = await db.device.findMany({ where: { farmId: fleet.farmId } });
    expect(devices.every((device) => device.firmwareVersion === versions.good && device.firmwareUpdateStatus === "completed" && device.targetFirmwareId === null)).toBe(true);
    // No device was offered the update twice.
    const offered = offers.slice(offersBefore).filter((entry) => entry.offer.job_id === scheduled.jobId).map((entry) => entry.deviceId);
    expect(offered.length).toBe(new Set(offered).size);
    expect(await db.firmwareVersion.findUniqueOrThrow({ where: { id: firmwareIds.good } })).toMatchObject({ successfulUpdates: 12, failedUpdates: 0 });
  });

  it("rolls a job back by itself when half the devices fail: completed devices are sent their previous version", async () => {
    fleet.devices.forEach((device, index) => behaviour.set(device.deviceId, index % 2 === 0 ? "fail" : "succeed"));
    const scheduled = await scheduleUpdate(db, admin, { firmwareId: firmwareIds.bad, target: { deviceIds: ids() }, rollout: { strategy: "all_at_once", errorThreshold: 20, minDevices: 10 } });

    const stopped = await tickUntil(scheduled.jobId, async () => {
      const job = await jobOf(scheduled.jobId);
      if (job.state !== "failed") return null;
      const logs = await logsOf(scheduled.jobId);
      // Every device is back on the good version: failed ones never left it, the rest were rolled back.
      return logs.every((log) => log.state === "failed" || log.state === "rolled_back") ? { job, logs } : null;
    });
    expect(stopped.job.stateReason).toMatch(/^Automatic rollback in phase 1: \d+ of 12 devices failed \(\d+ % > 20 %\)$/);
    expect(stopped.job.rollbackStartedAt).not.toBeNull();
    expect(stopped.job.phases[0]!.state).toBe("failed");
    expect(stopped.logs.filter((log) => log.state === "failed").length).toBe(6);
    const rolledBack = stopped.logs.filter((log) => log.state === "rolled_back");
    expect(rolledBack.length).toBe(6);
    expect(rolledBack.every((log) => log.rollbackSentAt !== null)).toBe(true);
    const rollbackOffers = offers.filter((entry) => entry.offer.job_id === scheduled.jobId && entry.offer.rollback);
    expect(rollbackOffers.length).toBe(6);
    expect(rollbackOffers.every((entry) => entry.offer.version === versions.good && entry.offer.download_url.endsWith(`/versions/${firmwareIds.good}/download`))).toBe(true);
    expect(verifyManifest(publicKeyPem(signingKey), rollbackOffers[0]!.offer.manifest!, rollbackOffers[0]!.offer.signature)).toBe(true);
    const devices = await db.device.findMany({ where: { farmId: fleet.farmId } });
    expect(devices.every((device) => device.firmwareVersion === versions.good)).toBe(true);
    // The rolled-back ones point at the version they run again, not at the one they left.
    expect(devices.filter((device) => device.firmwareUpdateStatus === "rolled_back").every((device) => device.firmwareId === firmwareIds.good)).toBe(true);
    expect(await jobOf(scheduled.jobId)).toMatchObject({ successCount: 0, failedCount: 12 });
    behaviour.clear();
  });

  it("fails devices that stop answering after the job's timeout, and waits for a closed maintenance window", async () => {
    const [silent, ...rest] = fleet.devices.slice(0, 3);
    behaviour.set(silent!.deviceId, "silent");
    const closedWindow = { start: "02:00", end: "03:00", days: ["mon"], timeZone: "UTC" };
    // A Tuesday noon: the window is shut, so nothing is sent.
    const tuesdayNoon = new Date("2026-12-01T12:00:00Z");
    const scheduled = await scheduleUpdate(
      db,
      admin,
      { firmwareId: firmwareIds.base, target: { deviceIds: [silent!.deviceId, ...rest.map((device) => device.deviceId)] }, maintenanceWindow: closedWindow, rollout: { strategy: "all_at_once", deviceTimeoutMinutes: 5, minDevices: 10 } },
      new Date("2026-11-30T00:00:00Z"),
    );
    await worker.otaTick(tuesdayNoon);
    const waiting = await jobOf(scheduled.jobId);
    expect(waiting.state).toBe("in_progress");
    expect(waiting.stateReason).toBe("Waiting for the maintenance window (02:00–03:00 UTC; next opening 2026-12-07 02:00 UTC)");
    expect(await db.updateLog.count({ where: { jobId: scheduled.jobId, sentAt: { not: null } } })).toBe(0);

    const mondayNight = new Date("2026-12-07T02:10:00Z");
    await worker.otaTick(mondayNight);
    expect(await db.updateLog.count({ where: { jobId: scheduled.jobId, sentAt: mondayNight } })).toBe(3);
    await tickUntil(scheduled.jobId, async () => (await db.updateLog.count({ where: { jobId: scheduled.jobId, state: "completed" } })) === 2, () => mondayNight);
    // Four minutes of silence is not yet a timeout; six is.
    await worker.otaTick(new Date(mondayNight.getTime() + 4 * 60_000));
    expect((await jobOf(scheduled.jobId)).state).toBe("in_progress");
    await worker.otaTick(new Date(mondayNight.getTime() + 6 * 60_000));
    const log = await db.updateLog.findFirstOrThrow({ where: { jobId: scheduled.jobId, device: { deviceId: silent!.deviceId } } });
    expect(log).toMatchObject({ state: "failed", errorMessage: "No answer from the device for 5 minutes", durationSeconds: 360 });
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: silent!.deviceId } })).toMatchObject({ firmwareUpdateStatus: "failed", targetFirmwareId: null });
    // 2 of 3 succeeded is below the 80 % success threshold: the job halts for a person to decide.
    await worker.otaTick(new Date(mondayNight.getTime() + 6 * 60_000));
    const halted = await jobOf(scheduled.jobId);
    expect(halted.state).toBe("paused");
    expect(halted.stateReason).toBe("Halted after phase 1: 2 of 3 devices succeeded (67 % < 80 %). Resume to accept and go on, or roll back.");
    // Resuming accepts the rate, and the job completes.
    await applyJobAction(db, admin, scheduled.jobId, "resume", "2 of 3 is fine for the night");
    await worker.otaTick(new Date(mondayNight.getTime() + 7 * 60_000));
    expect(await jobOf(scheduled.jobId)).toMatchObject({ state: "completed", successCount: 2, failedCount: 1 });
    behaviour.clear();
  });

  it("offers the update to an offline device when it comes back, and fails one that never does after the timeout", async () => {
    const [back, away, here] = fleet.devices.slice(3, 6);
    await db.device.updateMany({ where: { id: { in: [back!.id, away!.id] } }, data: { connectionStatus: "offline" } });
    const scheduled = await scheduleUpdate(db, admin, {
      firmwareId: firmwareIds.bad,
      target: { deviceIds: [back!.deviceId, away!.deviceId, here!.deviceId] },
      rollout: { strategy: "all_at_once", deviceTimeoutMinutes: 5, minDevices: 10 },
    });
    const startedAt = new Date(Date.now() + 1_000);
    await worker.otaTick(startedAt);
    const sent = async () => (await db.updateLog.findMany({ where: { jobId: scheduled.jobId, sentAt: { not: null } }, include: { device: true } })).map((log) => log.device.deviceId);
    expect(await sent()).toEqual([here!.deviceId]);
    // The device says it is back (as on every connect): the next tick sends its offer.
    await clients[3]!.publishAsync(topics.status(back!.deviceId), JSON.stringify({ status: "online" }), { qos: 1 });
    await waitFor(async () => (await db.device.findUniqueOrThrow({ where: { id: back!.id } })).connectionStatus === "online");
    await worker.otaTick(new Date(startedAt.getTime() + 60_000));
    expect((await sent()).sort()).toEqual([back!.deviceId, here!.deviceId].sort());
    await tickUntil(scheduled.jobId, async () => (await db.updateLog.count({ where: { jobId: scheduled.jobId, state: "completed" } })) === 2, () => new Date(startedAt.getTime() + 60_000));
    // Still away after the job's timeout: failed with the reason, and the phase is judged.
    await worker.otaTick(new Date(startedAt.getTime() + 6 * 60_000));
    const log = await db.updateLog.findFirstOrThrow({ where: { jobId: scheduled.jobId, deviceId: away!.id } });
    expect(log).toMatchObject({ state: "failed", sentAt: null, errorMessage: "Offline: the device did not come online within 5 minutes to take the update" });
    // It was never sent the update, so it says nothing about the firmware: the two that took it
    // succeeded, and the job completes (a failure would have halted it below the 80 % success rate).
    await worker.otaTick(new Date(startedAt.getTime() + 6 * 60_000));
    expect(await jobOf(scheduled.jobId)).toMatchObject({
      state: "completed",
      successCount: 2,
      failedCount: 1,
      stateReason: `2 of 3 devices updated to ${versions.bad}, 0 failed, 1 never came online`,
    });
    await db.device.update({ where: { id: away!.id }, data: { connectionStatus: "online" } });
  });

  it("gives up on a rollback the device never confirms, after the job's timeout", async () => {
    const device = fleet.devices[7]!;
    behaviour.set(device.deviceId, "ignore-rollback");
    const scheduled = await scheduleUpdate(db, admin, { firmwareId: firmwareIds.bad, target: { deviceIds: [device.deviceId] }, rollout: { strategy: "all_at_once", deviceTimeoutMinutes: 5 } });
    await tickUntil(scheduled.jobId, async () => (await jobOf(scheduled.jobId)).state === "completed");
    await applyJobAction(db, admin, scheduled.jobId, "rollback", "wrong build");
    const sentBack = new Date();
    await worker.otaTick(sentBack);
    const log = await db.updateLog.findFirstOrThrow({ where: { jobId: scheduled.jobId } });
    expect(log).toMatchObject({ state: "completed", errorMessage: null });
    expect(log.rollbackSentAt).not.toBeNull();
    await worker.otaTick(new Date(sentBack.getTime() + 4 * 60_000));
    expect((await db.updateLog.findFirstOrThrow({ where: { jobId: scheduled.jobId } })).errorMessage).toBeNull();
    await worker.otaTick(new Date(sentBack.getTime() + 6 * 60_000));
    expect(await db.updateLog.findFirstOrThrow({ where: { jobId: scheduled.jobId } })).toMatchObject({
      state: "completed",
      errorMessage: "Rollback not confirmed: no answer within 5 minutes of being sent back",
    });
    expect(await db.device.findUniqueOrThrow({ where: { id: device.id } })).toMatchObject({ firmwareUpdateStatus: "failed", firmwareVersion: versions.bad, targetFirmwareId: null });
    behaviour.clear();
    // Back on a version the next tests can update from.
    await db.device.update({ where: { id: device.id }, data: { firmwareVersion: versions.good } });
  });

  it("drops a status report the database refuses, and applies the reports after it", async () => {
    const device = fleet.devices[8]!;
    behaviour.set(device.deviceId, "silent");
    const scheduled = await scheduleUpdate(db, admin, { firmwareId: firmwareIds.bad, target: { deviceIds: [device.deviceId] } });
    await worker.otaTick();
    await waitFor(async () => offers.some((entry) => entry.offer.job_id === scheduled.jobId));
    // PostgreSQL text cannot hold a NUL character: refused by the contract before it reaches a batch.
    const before = worker.stats();
    await clients[8]!.publishAsync(topics.otaStatus(device.deviceId), JSON.stringify({ job_id: scheduled.jobId, status: "downloading", error: "bad\u0000byte" }), { qos: 1 });
    // Valid to the contract, refused by a rule only the database knows (a constraint added here).
    await db.$executeRawUnsafe(`ALTER TABLE update_logs ADD CONSTRAINT test_refuses_error CHECK (error_message IS DISTINCT FROM 'refuse me') NOT VALID`);
    try {
      await clients[8]!.publishAsync(topics.otaStatus(device.deviceId), JSON.stringify({ job_id: scheduled.jobId, status: "downloading", error: "refuse me" }), { qos: 1 });
      await clients[8]!.publishAsync(topics.otaStatus(device.deviceId), JSON.stringify({ job_id: scheduled.jobId, status: "installing" }), { qos: 1 });
      const log = await waitFor(async () => {
        const row = await db.updateLog.findFirstOrThrow({ where: { jobId: scheduled.jobId } });
        return row.state === "installing" ? row : null;
      });
      expect(log.errorMessage).toBeNull();
    } finally {
      await db.$executeRawUnsafe(`ALTER TABLE update_logs DROP CONSTRAINT IF EXISTS test_refuses_error`);
    }
    expect(worker.stats().schemaInvalid - before.schemaInvalid).toBe(1);
    expect(worker.stats().refused - before.refused).toBe(1);
    expect(workerLog.some((line) => line.startsWith(`ota: dropped a status report the database refuses (${device.deviceId}, job ${scheduled.jobId}, downloading)`))).toBe(true);
    behaviour.clear();
    await applyJobAction(db, admin, scheduled.jobId, "cancel");
  });

  it("resumes a job after a worker restart: offers already sent are not sent again, the rest go out", async () => {
    const scheduled = await scheduleUpdate(db, admin, {
      firmwareId: firmwareIds.good,
      target: { deviceIds: ids() },
      force: true,
      rollout: { strategy: "phased", percentages: [25, 100], soakMinutes: 0, minDevices: 10 },
    });
    await worker.otaTick();
    const firstPhaseSent = await db.updateLog.count({ where: { jobId: scheduled.jobId, sentAt: { not: null } } });
    expect(firstPhaseSent).toBe(3);
    // The worker goes away in the middle of the job, and another one starts.
    await worker.stop();
    worker = await startIotWorker(workerOptions());
    const done = await tickUntil(scheduled.jobId, async () => {
      const job = await jobOf(scheduled.jobId);
      return job.state === "completed" ? job : null;
    });
    expect(done).toMatchObject({ successCount: 12, failedCount: 0 });
    const offered = offers.filter((entry) => entry.offer.job_id === scheduled.jobId).map((entry) => entry.deviceId);
    expect(offered.length).toBe(12);
    expect(new Set(offered).size).toBe(12);
  });

  it("ignores status reports for unknown jobs and malformed ones, and lets people pause, approve and cancel", async () => {
    const before = worker.stats();
    const device = fleet.devices[0]!;
    const client = clients[0]!;
    await client.publishAsync(topics.otaStatus(device.deviceId), JSON.stringify({ job_id: 999_999_999, status: "completed" }), { qos: 1 });
    await client.publishAsync(topics.otaStatus(device.deviceId), JSON.stringify({ job_id: "x", status: "done" }), { qos: 1 });
    await waitFor(async () => worker.stats().otaReports >= before.otaReports + 1 && worker.stats().invalid >= before.invalid + 1 && worker.stats().otaPending === 0);
    expect(worker.stats().otaApplied).toBe(before.otaApplied);

    const scheduled = await scheduleUpdate(db, admin, {
      firmwareId: firmwareIds.bad,
      target: { deviceIds: ids() },
      rollout: { strategy: "phased", percentages: [25, 100], soakMinutes: 0, requireApproval: true, minDevices: 10 },
    });
    await tickUntil(scheduled.jobId, async () => (await jobOf(scheduled.jobId)).phases[0]!.state === "awaiting_approval");
    expect((await jobOf(scheduled.jobId)).stateReason).toBe("Phase 1 finished: waiting for approval of the next phase");
    await applyJobAction(db, admin, scheduled.jobId, "pause", "milking starts");
    await worker.otaTick();
    expect(await db.updateLog.count({ where: { jobId: scheduled.jobId, sentAt: { not: null } } })).toBe(3);
    await applyJobAction(db, admin, scheduled.jobId, "approve");
    await worker.otaTick();
    expect(await db.updateLog.count({ where: { jobId: scheduled.jobId, sentAt: { not: null } } })).toBe(12);
    await applyJobAction(db, admin, scheduled.jobId, "cancel", "enough for today");
    const cancelled = await jobOf(scheduled.jobId);
    expect(cancelled.state).toBe("cancelled");
    expect(cancelled.stateReason).toBe("Cancelled by Engine admin: enough for today");
  });
});
