/**
 * Fan-out: every alert not yet notified (alerts.notified_at IS NULL — raised by the health sweep's
 * SQL, the configuration engine, the maintenance sweep or Prisma alike) becomes the outbox rows its
 * farm's rules call for, then is marked notified. Set-based, a batch of alerts per transaction:
 *
 * - the batch is claimed FOR NO KEY UPDATE SKIP LOCKED, so two workers never take the same alert
 *   (NO KEY: the rows' keys stay shareable, so nothing inserting a reference to an alert waits on
 *   us), and the unique dedupe_key makes a rerun after a crash between insert and commit harmless;
 * - one INSERT … SELECT matches rules (type, severity, group including its sub-groups), people
 *   (active, of the farm or of every farm, their minimum severity and channels of choice) and the
 *   rules' channels, and decides per row: in-app at once (`sent`, the bell sees it now), e-mail to
 *   the digest, held until the end of quiet hours, or queued;
 * - a flapping device (same device and type notified within the farm's debounce) notifies nobody:
 *   the alert is marked notified and a `cancelled` row records why.
 */
import type { Sql } from "../telemetry/sql";
import { atomically } from "../worker/engine-tick";
import { alertMessage, appUrl, type AlertFacts } from "./alert-message";

export const FAN_OUT_BATCH = 500;

export type FanOutResult = { alerts: number; queued: number; inApp: number; held: number; digest: number; debounced: number };

type AlertRow = {
  id: number;
  alert_type: string;
  severity: string;
  state: string;
  message: string | null;
  created_at: Date;
  occurrence_count: number;
  device_id: number | null;
  group_id: number | null;
  device_code: string | null;
  device_name: string | null;
  group_code: string | null;
  group_name: string | null;
  farm_id: number | null;
  farm_code: string | null;
  farm_name: string | null;
  timezone: string | null;
  debounce_minutes: number | null;
  escalation_level: number;
};

/** Alert + its device, group and farm (the device's farm, else the group's), as messages need them. */
export const ALERT_FACTS_SQL = `
  SELECT a.id, a.alert_type::text, a.severity::text, a.state::text, a.message, a.created_at, a.occurrence_count, a.device_id, a.group_id,
         a.escalation_level, d.device_id AS device_code, d.name AS device_name, g.code AS group_code, g.name AS group_name,
         f.id AS farm_id, f.code AS farm_code, f.name AS farm_name, f.timezone, f.debounce_minutes
    FROM alerts a
    LEFT JOIN devices d ON d.id = a.device_id
    LEFT JOIN device_groups g ON g.id = a.group_id
    LEFT JOIN farms f ON f.id = COALESCE(d.farm_id, g.farm_id)`;

export function factsOf(row: AlertRow, level = 0): AlertFacts | null {
  if (row.farm_id === null) return null;
  return {
    alertId: row.id,
    alertType: row.alert_type,
    severity: row.severity,
    message: row.message,
    createdAt: row.created_at,
    occurrenceCount: row.occurrence_count,
    device: row.device_code ? { deviceId: row.device_code, name: row.device_name ?? "" } : null,
    group: row.group_code ? { code: row.group_code, name: row.group_name ?? "" } : null,
    farm: { id: row.farm_id, code: row.farm_code ?? "", name: row.farm_name ?? "", timezone: row.timezone ?? "UTC" },
    level,
  };
}

export type { AlertRow };

/** Minute of the farm-local day at `$now`. */
const LOCAL_MINUTE = (tz: string) => `(extract(hour FROM $now AT TIME ZONE ${tz}) * 60 + extract(minute FROM $now AT TIME ZONE ${tz}))::int`;

/**
 * Farm-local quiet hours of rule `r` for farm time zone `tz` at `$now`: whether now is inside them,
 * and when they end (quiet_start/quiet_end are minutes of the farm's day; start > end wraps midnight).
 */
