/**
 * The computed health fields of M92 task 1.1 (`_compute_health_status`, `_compute_health_score`,
 * `_compute_signal_quality`, `_compute_needs_attention`) and I-013 §6.2's connection status, as
 * pure functions: the worker, the sweep, the pages and the tests all use these.
 *
 * One deliberate difference from the Python: it tests `if device.battery_level and …`, so a battery
 * at 0 % or a signal of 0 dBm counts as "not reported". Here only a missing value (null) is "not
 * reported"; a flat battery is critical, as a farmer would expect.
 */
import { DEFAULT_HEALTH_THRESHOLDS, HEALTH_PROFILE_DEFAULTS, type HealthThresholds } from "./health-thresholds";

export type { HealthThresholds } from "./health-thresholds";
export type HealthStatusName = "healthy" | "warning" | "critical" | "unknown";
export type SignalQualityName = "excellent" | "good" | "fair" | "poor" | "none";
export type ConnectionStatusName = "unknown" | "online" | "degraded" | "offline";

/**
 * Every rule below takes the device's limits (lib/health/health-thresholds.ts, resolved from its
 * farm's and groups' layers; lib/health/threshold-book.ts) and defaults to M92's, so a caller that
 * knows no layers judges exactly as M92 does. The named constants are M92's values, read from that
 * profile — one source — for the callers and tests that mean "today's default".
 */
const M92 = HEALTH_PROFILE_DEFAULTS.m92;

/** M92: a device not seen for 10 minutes is offline → critical. */
export const OFFLINE_AFTER_MS = M92.telemetry_age_critical_sec * 1000;
/** I-013 §6.2 ConnectionStatusMonitor: online < 5 min, degraded < 15 min, offline after. */
export const CONNECTION_ONLINE_MS = 5 * 60 * 1000;
export const CONNECTION_DEGRADED_MS = 15 * 60 * 1000;
/** M92: below 10 % a battery is critical, below 20 % a warning (health status and score). */
export const BATTERY_CRITICAL_BELOW = M92.battery_critical_below_pct;
export const BATTERY_WARNING_BELOW = M92.battery_warning_below_pct;
/** M92 score: below 50 % the battery costs 10 points (a scoring step, not a limit a farm tunes). */
export const BATTERY_LOW_SCORE_BELOW = 50;
/** M92: a signal below −90 dBm is poor (score, alert); below −70 dBm it costs 10 points. */
export const SIGNAL_POOR_BELOW_DBM = M92.signal_poor_below_dbm;
export const SIGNAL_WEAK_BELOW_DBM = M92.signal_weak_below_dbm;
/** M92: more than 10 errors is critical ("high"), more than 5 a warning ("elevated"). */
export const ERRORS_CRITICAL_ABOVE = M92.errors_critical_above;
export const ERRORS_WARNING_ABOVE = M92.errors_warning_above;
/**
 * The column default of a device's own low-battery threshold (M92's field default, = M92's
 * warning limit). A device still at it has no threshold of its own: its health settings' warning
 * limit applies. Any other value is a person's choice for this device and wins, higher or lower —
 * the more specific choice, as with health-check intervals.
 */
export const DEVICE_LOW_BATTERY_DEFAULT = 20;

export type HealthInputs = {
  lastSeen: Date | null;
  errorCount: number;
  batteryLevel: number | null;
  signalStrength: number | null;
  /** Judged only when the limits name CPU/memory limits (I-013 profile); missing = not reported. */
  cpuPercent?: number | null;
  memoryPercent?: number | null;
};

const ageMs = (lastSeen: Date, now: Date) => now.getTime() - lastSeen.getTime();

/** Last seen more than the critical telemetry age ago (M92: 10 minutes). A device never seen is not "offline" (M92 too). */
export function isOffline(lastSeen: Date | null, now: Date, limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS): boolean {
  return lastSeen !== null && ageMs(lastSeen, now) > limits.telemetry_age_critical_sec * 1000;
}

/** Telemetry older than the warning age (I-013: 5 minutes; M92 has none). Offline devices are late too. */
export function isTelemetryLate(lastSeen: Date | null, now: Date, limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS): boolean {
  return lastSeen !== null && limits.telemetry_age_warning_sec !== null && ageMs(lastSeen, now) > limits.telemetry_age_warning_sec * 1000;
}

/** A percentage above a limit; a null limit is not judged, a null value not reported. */
const above = (value: number | null | undefined, limit: number | null) => value != null && limit !== null && value > limit;

export function computeHealthStatus(device: HealthInputs, now: Date, limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS): HealthStatusName {
  if (!device.lastSeen) return "unknown";
  const battery = device.batteryLevel;
  if (isOffline(device.lastSeen, now, limits)) return "critical";
  if (device.errorCount > limits.errors_critical_above) return "critical";
  if (battery !== null && battery < limits.battery_critical_below_pct) return "critical";
  if (above(device.cpuPercent, limits.cpu_critical_above_pct) || above(device.memoryPercent, limits.memory_critical_above_pct)) return "critical";
  if (device.errorCount > limits.errors_warning_above || (battery !== null && battery < limits.battery_warning_below_pct)) return "warning";
  if (above(device.cpuPercent, limits.cpu_warning_above_pct) || above(device.memoryPercent, limits.memory_warning_above_pct)) return "warning";
  if (isTelemetryLate(device.lastSeen, now, limits)) return "warning";
  return "healthy";
}

