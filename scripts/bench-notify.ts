/**
 * Notifications at burst size (issue 18 targets): 1,000 critical alerts raised at once fan out to
 * their rules' recipients — every notification queued ≤ 2 s, the in-app ones visible ≤ 2 s —,
 * webhook deliveries to a local receiver ≥ 200/s, and the alert sweep's own time changes by ≤ 10 %
 * when the alerts it raises are fanned out (the fan-out runs after its commit, off its path). The
 * sweep beside an unrelated burst's fan-out is printed too: that measures two jobs sharing 2 cores.
 *
 * Seeds a farm with 1,000 milk meters, a rule sending everything to 5 people (e-mail + in-app) and
 * a signed JSON webhook channel to a local HTTP receiver, a local SMTP server (smtp-server) for the
 * mail, and a separate fleet for the health sweep. The engine is the worker's (NotifyEngine: LISTEN
 * on `notifications` woken by the alerts trigger, its own pool of 3 connections).
 *
 *   npm run bench:notify                fresh database sdm_bench_notify (DATABASE_URL's server, else embedded)
 *   BENCH_SWEEP_DEVICES=50000 npm run bench:notify
 *
 * `measureNotify(databaseUrl)` returns the figures for another script.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { runHealthSweep } from "../lib/alerts/alert-sweep";
import { createMailer } from "../lib/mail/mailer";
import { NotifyEngine } from "../lib/notifications/notify-engine";
import { sealSecret } from "../lib/security/secret-box";
import { createSqlPool } from "../lib/telemetry/sql";
import { cleanup, fmt, loadAverage, log, openBenchDatabase, seedOnlineFleet, sleep, verdict } from "./bench-harness";

export const TARGETS = { queuedMs: 2_000, inAppMs: 2_000, webhooksPerSecond: 200, sweepChangePct: 10 };
const ALERTS = 1_000;
const PEOPLE = 5;

export type NotifyMeasurement = {
  alerts: number;
  notifications: number;
  queuedMs: number;
  inAppMs: number;
  webhooks: number;
  webhookSeconds: number;
  webhooksPerSecond: number;
  mails: number;
  mailsPerSecond: number;
  sweepDevices: number;
  sweepAloneMs: number;
  sweepWithFanOutMs: number;
  sweepChangePct: number;
  /** Alerts each measured sweep raised. */
  sweepRaised: number;
  /** The sweep beside an unrelated burst's fan-out and delivery: CPU shared, no target. */
  sweepBesideBurstMs: number;
  /** The same sweep (keeping its alerts) on a quiet machine. */
  sweepQuietMs: number;
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** A local SMTP server that accepts and drops every mail (counting them). */
async function startMailSink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      stream.on("data", () => undefined);
      stream.on("end", () => {
        count += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, count: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A local webhook receiver: times of the calls it got. */
async function startReceiver(): Promise<{ url: string; calls: number[]; close: () => Promise<void> }> {
  const calls: number[] = [];
  const server = http.createServer((request, response) => {
    request.on("data", () => undefined);
    request.on("end", () => {
      calls.push(performance.now());
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, calls, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, everyMs = 10): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await sleep(everyMs);
  }
  throw new Error(`not reached within ${timeoutMs / 1000} s`);
}

export async function measureNotify(databaseUrl: string, sweepDevices = 20_000): Promise<NotifyMeasurement> {
  process.env.SECRETS_KEY ||= "bench-notify-secrets-key-0123456789abcdef";
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 4, application_name: "sdm-bench-notify" });
  const sweepPool = createSqlPool(databaseUrl, 4);
  const enginePool = createSqlPool(databaseUrl, 3);
  const sink = await startMailSink();
  const receiver = await startReceiver();
  const mailer = createMailer({ url: sink.url });
  let engine: NotifyEngine | null = null;
  try {
    // The farm, its people, the webhook and the rule.
    const farmId = await seedOnlineFleet(sql, { farmCode: "BN", farmName: "Green Pastures", idPrefix: "MM", name: "Milk meter", deviceType: "milk_meter", model: "MM-1", firmwareVersion: "1.0.0" }, ALERTS);
    await sql.query(`UPDATE farms SET timezone = 'Europe/Amsterdam', debounce_minutes = 0 WHERE id = $1`, [farmId]);
    const { rows: people } = await sql.query<{ id: number }>(
      `INSERT INTO users (email, name, role, farm_id, password_hash) SELECT 'person' || n || '@bench.test', 'Person ' || n, 'manager', $1, 'x' FROM generate_series(1, $2::int) n RETURNING id`,
      [farmId, PEOPLE],
    );
    const { rows: [channel] } = await sql.query<{ id: number }>(
      `INSERT INTO notification_channels (farm_id, name, kind, url_encrypted, url_host, format, secret_encrypted) VALUES ($1, 'Parlour chat', 'webhook', $2, $3, 'json', $4) RETURNING id`,
      [farmId, sealSecret(receiver.url), new URL(receiver.url).host, sealSecret("bench-signing-secret")],
    );
    await sql.query(`INSERT INTO notification_rules (farm_id, name, alert_types, min_severity, user_ids, channel_ids) VALUES ($1, 'Everything', '{}', 'warning', $2, $3)`, [
      farmId,
      people.map((person) => person.id),
      [channel!.id],
    ]);
    // The sweep's own fleet (another farm, no rules): ~5 % of it with an issue, so the sweep has alerts to keep.
    const sweepFarm = await seedOnlineFleet(sql, { farmCode: "BS", farmName: "Sweep farm", idPrefix: "SW", name: "Collar", deviceType: "collar", model: "C-1", firmwareVersion: "1.0.0" }, sweepDevices);
    await sql.query(`UPDATE devices SET battery_level = CASE WHEN random() < 0.05 THEN 5 ELSE 80 END, signal_strength = -60 WHERE farm_id = $1`, [sweepFarm]);
    await sql.query(`VACUUM ANALYZE devices, alerts, notifications`);
    log(`seeded a farm with ${fmt(ALERTS)} milk meters, ${PEOPLE} people and a webhook; a sweep fleet of ${fmt(sweepDevices)} devices`);

    // The sweep's own time: each run raises the sweep fleet's ~1,000 alerts anew (the previous ones
    // resolved, untimed) — first with no notification engine, then with the engine listening and a
    // webhook rule on that farm, so every raise is fanned out and delivered after the sweep commits.
    // Between runs the fan-out is let finish (untimed): this is what notifications add to the sweep.
    const sweepChannel = await sql.query<{ id: number }>(
      `INSERT INTO notification_channels (farm_id, name, kind, url_encrypted, url_host, format, secret_encrypted) VALUES ($1, 'Sweep hook', 'webhook', $2, $3, 'json', $4) RETURNING id`,
      [sweepFarm, sealSecret(receiver.url), new URL(receiver.url).host, sealSecret("bench-signing-secret")],
    );
    await sql.query(`UPDATE farms SET debounce_minutes = 0 WHERE id = $1`, [sweepFarm]);
    await sql.query(`INSERT INTO notification_rules (farm_id, name, alert_types, min_severity, channel_ids) VALUES ($1, 'Sweep', '{}', 'low', $2)`, [sweepFarm, [sweepChannel.rows[0]!.id]]);
    const resolveSweepAlerts = () => sql.query(`UPDATE alerts SET state = 'resolved', resolved_at = now(), notified_at = coalesce(notified_at, now()) WHERE state <> 'resolved' AND device_id IN (SELECT id FROM devices WHERE farm_id = $1)`, [sweepFarm]);
    const raisingRuns = async (between: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        await resolveSweepAlerts();
        const started = performance.now();
        await runHealthSweep(sweepPool, new Date());
        times.push(performance.now() - started);
        await between();
      }
      return times;
    };
    await runHealthSweep(sweepPool, new Date());
    const alone = await raisingRuns(async () => undefined);
    const raised = Number((await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM alerts WHERE state <> 'resolved' AND device_id IN (SELECT id FROM devices WHERE farm_id = $1)`, [sweepFarm])).rows[0]!.n);
    await resolveSweepAlerts();

    engine = new NotifyEngine(enginePool, { databaseUrl, mailer, tickMs: 2_000, escalationEveryMs: 0, digestEveryMs: 0, appUrl: "http://localhost:3000", log });
    engine.start();
    // The sweep fleet's own alerts (no rules): fanned out before the burst.
    await waitFor(async () => (await sql.query(`SELECT 1 FROM alerts WHERE notified_at IS NULL LIMIT 1`)).rowCount === 0, 30_000, 50);
    await sleep(500);
    const fannedOut = async () => {
      await waitFor(async () => (await sql.query(`SELECT 1 FROM alerts WHERE notified_at IS NULL LIMIT 1`)).rowCount === 0, 60_000, 20);
      await waitFor(async () => (await sql.query(`SELECT 1 FROM notifications WHERE status NOT IN ('sent', 'failed', 'cancelled') AND kind = 'webhook' LIMIT 1`)).rowCount === 0, 60_000, 20);
    };
    const withEngine = await raisingRuns(fannedOut);
    log(`sweep raising ${fmt(raised)} alerts: without notifications ${alone.map((ms) => Math.round(ms)).join(", ")} ms; with the engine fanning them out ${withEngine.map((ms) => Math.round(ms)).join(", ")} ms`);
    // The sweep keeping those alerts, quiet: the reference for the run beside a burst further down.
    const quiet: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await runHealthSweep(sweepPool, new Date());
      quiet.push(performance.now() - started);
    }
    await sleep(500);

    // The burst: 1,000 critical alerts in one statement, as the health sweep raises them.
    const expected = ALERTS * (PEOPLE * 2 + 1);
    const inAppExpected = ALERTS * PEOPLE;
    const callsBefore = receiver.calls.length;
    const raisedAt = performance.now();
    await sql.query(
      `INSERT INTO alerts (device_id, alert_type, severity, message) SELECT id, 'low_battery', 'critical', 'Battery level at 4 %' FROM devices WHERE farm_id = $1`,
      [farmId],
    );
    let inAppMs = 0;
    const queuedMs = await waitFor(async () => {
      const { rows: [counts] } = await sql.query<{ total: number; in_app: number }>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE kind = 'in_app' AND status = 'sent')::int AS in_app FROM notifications WHERE farm_id = $1`,
        [farmId],
      );
      if (!inAppMs && counts!.in_app >= inAppExpected) inAppMs = performance.now() - raisedAt;
      return counts!.total >= expected;
    }, 60_000);
    if (!inAppMs) inAppMs = queuedMs;
    await waitFor(async () => receiver.calls.length - callsBefore >= ALERTS, 120_000, 20);
    const calls = receiver.calls.slice(callsBefore);
    const webhookSeconds = (calls[calls.length - 1]! - calls[0]!) / 1000;
    // Mail has no target: measured while it lasts, at most 2 minutes (a busy machine's SMTP is slow).
    await waitFor(async () => (await sql.query(`SELECT 1 FROM notifications WHERE farm_id = $1 AND kind = 'email' AND status <> 'sent' LIMIT 1`, [farmId])).rowCount === 0, 120_000, 100).catch(() => undefined);
    const mailsSent = sink.count();
    const mailSeconds = (performance.now() - raisedAt) / 1000;
    log(`burst: ${fmt(expected)} notifications queued in ${fmt(queuedMs)} ms, webhooks ${fmt(calls.length)} in ${webhookSeconds.toFixed(2)} s, ${fmt(sink.count())} mails by ${mailSeconds.toFixed(1)} s`);

    // The sweep while the fan-out runs: each run starts together with a burst of 200 critical
    // alerts (the previous ones resolved), 2,200 notifications to fan out and deliver meanwhile.
    const busy: number[] = [];
    for (let i = 0; i < 7; i++) {
      await sql.query(`UPDATE alerts SET state = 'resolved', resolved_at = now() WHERE state <> 'resolved' AND device_id IN (SELECT id FROM devices WHERE farm_id = $1)`, [farmId]);
      await sql.query(
        `INSERT INTO alerts (device_id, alert_type, severity, message)
         SELECT id, 'offline', 'critical', 'Device offline' FROM devices WHERE farm_id = $1 ORDER BY random() LIMIT 200`,
        [farmId],
      );
      const started = performance.now();
      await runHealthSweep(sweepPool, new Date());
      busy.push(performance.now() - started);
    }
    const bursts = busy.length;
    log(`sweep while another farm's burst of 200 alerts is fanned out and delivered on the same cores (${bursts} runs): ${busy.map((ms) => Math.round(ms)).join(", ")} ms`);
    const sweepAloneMs = median(alone);
    const sweepWithFanOutMs = median(withEngine);
    return {
      alerts: ALERTS,
      notifications: expected,
      queuedMs,
      inAppMs,
      webhooks: calls.length,
      webhookSeconds,
      webhooksPerSecond: calls.length / Math.max(webhookSeconds, 0.001),
      mails: mailsSent,
      mailsPerSecond: mailsSent / mailSeconds,
      sweepDevices,
      sweepAloneMs,
      sweepWithFanOutMs,
      sweepChangePct: ((sweepWithFanOutMs - sweepAloneMs) / sweepAloneMs) * 100,
      sweepRaised: raised,
      sweepBesideBurstMs: median(busy),
      sweepQuietMs: median(quiet),
    };
  } finally {
    await engine?.stop();
    mailer.close();
    await Promise.all([sink.close(), receiver.close()]);
    await Promise.all([sql.end(), sweepPool.end(), enginePool.end()]);
  }
}

