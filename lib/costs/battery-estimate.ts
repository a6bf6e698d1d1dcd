/**
 * When a battery device will need its battery replaced: the I-013 §11 `_estimate_battery_replacement`
 * intent (a date, days remaining, cost, confidence), done from what the devices really report.
 * A least-squares line through the device's battery_level readings of the last 30 days (after its
 * last battery replacement, if one was done since) gives the drain in points per day; the
 * replacement is due when the level reaches the device's lowBatteryThreshold. Confidence grows with
 * the days the samples span: under 7 days low, 7–20 medium, 21 and more high.
 */
import type { Db } from "../db";
import { resolutionFor, rollupTable } from "../telemetry/resolution";
import { ratesSql } from "./cost-rates";

export const BATTERY_WINDOW_DAYS = 30;
export type Confidence = "low" | "medium" | "high";

export type BatteryFit = {
  /** The device's battery now (or its latest sample's), percent. */
  level: number | null;
  threshold: number;
  /** Fitted change in percent points per day (negative while draining). */
  slopePerDay: number | null;
  samples: number;
  spanDays: number;
};

export type BatteryEstimate = {
  /** estimated: a date; due: at or under the threshold now; not_draining: no fall measured; no_data: fewer than 2 samples. */
  status: "estimated" | "due" | "not_draining" | "no_data";
  level: number | null;
  threshold: number;
  drainPerDay: number | null;
  daysRemaining: number | null;
  estimatedDate: string | null;
  estimatedCost: number;
  confidence: Confidence;
  samples: number;
  spanDays: number;
};

export function confidenceOf(spanDays: number, samples: number): Confidence {
  if (samples >= 10 && spanDays >= 21) return "high";
  if (samples >= 3 && spanDays >= 7) return "medium";
  return "low";
}

/** The pure rule, from a fitted line: unit-tested, and used by the per-device and fleet queries. */
export function estimateBattery(fit: BatteryFit, now: Date, replacementCost: number): BatteryEstimate {
  const base = {
    level: fit.level,
    threshold: fit.threshold,
    drainPerDay: fit.slopePerDay === null ? null : round(-fit.slopePerDay, 3),
    estimatedCost: replacementCost,
    confidence: confidenceOf(fit.spanDays, fit.samples),
    samples: fit.samples,
    spanDays: round(fit.spanDays, 1),
  };
  if (fit.level !== null && fit.level <= fit.threshold) return { ...base, status: "due", daysRemaining: 0, estimatedDate: now.toISOString().slice(0, 10) };
  if (fit.samples < 2 || fit.slopePerDay === null || fit.level === null) return { ...base, status: "no_data", daysRemaining: null, estimatedDate: null, confidence: "low" };
  if (fit.slopePerDay >= 0) return { ...base, status: "not_draining", daysRemaining: null, estimatedDate: null };
  const days = (fit.level - fit.threshold) / -fit.slopePerDay;
  return { ...base, status: "estimated", daysRemaining: Math.floor(days), estimatedDate: new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10) };
}

function round(value: number, places: number) {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

export type FleetBatteryRow = BatteryFit & { id: number; farmId: number; deviceType: string; batteryPrice: number };

/**
 * The rollups the fit reads (lib/telemetry/resolution.ts): a 30-day window is hourly, a few hundred
 * rows a device instead of a month of raw samples. The line goes through each hour's average level
 * at the middle of its samples' times — exact for a steady drain, each hour weighing the same.
 */
const BATTERY_RESOLUTION = (() => {
  const resolution = resolutionFor(BATTERY_WINDOW_DAYS * 86_400_000);
  if (resolution === "raw") throw new Error("the battery window must be read from rollups");
  return resolution;
})();

/**
 * The fitted lines of battery devices in one query: of one device (`deviceId`), or every battery
 * device of a farm (or all farms), from the rollups (device_id, bucket) of each device's window.
 * Buckets that start before the window (its last battery replacement) are left out whole.
 */
export async function batteryFits(db: Pick<Db, "$queryRawUnsafe">, scope: { farmId: number | null; deviceId: number | null }, now: Date): Promise<FleetBatteryRow[]> {
  const rows = await db.$queryRawUnsafe<
    { id: number; farm_id: number; device_type: string; level: number | null; threshold: number; slope: number | null; samples: number; span_days: number | null; battery_price: string }[]
  >(
    `WITH rates AS (${ratesSql("$1")}),
     scoped AS (
       SELECT d.id, d.farm_id, d.device_type::text AS device_type, d.battery_level, d.low_battery_threshold, r.battery_replacement,
              GREATEST($3::timestamptz - make_interval(days => ${BATTERY_WINDOW_DAYS}),
                       COALESCE((SELECT max(w.performed_at) FROM maintenances w
                                  WHERE w.device_id = d.id AND w.status = 'done' AND w.maintenance_type = 'battery_replacement'), '-infinity')) AS since
         FROM devices d JOIN rates r ON r.farm_id = d.farm_id
        WHERE d.power_source = 'battery' AND d.retired_at IS NULL AND d.state NOT IN ('manufactured', 'registered', 'decommissioned')
          AND ($2::int IS NULL OR d.id = $2::int)
     )
     SELECT s.id, s.farm_id, s.device_type, s.battery_replacement::text AS battery_price,
            COALESCE(s.battery_level, f.latest) AS level, s.low_battery_threshold AS threshold,
            f.slope, COALESCE(f.samples, 0)::int AS samples, f.span_days
       FROM scoped s
       LEFT JOIN LATERAL (
         SELECT regr_slope(r.battery_sum / r.battery_count,
                           EXTRACT(EPOCH FROM (r.first_ts + (r.last_ts - r.first_ts) / 2 - $3::timestamptz)) / 86400) AS slope,
                sum(r.battery_count) AS samples,
                EXTRACT(EPOCH FROM (max(r.last_ts) - min(r.first_ts))) / 86400 AS span_days,
                (array_agg(r.battery_last ORDER BY r.last_ts DESC))[1] AS latest
           FROM ${rollupTable(BATTERY_RESOLUTION)} r
          WHERE r.device_id = s.id AND r.bucket >= s.since AND r.bucket <= $3::timestamptz AND r.battery_count > 0
       ) f ON true`,
    scope.farmId,
    scope.deviceId,
    now.toISOString(),
  );
  return rows.map((row) => ({
    id: row.id,
    farmId: row.farm_id,
    deviceType: row.device_type,
    level: row.level === null ? null : Number(row.level),
    threshold: Number(row.threshold),
    slopePerDay: row.slope === null ? null : Number(row.slope),
    samples: Number(row.samples),
    spanDays: row.span_days === null ? 0 : Number(row.span_days),
    batteryPrice: Number(row.battery_price),
  }));
}

/**
 * Replacements of one device expected in [from, to): the first when the level reaches the
 * threshold, then one every (100 − threshold) / drain days (a new battery starts full).
 */
export function replacementsBetween(estimate: BatteryEstimate, now: Date, from: Date, to: Date): number {
  if (estimate.drainPerDay === null || estimate.drainPerDay <= 0) return 0;
  const level = estimate.level ?? 100;
  const first = now.getTime() + (Math.max(0, level - estimate.threshold) / estimate.drainPerDay) * 86_400_000;
  const every = ((100 - estimate.threshold) / estimate.drainPerDay) * 86_400_000;
  if (every <= 0) return 0;
  let count = 0;
  for (let at = first; at < to.getTime() && count < 1000; at += every) if (at >= from.getTime()) count += 1;
  return count;
}
