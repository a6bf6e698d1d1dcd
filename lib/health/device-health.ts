/**
 * The computed health fields of M92 task 1.1 (`_compute_health_status`, `_compute_health_score`,
 * `_compute_signal_quality`, `_compute_needs_attention`) and I-013 §6.2's connection status, as
 * pure functions: the worker, the sweep, the pages and the tests all use these.
 *
 * One deliberate difference from the Python: it tests `if device.battery_level and …`, so a battery
 * at 0 % or a signal of 0 dBm counts as "not reported". Here only a missing value (null) is "not
 * reported"; a flat battery is critical, as a farmer would expect.
 */
export type HealthStatusName = "healthy" | "warning" | "critical" | "unknown";
export type SignalQualityName = "excellent" | "good" | "fair" | "poor" | "none";
export type ConnectionStatusName = "unknown" | "online" | "degraded" | "offline";

/** M92: a device not seen for 10 minutes is offline → critical. */
export const OFFLINE_AFTER_MS = 10 * 60 * 1000;
/** I-013 §6.2 ConnectionStatusMonitor: online < 5 min, degraded < 15 min, offline after. */
export const CONNECTION_ONLINE_MS = 5 * 60 * 1000;
export const CONNECTION_DEGRADED_MS = 15 * 60 * 1000;
/** M92: below 10 % a battery is critical, below 20 % a warning (health status and score). */
export const BATTERY_CRITICAL_BELOW = 10;
export const BATTERY_WARNING_BELOW = 20;
/** M92 score: below 50 % the battery costs 10 points. */
export const BATTERY_LOW_SCORE_BELOW = 50;
/** M92: a signal below −90 dBm is poor (score, alert); below −70 dBm it costs 10 points. */
export const SIGNAL_POOR_BELOW_DBM = -90;
export const SIGNAL_WEAK_BELOW_DBM = -70;
/** M92: more than 10 errors is critical ("high"), more than 5 a warning ("elevated"). */
export const ERRORS_CRITICAL_ABOVE = 10;
export const ERRORS_WARNING_ABOVE = 5;

export type HealthInputs = {
  lastSeen: Date | null;
  errorCount: number;
  batteryLevel: number | null;
  signalStrength: number | null;
};

/** M92: last seen more than OFFLINE_AFTER_MS ago. A device never seen is not "offline" (M92 too). */
export function isOffline(lastSeen: Date | null, now: Date): boolean {
  return lastSeen !== null && now.getTime() - lastSeen.getTime() > OFFLINE_AFTER_MS;
}

export function computeHealthStatus(device: HealthInputs, now: Date): HealthStatusName {
  if (!device.lastSeen) return "unknown";
  const battery = device.batteryLevel;
  if (isOffline(device.lastSeen, now)) return "critical";
  if (device.errorCount > ERRORS_CRITICAL_ABOVE) return "critical";
  if (battery !== null && battery < BATTERY_CRITICAL_BELOW) return "critical";
  if (device.errorCount > ERRORS_WARNING_ABOVE || (battery !== null && battery < BATTERY_WARNING_BELOW)) return "warning";
  return "healthy";
}

export function computeHealthScore(device: HealthInputs & { healthStatus: HealthStatusName }): number {
  let score = 100;
  if (device.healthStatus === "critical") score -= 50;
  else if (device.healthStatus === "warning") score -= 25;

  if (device.batteryLevel !== null) {
    if (device.batteryLevel < BATTERY_WARNING_BELOW) score -= 20;
    else if (device.batteryLevel < BATTERY_LOW_SCORE_BELOW) score -= 10;
  }

  if (device.signalStrength !== null) {
    if (device.signalStrength < SIGNAL_POOR_BELOW_DBM) score -= 20;
    else if (device.signalStrength < SIGNAL_WEAK_BELOW_DBM) score -= 10;
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

export function computeNeedsAttention(device: AttentionInputs): boolean {
  return (
    device.healthStatus === "warning" ||
    device.healthStatus === "critical" ||
    device.calibrationStatus === "due" ||
    device.calibrationStatus === "overdue" ||
    device.firmwareUpdateStatus === "failed" ||
    (device.batteryLevel !== null && device.batteryLevel < device.lowBatteryThreshold)
  );
}

export function computeConnectionStatus(lastSeen: Date | null, now: Date): ConnectionStatusName {
  if (!lastSeen) return "unknown";
  const age = now.getTime() - lastSeen.getTime();
  if (age < CONNECTION_ONLINE_MS) return "online";
  if (age < CONNECTION_DEGRADED_MS) return "degraded";
  return "offline";
}

/** Everything the registry stores about a device's health, computed in one pass. */
export function assessDevice(device: HealthInputs & Omit<AttentionInputs, "healthStatus">, now: Date) {
  const healthStatus = computeHealthStatus(device, now);
  return {
    healthStatus,
    healthScore: computeHealthScore({ ...device, healthStatus }),
    signalQuality: computeSignalQuality(device.signalStrength),
    connectionStatus: computeConnectionStatus(device.lastSeen, now),
    needsAttention: computeNeedsAttention({ ...device, healthStatus }),
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
