/**
 * `npm run bench:ota`: an update job over BENCH_DEVICES (10,000) devices, through the real worker.
 *
 *   1. A fresh database (scripts/bench-harness.ts) with the devices (milk meters on 2.0.3) and two
 *      firmware versions, registered set-based; the broker is MQTT_URL or the embedded one.
 *   2. The worker (`tsx workers/iot-worker.ts`, its own process as in production; update engine
 *      ticking every OTA_TICK_MS, the product's default 1 s).
 *   3. Lightweight simulated devices: one connection subscribed to devices/+/ota/update (QoS 1)
 *      receives every offer and checks it names the job; BENCH_STATUS_CONNECTIONS (4) connections
 *      then answer for all devices — downloading, installing, verifying, completed — as fast as the
 *      broker takes them (at most BENCH_STATUS_WINDOW unacknowledged publishes each).
 *   4. Figures: dispatch = job scheduled (all at once, now) → the 10,000th offer received; status
 *      rate = 40,000 reports ÷ (first report published → job completed with every count right in the
 *      database); then the production server's job page (/updates/{id}) for the finished job:
 *      BENCH_PAGE_REQUESTS sequential loads signed in as admin, p95, and whether it shows the final
 *      counts. BENCH_SKIP_PAGE=1 skips the page (no build needed).
 *
 * Targets (issue 6): dispatch ≤ 10 s, ≥ 2,000 status messages/s processed, job page ≤ 500 ms.
 * PASS/FAIL is printed per target; the exit code is 0 either way.
 */
import type { MqttClient } from "mqtt";
import pg from "pg";
import { newSecret } from "../lib/provisioning/credentials";
import { topics } from "../lib/mqtt/topics";
import { findFreePort } from "../lib/services/free-port";
import { benchBroker, cleanups, connectMqtt, fmt, loadAverage, log, openBenchDatabase, runBench, seedOnlineFleet, sleep, startWorkerProcess, verdict } from "./bench-harness";

const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const STATUS_CONNECTIONS = Number(process.env.BENCH_STATUS_CONNECTIONS ?? 4);
const STATUS_WINDOW = Number(process.env.BENCH_STATUS_WINDOW ?? 1_000);
/** Published but not yet applied, at most (see publishAll). */
const BACKLOG = Number(process.env.BENCH_STATUS_BACKLOG ?? 2_000);
const PAGE_REQUESTS = Number(process.env.BENCH_PAGE_REQUESTS ?? 20);
const TARGETS = { dispatchMs: 10_000, statusPerSecond: 2_000, pageMs: 500 };
const ADMIN_EMAIL = "bench-ota@smartdairy.example";
const ADMIN_PASSWORD = `bench-${newSecret(9)}`;

/** Set when the status phase timed out: the publishers stop waiting for the worker. */
const publishing = { gaveUp: false };
async function seed(sql: pg.Pool) {
  const started = performance.now();
  const farmId = await seedOnlineFleet(sql, { farmCode: "BENCHOTA", farmName: "Bench OTA farm", idPrefix: "BO", name: "Bench meter", deviceType: "milk_meter", model: "MM-400", firmwareVersion: "2.0.3" }, DEVICES);
  const firmware = { deviceType: "milk_meter", sha256: "c".repeat(64), size: 1_048_576 };
  const { rows } = await sql.query<{ id: number; version: string }>(
    `INSERT INTO firmware_versions (name, version, device_type, compatible_models, file_name, storage_key, size_bytes, sha256, signature, state)
     VALUES ('Milk meter 2.0.3', '2.0.3', 'milk_meter', '{MM-400}', 'mm-2.0.3.bin', 'bench/mm-2.0.3.bin', $1, $2, 'x', 'stable'),
            ('Milk meter 2.1.0', '2.1.0', 'milk_meter', '{MM-400}', 'mm-2.1.0.bin', 'bench/mm-2.1.0.bin', $1, $2, 'x', 'stable')
     RETURNING id, version`,
    [firmware.size, firmware.sha256],
  );
  await sql.query(`UPDATE devices SET firmware_id = $1 WHERE farm_id = $2`, [rows.find((row) => row.version === "2.0.3")!.id, farmId]);
  await sql.query("ANALYZE devices; ANALYZE firmware_versions");
  log(`seeded ${fmt(DEVICES)} milk meters on 2.0.3 and firmware 2.1.0 in ${fmt(performance.now() - started)} ms`);
  return { farmId: farmId, firmwareId: rows.find((row) => row.version === "2.1.0")!.id };
}

