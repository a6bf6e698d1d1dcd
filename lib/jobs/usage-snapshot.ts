/**
 * Hourly: the devices' data counters and battery levels into this month's DeviceUsageMonth rows,
 * which the cost reports read (lib/costs/usage-snapshot.ts). A worker that was down catches up at
 * its next run: the counters are cumulative, so nothing sent meanwhile is lost.
 */
import { z } from "zod";
import { snapshotUsage } from "../costs/usage-snapshot";
import { defineJob } from "./define-job";

export const usageSnapshotJob = defineJob({
  name: "usage-snapshot",
  schema: z.object({}).passthrough(),
  cron: "7 * * * *",
  async handle(_data, { sql, log, now }) {
    const started = performance.now();
    const result = await snapshotUsage(sql, now());
    const ms = Math.round(performance.now() - started);
    if (result.inserted > 0 || ms > 2_000) log(`usage-snapshot ${result.month}: ${result.inserted} month row(s) started, ${result.updated} updated in ${ms} ms`);
  },
});
