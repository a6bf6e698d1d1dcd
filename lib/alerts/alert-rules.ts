/**
 * What the health monitor alerts about (M92 `iot.health.monitor._check_device_health`), as pure
 * functions: the sweep evaluates them for the whole fleet, the tests pin every threshold.
 *
 * Limits are the device's health thresholds (lib/health/health-thresholds.ts, per farm/group and
 * device type; M92's by default), read by the same rules as lib/health/device-health.ts, so an
 * alert and the health status it explains can never disagree. The same deliberate difference from the Python applies: only a
 * missing value (null) is "not reported" — M92's `if device.battery_level and …` would ignore a
 * flat 0 % battery, which is exactly the battery a farmer needs to hear about.
 *
 * Beyond M92's five checks: `firmware_failed` (the seed's alert model lists it; an OTA that failed
 * leaves the device on old firmware until someone looks) and the group offline threshold. With
 * limits that name them (I-013 §6.1.1's profile): `high_cpu`, `high_memory` (warning above the
 * warning limit, critical above the critical one) and `telemetry_late` (warning past the warning
 * age). A late device that then goes offline keeps its `telemetry_late` alert beside the critical
 * `offline` one — its telemetry is still late, and resolving it then would read "cleared".
 */
import { isOffline, isTelemetryLate, lowBatteryLimit } from "../health/device-health";
import { DEFAULT_HEALTH_THRESHOLDS, type HealthThresholds } from "../health/health-thresholds";

export type AlertSeverityName = "low" | "warning" | "critical";

/** The device alert types the sweep raises and auto-resolves; `custom` alerts are people's. */
export const DEVICE_SWEEP_ALERT_TYPES = [
  "offline",
  "low_battery",
  "poor_signal",
  "high_errors",
  "elevated_errors",
  "calibration_overdue",
  "firmware_failed",
  "high_cpu",
  "high_memory",
  "telemetry_late",
] as const;
export type DeviceSweepAlertType = (typeof DEVICE_SWEEP_ALERT_TYPES)[number];

export type DeviceIssue = { type: DeviceSweepAlertType; severity: AlertSeverityName; message: string };

export type IssueInputs = {
  lastSeen: Date | null;
  batteryLevel: number | null;
  lowBatteryThreshold: number;
  signalStrength: number | null;
  errorCount: number;
  calibrationStatus: string;
  firmwareUpdateStatus: string;
  /** Judged only when the limits name CPU/memory limits; missing or null = not reported. */
  cpuPercent?: number | null;
  memoryPercent?: number | null;
  /** The device's farm's time zone: the clock an alert message's times are written in (UTC when unknown). */
  timeZone?: string | null;
};

const alertClocks = new Map<string, Intl.DateTimeFormat>();

/**
 * "2026-11-23 06:49 CET": what a farmer reads in an alert message — in the farm's own clock with
 * its zone named (the message is stored once and read in mails, webhooks and screens alike),
 * whatever the server's zone. ISO-like order, so it reads the same in every language.
 */
export function formatAlertTime(at: Date, timeZone: string | null = "UTC"): string {
  const zone = timeZone || "UTC";
  if (zone === "UTC") return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  let clock = alertClocks.get(zone);
  if (!clock) {
    try {
      clock = new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    } catch {
      return formatAlertTime(at, "UTC");
    }
    alertClocks.set(zone, clock);
  }
  const part = Object.fromEntries(clock.formatToParts(at).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${part.timeZoneName}`;
}

const percent = (value: number) => `${Math.round(value * 10) / 10}%`;

const minutes = (ms: number) => `${Math.floor(ms / 60_000)} min`;

/** M92 `_check_device_health` (and I-013 §6.1.1's checks where the limits name them): the device's current issues, in M92's order. */
export function deviceIssues(device: IssueInputs, now: Date, limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS): DeviceIssue[] {
  const issues: DeviceIssue[] = [];
  if (isOffline(device.lastSeen, now, limits)) {
    issues.push({ type: "offline", severity: "critical", message: `Device offline since ${formatAlertTime(device.lastSeen!, device.timeZone)}` });
  }
  if (isTelemetryLate(device.lastSeen, now, limits)) {
    const age = now.getTime() - device.lastSeen!.getTime();
    issues.push({ type: "telemetry_late", severity: "warning", message: `No telemetry for ${minutes(age)} (since ${formatAlertTime(device.lastSeen!, device.timeZone)})` });
  }
  const battery = device.batteryLevel;
  if (battery !== null && battery < lowBatteryLimit(device.lowBatteryThreshold, limits)) {
    issues.push({
      type: "low_battery",
      severity: battery < limits.battery_critical_below_pct ? "critical" : "warning",
      message: `Battery level at ${percent(battery)}`,
    });
  }
  const signal = device.signalStrength;
  if (signal !== null && signal < limits.signal_poor_below_dbm) {
    issues.push({ type: "poor_signal", severity: "warning", message: `Signal strength at ${signal} dBm` });
  }
  if (device.errorCount > limits.errors_critical_above) {
    issues.push({ type: "high_errors", severity: "critical", message: `High error count: ${device.errorCount}` });
  } else if (device.errorCount > limits.errors_warning_above) {
    issues.push({ type: "elevated_errors", severity: "warning", message: `Elevated error count: ${device.errorCount}` });
  }
  const usage = (value: number | null | undefined, warning: number | null, critical: number | null): AlertSeverityName | null => {
    if (value == null) return null;
    if (critical !== null && value > critical) return "critical";
    if (warning !== null && value > warning) return "warning";
    return null;
  };
  const cpu = usage(device.cpuPercent, limits.cpu_warning_above_pct, limits.cpu_critical_above_pct);
  if (cpu) issues.push({ type: "high_cpu", severity: cpu, message: `CPU usage at ${percent(device.cpuPercent!)}` });
  const memory = usage(device.memoryPercent, limits.memory_warning_above_pct, limits.memory_critical_above_pct);
  if (memory) issues.push({ type: "high_memory", severity: memory, message: `Memory usage at ${percent(device.memoryPercent!)}` });
  if (device.calibrationStatus === "overdue") {
    issues.push({ type: "calibration_overdue", severity: "warning", message: "Device calibration overdue" });
  }
  if (device.firmwareUpdateStatus === "failed") {
    issues.push({ type: "firmware_failed", severity: "warning", message: "Firmware update failed" });
  }
  return issues;
}

/**
 * A group's offline threshold (M92 group `alert_threshold`): at least `threshold` of its devices
 * (its own and its sub-groups') offline raises one alert for the group. Warning, not critical:
 * every offline device already has its own critical `offline` alert; the group alert is the
 * roll-up that says "a whole barn is quiet", and must not double the critical count.
 */
export function groupOfflineIssue(offline: number, total: number, threshold: number) {
  if (threshold < 1 || offline < threshold) return null;
  return {
    type: "group_offline" as const,
    severity: "warning" as AlertSeverityName,
    message: `${offline} of ${total} devices offline (threshold ${threshold})`,
  };
}

/**
 * Resolution notes the sweep writes. Both start with "Auto-resolved" (alert-fields'
 * AUTO_RESOLVED_PREFIX), which with no resolver is how the list tells the sweep's resolutions
 * from people's.
 */
export const AUTO_RESOLVED_NOTE = "Auto-resolved: issue no longer detected";
export const RETIRED_RESOLVED_NOTE = "Auto-resolved: device retired";
