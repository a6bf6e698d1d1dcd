/**
 * Daily: deletes telemetry samples older than TELEMETRY_RETENTION_DAYS. In chunks, each its own
 * statement, so a first run over months of samples neither holds one huge lock nor bloats one
 * transaction, and ingest keeps writing in between.
 */
import { z } from "zod";
import type { Sql } from "../telemetry/sql";
import { defineJob } from "./define-job";

export const RETENTION_CHUNK = 10_000;

export async function deleteOldTelemetry(sql: Sql, olderThan: Date, chunk = RETENTION_CHUNK): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await sql.query(
      `DELETE FROM telemetry_samples
        WHERE id IN (SELECT id FROM telemetry_samples WHERE received_at < $1::timestamptz LIMIT $2)`,
      [olderThan.toISOString(), chunk],
    );
    deleted += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < chunk) return deleted;
  }
}

export const telemetryRetentionJob = defineJob({
  name: "telemetry-retention",
  schema: z.object({ retentionDays: z.number().int().min(1).optional() }),
  cron: "17 3 * * *",
  async handle(data, { sql, log, now, telemetryRetentionDays }) {
    const days = data.retentionDays ?? telemetryRetentionDays;
    const cutoff = new Date(now().getTime() - days * 24 * 60 * 60 * 1000);
    const deleted = await deleteOldTelemetry(sql, cutoff);
    if (deleted > 0) log(`telemetry-retention: deleted ${deleted} sample(s) older than ${days} day(s)`);
  },
});