const QUIET_SQL = (r: string, tz: string) => `
  ${r}.quiet_start IS NOT NULL AND ${r}.quiet_start <> ${r}.quiet_end AND (
    CASE WHEN ${r}.quiet_start < ${r}.quiet_end
         THEN ${LOCAL_MINUTE(tz)} >= ${r}.quiet_start AND ${LOCAL_MINUTE(tz)} < ${r}.quiet_end
         ELSE ${LOCAL_MINUTE(tz)} >= ${r}.quiet_start OR ${LOCAL_MINUTE(tz)} < ${r}.quiet_end END)`;

/** The next farm-local `minute` of the day after `$now`, as a timestamptz. */
const NEXT_LOCAL_MINUTE_SQL = (minute: string, tz: string) => `
  ((date_trunc('day', $now AT TIME ZONE ${tz}) + ${minute} * interval '1 minute'
    + CASE WHEN date_trunc('day', $now AT TIME ZONE ${tz}) + ${minute} * interval '1 minute' <= $now AT TIME ZONE ${tz}
           THEN interval '1 day' ELSE interval '0' END) AT TIME ZONE ${tz})`;

const bind = (text: string) => text.replaceAll("$now", "$6::timestamptz");

/**
 * The recipients of a batch of alerts (level 0), in one statement. $1..$5 = alert ids, subjects,
 * bodies (en, nl) and payloads, $6 = now. Status rank: the most urgent of two rules reaching the
 * same person and kind wins (DISTINCT ON), the unique dedupe_key makes a rerun a no-op.
 */
const INSERT_RECIPIENTS_SQL = bind(`
  WITH RECURSIVE
  t AS MATERIALIZED (SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(alert_id, subject, body_en, body_nl, payload)),
  -- only keys and decisions travel through the matching (narrow rows, sorted in memory); the
  -- texts are joined back at the end
  al AS (
    SELECT t.alert_id, a.severity, a.alert_type, f.id AS farm_id, f.timezone AS tz, COALESCE(d.group_id, a.group_id) AS group_id
      FROM t JOIN alerts a ON a.id = t.alert_id
      LEFT JOIN devices d ON d.id = a.device_id
      LEFT JOIN device_groups g ON g.id = a.group_id
      JOIN farms f ON f.id = COALESCE(d.farm_id, g.farm_id)),
  -- the alert's group and every group above it: a rule on a group covers its sub-groups
  up(alert_id, group_id) AS (
    SELECT alert_id, group_id FROM al WHERE group_id IS NOT NULL
    UNION
    SELECT up.alert_id, g.parent_id FROM up JOIN device_groups g ON g.id = up.group_id WHERE g.parent_id IS NOT NULL),
  matched AS (
    SELECT al.alert_id, al.severity, al.farm_id, r.id AS rule_id, r.user_ids, r.channel_ids, r.digest,
           (${QUIET_SQL("r", "al.tz")}) AS quiet,
           CASE WHEN r.quiet_end IS NOT NULL THEN ${NEXT_LOCAL_MINUTE_SQL("r.quiet_end", "al.tz")} END AS quiet_end_at
      FROM al JOIN notification_rules r ON r.farm_id = al.farm_id AND r.enabled
       AND (r.alert_types IS NULL OR cardinality(r.alert_types) = 0 OR al.alert_type = ANY (r.alert_types))
       AND al.severity >= r.min_severity
       AND (r.group_id IS NULL OR EXISTS (SELECT 1 FROM up WHERE up.alert_id = al.alert_id AND up.group_id = r.group_id))),
  people AS (
    SELECT m.*, u.id AS person_id, u.locale = 'nl' AS dutch, u.notify_by_email, u.notify_in_app, u.notify_digest
      FROM matched m JOIN users u ON u.id = ANY (m.user_ids)
     WHERE u.active AND u.deactivated_at IS NULL AND (u.farm_id IS NULL OR u.farm_id = m.farm_id)
       AND m.severity >= u.notify_min_severity),
  candidates AS (
    SELECT 'alert:' || alert_id || ':0:user:' || person_id || ':email' AS dedupe_key, alert_id, farm_id, rule_id,
           'email' AS kind, person_id AS user_id, NULL::int AS channel_id, dutch,
           CASE WHEN severity = 'critical' THEN 'queued' WHEN digest OR notify_digest THEN 'digest' WHEN quiet THEN 'held' ELSE 'queued' END AS status,
           CASE WHEN severity <> 'critical' AND NOT (digest OR notify_digest) AND quiet THEN quiet_end_at ELSE $now END AS next_attempt_at
      FROM people WHERE notify_by_email
    UNION ALL
    SELECT 'alert:' || alert_id || ':0:user:' || person_id || ':in_app', alert_id, farm_id, rule_id,
           'in_app', person_id, NULL::int, dutch, 'sent', $now
      FROM people WHERE notify_in_app
    UNION ALL
    SELECT 'alert:' || m.alert_id || ':0:channel:' || c.id, m.alert_id, m.farm_id, m.rule_id,
           CASE WHEN c.kind = 'email' THEN 'email' ELSE 'webhook' END, NULL::int, c.id, false,
           CASE WHEN m.severity = 'critical' THEN 'queued' WHEN c.kind = 'email' AND m.digest THEN 'digest' WHEN m.quiet THEN 'held' ELSE 'queued' END,
           CASE WHEN m.severity <> 'critical' AND NOT (c.kind = 'email' AND m.digest) AND m.quiet THEN m.quiet_end_at ELSE $now END
      FROM matched m JOIN notification_channels c ON c.id = ANY (m.channel_ids)
     WHERE c.enabled AND (c.farm_id IS NULL OR c.farm_id = m.farm_id)),
  chosen AS (
    SELECT DISTINCT ON (dedupe_key) *
      FROM candidates
     ORDER BY dedupe_key, CASE status WHEN 'sent' THEN 0 WHEN 'queued' THEN 1 WHEN 'held' THEN 2 ELSE 3 END, next_attempt_at)
  INSERT INTO notifications (dedupe_key, alert_id, farm_id, rule_id, level, kind, user_id, channel_id, subject, body, payload, status, next_attempt_at, sent_at, created_at)
  SELECT c.dedupe_key, c.alert_id, c.farm_id, c.rule_id, 0, c.kind::"NotificationKind", c.user_id, c.channel_id, t.subject,
         CASE WHEN c.dutch THEN t.body_nl ELSE t.body_en END, t.payload::jsonb,
         c.status::"NotificationStatus", c.next_attempt_at, CASE WHEN c.status = 'sent' THEN $now END, $now
    FROM chosen c JOIN t ON t.alert_id = c.alert_id
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING kind::text, status::text`);

