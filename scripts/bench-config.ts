/**
 * `npm run bench:config`: a configuration campaign to BENCH_DEVICES (10,000) online devices through
 * the real worker, and the configuration sweeps over 100,000 devices.
 *
 *   1. A fresh database (scripts/bench-harness.ts) with the devices (environmental sensors, online),
 *      each on its version 1 (written set-based through writeVersions, confirmed); the broker is
 *      MQTT_URL or the embedded one.
 *   2. The worker (`tsx workers/iot-worker.ts`, its own process as in production; the rollout engine
 *      ticking every OTA_TICK_MS, the product's default 1 s).
 *   3. Lightweight simulated devices: connections subscribed to the devices' `devices/{id}/config`
 *      topics receive every configuration and check its hash; BENCH_STATUS_CONNECTIONS (4)
 *      connections then answer `applied` for all of them on `devices/{id}/config/status`, as fast
 *      as the worker takes them.
 *   4. Figures: dispatch = campaign created (all at once, now) → the 10,000th configuration
 *      received (every log marked sent); apply reports = 10,000 reports ÷ (first report published →
 *      every log completed and the job completed, counted in the database). Without the worker's
 *      report path (lib/configuration/config-report-apply.ts) in this build, the campaign's side of
 *      it (applyCampaignReports, 1,000 per transaction) is measured instead, and said so.
 *   5. The effective-config + drift sweep over 100,000 devices: scripts/bench-config-sweep.ts
 *      (benchConfigSweep, the configuration engine's own benchmark) when present; BENCH_SKIP_SWEEP=1 skips it.
 *
 * Targets (issue 16): dispatch ≤ 5 s, apply reports stored ≥ 5,000/s, sweep over 100,000 ≤ 2 s.
 * PASS/FAIL is printed per target; the exit code is 0 either way.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { MqttClient } from "mqtt";
import pg from "pg";
import { topics } from "../lib/mqtt/topics";
import { findFreePort } from "../lib/services/free-port";
import { benchBroker, cleanup, cleanups, connectMqtt, fmt, loadAverage, log, openBenchDatabase, runBench, seedOnlineFleet, sleep, startWorkerProcess, verdict } from "./bench-harness";

const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const STATUS_CONNECTIONS = Number(process.env.BENCH_STATUS_CONNECTIONS ?? 4);
const STATUS_WINDOW = Number(process.env.BENCH_STATUS_WINDOW ?? 1_000);
/** Published but not yet applied, at most (see publishAll). */
const BACKLOG = Number(process.env.BENCH_STATUS_BACKLOG ?? 2_000);
const TARGETS = { dispatchMs: 5_000, reportsPerSecond: 5_000, sweepMs: 2_000 };
const WORKER_REPORT_PATH = existsSync(path.resolve("lib/configuration/config-report-apply.ts"));
const SWEEP_BENCH = path.resolve("scripts/bench-config-sweep.ts");

async function seed(sql: pg.Pool) {
  const started = performance.now();
  const farmId = await seedOnlineFleet(sql, { farmCode: "BENCHCFG", farmName: "Bench configuration farm", idPrefix: "BC", name: "Bench sensor", deviceType: "environmental", model: "EV-200", firmwareVersion: "1.4.0" }, DEVICES);
  // Every device on its version 1, confirmed: what the worker's first sweep and the devices leave behind.
  const { inTransaction } = await import("../lib/telemetry/sql");
  const { LayerBook } = await import("../lib/configuration/layer-book");
  const { writeVersions } = await import("../lib/configuration/config-versions");
  const { configHash } = await import("../lib/configuration/config-hash");
  const { rows } = await sql.query<{ id: number }>(`SELECT id FROM devices WHERE farm_id = $1 ORDER BY id`, [farmId]);
  await inTransaction(sql, async (tx) => {
    const config = (await LayerBook.load(tx)).inherited({ deviceType: "environmental", farmId, groupId: null }).config;
    const hash = configHash(config);
    await writeVersions(tx, rows.map((row) => ({ devicePk: row.id, overrides: {}, config, hash, source: "initial" as const, summary: "" })));
    await tx.query(`UPDATE device_states SET reported_version = 1, reported_hash = desired_hash, reported_at = now(), status = 'applied'`);
    await tx.query(`UPDATE device_configs SET status = 'applied', applied_at = now()`);
  });
  await sql.query("ANALYZE devices; ANALYZE device_states; ANALYZE device_configs");
  log(`seeded ${fmt(DEVICES)} online environmental sensors, each on its confirmed version 1, in ${fmt(performance.now() - started)} ms`);
}

