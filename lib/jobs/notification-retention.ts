/**
 * Daily: deletes finished notifications (sent, failed, cancelled) older than
 * NOTIFICATION_RETENTION_DAYS (default 90) with their delivery log (ON DELETE CASCADE). Queued,
 * held and digest rows are never deleted: they are still to be delivered. In chunks, like the
 * telemetry retention, so the bell and the delivery keep working in between.
 */
import { z } from "zod";
import type { Sql } from "../telemetry/sql";
import { defineJob } from "./define-job";

export const NOTIFICATION_RETENTION_DAYS = 90;
const CHUNK = 5_000;

export async function deleteOldNotifications(sql: Sql, olderThan: Date, chunk = CHUNK): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await sql.query(
      `DELETE FROM notifications
        WHERE id IN (SELECT id FROM notifications
                      WHERE status IN ('sent', 'failed', 'cancelled') AND created_at < $1::timestamptz
                      LIMIT $2)`,
      [olderThan.toISOString(), chunk],
    );
    deleted += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < chunk) return deleted;
  }
}

export const notificationRetentionJob = defineJob({
  name: "notification-retention",
  schema: z.object({ retentionDays: z.number().int().min(1).optional() }),
  cron: "41 3 * * *",
  async handle(data, { sql, log, now }) {
    const days = data.retentionDays ?? (Number(process.env.NOTIFICATION_RETENTION_DAYS) || NOTIFICATION_RETENTION_DAYS);
    const cutoff = new Date(now().getTime() - days * 24 * 60 * 60 * 1000);
    const deleted = await deleteOldNotifications(sql, cutoff);
    if (deleted > 0) log(`notification-retention: deleted ${deleted} notification(s) older than ${days} day(s)`);
  },
});