export function computeHealthScore(device: HealthInputs & { healthStatus: HealthStatusName }, limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS): number {
  let score = 100;
  if (device.healthStatus === "critical") score -= 50;
  else if (device.healthStatus === "warning") score -= 25;

  if (device.batteryLevel !== null) {
    if (device.batteryLevel < limits.battery_warning_below_pct) score -= 20;
    else if (device.batteryLevel < BATTERY_LOW_SCORE_BELOW) score -= 10;
  }

  if (device.signalStrength !== null) {
    if (device.signalStrength < limits.signal_poor_below_dbm) score -= 20;
    else if (device.signalStrength < limits.signal_weak_below_dbm) score -= 10;
  }

  score -= Math.min(device.errorCount * 2, 30);
  return Math.max(0, score);
}

export function computeSignalQuality(signalStrength: number | null): SignalQualityName {
  if (signalStrength === null) return "none";
  if (signalStrength >= -50) return "excellent";
  if (signalStrength >= -60) return "good";
  if (signalStrength >= -70) return "fair";
  return "poor";
}

export type AttentionInputs = {
  healthStatus: HealthStatusName;
  calibrationStatus: "not_required" | "ok" | "due" | "overdue";
  firmwareUpdateStatus: string;
  batteryLevel: number | null;
  lowBatteryThreshold: number;
};

/** The battery level below which a device's battery is "low" (alert, attention): see DEVICE_LOW_BATTERY_DEFAULT. */
export function lowBatteryLimit(deviceThreshold: number, limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS): number {
  return deviceThreshold === DEVICE_LOW_BATTERY_DEFAULT ? limits.battery_warning_below_pct : deviceThreshold;
}

export function computeNeedsAttention(device: AttentionInputs, limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS): boolean {
  return (
    device.healthStatus === "warning" ||
    device.healthStatus === "critical" ||
    device.calibrationStatus === "due" ||
    device.calibrationStatus === "overdue" ||
    device.firmwareUpdateStatus === "failed" ||
    (device.batteryLevel !== null && device.batteryLevel < lowBatteryLimit(device.lowBatteryThreshold, limits))
  );
}

/**
 * I-013 §6.2's ages (online < 5 min, degraded < 15 min), stretched — never shortened — by the
 * device's telemetry-age limits: a farm whose devices report every 30 minutes (critical age 1 h)
 * must not see them "offline" before its own health rule calls them offline.
 */
export function connectionAges(limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS) {
  return {
    onlineMs: Math.max(CONNECTION_ONLINE_MS, (limits.telemetry_age_warning_sec ?? 0) * 1000),
    degradedMs: Math.max(CONNECTION_DEGRADED_MS, limits.telemetry_age_critical_sec * 1000),
  };
}

export function computeConnectionStatus(lastSeen: Date | null, now: Date, limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS): ConnectionStatusName {
  if (!lastSeen) return "unknown";
  const age = ageMs(lastSeen, now);
  const { onlineMs, degradedMs } = connectionAges(limits);
  if (age < onlineMs) return "online";
  if (age < degradedMs) return "degraded";
  return "offline";
}

/** Everything the registry stores about a device's health, computed in one pass. */
export function assessDevice(device: HealthInputs & Omit<AttentionInputs, "healthStatus">, now: Date, limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS) {
  const healthStatus = computeHealthStatus(device, now, limits);
  return {
    healthStatus,
    healthScore: computeHealthScore({ ...device, healthStatus }, limits),
    signalQuality: computeSignalQuality(device.signalStrength),
    connectionStatus: computeConnectionStatus(device.lastSeen, now, limits),
    needsAttention: computeNeedsAttention({ ...device, healthStatus }, limits),
  };
}

/** Devices outside any group are checked every minute (M92's cron and the group default). */
export const DEFAULT_HEALTH_CHECK_INTERVAL_S = 60;

/**
 * The interval a device is checked at: its own when set, else its group's, else the default.
 * The device's wins either way, shorter or longer: it is the more specific choice.
 */
export function effectiveHealthCheckInterval(deviceSeconds: number | null, groupSeconds: number | null | undefined): number {
  return deviceSeconds ?? groupSeconds ?? DEFAULT_HEALTH_CHECK_INTERVAL_S;
}

/**
 * Whether the health sweep of the minute containing `now` checks this device (or group), given
 * its interval in seconds (a device's: `effectiveHealthCheckInterval`). The sweep runs once a minute, so intervals are
 * rounded to whole minutes (at least 1): 60 s → every sweep, 300 s → every fifth, 90 s → every
 * second. Stateless — minute-of-epoch modulo, offset by the row id — so the sweep needs no
 * per-device bookkeeping to decide, and a group of 1,000 devices on a 10-minute interval is
 * spread over the ten minutes instead of landing in one sweep. A sweep that did not run (worker
 * down) delays those devices to their next slot, at most one interval.
 */
export function healthCheckDue(id: number, intervalSeconds: number, now: Date): boolean {
  const everyMinutes = Math.max(1, Math.round(intervalSeconds / 60));
  const minute = Math.floor(now.getTime() / 60_000);
  return minute % everyMinutes === id % everyMinutes;
}