export function formatNotify(m: NotifyMeasurement): string {
  return [
    `Notifications: ${fmt(m.alerts)} critical alerts at once → ${fmt(m.notifications)} notifications (${os.cpus().length} cores, load average ${loadAverage()})`,
    `  every notification queued   ${fmt(m.queuedMs).padStart(6)} ms   target ≤ ${fmt(TARGETS.queuedMs)} ms: ${verdict(m.queuedMs <= TARGETS.queuedMs)}`,
    `  in-app ones visible         ${fmt(m.inAppMs).padStart(6)} ms   target ≤ ${fmt(TARGETS.inAppMs)} ms: ${verdict(m.inAppMs <= TARGETS.inAppMs)}`,
    `  webhook deliveries          ${fmt(m.webhooksPerSecond).padStart(6)} /s   (${fmt(m.webhooks)} in ${m.webhookSeconds.toFixed(2)} s)  target ≥ ${TARGETS.webhooksPerSecond}/s: ${verdict(m.webhooksPerSecond >= TARGETS.webhooksPerSecond)}`,
    `  mail (local SMTP)           ${fmt(m.mailsPerSecond).padStart(6)} /s   (${fmt(m.mails)} of ${fmt(m.alerts * PEOPLE)} sent, timed from the raise; no target)`,
    `  health sweep, ${fmt(m.sweepDevices)} devices raising ${fmt(m.sweepRaised)} alerts: ${fmt(m.sweepAloneMs)} ms without notifications, ${fmt(m.sweepWithFanOutMs)} ms with them fanned out (median of 7)`,
    `  sweep change                ${m.sweepChangePct >= 0 ? "+" : ""}${m.sweepChangePct.toFixed(1)} %   target ≤ ${TARGETS.sweepChangePct} %: ${verdict(m.sweepChangePct <= TARGETS.sweepChangePct)}`,
    `  the sweep keeping its alerts: ${fmt(m.sweepQuietMs)} ms quiet, ${fmt(m.sweepBesideBurstMs)} ms beside another farm's 2,200-notification burst on the same ${os.cpus().length} cores (shared CPU; no target)`,
  ].join("\n");
}

/**
 * Benchmarks run after this one on the same database: the lead wires scripts/bench-audit.ts's
 * `runAuditBench()` here when it is merged (e.g. `AFTER_NOTIFY.push((url) => runAuditBench(url))`).
 */
export const AFTER_NOTIFY: ((databaseUrl: string) => Promise<unknown>)[] = [];

async function main() {
  const { databaseUrl } = await openBenchDatabase("sdm_bench_notify");
  const measurement = await measureNotify(databaseUrl, Number(process.env.BENCH_SWEEP_DEVICES ?? 20_000));
  console.log(`\n${formatNotify(measurement)}\n`);
  for (const next of AFTER_NOTIFY) await next(databaseUrl);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main()
    .catch((error) => {
      console.error("[bench] failed:", error instanceof Error ? error.message : error);
      process.exitCode = 1;
    })
    .finally(async () => {
      await cleanup();
      log("stopped everything it started");
    });
}

