/**
 * The daily digest: non-critical e-mails of people (or e-mail channels) who asked for a digest wait
 * as `digest` rows; at the farm's digest_hour (farm-local) one mail per recipient and farm lists
 * them, and they become `sent` (they went out inside the digest). The digest mail is itself an
 * outbox row, delivered and retried like any other; its dedupe key names the farm-local day, so
 * a second run in the same hour (or another worker's) sends nothing twice — what arrives after the
 * day's digest went out waits for tomorrow's.
 *
 * Runs once across workers (the caller holds runExclusively's advisory lock).
 */
import { clockFor, formatDateTime } from "../i18n/format";
import type { Sql } from "../telemetry/sql";
import { atomically } from "../worker/engine-tick";
import { appUrl } from "./alert-message";

export const DIGEST_LOCK = 7_318_019;
/** Items listed in one digest mail at most; the rest are counted ("and 12 more"). */
export const DIGEST_LISTED = 200;

export type DigestResult = { mails: number; items: number };

type Item = {
  id: string;
  farm_id: number;
  farm_name: string;
  timezone: string;
  local_day: string;
  user_id: number | null;
  channel_id: number | null;
  locale: string | null;
  subject: string;
  created_at: Date;
};

export async function sendDigests(sql: Sql, now: Date, base = appUrl()): Promise<DigestResult> {
  return atomically(sql, async () => {
    const { rows } = await sql.query<Item>(
      `SELECT n.id::text, f.id AS farm_id, f.name AS farm_name, f.timezone, to_char($1::timestamptz AT TIME ZONE f.timezone, 'YYYY-MM-DD') AS local_day,
              n.user_id, n.channel_id, u.locale, n.subject, n.created_at
         FROM notifications n
         JOIN farms f ON f.id = n.farm_id
         LEFT JOIN users u ON u.id = n.user_id
        WHERE n.status = 'digest' AND n.created_at <= $1::timestamptz
          AND extract(hour FROM $1::timestamptz AT TIME ZONE f.timezone) = f.digest_hour
        ORDER BY n.created_at
        FOR UPDATE OF n SKIP LOCKED`,
      [now.toISOString()],
    );
    if (rows.length === 0) return { mails: 0, items: 0 };
    const groups = new Map<string, Item[]>();
    for (const row of rows) {
      const who = row.user_id !== null ? `user:${row.user_id}` : `channel:${row.channel_id}`;
      const key = `digest:${row.farm_id}:${who}:${row.local_day}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    const mail = { keys: [] as string[], farms: [] as number[], users: [] as (number | null)[], channels: [] as (number | null)[], subjects: [] as string[], bodies: [] as string[] };
    for (const [key, items] of groups) {
      const first = items[0]!;
      const clock = clockFor({ locale: first.locale }, { timezone: first.timezone });
      const listed = items.slice(0, DIGEST_LISTED).map((item) => `- ${formatDateTime(item.created_at, clock)}  ${item.subject}`);
      if (items.length > DIGEST_LISTED) listed.push(`… and ${items.length - DIGEST_LISTED} more.`);
      mail.keys.push(key);
      mail.farms.push(first.farm_id);
      mail.users.push(first.user_id);
      mail.channels.push(first.channel_id);
      mail.subjects.push(`Daily digest for ${first.farm_name}: ${items.length} alert notification${items.length === 1 ? "" : "s"}`);
      mail.bodies.push(
        [
          `The alerts of ${first.farm_name} since the last digest (times in ${first.timezone}). Critical alerts were sent at once and are not repeated here.`,
          "",
          ...listed,
          "",
          `Open the alerts: ${base}/alerts`,
          "You get this digest because a notification rule or your profile asks for one; change it in your profile.",
        ].join("\n"),
      );
    }
    const { rows: created } = await sql.query<{ dedupe_key: string }>(
      `INSERT INTO notifications (dedupe_key, farm_id, level, kind, user_id, channel_id, subject, body, status, next_attempt_at, created_at)
       SELECT u.key, u.farm_id, 0, 'email', u.user_id, u.channel_id, u.subject, u.body, 'queued', $7::timestamptz, $7::timestamptz
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[]) AS u(key, farm_id, user_id, channel_id, subject, body)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING dedupe_key`,
      [mail.keys, mail.farms, mail.users, mail.channels, mail.subjects, mail.bodies, now.toISOString()],
    );
    const included = created.flatMap(({ dedupe_key }) => groups.get(dedupe_key)!.map((item) => item.id));
    if (included.length > 0) {
      await sql.query(`UPDATE notifications SET status = 'sent', sent_at = $2::timestamptz, last_error = NULL WHERE id = ANY ($1::bigint[])`, [included, now.toISOString()]);
    }
    return { mails: created.length, items: included.length };
  });
}
