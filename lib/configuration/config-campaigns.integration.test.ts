/**
 * Configuration campaigns end to end on the rollout engine: real PostgreSQL, a real broker (MQTT_URL,
 * or an embedded one), the real worker running the engine. Devices are scripted MQTT clients with
 * their own credentials: they receive their configuration on `devices/{id}/config` (retained),
 * check its hash, and answer on `devices/{id}/config/status` — applied, or rejected with a reason.
 *
 * The answers are stored by the worker's report path (config-report-apply.ts: the shadow's reported
 * side, then applyCampaignReports, in one transaction) when this build has it. A build without it
 * (the campaign work on its own branch) plays that path with a service client subscribed to the
 * reports, doing the same two steps, so the campaign's side is exercised either way.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { MqttClient } from "mqtt";
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { keyIdOf } from "../firmware/signing";
import { configPayload, configReportPayload, type ConfigPayload } from "../mqtt/payloads";
import { topics } from "../mqtt/topics";
import { newSecret } from "../provisioning/credentials";
import { createSqlPool, inTransaction } from "../telemetry/sql";
import { startIotWorker, type IotWorker, type IotWorkerOptions } from "../../workers/iot-worker";
import { connectOnce, createTestFleet, openTestBroker, testWorkerOptions, waitFor, type TestBroker } from "../../workers/test-fleet";
import { applyJobAction } from "../ota/job-actions";
import { applyCampaignReports } from "./campaign-reports";
import { createConfigCampaign } from "./config-campaigns";
import { configHash } from "./config-hash";
import { getPath } from "./config-layers";
import type { ConfigObject } from "./config-schemas";
import { writeVersions } from "./config-versions";
import { LayerBook } from "./layer-book";
import type { ConfigReport } from "./config-reports";

const db = getDb();
const pool = createSqlPool(resolveDatabaseUrl());
const service = { username: process.env.MQTT_SERVICE_USERNAME || "sdm-service", password: process.env.MQTT_SERVICE_PASSWORD || newSecret(18) };
const pair = generateKeyPairSync("ed25519");
const signingKey = { privateKey: pair.privateKey, publicKey: pair.publicKey, keyId: keyIdOf(pair.publicKey) };
const suffix = Math.random().toString(36).slice(2, 8);

let broker: TestBroker | undefined;
let mqttUrl: string;
let worker: IotWorker;
let fleet: Awaited<ReturnType<typeof createTestFleet>>;
let admin: Actor;
let reporter: MqttClient;
const workerClientId = `sdm-cfg-campaign-test-${Date.now().toString(36)}`;
const clients: MqttClient[] = [];
const workerLog: string[] = [];

const WORKER_REPORT_PATH = existsSync(path.resolve(__dirname, "config-report-apply.ts"));

/** A device refuses any configuration with this ammonia threshold (its firmware caps it, say). */
const REFUSED_AMMONIA = 31;
type Behaviour = "apply" | "refuse-31" | "silent";
const behaviour = new Map<string, Behaviour>();
const received: Array<{ deviceId: string; payload: ConfigPayload }> = [];

// Ticks are driven by the tests.
const workerOptions = (): IotWorkerOptions =>
  testWorkerOptions({ mqttUrl, service, clientId: workerClientId, lines: workerLog }, { shutdownTimeoutMs: 1_000, ota: { tickMs: 0, publicUrl: "http://farm.test:3000", signingKey } });

async function scriptedDevice(deviceId: string, credentials: { username: string; password: string; clientId: string }) {
  const outcome = await connectOnce(mqttUrl, { ...credentials, clean: true });
  if (!outcome.ok) throw outcome.error;
  const client = outcome.client;
  clients.push(client);
  await client.subscribeAsync(topics.config(deviceId), { qos: 1 });
  await client.publishAsync(topics.status(deviceId), JSON.stringify({ status: "online" }), { qos: 1 });
  client.on("message", (_topic, bytes) => {
    if (bytes.length === 0) return; // a cleared retained message
    const payload = configPayload.parse(JSON.parse(bytes.toString("utf8")));
    received.push({ deviceId, payload });
    const mine = behaviour.get(deviceId) ?? "apply";
    if (mine === "silent") return;
    expect(configHash(payload.configuration)).toBe(payload.hash);
    const refuse = mine === "refuse-31" && getPath(payload.configuration as ConfigObject, "thresholds.ammonia_high") === REFUSED_AMMONIA;
    const report = refuse
      ? { version: payload.version, status: "rejected", reason: `ammonia_high ${REFUSED_AMMONIA} not supported by this sensor` }
      : { version: payload.version, status: "applied", hash: payload.hash };
    void client.publishAsync(topics.configStatus(deviceId), JSON.stringify(report), { qos: 1 });
  });
}

