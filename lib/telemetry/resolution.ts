/**
 * Which telemetry a reader of a time range reads (issue 20): raw samples only for ranges of a few
 * hours (or buckets finer than 5 minutes), the 5-minute rollups up to two weeks, the hourly ones
 * beyond — a 24 h chart reads 288 rows a device instead of 8,640 raw samples (which measured 260 ms
 * at p95 in bench:history against a 50 ms target), a 30-day chart 720 and never scans raw samples.
 * Rollups trail raw samples by the rollup job's lag; a reader that must be current to the second
 * adds the samples received since the watermark (lib/health/health-history.ts does).
 */
import { ROLLUP_BUCKET_MS, ROLLUP_TABLES, type RollupResolution } from "./rollup-tables";

export type TelemetryResolution = "raw" | RollupResolution;

/** Longest range read from raw samples, and from 5-minute rollups. */
export const RAW_UP_TO_MS = 6 * 3600_000;
export const FIVE_MINUTE_UP_TO_MS = 14 * 24 * 3600_000;

/**
 * The resolution for a range of `spanMs`, drawn in buckets of `bucketMs` when given (the rollup's
 * buckets must divide them, else a chart bucket would straddle two rollup rows: then finer).
 */
export function resolutionFor(spanMs: number, bucketMs?: number): TelemetryResolution {
  const fits = (resolution: RollupResolution) => bucketMs === undefined || bucketMs % ROLLUP_BUCKET_MS[resolution] === 0;
  if (spanMs <= RAW_UP_TO_MS) return "raw";
  if (spanMs > FIVE_MINUTE_UP_TO_MS && fits("1h")) return "1h";
  if (fits("5m")) return "5m";
  return "raw";
}

/** The table a rollup resolution lives in. */
export function rollupTable(resolution: RollupResolution): string {
  return ROLLUP_TABLES[resolution];
}