async function createAdmin(databaseUrl: string) {
  process.env.DATABASE_URL = databaseUrl;
  const { getDb } = await import("../lib/db");
  const user = await getDb().user.create({ data: { email: "bench-config@smartdairy.example", name: "Bench configuration admin", role: "admin", passwordHash: "not-used" } });
  return { kind: "user" as const, id: user.id, label: user.email, name: user.name, role: "admin" as const, farmId: null };
}

/** Set when the report phase timed out: the publishers stop waiting for the worker. */
const publishing = { gaveUp: false };

/**
 * Publishes over `clients` round-robin, at most `window` unacknowledged per client and, when
 * `applied` is given, never more than BACKLOG ahead of what the worker has applied: a broker queues
 * only so much for a slow subscriber (Mosquitto: 1,000 messages per client by default) and drops
 * the rest, so "as fast as the worker takes them" is paced by the worker (as bench:ota does).
 */
async function publishAll(clients: MqttClient[], messages: { topic: string; payload: string }[], window: number, applied?: () => number) {
  let failed = 0;
  let next = 0;
  await Promise.all(
    clients.map(async (client, index) => {
      let inFlight = 0;
      let wake: (() => void) | null = null;
      for (let i = index; i < messages.length; i += clients.length) {
        while (applied && next - applied() >= BACKLOG && !publishing.gaveUp) await sleep(5);
        while (inFlight >= window) await new Promise<void>((resolve) => (wake = resolve));
        inFlight += 1;
        next += 1;
        client.publish(messages[i]!.topic, messages[i]!.payload, { qos: 1 }, (error) => {
          if (error) failed += 1;
          inFlight -= 1;
          const w = wake;
          wake = null;
          w?.();
        });
      }
      while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
    }),
  );
  return failed;
}

type CampaignFigures = { devices: number; dispatchMs: number; received: number; badHashes: number; reportsPerSecond: number; reportsPath: string; completed: boolean };

