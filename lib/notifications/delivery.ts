/**
 * Delivery of the outbox: due rows (queued, or held whose time came) are claimed in batches with
 * FOR UPDATE SKIP LOCKED and leased (next_attempt_at pushed ahead, committed at once) so no lock is
 * held while mail servers and webhooks answer, and a worker that dies mid-send only delays them by
 * the lease. Sent with bounded concurrency; every attempt is a notification_deliveries row (ok,
 * response code, error, duration) and the notification becomes sent, queued again after a backoff,
 * or failed after the last attempt with last_error saying why. None of it touches the alert.
 */
import { openSecret } from "../security/secret-box";
import type { Sql } from "../telemetry/sql";
import type { Mailer } from "../mail/mailer";
import { mailError } from "../mail/mailer";
import { bodyWithLink } from "./sealed-link";
import { callWebhook, WEBHOOK_TIMEOUT_MS, type WebhookFormat } from "./webhook";
import { DNS_TIMEOUT_MS } from "./safe-url";

/** Minutes before attempt 2, 3, …; after the last, the notification is failed. */
export const BACKOFF_MINUTES = [1, 5, 15, 60, 360];
export const DELIVERY_BATCH = 200;
/** Calls in flight per lane: enough for a local receiver at hundreds a second, not a flood for a chat service. */
export const DELIVERY_CONCURRENCY = 16;
/** Least time a claimed row is ours before another worker may take it again (see leaseSeconds). */
export const LEASE_SECONDS = 120;
/** Worst case of one mail: connection, greeting and socket timeouts of the mailer (10 + 10 + 30 s). */
const MAIL_WORST_MS = 50_000;

/**
 * The lease covers the whole batch even if every call runs into its timeout: rows are sent
 * `concurrency` at a time, so ceil(batch ÷ concurrency) rounds of the slowest call, plus a margin.
 * The result is still written only if the claim is ours (see the final UPDATE).
 */
export function leaseSeconds(batch: number, concurrency: number, webhookTimeoutMs: number): number {
  const rounds = Math.ceil(batch / Math.max(1, concurrency));
  const worstMs = Math.max(MAIL_WORST_MS, webhookTimeoutMs + DNS_TIMEOUT_MS);
  return Math.max(LEASE_SECONDS, Math.ceil((rounds * worstMs) / 1000) + 60);
}

export const ALL_KINDS = ["email", "webhook", "in_app"] as const;

export type DeliveryOptions = {
  mailer: Mailer;
  /** Which kinds this lane delivers (default all): the engine runs mail and webhooks in lanes of their own. */
  kinds?: readonly ("email" | "webhook" | "in_app")[];
  batch?: number;
  concurrency?: number;
  backoffMinutes?: number[];
  webhookTimeoutMs?: number;
  log?: (line: string) => void;
};

export type DeliveryResult = { claimed: number; sent: number; retried: number; failed: number; cancelled: number };

type Claimed = {
  id: string;
  kind: "email" | "webhook" | "in_app";
  user_id: number | null;
  channel_id: number | null;
  alert_id: number | null;
  level: number;
  subject: string;
  body: string;
  payload: Record<string, unknown>;
  attempts: number;
  user_email: string | null;
  user_name: string | null;
  user_usable: boolean | null;
  channel_kind: "email" | "webhook" | null;
  channel_enabled: boolean | null;
  channel_address: string | null;
  url_encrypted: string | null;
  url_host: string | null;
  format: WebhookFormat | null;
  secret_encrypted: string | null;
  alert_state: string | null;
};

type Outcome = { status: "sent" | "queued" | "failed" | "cancelled"; error: string | null; nextAt: Date | null; attempt?: { ok: boolean; code: number | null; ms: number } };

const CLAIM_SQL = `
  WITH due AS (
    SELECT id FROM notifications
     WHERE status IN ('queued', 'held') AND next_attempt_at <= $1::timestamptz AND kind = ANY ($4::"NotificationKind"[])
     ORDER BY next_attempt_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED),
  claimed AS (
    UPDATE notifications n SET status = 'queued', attempts = n.attempts + 1, next_attempt_at = $3::timestamptz
      FROM due WHERE n.id = due.id
    RETURNING n.id, n.kind, n.user_id, n.channel_id, n.alert_id, n.level, n.subject, n.body, n.payload, n.attempts)
  -- a person is reachable unless deactivated (one invited but not yet joined may be inactive
  -- until then, and must still get the invitation)
  SELECT c.id::text, c.kind::text, c.user_id, c.channel_id, c.alert_id, c.level, c.subject, c.body, c.payload, c.attempts,
         u.email AS user_email, u.name AS user_name, (u.deactivated_at IS NULL AND (u.active OR (u.invited_at IS NOT NULL AND u.joined_at IS NULL))) AS user_usable,
         ch.kind::text AS channel_kind, ch.enabled AS channel_enabled, ch.address AS channel_address, ch.url_encrypted, ch.url_host,
         ch.format::text AS format, ch.secret_encrypted, a.state::text AS alert_state
    FROM claimed c
    LEFT JOIN users u ON u.id = c.user_id
    LEFT JOIN notification_channels ch ON ch.id = c.channel_id
    LEFT JOIN alerts a ON a.id = c.alert_id`;

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(runners);
}

