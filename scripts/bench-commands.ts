/**
 * `npm run bench:commands`: one bulk command (get_status) to BENCH_DEVICES (10,000) online devices,
 * through the real worker.
 *
 *   1. A fresh database (scripts/bench-harness.ts) with the devices, online; the broker is MQTT_URL
 *      or the embedded one.
 *   2. The worker (`tsx workers/iot-worker.ts`, its own process as in production; command engine
 *      ticking every COMMAND_TICK_MS, 500 ms, and kicked by the NOTIFY on `sdm_commands`). On an
 *      external broker it speaks MQTT 5 (one connection, 65,535 answers in flight), the product's
 *      default.
 *   3. Lightweight simulated devices: BENCH_DEVICE_CONNECTIONS connections subscribed to a share of
 *      the devices' `devices/{id}/commands` each; every command is answered at once, `executing`
 *      then `completed` with a status result, on the device's response topic.
 *   4. Figures: insert of the batch (one transaction) → the last command sent (sent_at, and the last
 *      one a device received); answers stored per second = 20,000 answers ÷ (first answer published
 *      → every command completed in the database); send → completed per command (completed_at −
 *      sent_at), p50 and p99.
 *
 *   5. Then scripts/bench-command-center.ts: the command center's query (listCommands, what
 *      /diagnostics and GET /api/v1/commands run) over 1,000,000 command rows, p50/p95 per filter
 *      combination (BENCH_SKIP_CENTER=1 skips it).
 *
 * Targets (issue 15): all sent ≤ 2 s, ≥ 5,000 answers stored/s, p99 send → completed ≤ 1 s; the
 * command center p95 ≤ 300 ms at 1,000,000 commands.
 * PASS/FAIL is printed per target; the exit code is 0 either way.
 */
import pg from "pg";
import { commandPayload } from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import type { Actor } from "../lib/auth/permissions";
import { benchCommandCenter } from "./bench-command-center";
import { benchBroker, cleanups, connectMqtt, cpuSecondsByRole, cpuShare, fmt, loadAverage, log, openBenchDatabase, runBench, seedOnlineFleet, sleep, startWorkerProcess, verdict } from "./bench-harness";

const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const DEVICE_CONNECTIONS = Number(process.env.BENCH_DEVICE_CONNECTIONS ?? 20);
/** BENCH_SEND_ONLY=1: devices take the commands and do not answer — the send path alone, without the answers competing for the same 2 cores. */
const SEND_ONLY = !!process.env.BENCH_SEND_ONLY;
const TARGETS = { sentMs: 2_000, answersPerSecond: 5_000, p99Ms: 1_000 };

async function seed(sql: pg.Pool) {
  const started = performance.now();
  const farmId = await seedOnlineFleet(sql, { farmCode: "BENCHCMD", farmName: "Bench commands farm", idPrefix: "BC", name: "Bench gateway", deviceType: "gateway", model: "GW-100", firmwareVersion: "1.4.0" }, DEVICES);
  await sql.query("ANALYZE devices");
  log(`seeded ${fmt(DEVICES)} online gateways in ${fmt(performance.now() - started)} ms`);
  return { farmId };
}

/**
 * The bulk command as a manager sends it: lib/commands/bulk-commands.ts (the devices list's "Send
 * command…" and POST /api/v1/commands/bulk), every gateway matching the list filter, one
 * transaction, then the NOTIFY.
 */
async function sendBulk(databaseUrl: string) {
  process.env.DATABASE_URL = databaseUrl;
  const { getDb } = await import("../lib/db");
  const { sendBulkCommand } = await import("../lib/commands/bulk-commands");
  const db = getDb();
  const admin = await db.user.create({ data: { email: "bench-admin@farm.example", name: "Bench admin", role: "admin", passwordHash: "not-used" } });
  const actor: Actor = { kind: "user", id: admin.id, label: admin.email, name: admin.name, role: "admin", farmId: null };
  const batch = await sendBulkCommand(db, actor, { command: "get_status", parameters: {}, target: { filter: { type: "gateway" } } });
  if (batch.total !== DEVICES) throw new Error(`the bulk command reached ${batch.total} devices, not ${DEVICES}`);
  return batch.id;
}