async function createAdmin(databaseUrl: string) {
  process.env.DATABASE_URL = databaseUrl;
  const { getDb } = await import("../lib/db");
  const { hashPassword } = await import("../lib/auth/password");
  const user = await getDb().user.create({ data: { email: ADMIN_EMAIL, name: "Bench OTA admin", role: "admin", passwordHash: await hashPassword(ADMIN_PASSWORD) } });
  return { kind: "user" as const, id: user.id, label: user.email, name: user.name, role: "admin" as const, farmId: null };
}

/**
 * Publishes `messages` over `clients` round-robin, at most `window` unacknowledged per client, and
 * never more than BACKLOG ahead of what the worker has applied: a broker queues only so much for a
 * slow subscriber (Mosquitto: 1,000 messages per client by default) and drops the rest, so "as fast
 * as the worker can take it" is paced by the worker, as bench:ingest does.
 */
async function publishAll(clients: MqttClient[], messages: { topic: string; payload: string }[], window: number, applied: () => number) {
  let next = 0;
  let failed = 0;
  await Promise.all(
    clients.map(async (client, index) => {
      let inFlight = 0;
      let wake: (() => void) | null = null;
      for (let i = index; i < messages.length; i += clients.length) {
        while (next - applied() >= BACKLOG && !publishing.gaveUp) await sleep(5);
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
  return { sent: next, failed };
}

async function main() {
  log(`load average at start: ${loadAverage()}`);
  const { config, databaseUrl, dataDir } = await openBenchDatabase(`sdm_bench_ota_${process.pid}`);
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  cleanups.push(() => sql.end());
  const { firmwareId } = await seed(sql);
  const admin = await createAdmin(databaseUrl);

  const { mqttUrl, serviceUsername, servicePassword } = await benchBroker(config, databaseUrl);

  const webPort = await findFreePort();
  const workerClientId = `sdm-iot-worker-bench-ota-${process.pid}`;
  // External brokers: several connections on a shared subscription (Mosquitto lets each have 20
  // unacknowledged messages); Aedes has no $share and takes one.
  const ingestConnections = config.MQTT_URL ? Number(process.env.MQTT_INGEST_CONNECTIONS ?? 8) : 1;
  const { lines: workerLines } = await startWorkerProcess({
    env: {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PUBLIC_URL: `http://127.0.0.1:${webPort}`,
      OTA_TICK_MS: process.env.OTA_TICK_MS ?? "1000",
      WORKER_STATS_SECONDS: "5",
    },
    mqttUrl,
    clientId: workerClientId,
    connections: ingestConnections,
    serviceUsername,
    servicePassword,
    protocolVersion: 4,
  });
  log("worker started (its own process)");

  // ── the devices' side ──
  // A device subscribes to its own topic. Here RECEIVERS connections subscribe to a share of the
  // devices' topics each: one connection taking all 10,000 offers would overflow a broker's
  // per-client queue (Mosquitto: 1,000 messages) and lose offers no real device would lose.
  const service = { username: serviceUsername, password: servicePassword };
  const { rows: idRows } = await sql.query<{ device_id: string }>(`SELECT device_id FROM devices ORDER BY id`);
  const allIds = idRows.map((row) => row.device_id);
  const receiverCount = Math.max(1, Math.ceil(allIds.length / 500));
  const receivers = await Promise.all(Array.from({ length: receiverCount }, (_, i) => connectMqtt(mqttUrl!, { ...service, clientId: `bench-ota-devices-${process.pid}-${i}`, clean: true })));
  const senders = await Promise.all(Array.from({ length: STATUS_CONNECTIONS }, (_, i) => connectMqtt(mqttUrl!, { ...service, clientId: `bench-ota-status-${process.pid}-${i}`, clean: true })));
  cleanups.push(async () => {
    await Promise.all([...receivers, ...senders].map((client) => client.endAsync(true).catch(() => undefined)));
  });
  const offered = new Map<string, number>();
  let wrongOffers = 0;
  let lastOfferAt = 0;
  await Promise.all(
    receivers.map(async (receiver, i) => {
      receiver.on("message", (topic, bytes) => {
        const deviceId = topic.split("/")[1]!;
        const offer = JSON.parse(bytes.toString("utf8")) as { job_id: number; version: string; signature: string; manifest?: string };
        if (offer.version !== "2.1.0" || !offer.signature || !offer.manifest) wrongOffers += 1;
        offered.set(deviceId, offer.job_id);
        lastOfferAt = performance.now();
      });
      await receiver.subscribeAsync(allIds.filter((_, n) => n % receiverCount === i).map((deviceId) => topics.otaUpdate(deviceId)), { qos: 1 });
    }),
  );
  log(`${fmt(allIds.length)} devices listening for offers on ${receiverCount} connections`);

  // ── dispatch ──
  const { scheduleUpdate } = await import("../lib/ota/schedule-update");
  const { getDb, disconnectDb } = await import("../lib/db");
  cleanups.push(() => disconnectDb());
  const scheduleStarted = performance.now();
  const job = await scheduleUpdate(getDb(), admin, { firmwareId, target: { filter: { type: "milk_meter" } }, rollout: { strategy: "all_at_once" } });
  const scheduledAt = performance.now();
  log(`job ${job.jobId} scheduled for ${fmt(job.deviceCount)} devices in ${fmt(scheduledAt - scheduleStarted)} ms (one transaction, set-based)`);
  const dispatchDeadline = scheduledAt + 60_000;
  while (offered.size < job.deviceCount && performance.now() < dispatchDeadline) await sleep(20);
  const dispatchMs = (offered.size >= job.deviceCount ? lastOfferAt : performance.now()) - scheduledAt;
  log(`dispatch: ${fmt(offered.size)} of ${fmt(job.deviceCount)} devices received their offer in ${fmt(dispatchMs)} ms (${wrongOffers} malformed)`);

  // ── status reports ──
  const deviceIds = [...offered.keys()];
  const messages: { topic: string; payload: string }[] = [];
  for (const [status, extra] of [["downloading", ',"progress":0'], ["installing", ""], ["verifying", ""], ["completed", ',"version":"2.1.0"']] as const) {
    for (const deviceId of deviceIds) messages.push({ topic: topics.otaStatus(deviceId), payload: `{"job_id":${job.jobId},"status":"${status}"${extra}}` });
  }
  const statusStarted = performance.now();
  // Reports the worker has applied: each moves one log one state on (downloading = 1 … completed = 4).
  let applied = 0;
  const published = publishAll(senders, messages, STATUS_WINDOW, () => applied);
  let final: { state: string; success_count: number; failed_count: number } | undefined;
  const statusDeadline = statusStarted + 180_000;
  let polls = 0;
  for (;;) {
    const { rows } = await sql.query<{ state: string; success_count: number; failed_count: number }>(`SELECT state::text, success_count, failed_count FROM update_jobs WHERE id = $1`, [job.jobId]);
    final = rows[0];
    if (final && final.state === "completed" && final.success_count === job.deviceCount) break;
    // The pacing count reads every log of the job: four times a second is enough (the job row, above, is cheap).
    if (++polls % 5 !== 1) {
      await sleep(50);
      continue;
    }
    const progress = await sql.query<{ applied: string }>(
      `SELECT coalesce(sum(CASE state WHEN 'downloading' THEN 1 WHEN 'installing' THEN 2 WHEN 'verifying' THEN 3 WHEN 'completed' THEN 4 ELSE 0 END), 0) AS applied
         FROM update_logs WHERE job_id = $1`,
      [job.jobId],
    );
    applied = Number(progress.rows[0]!.applied);
    if (performance.now() > statusDeadline) break;
    await sleep(50);
  }
  const statusMs = performance.now() - statusStarted;
  publishing.gaveUp = true;
  const { sent, failed } = await published;
  const statusRate = (messages.length / statusMs) * 1000;
  const { rows: [check] } = await sql.query<{ completed: string; devices_on_new: string }>(
    `SELECT (SELECT count(*) FROM update_logs WHERE job_id = $1 AND state = 'completed') AS completed,
            (SELECT count(*) FROM devices WHERE firmware_version = '2.1.0') AS devices_on_new`,
    [job.jobId],
  );
  log(
    `status: ${fmt(sent)} reports published (${failed} refused by the broker); job ${final?.state} with ${fmt(final?.success_count ?? 0)} completed / ${final?.failed_count ?? "?"} failed ` +
      `after ${fmt(statusMs)} ms → ${fmt(statusRate)} reports/s; logs completed ${fmt(Number(check!.completed))}, devices on 2.1.0 ${fmt(Number(check!.devices_on_new))}`,
  );
  const statsLine = workerLines.filter((line) => line.includes("ota reports")).at(-1);
  if (statsLine) log(`worker: ${statsLine}`);

  // ── the job page ──
  let page: { p50: number; p95: number; showsCounts: boolean } | null = null;
  if (process.env.BENCH_SKIP_PAGE !== "1") {
    const { startProductionServer, signIn } = await import("./bench-server");
    const base = await startProductionServer(databaseUrl, dataDir, { DATA_DIR: dataDir, PORT: String(webPort) }, webPort);
    const cookie = await signIn(base, ADMIN_EMAIL, ADMIN_PASSWORD, `/updates/${job.jobId}`);
    const samples: number[] = [];
    let html = "";
    for (let i = 0; i < PAGE_REQUESTS + 3; i++) {
      const started = performance.now();
      const response = await fetch(`${base}/updates/${job.jobId}`, { headers: { cookie } });
      html = await response.text();
      if (!response.ok) throw new Error(`/updates/${job.jobId}: HTTP ${response.status}`);
      if (i >= 3) samples.push(performance.now() - started); // the first loads warm the server up
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
    page = { p50: at(0.5), p95: at(0.95), showsCounts: html.includes(fmt(job.deviceCount)) && /completed/i.test(html) };
    log(`job page /updates/${job.jobId}: ${PAGE_REQUESTS} loads, p50 ${fmt(page.p50)} ms, p95 ${fmt(page.p95)} ms; shows the final counts: ${page.showsCounts ? "yes" : "NO"}`);
  }

  console.log(
    [
      "",
      `Summary (${fmt(job.deviceCount)} devices, all at once; load average 1/5/15 min now: ${loadAverage()})`,
      `  dispatch to every device ≤ ${TARGETS.dispatchMs / 1000} s:      ${fmt(dispatchMs)} ms   ${verdict(offered.size >= job.deviceCount && dispatchMs <= TARGETS.dispatchMs)}`,
      `  status messages processed ≥ ${fmt(TARGETS.statusPerSecond)}/s: ${fmt(statusRate)}/s   ${verdict(final?.state === "completed" && statusRate >= TARGETS.statusPerSecond)}`,
      `  job reflects the final counts after:  ${fmt(statusMs)} ms from the first report`,
      page
        ? `  job page p95 ≤ ${TARGETS.pageMs} ms:                ${fmt(page.p95)} ms   ${verdict(page.p95 <= TARGETS.pageMs && page.showsCounts)}`
        : "  job page: skipped (BENCH_SKIP_PAGE=1)",
      "",
    ].join("\n"),
  );
}

runBench(main, { exit: true });
