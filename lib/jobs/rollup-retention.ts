/**
 * Daily: deletes rollup rows past their resolution's retention (ROLLUP_5M_RETENTION_DAYS, default
 * 90; ROLLUP_1H_RETENTION_DAYS, default 730). Rollups are small (a device's hourly year is 8,760
 * rows), so a chunked DELETE by bucket is enough; raw samples have their own retention.
 */
import { z } from "zod";
import { deleteOldRollups, type RollupResolution } from "../telemetry/rollups";
import { defineJob } from "./define-job";

export const DEFAULT_ROLLUP_RETENTION_DAYS: Record<RollupResolution, number> = { "5m": 90, "1h": 730 };

const days = z.number().int().min(1).optional();

export const rollupRetentionJob = defineJob({
  name: "rollup-retention",
  schema: z.object({ fiveMinuteDays: days, hourlyDays: days }),
  cron: "37 3 * * *",
  async handle(data, { sql, log, now, rollups }) {
    const keep: Record<RollupResolution, number> = {
      "5m": data.fiveMinuteDays ?? rollups?.fiveMinuteRetentionDays ?? DEFAULT_ROLLUP_RETENTION_DAYS["5m"],
      "1h": data.hourlyDays ?? rollups?.hourlyRetentionDays ?? DEFAULT_ROLLUP_RETENTION_DAYS["1h"],
    };
    for (const resolution of ["5m", "1h"] as const) {
      const cutoff = new Date(now().getTime() - keep[resolution] * 86_400_000);
      const deleted = await deleteOldRollups(sql, resolution, cutoff);
      if (deleted > 0) log(`rollup-retention: deleted ${deleted} ${resolution} rollup row(s) older than ${keep[resolution]} day(s)`);
    }
  },
});