async function main() {
  log(`load average at start: ${loadAverage()}`);
  const { config, databaseUrl, dataDir } = await openBenchDatabase(`sdm_bench_commands_${process.pid}`);
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  cleanups.push(() => sql.end());
  const { farmId } = await seed(sql);
  // BENCH_SLOW_MS: the worker's statements slower than this go to PostgreSQL's log (where the time goes).
  if (process.env.BENCH_SLOW_MS) await sql.query(`ALTER DATABASE ${new URL(databaseUrl).pathname.slice(1)} SET log_min_duration_statement = ${Number(process.env.BENCH_SLOW_MS)}`);

  const { mqttUrl, serviceUsername, servicePassword } = await benchBroker(config, databaseUrl);

  const workerClientId = `sdm-iot-worker-bench-cmd-${process.pid}`;
  // Aedes speaks MQTT 3.1.1 only; an external broker gets the product's default, MQTT 5.
  const protocolVersion = config.MQTT_URL ? 5 : 4;
  const { lines: workerLines } = await startWorkerProcess({
    env: { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, COMMAND_TICK_MS: process.env.COMMAND_TICK_MS ?? "500", WORKER_STATS_SECONDS: "5" },
    mqttUrl,
    clientId: workerClientId,
    connections: 1,
    serviceUsername,
    servicePassword,
    protocolVersion,
  });
  log(`worker started (its own process, MQTT ${protocolVersion === 5 ? "5" : "3.1.1"})`);

  // ── the devices' side ──
  // Each connection stands for a share of the devices: subscribed to their command topics, and
  // answering on their response topics (the service account may publish there; a real device
  // could only use its own, which the broker tests cover).
  const service = { username: serviceUsername, password: servicePassword };
  const { rows: idRows } = await sql.query<{ device_id: string }>(`SELECT device_id FROM devices WHERE farm_id = $1 ORDER BY id`, [farmId]);
  const allIds = idRows.map((row) => row.device_id);
  const deviceSide = await Promise.all(
    Array.from({ length: DEVICE_CONNECTIONS }, (_, i) => connectMqtt(mqttUrl!, { ...service, clientId: `bench-cmd-devices-${process.pid}-${i}`, clean: true })),
  );
  cleanups.push(async () => {
    await Promise.all(deviceSide.map((client) => client.endAsync(true).catch(() => undefined)));
  });
  const received = new Set<string>();
  let malformed = 0;
  let firstAnswerAt = 0;
  let lastReceivedAt = 0;
  let answersPublished = 0;
  await Promise.all(
    deviceSide.map(async (client, i) => {
      client.on("message", (topic, bytes) => {
        const deviceId = topic.split("/")[1]!;
        const parsed = commandPayload.safeParse(JSON.parse(bytes.toString("utf8")));
        if (!parsed.success || parsed.data.command !== "get_status") {
          malformed += 1;
          return;
        }
        received.add(parsed.data.command_id);
        lastReceivedAt = performance.now();
        firstAnswerAt ||= lastReceivedAt;
        if (SEND_ONLY) return;
        // At once, in order on this connection: executing, then the result.
        const responseTopic = topics.commandResponse(deviceId, parsed.data.command_id);
        client.publish(responseTopic, '{"status":"executing"}', { qos: 1 });
        client.publish(
          responseTopic,
          JSON.stringify({ status: "completed", result: { state: "running", cpu_percent: 12.5, memory_percent: 40, storage_percent: 22, uptime_seconds: 86_400, firmware_version: "1.4.0" } }),
          { qos: 1 },
          () => (answersPublished += 2),
        );
      });
      await client.subscribeAsync(allIds.filter((_, n) => n % DEVICE_CONNECTIONS === i).map((deviceId) => topics.commands(deviceId)), { qos: 1 });
    }),
  );
  log(`${fmt(allIds.length)} devices listening for commands on ${DEVICE_CONNECTIONS} connections`);
  await sleep(1_000);

  // ── the bulk command ──
  const cpuBefore = cpuSecondsByRole();
  const insertStarted = performance.now();
  const insertWall = Date.now();
  const batchId = await sendBulk(databaseUrl);
  const inserted = performance.now();
  log(`bulk command ${batchId}: ${fmt(DEVICES)} queued commands by sendBulkCommand in ${fmt(inserted - insertStarted)} ms (one transaction) and notified`);

  const deadline = insertStarted + 120_000;
  let counts = { sent: 0, completed: 0 };
  for (;;) {
    const { rows } = await sql.query<{ sent: string; completed: string }>(
      `SELECT count(sent_at) AS sent, count(*) FILTER (WHERE status = 'completed') AS completed FROM commands WHERE batch_id = $1`,
      [batchId],
    );
    counts = { sent: Number(rows[0]!.sent), completed: Number(rows[0]!.completed) };
    if (counts.completed >= DEVICES || (SEND_ONLY && counts.sent >= DEVICES && received.size >= DEVICES) || performance.now() > deadline) break;
    await sleep(50);
  }
  const allDone = performance.now();
  const cpu = cpuShare(cpuBefore, cpuSecondsByRole(), (allDone - insertStarted) / 1000);

  const { rows: [figures] } = await sql.query<{ last_sent_ms: number; p50: number; p99: number; max: number; late: string; updated: string }>(
    `SELECT (extract(epoch FROM max(sent_at)) * 1000 - $2::float8)::float8 AS last_sent_ms,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - sent_at) * 1000))::float8 AS p50,
            (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - sent_at) * 1000))::float8 AS p99,
            (max(extract(epoch FROM completed_at - sent_at)) * 1000)::float8 AS max,
            count(*) FILTER (WHERE late) AS late,
            (SELECT count(*) FROM devices WHERE farm_id = $3 AND uptime_seconds = 86400) AS updated
       FROM commands WHERE batch_id = $1`,
    [batchId, insertWall, farmId],
  );
  const sentMs = figures!.last_sent_ms;
  const receivedMs = lastReceivedAt - insertStarted;
  const answerSeconds = (allDone - firstAnswerAt) / 1000;
  const answerRate = (2 * counts.completed) / answerSeconds;
  log(
    `sent: ${fmt(counts.sent)} of ${fmt(DEVICES)}, the last ${fmt(sentMs)} ms after the insert began; devices received ${fmt(received.size)} (${malformed} malformed), the last after ${fmt(receivedMs)} ms`,
  );
  log(
    `answers: ${fmt(answersPublished)} published, ${fmt(counts.completed)} commands completed ${fmt(allDone - firstAnswerAt)} ms after the first answer → ${fmt(answerRate)} answers stored/s; ` +
      `devices refreshed by get_status ${fmt(Number(figures!.updated))}; late ${figures!.late}`,
  );
  log(`send → completed: p50 ${fmt(figures!.p50)} ms, p99 ${fmt(figures!.p99)} ms, max ${fmt(figures!.max)} ms`);
  // PostgreSQL counts every database of the server, the other sessions' too.
  log(`cores used from the insert to the last completion: ${cpu} (bench = the devices' side)`);
  await sleep(5_500);
  const statsLine = workerLines.filter((line) => line.includes("commands sent")).at(-1);
  if (statsLine) log(`worker: ${statsLine}`);
  for (const line of workerLines.filter((l) => l.startsWith("commands:")).slice(0, 10)) log(`worker: ${line}`);

  const everyone = counts.completed >= DEVICES;
  console.log(
    [
      "",
      `Summary (${fmt(DEVICES)} online devices, one bulk get_status; load average 1/5/15 min now: ${loadAverage()})`,
      `  insert → last command sent ≤ ${TARGETS.sentMs / 1000} s:        ${fmt(sentMs)} ms   ${verdict(counts.sent >= DEVICES && sentMs <= TARGETS.sentMs)}`,
      `  answers stored ≥ ${fmt(TARGETS.answersPerSecond)}/s:               ${fmt(answerRate)}/s   ${verdict(everyone && answerRate >= TARGETS.answersPerSecond)}`,
      `  send → completed p99 ≤ ${TARGETS.p99Ms / 1000} s:             ${fmt(figures!.p99)} ms (p50 ${fmt(figures!.p50)} ms)   ${verdict(everyone && figures!.p99 <= TARGETS.p99Ms)}`,
      "",
    ].join("\n"),
  );
}

/** Then the command center's query over 1,000,000 command rows (BENCH_SKIP_CENTER=1 skips it). */
async function commandCenter() {
  if (process.env.BENCH_SKIP_CENTER) return;
  const { disconnectDb } = await import("../lib/db");
  await disconnectDb();
  await benchCommandCenter();
}

runBench(() => main().then(commandCenter), { exit: true });
