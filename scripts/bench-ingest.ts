/**
 * `npm run bench:ingest`: how fast the IoT worker stores telemetry, against the physical limit of
 * the same broker with the same publishers.
 *
 *   1. A fresh database (scripts/bench-harness.ts) with BENCH_DEVICES (10,000) devices and their
 *      MQTT credentials, registered set-based (one INSERT … SELECT generate_series each).
 *   2. Broker: MQTT_URL when set, else the embedded one (workers/embedded-broker.ts) in its own
 *      process, authenticating every device against the database as in production.
 *   3. BENCH_PUBLISHERS (2) child processes open BENCH_CONNECTIONS (= devices) mqtt.js connections,
 *      each logged in as its own device with its own credentials and client id, as the broker ACL
 *      requires (a device may publish only under devices/{itsOwnId}/…). With BENCH_CONNECTIONS
 *      below the device count, each connection logs in with the service account (which may publish
 *      anywhere) and speaks for several device ids: cheaper for a small machine, same worker load.
 *   4. Physical limit: a do-nothing subscriber (QoS 1, acknowledges at once, stores nothing) takes
 *      devices/+/telemetry while the publishers go flat out, BENCH_LIMIT_SECONDS (10): each keeps
 *      BENCH_FLAT_WINDOW unacknowledged publishes in flight (2,000; 100 on the embedded broker).
 *   5. The real worker (`tsx workers/iot-worker.ts`, its own process as in production) takes the
 *      same stream for a warm-up (BENCH_WARMUP_SECONDS, 15) and then BENCH_SECONDS (60), the
 *      measured window. The publishers are paced "as fast as the worker can take it": the offered
 *      rate climbs from 2,000/s (15 % a half-second in the warm-up, 2 % in the window) while the
 *      backlog (published − stored) stays under 0.15 s of traffic (or 500 messages); once it
 *      passes 0.3 s (and 1,500 messages) the rate drops towards what was stored in the last 2 s
 *      less what drains the excess in about 2 s (by at most a fifth a half-second). BENCH_RATE=N
 *      fixes the rate instead (warm-up 3 s).
 *   6. Lag, for the messages published in the window: every payload carries its publish time
 *      (`ts`, ms; the worker files the sample under it). A reader polls telemetry_samples every
 *      50 ms for new rows (`id > last seen`; the worker commits one window at a time, so ids
 *      become visible in order); a row's lag is the start of the poll that first saw it minus its
 *      publish time: publish → broker → worker → commit → visible, over-stated by at most one poll
 *      interval.
 *   7. Zero lost: every message the broker acknowledged to a publisher must be a row at the end.
 *   8. The health sweep over 100,000 devices (scripts/bench-sweep.ts), when it exists.
 *
 * `--workers 2` (or BENCH_WORKERS=2) measures something else: two workers on one shared
 * subscription, one killed mid-run, lost and duplicated rows counted (scripts/bench-ingest-shared.ts).
 *
 * Targets (issue 7): ≥ 5,000 messages/s sustained, zero lost, p99 lag ≤ 1 s, ≥ 50 % of the
 * do-nothing rate. PASS/FAIL is printed per target; the exit code is 0 either way.
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath, pathToFileURL } from "node:url";
import mqtt, { type MqttClient } from "mqtt";
import pg from "pg";
import { hashSecret, mqttIdentity, newSecret } from "../lib/provisioning/credentials";
import { topics } from "../lib/mqtt/topics";

const SELF = fileURLToPath(import.meta.url);

type PublisherDevice = { deviceId: string; username: string; password: string; clientId: string };
type PublisherInit = { mqttUrl: string; protocolVersion: 4 | 5; connections: PublisherDevice[]; speaksFor: string[][] };
type ToPublisher = { type: "init"; init: PublisherInit } | { type: "rate"; perSecond: number } | { type: "flat"; window: number } | { type: "stop" };
type FromPublisher = { type: "connected"; count: number; failed: number } | { type: "progress"; sent: number; acked: number; failed: number };

// ───────────────────────────── publisher child ─────────────────────────────

async function publisherMain() {
  const send = (message: FromPublisher) => process.send?.(message);
  let clients: { client: MqttClient; deviceIds: string[]; next: number }[] = [];
  let sent = 0;
  let acked = 0;
  let failed = 0;
  let mode: { kind: "idle" } | { kind: "rate"; perSecond: number; since: number; base: number } | { kind: "flat"; window: number } = { kind: "idle" };
  let cursor = 0;

  const publishOne = () => {
    const slot = clients[cursor % clients.length]!;
    cursor += 1;
    const deviceId = slot.deviceIds[slot.next % slot.deviceIds.length]!;
    slot.next += 1;
    // A healthy fleet: values move a little, none crosses a health threshold.
    const payload = `{"ts":${Date.now()},"battery_level":${80 + (sent % 10)},"signal_strength":-${58 + (sent % 4)},"error_count":${sent % 3},"uptime_seconds":${sent},"readings":{"milk_flow_lpm":2.5}}`;
    sent += 1;
    slot.client.publish(topics.telemetry(deviceId), payload, { qos: 1 }, (error) => {
      if (error) failed += 1;
      else acked += 1;
    });
  };

  const tick = setInterval(() => {
    if (clients.length === 0) return;
    if (mode.kind === "rate") {
      const due = mode.base + Math.floor(((Date.now() - mode.since) / 1000) * mode.perSecond);
      // Never more than a second behind: a stalled event loop must not turn into a burst.
      for (let n = Math.min(due - sent, Math.ceil(mode.perSecond)); n > 0; n--) publishOne();
    } else if (mode.kind === "flat") {
      for (let n = mode.window - (sent - acked - failed); n > 0; n--) publishOne();
    }
  }, 10);
  const report = setInterval(() => send({ type: "progress", sent, acked, failed }), 100);

  process.on("message", async (message: ToPublisher) => {
    switch (message.type) {
      case "init": {
        const { init } = message;
        let connectFailed = 0;
        const open = async (device: PublisherDevice, index: number) => {
          const client = mqtt.connect(init.mqttUrl, {
            clientId: device.clientId,
            username: device.username,
            password: device.password,
            protocolVersion: init.protocolVersion,
            clean: true,
            keepalive: 300,
            reconnectPeriod: 1_000,
            connectTimeout: 60_000,
          });
          try {
            await connected(client);
            clients.push({ client, deviceIds: init.speaksFor[index]!, next: 0 });
          } catch {
            connectFailed += 1;
          }
        };
        // 100 logins at a time: the embedded broker checks each against the database.
        for (let i = 0; i < init.connections.length; i += 100) {
          await Promise.all(init.connections.slice(i, i + 100).map((device, j) => open(device, i + j)));
        }
        send({ type: "connected", count: clients.length, failed: connectFailed });
        return;
      }
      case "rate":
        mode = { kind: "rate", perSecond: message.perSecond, since: Date.now(), base: sent };
        return;
      case "flat":
        mode = { kind: "flat", window: message.window };
        return;
      case "stop": {
        mode = { kind: "idle" };
        clearInterval(tick);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        send({ type: "progress", sent, acked, failed });
        clearInterval(report);
        await Promise.all(clients.map(({ client }) => client.endAsync(true).catch(() => undefined)));
        clients = [];
        process.exit(0);
      }
    }
  });
}

// ───────────────────────────── the benchmark ─────────────────────────────

function percentile(sorted: Float64Array, p: number) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Resolves on the client's first CONNACK; rejects on its first error. */
function connected(client: MqttClient) {
  return new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function benchMain() {
  const { cleanup, cleanups, cpuSecondsByRole, cpuShare, loadAverage, log, openBenchDatabase, startEmbeddedBrokerProcess, startWorkerProcess } = await import("./bench-harness");
  const devicesWanted = Number(process.env.BENCH_DEVICES ?? 10_000);
  const connectionsWanted = Math.min(devicesWanted, Number(process.env.BENCH_CONNECTIONS ?? devicesWanted));
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const limitSeconds = Number(process.env.BENCH_LIMIT_SECONDS ?? Math.min(10, seconds));
  const publisherCount = Math.max(1, Number(process.env.BENCH_PUBLISHERS ?? 2));
  const fixedRate = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : null;
  log(`load average at start: ${loadAverage()}`);

  const { databaseUrl, config } = await openBenchDatabase(`sdm_bench_ingest_${process.pid}`);
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  cleanups.push(() => sql.end());

  // ── devices and credentials, set-based ──
  const password = newSecret(18);
  let started = Date.now();
  const { rows: [farm] } = await sql.query<{ id: number }>(`INSERT INTO farms (code, name) VALUES ('BENCH', 'Bench farm') RETURNING id`);
  // A fleet that has been running (seen a minute ago, healthy): the worker under test restarts
  // into it, as a deployment would.
  await sql.query(
    `INSERT INTO devices (device_id, name, device_type, state, farm_id, updated_at, last_seen, health_status, health_score,
                          connection_status, signal_quality, battery_level, signal_strength)
     SELECT 'BX' || lpad(n::text, 6, '0'), 'Bench meter ' || n, 'milk_meter', 'active', $1, now(), now() - interval '1 minute',
            'healthy', 100, 'online', 'good', 85, -60
       FROM generate_series(1, $2::int) AS n`,
    [farm!.id, devicesWanted],
  );
  await sql.query(
    `INSERT INTO device_credentials (device_id, username, client_id, password_hash)
     SELECT id, 'dev-' || device_id, 'sdm-' || device_id, $1 FROM devices WHERE farm_id = $2`,
    [hashSecret(password), farm!.id],
  );
  // A running fleet has planner statistics; a table filled a second ago has none, and then the
  // planner picks the trigram GIN index for `device_id = ANY(…)` (5 s for 800 ids instead of 5 ms).
  await sql.query("ANALYZE devices; ANALYZE device_credentials");
  log(`registered ${fmt(devicesWanted)} devices with credentials in ${Date.now() - started} ms`);
  const deviceIds = Array.from({ length: devicesWanted }, (_, i) => `BX${String(i + 1).padStart(6, "0")}`);

  // ── broker ──
  const serviceUsername = config.MQTT_SERVICE_USERNAME;
  const servicePassword = config.MQTT_SERVICE_PASSWORD ?? newSecret(18);
  let mqttUrl = config.MQTT_URL;
  const protocolVersion: 4 | 5 = config.MQTT_URL ? config.MQTT_PROTOCOL_VERSION : 4;
  const children: ChildProcess[] = [];
  cleanups.push(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  });
  if (!mqttUrl) {
    const broker = await startEmbeddedBrokerProcess(databaseUrl, servicePassword);
    children.push(broker.child);
    mqttUrl = broker.url;
  } else {
    log(`broker: ${mqttUrl} (external), MQTT ${protocolVersion === 5 ? "5" : "3.1.1"}`);
  }

  // ── publishers ──
  const perDevice = connectionsWanted === devicesWanted;
  const connections: PublisherDevice[] = [];
  const speaksFor: string[][] = [];
  for (let c = 0; c < connectionsWanted; c++) {
    if (perDevice) {
      const deviceId = deviceIds[c]!;
      connections.push({ deviceId, password, ...mqttIdentity(deviceId) });
      speaksFor.push([deviceId]);
    } else {
      connections.push({ deviceId: "", username: serviceUsername, password: servicePassword, clientId: `bench-pub-${process.pid}-${c}` });
      speaksFor.push(deviceIds.filter((_, i) => i % connectionsWanted === c));
    }
  }
  const publishers = Array.from({ length: publisherCount }, () => {
    const child = fork(SELF, ["--publisher"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    children.push(child);
    return { child, sent: 0, acked: 0, failed: 0 };
  });
  for (const publisher of publishers) {
    publisher.child.on("message", (message: FromPublisher) => {
      if (message.type === "progress") Object.assign(publisher, { sent: message.sent, acked: message.acked, failed: message.failed });
    });
  }
  const totals = () => publishers.reduce((sum, p) => ({ sent: sum.sent + p.sent, acked: sum.acked + p.acked, failed: sum.failed + p.failed }), { sent: 0, acked: 0, failed: 0 });
  const toAll = (message: ToPublisher) => publishers.forEach(({ child }) => child.send(message));

  started = Date.now();
  const logins = await Promise.all(
    publishers.map(({ child }, p) => {
      const share = (_: unknown, i: number) => i % publisherCount === p;
      child.send({ type: "init", init: { mqttUrl: mqttUrl!, protocolVersion, connections: connections.filter(share), speaksFor: speaksFor.filter(share) } } satisfies ToPublisher);
      return new Promise<{ count: number; failed: number }>((resolve) => {
        const onMessage = (message: FromPublisher) => {
          if (message.type !== "connected") return;
          child.off("message", onMessage);
          resolve(message);
        };
        child.on("message", onMessage);
      });
    }),
  );
  const openConnections = logins.reduce((sum, c) => sum + c.count, 0);
  log(
    `${fmt(openConnections)} MQTT connections open (${perDevice ? "one per device, each with its own credentials" : `service account, ${fmt(devicesWanted / connectionsWanted)} device ids each`}) ` +
      `in ${((Date.now() - started) / 1000).toFixed(1)} s across ${publisherCount} publisher processes` +
      (logins.some((c) => c.failed) ? `; ${logins.reduce((s, c) => s + c.failed, 0)} failed` : ""),
  );

  // ── physical limit: a do-nothing subscriber ──
  const subscriber = mqtt.connect(mqttUrl, {
    clientId: `bench-null-${process.pid}`,
    username: serviceUsername,
    password: servicePassword,
    protocolVersion,
    clean: true,
    ...(protocolVersion === 5 ? { properties: { receiveMaximum: 65_535 } } : {}),
  });
  await connected(subscriber);
  let nullReceived = 0;
  subscriber.on("message", () => (nullReceived += 1));
  await subscriber.subscribeAsync("devices/+/telemetry", { qos: 1 });
  // Unacknowledged publishes per publisher process. Aedes (the embedded broker) overflows its
  // stack (mqemitter's queue) when thousands are in flight at once, hence a smaller default there.
  toAll({ type: "flat", window: Number(process.env.BENCH_FLAT_WINDOW ?? (config.MQTT_URL ? 2_000 : 100)) });
  await sleep(1_000);
  const nullFrom = nullReceived;
  const nullStart = Date.now();
  const nullCpu = cpuSecondsByRole();
  await sleep(limitSeconds * 1_000);
  const nullRate = (nullReceived - nullFrom) / ((Date.now() - nullStart) / 1000);
  const nullCores = cpuShare(nullCpu, cpuSecondsByRole(), (Date.now() - nullStart) / 1000);
  toAll({ type: "rate", perSecond: 0 });
  await sleep(1_500);
  await subscriber.endAsync();
  log(`do-nothing subscriber: ${fmt(nullRate)} messages/s over ${limitSeconds} s (publishers flat out)`);
  const limitPublished = totals().acked;

  // ── the worker, its own process ──
  const workerClientId = `sdm-iot-worker-bench-${process.pid}`;
  // The worker's own default (MQTT_INGEST_CONNECTIONS, 1), as the worker reads it; Aedes has no $share.
  const ingestConnections = config.MQTT_URL ? config.MQTT_INGEST_CONNECTIONS : 1;
  const { lines: workerLines, stop: stopWorker } = await startWorkerProcess({
    env: { DATABASE_URL: databaseUrl },
    mqttUrl,
    clientId: workerClientId,
    connections: ingestConnections,
    serviceUsername,
    servicePassword,
    protocolVersion,
  });
  log(`worker: started (tsx workers/iot-worker.ts), ${ingestConnections} broker connection${ingestConnections > 1 ? "s on a shared subscription" : ""}`);

  // ── the reader: lag per row ──
  const lags = new Float64Array(4_000_000);
  let timed = 0;
  let seen = 0;
  let lastId = "0";
  const seenAt: { at: number; seen: number }[] = [];
  let reading = true;
  /** Rows published before this (the warm-up) are counted as stored but not timed. */
  let timeFrom = Infinity;
  const reader = (async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    while (reading) {
      const pollStart = Date.now();
      // (node-postgres hands a bigint over as a string.)
      const { rows } = await client.query<{ id: string; ts: number }>(
        `SELECT id, (extract(epoch FROM ts) * 1000)::float8 AS ts FROM telemetry_samples WHERE id > $1 ORDER BY id`,
        [lastId],
      );
      for (const row of rows) if (row.ts >= timeFrom && timed < lags.length) lags[timed++] = pollStart - row.ts;
      seen += rows.length;
      if (rows.length > 0) lastId = rows[rows.length - 1]!.id;
      seenAt.push({ at: pollStart, seen });
      const wait = 50 - (Date.now() - pollStart);
      if (wait > 0) await sleep(wait);
    }
    await client.end();
  })();

  // ── warm-up, then the measured window ──
  // The offered rate starts low and climbs to what the worker takes during the warm-up, so the
  // measured window holds the worker's pace, not the controller's ramp.
  const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? (fixedRate === null ? 15 : 3));
  const before = totals();
  let rate = fixedRate ?? 2_000;
  const setRate = () => toAll({ type: "rate", perSecond: rate / publisherCount });
  setRate();
  const rateLog: number[] = [];
  let windowStart = Infinity;
  let seenAtStart = 0;
  let windowCpu = cpuSecondsByRole();
  const warmupEnds = Date.now() + warmupSeconds * 1_000;
  const recent = [{ at: Date.now(), seen }];
  for (;;) {
    await sleep(500);
    const now = Date.now();
    if (windowStart === Infinity && now >= warmupEnds) {
      windowStart = now;
      timeFrom = now;
      seenAtStart = seen;
      windowCpu = cpuSecondsByRole();
    }
    if (now - windowStart >= seconds * 1_000) break;
    if (now >= windowStart) rateLog.push(rate);
    if (fixedRate !== null) continue;
    // Published and acknowledged by the broker, not yet visible in the table: the worker's queue
    // plus the pipeline's fixed latency (windows, commits, the 50 ms reader), a few hundred
    // messages whatever the rate — hence the floors, without which a slow moment spirals down.
    const backlog = totals().acked - before.acked - seen;
    // What the worker stored over the last 2 s (half-second figures jump with the commits).
    recent.push({ at: now, seen });
    while (recent.length > 5) recent.shift();
    const storedRate = ((seen - recent[0]!.seen) / (now - recent[0]!.at)) * 1000;
    if (process.env.BENCH_VERBOSE) log(`${new Date(now).toISOString().slice(11, 23)} offered ${fmt(rate)}/s, stored ${fmt(storedRate)}/s, backlog ${fmt(backlog)}${now < windowStart ? " (warm-up)" : ""}`);
    if (backlog < Math.max(rate * 0.15, 500)) {
      // Keeping up: offer more, quickly while warming up, then in small steps.
      rate = Math.min(rate * (now < warmupEnds ? 1.15 : 1.02), 100_000);
    } else if (backlog > Math.max(rate * 0.3, 1_500)) {
      // A queue is building: offer what the worker stored lately less what drains the excess in
      // about 2 s, dropping by at most a fifth a half-second (one slow commit is not the pace).
      rate = Math.max(Math.min(rate, storedRate - (backlog - rate * 0.15) / 2), rate * 0.8, 100);
    }
    setRate();
  }
  const windowEnd = Date.now();
  const windowCores = cpuShare(windowCpu, cpuSecondsByRole(), (windowEnd - windowStart) / 1000);
  const seenAtEnd = seen;
  toAll({ type: "stop" });
  await Promise.all(publishers.map(({ child }) => (child.exitCode === null ? once(child, "exit") : Promise.resolve())));
  const after = totals();
  // Drain: everything the broker acknowledged must arrive.
  const drainDeadline = Date.now() + 60_000;
  while (seen < after.acked - limitPublished && Date.now() < drainDeadline) await sleep(200);
  await sleep(500);
  reading = false;
  await reader;
  const { rows: [stored] } = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM telemetry_samples`);
  const storedRows = Number(stored!.n);
  const expected = after.acked - limitPublished;

  await stopWorker();
  const workerStats = workerLines.filter((line) => line.startsWith("worker: received")).at(-1);

  // ── figures ──
  const storedRate = (seenAtEnd - seenAtStart) / ((windowEnd - windowStart) / 1000);
  // The slowest 5-second stretch of the window: "sustained" means no stretch far below the mean.
  let slowest = Infinity;
  for (const point of seenAt) {
    if (point.at < windowStart || point.at + 5_000 > windowEnd) continue;
    const later = seenAt.find((p) => p.at >= point.at + 5_000);
    if (later) slowest = Math.min(slowest, (later.seen - point.seen) / ((later.at - point.at) / 1000));
  }
  const sorted = lags.slice(0, timed).sort();
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  const lost = Math.max(0, expected - storedRows);
  const ratio = storedRate / nullRate;

  const loadNow = loadAverage();
  console.log("");
  console.log(`  bench:ingest — ${fmt(openConnections)} devices connected, ${seconds} s window, load average ${loadNow}`);
  console.log(`  broker ${config.MQTT_URL ? mqttUrl : "embedded (Aedes)"}, PostgreSQL ${config.DATABASE_URL ? "external" : "embedded"}, offered rate ${fixedRate !== null ? `fixed ${fmt(fixedRate)}/s` : `adaptive, ended at ${fmt(rate)}/s (max ${fmt(Math.max(...rateLog))}/s)`}`);
  console.log(`  stored:            ${fmt(storedRate)} messages/s over the window (slowest 5 s: ${fmt(slowest === Infinity ? storedRate : slowest)}/s)`);
  console.log(`  published/stored:  ${fmt(expected)} acknowledged by the broker, ${fmt(storedRows)} rows, lost ${fmt(lost)}` + (after.failed ? ` (${fmt(after.failed)} publishes failed at the broker)` : ""));
  console.log(`  lag publish→stored: p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms, max ${fmt(sorted[sorted.length - 1] ?? NaN)} ms (${fmt(timed)} rows published in the window timed)`);
  console.log(`  do-nothing subscriber: ${fmt(nullRate)} messages/s → worker at ${(ratio * 100).toFixed(0)} % of it`);
  console.log(`  cores used, do-nothing run: ${nullCores}`);
  console.log(`  cores used, worker window: ${windowCores}`);
  if (workerStats) console.log(`  ${workerStats}`);
  const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
  console.log("");
  console.log(`  ${verdict(storedRate >= 5_000 && slowest >= 4_000)}  ≥ 5,000 messages/s sustained for ${seconds} s${seconds < 60 ? " (target is 60 s)" : ""}`);
  console.log(`  ${verdict(lost === 0)}  zero lost`);
  console.log(`  ${verdict(p99 <= 1_000)}  p99 lag ≤ 1 s`);
  console.log(`  ${verdict(ratio >= 0.5)}  ≥ 50 % of the do-nothing rate`);

  // ── the health sweep (scripts/bench-sweep.ts, written separately) ──
  const sweepModule = "./bench-sweep";
  try {
    const sweep = (await import(sweepModule)) as {
      measureSweep?: (databaseUrl: string, devices: number) => Promise<unknown>;
      formatSweep?: (measurement: never) => string;
    };
    if (typeof sweep.measureSweep !== "function") throw new Error("no measureSweep export");
    console.log("");
    const measurement = await sweep.measureSweep(databaseUrl, 100_000);
    console.log(sweep.formatSweep ? sweep.formatSweep(measurement as never) : JSON.stringify(measurement));
  } catch (error) {
    console.log(`  sweep over 100,000 devices: not available (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
  console.log("");

  await cleanup();
  process.exit(0);
}

/** `--workers 2` / BENCH_WORKERS=2: two workers on a shared subscription, one killed mid-run (scripts/bench-ingest-shared.ts). */
const twoWorkers = process.env.BENCH_WORKERS === "2" || process.argv.some((arg, i) => arg === "--workers=2" || (arg === "--workers" && process.argv[i + 1] === "2"));

if (process.argv.includes("--publisher")) {
  void publisherMain();
} else if (twoWorkers && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  import("./bench-ingest-shared").then(({ benchSharedMain }) => benchSharedMain()).catch(async (error: unknown) => {
    console.error("[bench] failed:", error instanceof Error ? error.stack : error);
    const { cleanup } = await import("./bench-harness");
    await cleanup();
    process.exit(1);
  });
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchMain().catch(async (error: unknown) => {
    console.error("[bench] failed:", error instanceof Error ? error.stack : error);
    const { cleanup } = await import("./bench-harness");
    await cleanup();
    process.exit(1);
  });
}
