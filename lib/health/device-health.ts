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

export type HealthInputs = {
  lastSeen: Date | null;
  errorCount: number;
  batteryLevel: number | null;
  signalStrength: number | null;
};

export function computeHealthStatus(device: HealthInputs, now: Date): HealthStatusName {
  if (!device.lastSeen) return "unknown";
  const battery = device.batteryLevel;
  if (now.getTime() - device.lastSeen.getTime() > OFFLINE_AFTER_MS) return "critical";
  if (device.errorCount > 10) return "critical";
  if (battery !== null && battery < 10) return "critical";
  if (device.errorCount > 5 || (battery !== null && battery < 20)) return "warning";
  return "healthy";
}

export function computeHealthScore(device: HealthInputs & { healthStatus: HealthStatusName }): number {
  let score = 100;
  if (device.healthStatus === "critical") score -= 50;
  else if (device.healthStatus === "warning") score -= 25;

  if (device.batteryLevel !== null) {
    if (device.batteryLevel < 20) score -= 20;
    else if (device.batteryLevel < 50) score -= 10;
  }

  if (device.signalStrength !== null) {
    if (device.signalStrength < -90) score -= 20;
    else if (device.signalStrength < -70) score -= 10;
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