/**
 * Alerts of the batch whose device (or group) and type were notified within the farm's debounce:
 * the previous alert's level-0 notifications, not cancelled. $1 ids, $2 now.
 */
const DEBOUNCED_SQL = `
  SELECT a.id, max(n.created_at) AS last_notified, f.debounce_minutes
    FROM alerts a
    LEFT JOIN devices d ON d.id = a.device_id
    LEFT JOIN device_groups g ON g.id = a.group_id
    JOIN farms f ON f.id = COALESCE(d.farm_id, g.farm_id)
    JOIN alerts p ON p.id < a.id AND p.alert_type = a.alert_type
                 AND (p.device_id = a.device_id OR (a.device_id IS NULL AND p.group_id = a.group_id))
    JOIN notifications n ON n.alert_id = p.id AND n.level = 0 AND n.status <> 'cancelled'
   WHERE a.id = ANY ($1::int[]) AND f.debounce_minutes > 0
     AND n.created_at > $2::timestamptz - f.debounce_minutes * interval '1 minute'
   GROUP BY a.id, f.debounce_minutes`;

/** One batch in one transaction on `sql` (a dedicated connection). */
export async function fanOutBatch(sql: Sql, now: Date, batch = FAN_OUT_BATCH, base = appUrl()): Promise<FanOutResult> {
  const result: FanOutResult = { alerts: 0, queued: 0, inApp: 0, held: 0, digest: 0, debounced: 0 };
  await atomically(sql, async () => {
    const { rows } = await sql.query<AlertRow>(`${ALERT_FACTS_SQL} WHERE a.notified_at IS NULL ORDER BY a.id LIMIT $1 FOR NO KEY UPDATE OF a SKIP LOCKED`, [batch]);
    if (rows.length === 0) return;
    result.alerts = rows.length;
    const nowIso = now.toISOString();
    const ids = rows.map((row) => row.id);
    const { rows: debounced } = await sql.query<{ id: number; last_notified: Date; debounce_minutes: number }>(DEBOUNCED_SQL, [ids, nowIso]);
    const skip = new Map(debounced.map((row) => [row.id, row]));
    const send = { ids: [] as number[], subjects: [] as string[], en: [] as string[], nl: [] as string[], payloads: [] as string[] };
    const quiet = { keys: [] as string[], alerts: [] as number[], farms: [] as number[], subjects: [] as string[], bodies: [] as string[] };
    for (const row of rows) {
      const facts = factsOf(row);
      if (!facts) continue; // a cross-farm group's alert: no farm, no rules
      // Resolved before anyone was told (a worker that was down): news of nothing to do.
      if (row.state === "resolved") continue;
      const message = alertMessage(facts, base);
      const last = skip.get(row.id);
      if (last) {
        const minutes = Math.max(0, Math.round((now.getTime() - new Date(last.last_notified).getTime()) / 60_000));
        quiet.keys.push(`alert:${row.id}:debounced`);
        quiet.alerts.push(row.id);
        quiet.farms.push(facts.farm.id);
        quiet.subjects.push(message.subject);
        quiet.bodies.push(
          `Not sent: the same device and alert type was notified ${minutes} minute(s) ago, within the farm's debounce of ${last.debounce_minutes} minute(s) (a flapping device).`,
        );
        continue;
      }
      send.ids.push(row.id);
      send.subjects.push(message.subject);
      send.en.push(message.body.en);
      send.nl.push(message.body.nl);
      send.payloads.push(JSON.stringify(message.payload));
    }
    if (send.ids.length > 0) {
      const inserted = await sql.query<{ kind: string; status: string }>(INSERT_RECIPIENTS_SQL, [send.ids, send.subjects, send.en, send.nl, send.payloads, nowIso]);
      for (const row of inserted.rows) {
        if (row.kind === "in_app") result.inApp += 1;
        else if (row.status === "held") result.held += 1;
        else if (row.status === "digest") result.digest += 1;
        else result.queued += 1;
      }
    }
    if (quiet.keys.length > 0) {
      // The record of why nobody heard of it: a cancelled row on the alert (nobody's, no delivery).
      await sql.query(
        `INSERT INTO notifications (dedupe_key, alert_id, farm_id, level, kind, subject, body, status, last_error, created_at, next_attempt_at)
         SELECT u.key, u.alert_id, u.farm_id, 0, 'in_app', u.subject, u.body, 'cancelled', u.body, $6::timestamptz, $6::timestamptz
           FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[]) AS u(key, alert_id, farm_id, subject, body)
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [quiet.keys, quiet.alerts, quiet.farms, quiet.subjects, quiet.bodies, nowIso],
      );
      result.debounced = quiet.keys.length;
    }
    await sql.query(`UPDATE alerts SET notified_at = $2::timestamptz WHERE id = ANY ($1::int[])`, [ids, nowIso]);
  });
  return result;
}

/** Batches until no alert waits (or another worker holds the rest). */
export async function fanOut(sql: Sql, now: Date, options: { batch?: number; base?: string } = {}): Promise<FanOutResult> {
  const total: FanOutResult = { alerts: 0, queued: 0, inApp: 0, held: 0, digest: 0, debounced: 0 };
  const batch = options.batch ?? FAN_OUT_BATCH;
  for (;;) {
    const result = await fanOutBatch(sql, now, batch, options.base);
    for (const key of Object.keys(total) as (keyof FanOutResult)[]) total[key] += result[key];
    if (result.alerts < batch) return total;
  }
}