function retryOrFail(attempts: number, error: string, now: Date, backoff: number[]): Pick<Outcome, "status" | "nextAt" | "error"> {
  const wait = backoff[attempts - 1];
  if (wait === undefined) return { status: "failed", nextAt: null, error: `${error} (gave up after ${attempts} attempt${attempts === 1 ? "" : "s"})` };
  return { status: "queued", nextAt: new Date(now.getTime() + wait * 60_000), error };
}

/** One batch: claim, send, record. */
export async function deliverBatch(sql: Sql, now: Date, options: DeliveryOptions): Promise<DeliveryResult> {
  const batch = options.batch ?? DELIVERY_BATCH;
  const backoff = options.backoffMinutes ?? BACKOFF_MINUTES;
  const concurrency = options.concurrency ?? DELIVERY_CONCURRENCY;
  // The lease end is written at claim time and is our claim's mark: results are recorded only where it is still there.
  const lease = new Date(now.getTime() + leaseSeconds(batch, concurrency, options.webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS) * 1000);
  const { rows } = await sql.query<Claimed>(CLAIM_SQL, [now.toISOString(), batch, lease.toISOString(), options.kinds ?? ALL_KINDS]);
  const result: DeliveryResult = { claimed: rows.length, sent: 0, retried: 0, failed: 0, cancelled: 0 };
  if (rows.length === 0) return result;

  // Secrets opened once per channel per batch; the URL is checked again (DNS) per call.
  const secrets = new Map<number, { url: string; secret: string | null } | Error>();
  const channelSecrets = (row: Claimed) => {
    let entry = secrets.get(row.channel_id!);
    if (!entry) {
      try {
        entry = { url: openSecret(row.url_encrypted ?? ""), secret: row.secret_encrypted ? openSecret(row.secret_encrypted) : null };
      } catch (error) {
        entry = error instanceof Error ? error : new Error(String(error));
      }
      secrets.set(row.channel_id!, entry);
    }
    return entry;
  };

  const outcomes = new Map<string, Outcome>();
  await eachLimited(rows, concurrency, async (row) => {
    outcomes.set(row.id, await deliverOne(row));
  });

  async function deliverOne(row: Claimed): Promise<Outcome> {
    const cancel = (why: string): Outcome => ({ status: "cancelled", error: why, nextAt: null });
    if (row.level > 0 && row.alert_state !== null && row.alert_state !== "active") return cancel(`The alert was ${row.alert_state}: escalation stopped.`);
    if (row.kind === "in_app") return { status: "sent", error: null, nextAt: null };
    if (row.user_id !== null && !row.user_usable) return cancel(`${row.user_name ?? "The person"} is deactivated.`);
    if (row.channel_id !== null && !row.channel_enabled) return cancel("The channel is disabled.");
    const started = performance.now();
    if (row.kind === "email") {
      const to = row.user_id !== null ? row.user_email : row.channel_address;
      if (!to) return { status: "failed", error: "No e-mail address to send to.", nextAt: null };
      let text: string;
      try {
        text = bodyWithLink(row.body, row.payload);
      } catch (error) {
        return { status: "failed", error: `The link in this mail cannot be read: ${error instanceof Error ? error.message : String(error)}`, nextAt: null };
      }
      try {
        const sent = await options.mailer.send({ to, subject: row.subject, text, headers: { "X-SDM-Notification": row.id } });
        return { status: "sent", error: null, nextAt: null, attempt: { ok: true, code: sent.responseCode, ms: performance.now() - started } };
      } catch (error) {
        const { message, code } = mailError(error);
        return { ...retryOrFail(row.attempts, `Mail not sent: ${message}`, now, backoff), attempt: { ok: false, code, ms: performance.now() - started } };
      }
    }
    // webhook
    const opened = channelSecrets(row);
    if (opened instanceof Error) {
      return { ...retryOrFail(row.attempts, `The webhook address cannot be read: ${opened.message}`, now, backoff), attempt: { ok: false, code: null, ms: 0 } };
    }
    const outcome = await callWebhook({
      url: opened.url,
      format: row.format ?? "json",
      secret: opened.secret,
      message: { subject: row.subject, body: row.body, payload: row.payload ?? {} },
      now,
      timeoutMs: options.webhookTimeoutMs,
    });
    const attempt = { ok: outcome.ok, code: outcome.code, ms: performance.now() - started };
    if (outcome.ok) return { status: "sent", error: null, nextAt: null, attempt };
    return { ...retryOrFail(row.attempts, outcome.error ?? "failed", now, backoff), attempt };
  }

  // Record: one statement for the rows, one for the delivery log.
  const done = { id: [] as string[], status: [] as string[], error: [] as (string | null)[], next: [] as (string | null)[], attempts: [] as number[] };
  const log = { id: [] as string[], attempt: [] as number[], ok: [] as boolean[], code: [] as (number | null)[], error: [] as (string | null)[], ms: [] as number[] };
  for (const row of rows) {
    const outcome = outcomes.get(row.id)!;
    done.id.push(row.id);
    done.status.push(outcome.status);
    done.error.push(outcome.error);
    done.next.push(outcome.nextAt?.toISOString() ?? null);
    done.attempts.push(row.attempts);
    if (outcome.attempt) {
      log.id.push(row.id);
      log.attempt.push(row.attempts);
      log.ok.push(outcome.attempt.ok);
      log.code.push(outcome.attempt.code);
      log.error.push(outcome.attempt.ok ? null : outcome.error);
      log.ms.push(Math.round(outcome.attempt.ms));
    }
  }
  // Attempts that never were (cancelled, in-app) are not counted as attempts. Only rows still
  // under our claim (same lease end, same attempt, still queued) are written: one whose lease ran
  // out and another worker took meanwhile keeps that worker's result.
  const { rows: recorded } = await sql.query<{ id: string }>(
    `UPDATE notifications n
        SET status = r.status::"NotificationStatus",
            sent_at = CASE WHEN r.status = 'sent' THEN $5::timestamptz ELSE n.sent_at END,
            last_error = r.error,
            -- a sealed link is needed no more once its mail went out
            payload = CASE WHEN r.status = 'sent' AND n.payload ? 'sealedLink' THEN n.payload - 'sealedLink' ELSE n.payload END,
            next_attempt_at = COALESCE(r.next_at, n.next_attempt_at),
            attempts = CASE WHEN r.status IN ('cancelled') OR n.kind = 'in_app' THEN n.attempts - 1 ELSE n.attempts END
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $6::int[]) AS r(id, status, error, next_at, attempts)
      WHERE n.id = r.id AND n.status = 'queued' AND n.attempts = r.attempts AND n.next_attempt_at = $7::timestamptz
      RETURNING n.id::text`,
    [done.id, done.status, done.error, done.next, now.toISOString(), done.attempts, lease.toISOString()],
  );
  const ours = new Set(recorded.map((r) => r.id));
  for (const row of rows) {
    if (!ours.has(row.id)) continue;
    const outcome = outcomes.get(row.id)!;
    result[outcome.status === "queued" ? "retried" : outcome.status] += 1;
  }
  if (ours.size < rows.length) options.log?.(`notifications: ${rows.length - ours.size} result(s) not recorded, the claim was taken over (lease ran out)`);
  // The attempt happened even if its result came too late to record: the log keeps it.
  if (log.id.length > 0) {
    await sql.query(
      `INSERT INTO notification_deliveries (notification_id, attempt, ok, response_code, error, duration_ms, created_at)
       SELECT * , $7::timestamptz FROM unnest($1::bigint[], $2::int[], $3::bool[], $4::int[], $5::text[], $6::int[])`,
      [log.id, log.attempt, log.ok, log.code, log.error, log.ms, now.toISOString()],
    );
  }
  if (result.failed > 0 || result.retried > 0) options.log?.(`notifications: ${result.sent} sent, ${result.retried} to retry, ${result.failed} failed for good`);
  return result;
}

/** Batches until nothing is due (or `maxBatches`, so one tick does not run forever on a huge backlog). */
export async function deliverDue(sql: Sql, now: () => Date, options: DeliveryOptions & { maxBatches?: number; stopping?: () => boolean }): Promise<DeliveryResult> {
  const total: DeliveryResult = { claimed: 0, sent: 0, retried: 0, failed: 0, cancelled: 0 };
  const batch = options.batch ?? DELIVERY_BATCH;
  // A stopping worker finishes the batch in hand (and records it), not the backlog.
  for (let i = 0; i < (options.maxBatches ?? 50) && !options.stopping?.(); i++) {
    const result = await deliverBatch(sql, now(), options);
    for (const key of Object.keys(total) as (keyof DeliveryResult)[]) total[key] += result[key];
    if (result.claimed < batch) break;
  }
  return total;
}