/**
 * The report path as the worker runs it: the reported side of the shadow, then the campaign's
 * logs, in one transaction; the engine is kicked once a log finished. Reports are batched by
 * arrival (a few ms), as the worker batches them.
 */
async function startReporter() {
  const outcome = await connectOnce(mqttUrl, { username: service.username, password: service.password, clientId: `sdm-cfg-reporter-${suffix}`, clean: true });
  if (!outcome.ok) throw outcome.error;
  reporter = outcome.client;
  // The worker stores the reports itself: this client only clears the retained messages at the end.
  if (WORKER_REPORT_PATH) return;
  let queue: ConfigReport[] = [];
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = queue;
    queue = [];
    flushing = flushing.then(async () => {
      if (batch.length === 0) return;
      await inTransaction(pool, async (sql) => {
        for (const report of batch) {
          await sql.query(
            `UPDATE device_states AS s SET reported_version = $2, reported_hash = COALESCE($3, s.reported_hash), reported_at = $4,
                    status = CASE WHEN s.desired_version = $2 THEN $5::"ConfigApplyStatus" ELSE s.status END,
                    status_reason = CASE WHEN s.desired_version = $2 THEN $6 ELSE s.status_reason END
               FROM devices d WHERE d.id = s.device_id AND d.device_id = $1`,
            [report.deviceId, report.version, report.status === "applied" ? report.hash : null, report.receivedAt.toISOString(), report.status, report.reason],
          );
        }
        await applyCampaignReports(sql, batch);
      });
    });
  };
  reporter.on("message", (topic, bytes) => {
    const deviceId = topic.split("/")[1]!;
    const payload = configReportPayload.parse(JSON.parse(bytes.toString("utf8")));
    queue.push({ deviceId, version: payload.version, status: payload.status, hash: payload.hash ?? null, reason: payload.reason ?? null, receivedAt: new Date() });
    setTimeout(flush, 5);
  });
  await reporter.subscribeAsync("devices/+/config/status", { qos: 1 });
}

const logsOf = (jobId: number) => db.updateLog.findMany({ where: { jobId }, include: { device: { select: { deviceId: true } } }, orderBy: { id: "asc" } });
const jobOf = (jobId: number) => db.updateJob.findUniqueOrThrow({ where: { id: jobId }, include: { phases: { orderBy: { position: "asc" } } } });
const shadows = async () => new Map((await db.deviceShadow.findMany({ where: { device: { farmId: fleet.farmId } }, include: { device: { select: { deviceId: true } } } })).map((s) => [s.device.deviceId, s]));

async function tickUntil<T>(jobId: number, probe: () => Promise<T | null | false | undefined>, timeoutMs = 15_000) {
  return waitFor(
    async () => {
      await worker.otaTick();
      return probe();
    },
    timeoutMs,
    100,
  ).catch((error: unknown) => {
    throw new Error(`job ${jobId}: ${error instanceof Error ? error.message : String(error)}\n${workerLog.slice(-10).join("\n")}`);
  });
}

const ids = () => fleet.devices.map((device) => device.deviceId);
const change = (ammonia: number) => ({ thresholds: { ammonia_high: ammonia } });

