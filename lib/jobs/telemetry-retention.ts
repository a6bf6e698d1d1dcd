/**
 * Daily: removes telemetry samples older than TELEMETRY_RETENTION_DAYS by dropping whole day
 * partitions (lib/telemetry/partitions.ts): DETACH, then DROP, a file unlink however many rows the
 * day holds, instead of the chunked row-by-row DELETE that could not keep up with hundreds of
 * millions of rows a day. The DEFAULT partition's old rows (rare) are deleted as rows.
 */
import { z } from "zod";
import { dropOldTelemetry } from "../telemetry/partitions";
import { defineJob } from "./define-job";

export const telemetryRetentionJob = defineJob({
  name: "telemetry-retention",
  schema: z.object({ retentionDays: z.number().int().min(1).optional() }),
  cron: "17 3 * * *",
  async handle(data, { sql, log, now, telemetryRetentionDays }) {
    const days = data.retentionDays ?? telemetryRetentionDays;
    const cutoff = new Date(now().getTime() - days * 24 * 60 * 60 * 1000);
    const { dropped, defaultRowsDeleted } = await dropOldTelemetry(sql, cutoff);
    if (dropped.length > 0 || defaultRowsDeleted > 0) {
      log(`telemetry-retention: dropped ${dropped.length} day partition(s) (${dropped.join(", ")}) and ${defaultRowsDeleted} default-partition sample(s) older than ${days} day(s)`);
    }
  },
});
