/**
 * Daily: deletes audit events older than AUDIT_RETENTION_DAYS (730 by default). In chunks of
 * 10,000, each its own statement (and so its own short transaction), so the first run over
 * millions of old events never holds a long lock, and every writer keeps recording in between.
 */
import { z } from "zod";
import { loadConfig } from "../config/env";
import type { Sql } from "../telemetry/sql";
import { defineJob } from "./define-job";

export const AUDIT_RETENTION_CHUNK = 10_000;

/** Deletes the events created before `olderThan`, oldest first; returns how many. */
export async function deleteOldAuditEvents(sql: Sql, olderThan: Date, chunk = AUDIT_RETENTION_CHUNK): Promise<number> {
  let deleted = 0;
  for (;;) {
    // The (created_at, id) index finds the oldest rows without reading the table.
    const result = await sql.query(
      `DELETE FROM audit_events
        WHERE id IN (SELECT id FROM audit_events WHERE created_at < $1::timestamptz ORDER BY created_at, id LIMIT $2)`,
      [olderThan.toISOString(), chunk],
    );
    deleted += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < chunk) return deleted;
  }
}

export const auditRetentionJob = defineJob({
  name: "audit-retention",
  schema: z.object({ retentionDays: z.number().int().min(1).optional() }),
  cron: "37 3 * * *",
  async handle(data, { sql, log, now }) {
    const days = data.retentionDays ?? loadConfig().AUDIT_RETENTION_DAYS;
    const cutoff = new Date(now().getTime() - days * 24 * 60 * 60 * 1000);
    const deleted = await deleteOldAuditEvents(sql, cutoff);
    if (deleted > 0) log(`audit-retention: deleted ${deleted} audit event(s) older than ${days} day(s)`);
  },
});