async function benchCampaign(): Promise<CampaignFigures> {
  const { config, databaseUrl, dataDir } = await openBenchDatabase(`sdm_bench_config_${process.pid}`);
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  cleanups.push(() => sql.end());
  await seed(sql);
  const admin = await createAdmin(databaseUrl);

  const { mqttUrl, serviceUsername, servicePassword } = await benchBroker(config, databaseUrl);

  const webPort = await findFreePort();
  const ingestConnections = config.MQTT_URL ? Number(process.env.MQTT_INGEST_CONNECTIONS ?? 8) : 1;
  const { lines: workerLines } = await startWorkerProcess({
    env: { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PUBLIC_URL: `http://127.0.0.1:${webPort}`, OTA_TICK_MS: process.env.OTA_TICK_MS ?? "1000", WORKER_STATS_SECONDS: "5" },
    mqttUrl,
    clientId: `sdm-iot-worker-bench-config-${process.pid}`,
    connections: ingestConnections,
    serviceUsername,
    servicePassword,
    protocolVersion: 4,
  });
  log("worker started (its own process)");

  // ── the devices' side: RECEIVERS connections subscribed to a share of the devices' config topics each ──
  const service = { username: serviceUsername, password: servicePassword };
  const { rows: idRows } = await sql.query<{ device_id: string }>(`SELECT device_id FROM devices ORDER BY id`);
  const allIds = idRows.map((row) => row.device_id);
  const receiverCount = Math.max(1, Math.ceil(allIds.length / 500));
  const receivers = await Promise.all(Array.from({ length: receiverCount }, (_, i) => connectMqtt(mqttUrl!, { ...service, clientId: `bench-config-devices-${process.pid}-${i}`, clean: true })));
  const senders = await Promise.all(Array.from({ length: STATUS_CONNECTIONS }, (_, i) => connectMqtt(mqttUrl!, { ...service, clientId: `bench-config-status-${process.pid}-${i}`, clean: true })));
  cleanups.push(async () => {
    // Retained configurations would outlive the run on a shared broker: cleared (an empty retained payload).
    if (config.MQTT_URL) await publishAll(senders, allIds.map((deviceId) => ({ topic: topics.config(deviceId), payload: "" })), STATUS_WINDOW).catch(() => undefined);
    await Promise.all([...receivers, ...senders].map((client) => client.endAsync(true).catch(() => undefined)));
  });
  const { configHash } = await import("../lib/configuration/config-hash");
  const received = new Map<string, { version: number; hash: string }>();
  // Checked once dispatch is timed: hashing 10,000 configurations here would take the cores the worker needs.
  const toCheck: { hash: string; configuration: unknown }[] = [];
  let badHashes = 0;
  let lastReceivedAt = 0;
  await Promise.all(
    receivers.map(async (receiver, i) => {
      receiver.on("message", (topic, bytes, packet) => {
        // A replay of an older run's retained configuration is not this campaign's.
        if (packet.retain || bytes.length === 0) return;
        const deviceId = topic.split("/")[1]!;
        const message = JSON.parse(bytes.toString("utf8")) as { version: number; hash: string; configuration: unknown };
        toCheck.push({ hash: message.hash, configuration: message.configuration });
        received.set(deviceId, { version: message.version, hash: message.hash });
        lastReceivedAt = performance.now();
      });
      await receiver.subscribeAsync(allIds.filter((_, n) => n % receiverCount === i).map((deviceId) => topics.config(deviceId)), { qos: 1 });
    }),
  );
  log(`${fmt(allIds.length)} devices listening for their configuration on ${receiverCount} connections`);

  // ── dispatch ──
  const { createConfigCampaign } = await import("../lib/configuration/config-campaigns");
  const { getDb, disconnectDb } = await import("../lib/db");
  cleanups.push(() => disconnectDb());
  const createStarted = performance.now();
  const campaign = await createConfigCampaign(getDb(), admin, {
    deviceType: "environmental",
    changes: { thresholds: { ammonia_high: 30 }, telemetry: { update_interval_sec: 120 } },
    reason: "Benchmark: ammonia alarm at 30 ppm",
    selection: { filter: { type: "environmental" } },
    rollout: { strategy: "all_at_once" },
  });
  const createdAt = performance.now();
  log(`campaign ${campaign.jobId} created for ${fmt(campaign.deviceCount)} devices in ${fmt(createdAt - createStarted)} ms (one transaction, set-based; every device's result checked)`);
  const dispatchDeadline = createdAt + 60_000;
  while (received.size < campaign.deviceCount && performance.now() < dispatchDeadline) await sleep(20);
  const dispatchMs = (received.size >= campaign.deviceCount ? lastReceivedAt : performance.now()) - createdAt;
  for (const message of toCheck) if (configHash(message.configuration) !== message.hash) badHashes += 1;
  const { rows: [sent] } = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM update_logs WHERE job_id = $1 AND sent_at IS NOT NULL`, [campaign.jobId]);
  log(`dispatch: ${fmt(received.size)} of ${fmt(campaign.deviceCount)} devices received their new version in ${fmt(dispatchMs)} ms (${badHashes} with a wrong hash); logs marked sent once the engine's transaction committed: ${fmt(Number(sent!.n))}`);
  const engineLine = workerLines.filter((line) => line.includes("configuration version sent")).at(-1);
  if (engineLine) log(`worker: ${engineLine}`);

  // ── apply reports ──
  const reports = [...received].map(([deviceId, message]) => ({ deviceId, version: message.version, hash: message.hash }));
  let reportsPerSecond = 0;
  let completed = false;
  let reportsPath: string;
  if (WORKER_REPORT_PATH) {
    reportsPath = "through the worker (config/status → config-report-apply.ts → applyCampaignReports)";
    const started = performance.now();
    let applied = 0;
    const published = publishAll(
      senders,
      reports.map((report) => ({ topic: topics.configStatus(report.deviceId), payload: JSON.stringify({ version: report.version, status: "applied", hash: report.hash }) })),
      STATUS_WINDOW,
      () => applied,
    );
    const deadline = started + 120_000;
    for (;;) {
      const { rows: [job] } = await sql.query<{ state: string; success_count: number }>(`SELECT state::text, success_count FROM update_jobs WHERE id = $1`, [campaign.jobId]);
      applied = job?.success_count ?? 0;
      if (job && job.success_count >= reports.length) {
        completed = true;
        break;
      }
      if (performance.now() > deadline) break;
      await sleep(25);
    }
    const ms = performance.now() - started;
    publishing.gaveUp = true;
    const failed = await published;
    reportsPerSecond = (reports.length / ms) * 1000;
    log(`apply reports: ${fmt(reports.length)} published (${failed} refused by the broker); every campaign log completed after ${fmt(ms)} ms → ${fmt(reportsPerSecond)} reports/s`);
  } else {
    reportsPath = "campaign side only (applyCampaignReports, 1,000 per transaction): this build has no worker report path";
    const { inTransaction } = await import("../lib/telemetry/sql");
    const { applyCampaignReports } = await import("../lib/configuration/campaign-reports");
    const started = performance.now();
    for (let at = 0; at < reports.length; at += 1_000) {
      const batch = reports.slice(at, at + 1_000).map((report) => ({ ...report, status: "applied" as const, reason: null, receivedAt: new Date() }));
      await inTransaction(sql, (tx) => applyCampaignReports(tx, batch));
    }
    const ms = performance.now() - started;
    reportsPerSecond = (reports.length / ms) * 1000;
    const { rows: [job] } = await sql.query<{ success_count: number }>(`SELECT success_count FROM update_jobs WHERE id = $1`, [campaign.jobId]);
    completed = job!.success_count >= reports.length;
    log(`apply reports (${reportsPath}): ${fmt(reports.length)} in ${fmt(ms)} ms → ${fmt(reportsPerSecond)} reports/s`);
  }
  // The engine closes the job on its next tick.
  const closeDeadline = performance.now() + 10_000;
  let state = "";
  while (performance.now() < closeDeadline) {
    state = (await sql.query<{ state: string; state_reason: string | null }>(`SELECT state::text, state_reason FROM update_jobs WHERE id = $1`, [campaign.jobId])).rows[0]!.state;
    if (state === "completed") break;
    await sleep(100);
  }
  log(`campaign ${campaign.jobId}: ${state}`);
  const statsLine = workerLines.filter((line) => line.startsWith("worker: received")).at(-1);
  if (statsLine) log(`worker: ${statsLine}`);
  return { devices: campaign.deviceCount, dispatchMs, received: received.size, badHashes, reportsPerSecond, reportsPath, completed: completed && state === "completed" };
}

