/**
 * Escalation: a critical alert still `active` (nobody acknowledged or resolved it) whose time since
 * it was raised (level 0) or last escalated exceeds the farm's escalation interval goes to the next
 * level of the farm's on-call list — its people by e-mail and in-app whatever their own minimum
 * severity (being on call is the point), its channels — and the alert's escalation_level and
 * escalated_at move in the same transaction. Repeated up to the farm's last level. Acknowledging
 * or resolving stops it: such alerts are no longer picked, and their escalation messages not yet
 * sent are cancelled here (and by the delivery, should it reach one first).
 *
 * Runs once across workers (the caller holds runExclusively's advisory lock).
 */
import type { Sql } from "../telemetry/sql";
import { atomically } from "../worker/engine-tick";
import { alertMessage, appUrl } from "./alert-message";
import { ALERT_FACTS_SQL, factsOf, type AlertRow } from "./fan-out";

export const ESCALATION_LOCK = 7_318_018;
export const ESCALATION_BATCH = 500;

export type EscalationResult = { escalated: number; queued: number; cancelled: number };

const DUE_SQL = `
  SELECT q.*, (SELECT min(o.level) FROM on_call_entries o WHERE o.farm_id = q.farm_id AND o.level > q.escalation_level) AS next_level
    FROM (${ALERT_FACTS_SQL}
           WHERE a.state = 'active' AND a.severity = 'critical' AND a.notified_at IS NOT NULL
             AND COALESCE(a.escalated_at, a.created_at) <= $1::timestamptz - f.escalation_interval_minutes * interval '1 minute'
             AND EXISTS (SELECT 1 FROM on_call_entries o WHERE o.farm_id = f.id AND o.level > a.escalation_level)
           ORDER BY a.id
           LIMIT $2
           FOR NO KEY UPDATE OF a SKIP LOCKED) q`;

/**
 * $1 alert ids, $2 levels, $3 subjects, $4/$5 bodies en/nl, $6 payloads, $7 now. Queues the level's
 * messages and records each alert's `escalated` audit event (level, who was notified), in one
 * statement per batch. Returns the number of messages queued.
 */
const INSERT_ON_CALL_SQL = `
  WITH t AS (SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(alert_id, level, subject, body_en, body_nl, payload)),
  al AS (
    SELECT t.*, f.id AS farm_id
      FROM t JOIN alerts a ON a.id = t.alert_id
      LEFT JOIN devices d ON d.id = a.device_id
      LEFT JOIN device_groups g ON g.id = a.group_id
      JOIN farms f ON f.id = COALESCE(d.farm_id, g.farm_id)),
  entries AS (SELECT al.*, o.user_id, o.channel_id FROM al JOIN on_call_entries o ON o.farm_id = al.farm_id AND o.level = al.level),
  candidates AS (
    SELECT 'alert:' || e.alert_id || ':' || e.level || ':user:' || u.id || ':' || k.kind AS dedupe_key, e.alert_id, e.farm_id, e.level,
           k.kind, u.id AS user_id, NULL::int AS channel_id, e.subject, CASE WHEN u.locale = 'nl' THEN e.body_nl ELSE e.body_en END AS body, e.payload,
           CASE WHEN k.kind = 'in_app' THEN 'sent' ELSE 'queued' END AS status
      FROM entries e JOIN users u ON u.id = e.user_id AND u.active AND u.deactivated_at IS NULL AND (u.farm_id IS NULL OR u.farm_id = e.farm_id)
      CROSS JOIN (VALUES ('email'), ('in_app')) AS k(kind)
    UNION ALL
    SELECT 'alert:' || e.alert_id || ':' || e.level || ':channel:' || c.id, e.alert_id, e.farm_id, e.level,
           CASE WHEN c.kind = 'email' THEN 'email' ELSE 'webhook' END, NULL::int, c.id, e.subject, e.body_en, e.payload, 'queued'
      FROM entries e JOIN notification_channels c ON c.id = e.channel_id AND c.enabled),
  queued AS (
    INSERT INTO notifications (dedupe_key, alert_id, farm_id, level, kind, user_id, channel_id, subject, body, payload, status, next_attempt_at, sent_at, created_at)
    SELECT DISTINCT ON (dedupe_key) dedupe_key, alert_id, farm_id, level, kind::"NotificationKind", user_id, channel_id, subject, body, payload::jsonb,
           status::"NotificationStatus", $7::timestamptz, CASE WHEN status = 'sent' THEN $7::timestamptz END, $7::timestamptz
      FROM candidates
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING alert_id, level, kind, user_id, channel_id),
  told AS (
    SELECT q.alert_id, COALESCE(u.name || ' <' || u.email || '>', 'channel ' || c.name) || ' by ' || string_agg(CASE q.kind WHEN 'email' THEN 'e-mail' WHEN 'in_app' THEN 'in-app' ELSE q.kind::text END, ' + ' ORDER BY q.kind::text) AS whom
      FROM queued q LEFT JOIN users u ON u.id = q.user_id LEFT JOIN notification_channels c ON c.id = q.channel_id
     GROUP BY q.alert_id, u.name, u.email, c.name),
  -- Who was told when, for the audit log: one event per alert escalated (also when nobody at the
  -- level could be reached: the level moved all the same).
  audited AS (
    INSERT INTO audit_events (entity_type, entity_id, action, actor_label, via, farm_id, after, created_at)
    SELECT 'alert', al.alert_id::text, 'escalated', 'worker', 'worker', al.farm_id,
           jsonb_build_object('level', al.level, 'notified', COALESCE((SELECT jsonb_agg(told.whom ORDER BY told.whom) FROM told WHERE told.alert_id = al.alert_id), '[]'::jsonb)),
           $7::timestamptz
      FROM al)
  SELECT count(*)::int AS queued FROM queued`;

