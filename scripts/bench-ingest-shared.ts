/**
 * `npm run bench:ingest -- --workers 2` (or BENCH_WORKERS=2): two worker processes on one MQTT
 * shared subscription (`$share/<group>/…`), one killed outright (SIGKILL) mid-run and restarted
 * with its client id after BENCH_RESTART_AFTER seconds (3) — what an orchestrator's restart policy
 * does. Every message carries a unique number; at the end each number the broker acknowledged to
 * the publisher must be exactly one row: lost and duplicated are counted, not sampled.
 *
 *   BENCH_DEVICES (2,000) devices, BENCH_CONNECTIONS (20) publisher connections (service account,
 *   each speaking for a share of the devices), BENCH_RATE (3,000) messages/s for BENCH_SECONDS (30);
 *   the kill at BENCH_KILL_AT (40 %) of the run. Needs MQTT_URL: a broker with shared
 *   subscriptions (Mosquitto 2, EMQX); the embedded Aedes has none.
 */
import mqtt, { type MqttClient } from "mqtt";
import pg from "pg";
import { topics } from "../lib/mqtt/topics";
import { newSecret } from "../lib/provisioning/credentials";

export async function benchSharedMain() {
  const { cleanup, cleanups, fmt, loadAverage, log, openBenchDatabase, sleep, startWorkerProcess, verdict } = await import("./bench-harness");
  const devices = Number(process.env.BENCH_DEVICES ?? 2_000);
  const connectionCount = Number(process.env.BENCH_CONNECTIONS ?? 20);
  const rate = Number(process.env.BENCH_RATE ?? 3_000);
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  const killAt = Number(process.env.BENCH_KILL_AT ?? 0.4);
  const restartAfter = Number(process.env.BENCH_RESTART_AFTER ?? 3);
  if (!process.env.MQTT_URL) {
    console.log("bench:ingest --workers 2 needs MQTT_URL (Mosquitto 2 or EMQX): the embedded broker (Aedes) has no shared subscriptions.");
    process.exit(2);
  }
  log(`load average at start: ${loadAverage()}`);
  const { databaseUrl, config } = await openBenchDatabase(`sdm_bench_shared_${process.pid}`);
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  cleanups.push(() => sql.end());
  const { rows: [farm] } = await sql.query<{ id: number }>(`INSERT INTO farms (code, name) VALUES ('BENCH', 'Bench farm') RETURNING id`);
  await sql.query(
    `INSERT INTO devices (device_id, name, device_type, state, farm_id, updated_at, last_seen, health_status, health_score, connection_status, signal_quality)
     SELECT 'BX' || lpad(n::text, 6, '0'), 'Bench meter ' || n, 'milk_meter', 'active', $1, now(), now() - interval '1 minute', 'healthy', 100, 'online', 'good'
       FROM generate_series(1, $2::int) AS n`,
    [farm!.id, devices],
  );
  await sql.query("ANALYZE devices");
  const deviceIds = Array.from({ length: devices }, (_, i) => `BX${String(i + 1).padStart(6, "0")}`);

  const mqttUrl = config.MQTT_URL!;
  const protocolVersion = config.MQTT_PROTOCOL_VERSION;
  const serviceUsername = config.MQTT_SERVICE_USERNAME;
  const servicePassword = config.MQTT_SERVICE_PASSWORD ?? newSecret(18);
  const group = `bench-${process.pid}`;
  const workerOptions = (clientId: string) => ({
    env: { DATABASE_URL: databaseUrl, MQTT_SHARED_GROUP: group, WORKER_STATS_SECONDS: "2" },
    mqttUrl,
    clientId,
    connections: 1,
    serviceUsername,
    servicePassword,
    protocolVersion,
  });
  const idA = `sdm-iot-worker-bench-a-${process.pid}`;
  const idB = `sdm-iot-worker-bench-b-${process.pid}`;
  let a = await startWorkerProcess(workerOptions(idA));
  const b = await startWorkerProcess(workerOptions(idB));
  log(`two workers on $share/${group}/…, MQTT ${protocolVersion === 5 ? "5" : "3.1.1"}, broker ${mqttUrl}`);
  await sleep(1_000);

  // ── publishers: numbered messages at a fixed rate ──
  const clients: MqttClient[] = [];
  for (let c = 0; c < connectionCount; c++) {
    const client = mqtt.connect(mqttUrl, { clientId: `bench-pub-${process.pid}-${c}`, username: serviceUsername, password: servicePassword, protocolVersion, clean: true, reconnectPeriod: 1_000 });
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
    });
    clients.push(client);
  }
  cleanups.push(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  });
  const acked: number[] = [];
  let failed = 0;
  let sent = 0;
  const publishOne = () => {
    const seq = sent++;
    const deviceId = deviceIds[seq % devices]!;
    const payload = `{"ts":${Date.now()},"battery_level":${80 + (seq % 10)},"signal_strength":-60,"error_count":0,"readings":{"seq":${seq}}}`;
    clients[seq % clients.length]!.publish(topics.telemetry(deviceId), payload, { qos: 1 }, (error) => {
      if (error) failed += 1;
      else acked.push(seq);
    });
  };
  const started = Date.now();
  let killedAt: number | null = null;
  let restartedAt: number | null = null;
  let aReceivedBeforeKill = 0;
  const receivedOf = (lines: string[]) => {
    const last = lines.filter((line) => line.startsWith("worker: received ")).at(-1);
    return last ? Number(/received (\d+)/.exec(last)![1]) : 0;
  };
  const ticker = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (let n = Math.min(due - sent, rate); n > 0; n--) publishOne();
  }, 10);
  while (Date.now() - started < seconds * 1000) {
    await sleep(100);
    const elapsed = (Date.now() - started) / 1000;
    if (killedAt === null && elapsed >= seconds * killAt) {
      aReceivedBeforeKill = receivedOf(a.lines);
      a.child.kill("SIGKILL");
      killedAt = Date.now();
      log(`worker A killed (SIGKILL) at ${elapsed.toFixed(1)} s, ${fmt(sent)} published so far`);
    }
    if (killedAt !== null && restartedAt === null && Date.now() - killedAt >= restartAfter * 1000) {
      a = await startWorkerProcess(workerOptions(idA));
      restartedAt = Date.now();
      log(`worker A restarted with its client id after ${((restartedAt - killedAt) / 1000).toFixed(1)} s`);
    }
  }
  clearInterval(ticker);
  const publishEnded = Date.now();
  await sleep(2_000);
  log(`published ${fmt(sent)}, acknowledged by the broker ${fmt(acked.length)}${failed ? `, ${fmt(failed)} failed` : ""}; draining…`);

  // ── drain, then count ──
  const count = async () => {
    const { rows: [row] } = await sql.query<{ rows: string; distinct: string }>(
      `SELECT count(*)::text AS rows, count(DISTINCT (readings->>'seq'))::text AS distinct FROM telemetry_samples`,
    );
    return { rows: Number(row!.rows), distinct: Number(row!.distinct) };
  };
  const drainDeadline = Date.now() + 90_000;
  let counted = await count();
  while (counted.distinct < acked.length && Date.now() < drainDeadline) {
    await sleep(500);
    counted = await count();
  }
  const drainedAt = Date.now();
  await sleep(1_000);
  counted = await count();
  const { rows: seqRows } = await sql.query<{ seq: number }>(`SELECT DISTINCT (readings->>'seq')::int AS seq FROM telemetry_samples`);
  const storedSeqs = new Set(seqRows.map((row) => row.seq));
  const lost = acked.filter((seq) => !storedSeqs.has(seq)).length;
  const duplicated = counted.rows - counted.distinct;
  const stats = (lines: string[]) => lines.filter((line) => line.startsWith("worker: received")).at(-1) ?? "(no stats line)";
  const aLines = a.lines;
  const bLines = b.lines;
  await a.stop();
  await b.stop();

  console.log("");
  console.log(`  bench:ingest, two workers — ${fmt(devices)} devices, ${fmt(rate)} messages/s offered for ${seconds} s, worker A killed at ${Math.round(killAt * 100)} % and restarted ${restartAfter} s later; load average ${loadAverage()}`);
  console.log(`  published and acknowledged by the broker: ${fmt(acked.length)}; rows ${fmt(counted.rows)}, distinct messages ${fmt(counted.distinct)}`);
  console.log(`  lost ${fmt(lost)}, duplicated ${fmt(duplicated)}`);
  console.log(`  stored rate over the run: ${fmt(counted.distinct / ((drainedAt - started) / 1000))} messages/s (all stored ${((drainedAt - publishEnded) / 1000).toFixed(1)} s after the last publish)`);
  console.log(`  worker A before the kill: received ${fmt(aReceivedBeforeKill)}; restarted A: ${stats(aLines).slice(0, 160)}`);
  console.log(`  worker B: ${stats(bLines).slice(0, 160)}`);
  const redelivered = /redelivered \d+ \((\d+) found stored/.exec(stats(aLines));
  if (redelivered) console.log(`  redeliveries found already stored by the killed run (acknowledged, not stored again): ${redelivered[1]}`);
  console.log("");
  console.log(`  ${verdict(lost === 0)}  zero lost`);
  console.log(`  ${verdict(duplicated === 0)}  zero duplicated`);
  console.log("");
  await cleanup();
  process.exit(0);
}
