/**
 * Hourly and at worker start: creates telemetry_samples' day partitions ahead (7 days by default),
 * every day a downtime skipped, and the days whose rows waited in the DEFAULT partition (moved
 * into their day). Hourly so that a worker down over midnight catches up within the hour; the
 * default partition takes rows meanwhile, so nothing is refused.
 */
import { z } from "zod";
import { DEFAULT_DAYS_AHEAD, ensureTelemetryPartitions } from "../telemetry/partitions";
import { defineJob } from "./define-job";

export const telemetryPartitionsJob = defineJob({
  name: "telemetry-partitions",
  schema: z.object({ daysAhead: z.number().int().min(1).max(366).optional() }),
  cron: "7 * * * *",
  async handle(data, { sql, log, now, telemetryRetentionDays }) {
    const { created, moved } = await ensureTelemetryPartitions(sql, {
      now: now(),
      retentionDays: telemetryRetentionDays,
      daysAhead: data.daysAhead ?? DEFAULT_DAYS_AHEAD,
    });
    if (created.length > 0) {
      log(`telemetry-partitions: created ${created.length} day partition(s) (${created[0]} … ${created.at(-1)}), ${moved} sample(s) moved out of the default partition`);
    }
  },
});
