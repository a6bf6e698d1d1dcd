/**
 * A device's telemetry as chart series (battery, signal, health score, errors) over 24 h, 7 d or
 * 30 d. PostgreSQL buckets the samples (`date_bin`), so a month of 5-second telemetry reaches the
 * browser as a few hundred points; empty buckets come back as gaps, so an outage shows as a break
 * in the line rather than a straight line drawn across it.
 */
import { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "../db";
import { BATTERY_CRITICAL_BELOW, BATTERY_WARNING_BELOW, ERRORS_CRITICAL_ABOVE, ERRORS_WARNING_ABOVE, lowBatteryLimit, SIGNAL_POOR_BELOW_DBM, SIGNAL_WEAK_BELOW_DBM } from "./device-health";
import { DEFAULT_HEALTH_THRESHOLDS, type HealthThresholds } from "./health-thresholds";
import { resolutionFor, rollupTable, type TelemetryResolution } from "../telemetry/resolution";
import { WATERMARK_NAME } from "../telemetry/rollup-tables";

export const HISTORY_RANGES = {
  "24h": { label: "24 h", spanMs: 24 * 3600_000, bucketMs: 5 * 60_000 },
  "7d": { label: "7 days", spanMs: 7 * 24 * 3600_000, bucketMs: 3600_000 },
  "30d": { label: "30 days", spanMs: 30 * 24 * 3600_000, bucketMs: 4 * 3600_000 },
} as const;

export type HistoryRange = keyof typeof HISTORY_RANGES;
export const historyRangeSchema = z.enum(Object.keys(HISTORY_RANGES) as [HistoryRange, ...HistoryRange[]], { message: "range must be 24h, 7d or 30d" });

/** The lines the charts draw by default: the limits of the M92 rules themselves (lib/health/device-health.ts). */
export const CHART_THRESHOLDS = {
  batteryCritical: BATTERY_CRITICAL_BELOW,
  batteryWarning: BATTERY_WARNING_BELOW,
  signalFair: SIGNAL_WEAK_BELOW_DBM,
  signalPoor: SIGNAL_POOR_BELOW_DBM,
  errorsWarning: ERRORS_WARNING_ABOVE,
  errorsCritical: ERRORS_CRITICAL_ABOVE,
} as const;

export type ReferenceLine = { value: number; label: string; tone: "warn" | "bad" };

/**
 * The reference lines of each chart, at the device's own limits (its farm's and groups' health
 * settings; M92's by default); the device's own low-battery threshold joins the battery chart.
 */
export function chartReferenceLines(
  lowBatteryThreshold: number,
  limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): Record<"battery" | "signal" | "score" | "errors", ReferenceLine[]> {
  const t = {
    batteryCritical: limits.battery_critical_below_pct,
    batteryWarning: limits.battery_warning_below_pct,
    signalFair: limits.signal_weak_below_dbm,
    signalPoor: limits.signal_poor_below_dbm,
    errorsWarning: limits.errors_warning_above,
    errorsCritical: limits.errors_critical_above,
  };
  const battery: ReferenceLine[] = [
    { value: t.batteryCritical, label: `Critical < ${t.batteryCritical} %`, tone: "bad" },
    { value: t.batteryWarning, label: `Warning < ${t.batteryWarning} %`, tone: "warn" },
  ];
  const low = lowBatteryLimit(lowBatteryThreshold, limits);
  if (!battery.some((line) => line.value === low)) battery.push({ value: low, label: `Low battery (this device) < ${low} %`, tone: "warn" });
  return {
    battery,
    signal: [
      { value: t.signalFair, label: `Weak < ${t.signalFair} dBm`, tone: "warn" },
      { value: t.signalPoor, label: `Poor < ${t.signalPoor} dBm`, tone: "bad" },
    ],
    // The score has no limit of its own: 75 and 50 are where a warning or a critical status alone puts it.
    score: [
      { value: 75, label: "Warning", tone: "warn" },
      { value: 50, label: "Critical", tone: "bad" },
    ],
    errors: [
      { value: t.errorsWarning, label: `Warning > ${t.errorsWarning}`, tone: "warn" },
      { value: t.errorsCritical, label: `Critical > ${t.errorsCritical}`, tone: "bad" },
    ],
  };
}

export type HistoryPoint = {
  /** Start of the bucket, ms since the epoch (what recharts' time axis wants). */
  t: number;
  battery: number | null;
  signal: number | null;
  score: number | null;
  errors: number | null;
  samples: number;
};

export type HealthHistory = {
  range: HistoryRange;
  from: number;
  to: number;
  bucketMs: number;
  /** What the series was read from: raw samples, or the 5-minute or hourly rollups. */
  resolution: TelemetryResolution;
  samples: number;
  points: HistoryPoint[];
};

/** The bucket a time falls into: the same arithmetic as `date_bin(bucket, ts, epoch)`. */
export function bucketStart(time: number, bucketMs: number): number {
  return Math.floor(time / bucketMs) * bucketMs;
}

/** Every bucket from `from` to `to`, the missing ones as gaps (null values, 0 samples). */
export function fillBuckets(points: HistoryPoint[], from: number, to: number, bucketMs: number): HistoryPoint[] {
  const byStart = new Map(points.map((point) => [point.t, point]));
  const filled: HistoryPoint[] = [];
  for (let t = bucketStart(from, bucketMs); t <= to; t += bucketMs) {
    filled.push(byStart.get(t) ?? { t, battery: null, signal: null, score: null, errors: null, samples: 0 });
  }
  return filled;
}

const round1 = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

type BucketRow = { bucket: Date; battery: number | null; signal: number | null; score: number | null; errors: number | null; samples: number };

/**
 * The series of one device (its database id). Samples are placed by the device's own timestamp,
 * but a clock running ahead cannot push points past "now". The charts read the rollups (5-minute
 * for 24 h and 7 days, hourly for 30 days: lib/telemetry/resolution.ts) plus the samples received
 * since the rollup job last ran: the same averages (sum / count) in the same buckets as the raw
 * samples would give, at 288 rows a device for a day instead of 8,640.
 */
export async function deviceHealthHistory(db: Db, deviceDbId: number, range: HistoryRange, now = new Date()): Promise<HealthHistory> {
  const { spanMs, bucketMs } = HISTORY_RANGES[range];
  const to = now.getTime();
  const from = bucketStart(to - spanMs, bucketMs) + bucketMs;
  const resolution = resolutionFor(spanMs, bucketMs);
  const interval = Prisma.sql`make_interval(secs => ${bucketMs / 1000}::int)`;
  const rows =
    resolution === "raw"
      ? await db.$queryRaw<BucketRow[]>`
    SELECT date_bin(${interval}, ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
           avg(battery_level)::float8 AS battery,
           avg(signal_strength)::float8 AS signal,
           avg(health_score)::float8 AS score,
           max(error_count)::int AS errors,
           count(*)::int AS samples
      FROM telemetry_samples
     WHERE device_id = ${deviceDbId}
       AND ts >= ${new Date(from)}
       AND ts <= ${now}
     GROUP BY 1
     ORDER BY 1`
      : // The rollups hold every sample received before the job's watermark; the few received since
        // (the job's lag and minute) are added from the raw samples, so the chart is current to the
        // second. One statement, one snapshot: a sample is counted on one side of the watermark, never
        // both. (A sample received since with a device time over an hour older waits for the job.)
        await db.$queryRaw<BucketRow[]>`
    WITH mark AS (
      SELECT COALESCE((SELECT watermark FROM telemetry_rollup_watermarks WHERE name = ${WATERMARK_NAME}), '-infinity'::timestamptz) AS at
    ), parts AS (
      SELECT date_bin(${interval}, bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
             battery_sum, battery_count, signal_sum, signal_count, score_sum, score_count, errors_max, samples
        FROM ${Prisma.raw(rollupTable(resolution))}
       WHERE device_id = ${deviceDbId}
         AND bucket >= ${new Date(from)}
         AND bucket <= ${now}
      UNION ALL
      SELECT date_bin(${interval}, ts, TIMESTAMPTZ '1970-01-01 00:00:00+00'),
             COALESCE(battery_level, 0), (battery_level IS NOT NULL)::int, COALESCE(signal_strength, 0), (signal_strength IS NOT NULL)::int,
             COALESCE(health_score, 0), (health_score IS NOT NULL)::int, error_count, 1
        FROM telemetry_samples, mark
       WHERE device_id = ${deviceDbId}
         AND ts >= GREATEST(${new Date(from)}::timestamptz, mark.at - interval '1 hour')
         AND ts <= ${now}
         AND received_at >= mark.at
    )
    SELECT bucket,
           (sum(battery_sum) / NULLIF(sum(battery_count), 0))::float8 AS battery,
           (sum(signal_sum) / NULLIF(sum(signal_count), 0))::float8 AS signal,
           (sum(score_sum) / NULLIF(sum(score_count), 0))::float8 AS score,
           max(errors_max)::int AS errors,
           sum(samples)::int AS samples
      FROM parts
     GROUP BY 1
     ORDER BY 1`;
  const points = rows.map((row) => ({
    t: row.bucket.getTime(),
    battery: round1(row.battery),
    signal: round1(row.signal),
    score: round1(row.score),
    errors: row.errors,
    samples: row.samples,
  }));
  return { range, from, to, bucketMs, resolution, samples: points.reduce((sum, point) => sum + point.samples, 0), points: fillBuckets(points, from, to, bucketMs) };
}