type SweepFigures = { quietWorstMs: number; devices: number; reportsPerSecond?: number } | null;

async function benchSweep(): Promise<SweepFigures> {
  if (process.env.BENCH_SKIP_SWEEP === "1") {
    log("sweep: skipped (BENCH_SKIP_SWEEP=1)");
    return null;
  }
  if (!existsSync(SWEEP_BENCH)) {
    log(`sweep: scripts/bench-config-sweep.ts is not in this build (the configuration engine's benchmark): figure not measured`);
    return null;
  }
  const sweepBench = (await import(SWEEP_BENCH)) as { benchConfigSweep?: () => Promise<{ quietWorstMs: number; devices: number; reportsPerSecond?: number }> };
  if (typeof sweepBench.benchConfigSweep !== "function") {
    log("sweep: scripts/bench-config-sweep.ts exports no benchConfigSweep(): figure not measured");
    return null;
  }
  return sweepBench.benchConfigSweep();
}

async function main() {
  log(`load average at start: ${loadAverage()}`);
  const campaign = await benchCampaign();
  // Its processes and database go before the sweep seeds 100,000 devices of its own.
  await cleanup();
  const sweep = await benchSweep();
  await cleanup();
  console.log(
    [
      "",
      `Summary (${fmt(campaign.devices)} devices, all at once; load average 1/5/15 min now: ${loadAverage()})`,
      `  dispatch to every device ≤ ${TARGETS.dispatchMs / 1000} s:          ${fmt(campaign.dispatchMs)} ms   ${verdict(campaign.received >= campaign.devices && campaign.badHashes === 0 && campaign.dispatchMs <= TARGETS.dispatchMs)}`,
      `  apply reports stored ≥ ${fmt(TARGETS.reportsPerSecond)}/s:          ${fmt(campaign.reportsPerSecond)}/s   ${verdict(campaign.completed && campaign.reportsPerSecond >= TARGETS.reportsPerSecond)}`,
      `    (${campaign.reportsPath}; campaign completed: ${campaign.completed ? "yes" : "NO"})`,
      sweep
        ? `  effective-config + drift sweep over ${fmt(sweep.devices)} ≤ ${TARGETS.sweepMs / 1000} s: ${fmt(sweep.quietWorstMs)} ms   ${verdict(sweep.quietWorstMs <= TARGETS.sweepMs)}`
        : "  effective-config + drift sweep: not measured (skipped, or scripts/bench-config-sweep.ts missing)",
      sweep?.reportsPerSecond !== undefined ? `    (the sweep benchmark's own report storing rate: ${fmt(sweep.reportsPerSecond)}/s)` : "",
      "",
    ]
      .filter((line, index, all) => line !== "" || index === 0 || index === all.length - 1)
      .join("\n"),
  );
}

runBench(main, { exit: true });