/**
 * Escalation messages of alerts someone acknowledged or resolved, not yet out: cancelled. So are
 * first messages (level 0) still held by quiet hours whose alert was resolved meanwhile: news of
 * a problem that is over is not sent the next morning.
 */
export async function cancelStoppedEscalations(sql: Sql): Promise<number> {
  const { rowCount } = await sql.query(
    `UPDATE notifications n
        SET status = 'cancelled',
            last_error = CASE WHEN n.level > 0 THEN 'The alert was ' || a.state || ' before this went out: escalation stopped.'
                              ELSE 'The alert was resolved while this was held for quiet hours.' END
       FROM alerts a
      WHERE n.alert_id = a.id
        AND ((n.level > 0 AND n.status IN ('queued', 'held') AND a.state <> 'active')
          OR (n.level = 0 AND n.status = 'held' AND a.state = 'resolved'))`,
  );
  return rowCount ?? 0;
}

/** One pass: every alert due for its next level (in batches), on `sql` (a dedicated connection). */
export async function escalate(sql: Sql, now: Date, options: { batch?: number; base?: string } = {}): Promise<EscalationResult> {
  const result: EscalationResult = { escalated: 0, queued: 0, cancelled: await cancelStoppedEscalations(sql) };
  const batch = options.batch ?? ESCALATION_BATCH;
  const base = options.base ?? appUrl();
  for (;;) {
    const taken = await atomically(sql, async () => {
      const { rows } = await sql.query<AlertRow & { next_level: number }>(DUE_SQL, [now.toISOString(), batch]);
      if (rows.length === 0) return 0;
      const t = { ids: [] as number[], levels: [] as number[], subjects: [] as string[], en: [] as string[], nl: [] as string[], payloads: [] as string[] };
      for (const row of rows) {
        const facts = factsOf(row, row.next_level);
        if (!facts) continue;
        const message = alertMessage(facts, base);
        t.ids.push(row.id);
        t.levels.push(row.next_level);
        t.subjects.push(message.subject);
        t.en.push(message.body.en);
        t.nl.push(message.body.nl);
        t.payloads.push(JSON.stringify(message.payload));
      }
      const inserted = await sql.query<{ queued: number }>(INSERT_ON_CALL_SQL, [t.ids, t.levels, t.subjects, t.en, t.nl, t.payloads, now.toISOString()]);
      await sql.query(
        `UPDATE alerts a SET escalation_level = u.level, escalated_at = $3::timestamptz
           FROM unnest($1::int[], $2::int[]) AS u(id, level) WHERE a.id = u.id`,
        [t.ids, t.levels, now.toISOString()],
      );
      result.escalated += t.ids.length;
      result.queued += inserted.rows[0]?.queued ?? 0;
      return rows.length;
    });
    if (taken < batch) return result;
  }
}