beforeAll(async () => {
  fleet = await createTestFleet(db, 12, { deviceType: "environmental" });
  const user = await db.user.create({ data: { email: `cfg-campaign-${suffix}@cfg.test`, name: "Campaign admin", role: "admin", passwordHash: "not-used" } });
  admin = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
  // Every device runs its first version (as the worker's sweep makes it, and the device confirms).
  await inTransaction(pool, async (sql) => {
    const book = await LayerBook.load(sql);
    const config = book.inherited({ deviceType: "environmental", farmId: fleet.farmId, groupId: null }).config;
    await writeVersions(sql, fleet.devices.map((device) => ({ devicePk: device.id, overrides: {}, config, hash: configHash(config), source: "initial" as const, summary: "" })));
    await sql.query(`UPDATE device_states SET reported_version = desired_version, reported_hash = desired_hash, status = 'applied' WHERE device_id = ANY($1::int[])`, [fleet.devices.map((device) => device.id)]);
  });
  broker = await openTestBroker(db, service);
  mqttUrl = broker.url;
  worker = await startIotWorker(workerOptions());
  await startReporter();
  for (const device of fleet.devices) await scriptedDevice(device.deviceId, device.credentials);
  await waitFor(async () => (await db.device.count({ where: { farmId: fleet.farmId, connectionStatus: "online" } })) === fleet.devices.length);
});

afterAll(async () => {
  // Retained configurations outlive the test on a shared broker: cleared (an empty retained payload).
  if (reporter) for (const device of fleet.devices) await reporter.publishAsync(topics.config(device.deviceId), "", { qos: 1, retain: true }).catch(() => undefined);
  await Promise.all([...clients, reporter].map((client) => client?.endAsync(true).catch(() => undefined)));
  await worker?.stop();
  await broker?.wipeSession(workerClientId);
  await broker?.close();
  const jobs = await db.updateJob.findMany({ where: { logs: { some: { device: { farmId: fleet.farmId } } } }, select: { id: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "update_job", entityId: { in: jobs.map((job) => String(job.id)) } } });
  await db.updateJob.deleteMany({ where: { id: { in: jobs.map((job) => job.id) } } });
  await fleet?.remove();
  await db.user.deleteMany({ where: { email: `cfg-campaign-${suffix}@cfg.test` } });
  await pool.end();
  await disconnectDb();
});

