/**
 * Every minute, and once when the worker starts: merges the telemetry received since the rollup
 * watermark into the 5-minute and hourly rollups (lib/telemetry/rollups.ts), one bounded chunk per
 * transaction, the watermark moved in the same transaction as the merge — a run killed midway
 * leaves the last chunk uncounted and the next run counts it once. After downtime a run catches up
 * chunk by chunk; it stops after `maxSteps` chunks so one run stays short, and the next goes on.
 */
import { z } from "zod";
import { DEFAULT_ROLLUP_LAG_MS, rollUpTelemetry, transactionsOf } from "../telemetry/rollups";
import { defineJob } from "./define-job";

/** Chunks per run: 200 × 50,000 samples, ten million, is a few minutes' work at most. */
export const ROLLUP_STEPS_PER_RUN = 200;

export const telemetryRollupJob = defineJob({
  name: "telemetry-rollup",
  schema: z.object({ maxSteps: z.number().int().min(1).optional(), chunkRows: z.number().int().min(1).optional() }),
  cron: "* * * * *",
  runAtStart: true,
  async handle(data, { sql, log, now, rollups }) {
    const started = Date.now();
    const run = await rollUpTelemetry(transactionsOf(sql), {
      now: now(),
      lagMs: rollups?.lagMs ?? DEFAULT_ROLLUP_LAG_MS,
      maxSteps: data.maxSteps ?? ROLLUP_STEPS_PER_RUN,
      chunkRows: data.chunkRows,
    });
    // Quiet in the steady state (one chunk a minute); a catch-up says how far it got.
    if (run.steps > 1 || !run.caughtUp) {
      log(
        `telemetry-rollup: ${run.samples} sample(s) in ${run.steps} chunk(s), ${Date.now() - started} ms; ` +
          `watermark ${run.watermark?.toISOString() ?? "unchanged"}${run.caughtUp ? "" : " (catching up: the next run goes on)"}`,
      );
    }
  },
});