describe("configuration campaigns on the rollout engine", () => {
  it("delivers a canary first, promotes once the canary confirms, and completes: one new version per device, sent once", async () => {
    const before = await shadows();
    const created = await createConfigCampaign(db, admin, {
      deviceType: "environmental",
      changes: change(30),
      reason: "Barn ventilation upgraded",
      selection: { deviceIds: ids() },
      rollout: { strategy: "canary", canaryPercentage: 25, soakMinutes: 0, minDevices: 10 },
    });
    expect(created.phases.map((phase) => phase.deviceCount)).toEqual([3, 9]);

    // The canary is sent first, and only the canary.
    await worker.otaTick();
    const job1 = await jobOf(created.jobId);
    expect(job1).toMatchObject({ kind: "configuration", firmwareId: null, state: "in_progress" });
    const canary = await db.updateLog.findMany({ where: { phaseId: job1.phases[0]!.id } });
    expect(canary.every((log) => log.sentAt !== null && log.configVersion === 2 && log.previousConfigVersion === 1)).toBe(true);
    expect(await db.updateLog.count({ where: { phaseId: job1.phases[1]!.id, sentAt: { not: null } } })).toBe(0);
    expect(await db.deviceConfig.count({ where: { jobId: created.jobId } })).toBe(3);

    const done = await tickUntil(created.jobId, async () => {
      const job = await jobOf(created.jobId);
      return job.state === "completed" ? job : null;
    });
    expect(done.phases.map((phase) => phase.state)).toEqual(["succeeded", "succeeded"]);
    expect(done).toMatchObject({ successCount: 12, failedCount: 0 });
    expect(done.stateReason).toBe("12 of 12 devices applied the configuration change (thresholds.ammonia_high = 30), 0 failed");
    const logs = await logsOf(created.jobId);
    expect(logs.every((log) => log.state === "completed" && log.finishedAt !== null && log.configVersion === 2)).toBe(true);

    // Each device: version 2 made by the campaign, its change in place, confirmed.
    const after = await shadows();
    for (const device of fleet.devices) {
      const shadow = after.get(device.deviceId)!;
      expect(shadow).toMatchObject({ desiredVersion: 2, reportedVersion: 2, status: "applied", overrides: change(30) });
      expect(shadow.desiredHash).not.toBe(before.get(device.deviceId)!.desiredHash);
    }
    const version = await db.deviceConfig.findFirstOrThrow({ where: { deviceId: fleet.devices[0]!.id, version: 2 } });
    expect(version).toMatchObject({ source: "campaign", jobId: created.jobId, reason: "Barn ventilation upgraded", changeSummary: "~ Changed thresholds.ammonia_high: 25 -> 30", createdById: admin.id });
    expect(getPath(version.desired as ConfigObject, "thresholds.ammonia_high")).toBe(30);
    // Sent once to each device, retained, with the version's hash.
    const sent = received.filter((entry) => entry.payload.version === 2);
    expect(sent.length).toBe(12);
    expect(new Set(sent.map((entry) => entry.deviceId)).size).toBe(12);
  });

  it("rolls back by itself when rejections pass the error threshold: every device is back on its previous configuration", async () => {
    fleet.devices.forEach((device, index) => behaviour.set(device.deviceId, index % 2 === 0 ? "refuse-31" : "apply"));
    const before = await shadows();
    const created = await createConfigCampaign(db, admin, {
      deviceType: "environmental",
      changes: change(REFUSED_AMMONIA),
      reason: "Try 31 ppm",
      selection: { deviceIds: ids() },
      rollout: { strategy: "all_at_once", errorThreshold: 20, minDevices: 10 },
    });
    const stopped = await tickUntil(created.jobId, async () => {
      // The logs first: the transaction that moves the last of them to rolled_back also counts it
      // on the job, so a job read after them has the count (read before, it could miss it).
      const logs = await logsOf(created.jobId);
      if (!logs.every((log) => log.state === "rolled_back")) return null;
      const job = await jobOf(created.jobId);
      return job.state === "failed" ? { job, logs } : null;
    });
    expect(stopped.job.stateReason).toMatch(/^Automatic rollback in phase 1: \d+ of 12 devices failed \(\d+ % > 20 %\)$/);
    expect(stopped.job.rollbackStartedAt).not.toBeNull();
    expect(stopped.job).toMatchObject({ successCount: 0, failedCount: 12 });
    // The refusals are kept on their logs, with the device's reason.
    const refused = stopped.logs.filter((log) => log.errorMessage?.startsWith("Rejected by the device"));
    expect(refused.length).toBe(6);
    expect(refused[0]!.errorMessage).toBe(`Rejected by the device: ammonia_high ${REFUSED_AMMONIA} not supported by this sensor`);
    expect(stopped.logs.every((log) => log.rollbackConfigVersion === 4 && log.rollbackSentAt !== null)).toBe(true);

    // Every device's desired configuration is the one it had before the campaign (same hash), as a new version.
    await waitFor(async () => [...(await shadows()).values()].every((shadow) => shadow.status === "applied"));
    const after = await shadows();
    for (const device of fleet.devices) {
      const shadow = after.get(device.deviceId)!;
      expect(shadow.desiredHash).toBe(before.get(device.deviceId)!.desiredHash);
      expect(shadow).toMatchObject({ desiredVersion: 4, reportedHash: shadow.desiredHash });
    }
    const rollback = await db.deviceConfig.findFirstOrThrow({ where: { deviceId: fleet.devices[1]!.id, version: 4 } });
    expect(rollback).toMatchObject({ source: "rollback", rollbackOf: 2, jobId: created.jobId });
    // Devices that took the change were sent the rollback; one that had refused it before the
    // rollback began already ran the previous configuration and was not sent anything.
    const rollbackSends = new Set(received.filter((entry) => entry.payload.version === 4).map((entry) => entry.deviceId));
    expect(fleet.devices.filter((_, index) => index % 2 === 1).every((device) => rollbackSends.has(device.deviceId))).toBe(true);
    expect(rollbackSends.size).toBeLessThan(12);
    behaviour.clear();
  });

  it("carries on after a worker restart mid-campaign without sending again to devices already sent", async () => {
    const created = await createConfigCampaign(db, admin, {
      deviceType: "environmental",
      changes: change(28),
      reason: "Rolling out 28 ppm",
      selection: { deviceIds: ids() },
      rollout: { strategy: "rolling", batchSize: 4, delayMinutes: 0, minDevices: 10 },
    });
    expect(created.phases.map((phase) => phase.deviceCount)).toEqual([4, 4, 4]);
    expect((await jobOf(created.jobId)).strategy).toBe("emergency");
    await worker.otaTick();
    expect(await db.updateLog.count({ where: { jobId: created.jobId, sentAt: { not: null } } })).toBe(4);
    // The worker goes away in the middle of the campaign, and another one starts.
    await worker.stop();
    worker = await startIotWorker(workerOptions());
    const done = await tickUntil(created.jobId, async () => {
      const job = await jobOf(created.jobId);
      return job.state === "completed" ? job : null;
    });
    expect(done).toMatchObject({ successCount: 12, failedCount: 0 });
    const versions = await db.updateLog.findMany({ where: { jobId: created.jobId }, select: { configVersion: true } });
    const sent = received.filter((entry) => versions.some((log) => log.configVersion === entry.payload.version) && entry.payload.configuration && getPath(entry.payload.configuration as ConfigObject, "thresholds.ammonia_high") === 28);
    expect(sent.length).toBe(12);
    expect(new Set(sent.map((entry) => entry.deviceId)).size).toBe(12);
    expect(await db.deviceConfig.count({ where: { jobId: created.jobId } })).toBe(12);
  });

  it("lets a person pause, approve and roll back a campaign with the update job's actions; a duplicate report changes nothing", async () => {
    const created = await createConfigCampaign(db, admin, {
      deviceType: "environmental",
      changes: { alarms: { debounce_minutes: 7 } },
      reason: "Less chatty alarms",
      selection: { deviceIds: ids() },
      rollout: { strategy: "phased", percentages: [25, 100], soakMinutes: 0, requireApproval: true, minDevices: 10 },
    });
    await tickUntil(created.jobId, async () => (await jobOf(created.jobId)).phases[0]!.state === "awaiting_approval");
    const paused = await applyJobAction(db, admin, created.jobId, "pause", "milking");
    expect(paused.message).toMatch(/no device is sent the new configuration/);
    await worker.otaTick();
    expect(await db.updateLog.count({ where: { jobId: created.jobId, sentAt: { not: null } } })).toBe(3);
    await applyJobAction(db, admin, created.jobId, "approve");
    await tickUntil(created.jobId, async () => (await jobOf(created.jobId)).state === "completed");

    // A duplicate of a confirmation (QoS 1 redelivery) moves no count.
    const log = (await logsOf(created.jobId))[0]!;
    const duplicate: ConfigReport = { deviceId: log.device.deviceId, version: log.configVersion!, status: "applied", hash: null, reason: null, receivedAt: new Date() };
    expect(await inTransaction(pool, (sql) => applyCampaignReports(sql, [duplicate, duplicate]))).toEqual({ finished: 0, changed: 0 });
    expect(await jobOf(created.jobId)).toMatchObject({ successCount: 12, failedCount: 0 });

    // A person rolls the completed campaign back: each device returns to its version before it.
    const rolled = await applyJobAction(db, admin, created.jobId, "rollback", "operators prefer 5");
    expect(rolled.message).toMatch(/previous configuration/);
    const back = await tickUntil(created.jobId, async () => {
      const logs = await logsOf(created.jobId);
      return logs.every((entry) => entry.state === "rolled_back") ? logs : null;
    });
    expect(back.every((entry) => entry.rollbackConfigVersion === entry.configVersion! + 1)).toBe(true);
    expect(await jobOf(created.jobId)).toMatchObject({ successCount: 0, failedCount: 12 });
    const shadow = (await shadows()).get(fleet.devices[0]!.deviceId)!;
    expect(getPath(shadow.overrides as ConfigObject, "alarms.debounce_minutes")).toBeUndefined();
    expect(getPath(shadow.overrides as ConfigObject, "thresholds.ammonia_high")).toBe(28);
  });
});
