/**
 * Why a device has the health it has, in the words a technician reads at the device: the same
 * rules as `computeHealthStatus` (lib/health/device-health.ts), one sentence per rule that fires,
 * worst first. A device page shows the first one or two beside the badge, so "Critical" never
 * stands alone without its cause.
 */
import { DEFAULT_HEALTH_THRESHOLDS, type HealthThresholds } from "./health-thresholds";
import { isOffline, isTelemetryLate, type HealthInputs } from "./device-health";

export type HealthReason = { severity: "critical" | "warning"; text: string };

const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));
const ago = (lastSeen: Date, now: Date) => {
  const m = minutes(now.getTime() - lastSeen.getTime());
  return m < 120 ? `${m} min` : m < 2 * 1440 ? `${Math.round(m / 60)} h` : `${Math.round(m / 1440)} days`;
};
const pct = (value: number) => `${Math.round(value * 10) / 10} %`;

export function healthReasons(device: HealthInputs, now: Date, limits: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS): HealthReason[] {
  if (!device.lastSeen) return [];
  const reasons: HealthReason[] = [];
  const critical = (text: string) => reasons.push({ severity: "critical", text });
  const warning = (text: string) => reasons.push({ severity: "warning", text });
  const battery = device.batteryLevel;

  if (isOffline(device.lastSeen, now, limits)) critical(`Offline: not heard from for ${ago(device.lastSeen, now)} (limit ${minutes(limits.telemetry_age_critical_sec * 1000)} min)`);
  else if (isTelemetryLate(device.lastSeen, now, limits) && limits.telemetry_age_warning_sec !== null) warning(`Telemetry late: last report ${ago(device.lastSeen, now)} ago (limit ${minutes(limits.telemetry_age_warning_sec * 1000)} min)`);

  if (device.errorCount > limits.errors_critical_above) critical(`${device.errorCount} errors reported (critical above ${limits.errors_critical_above})`);
  else if (device.errorCount > limits.errors_warning_above) warning(`${device.errorCount} errors reported (warning above ${limits.errors_warning_above})`);

  if (battery !== null && battery < limits.battery_critical_below_pct) critical(`Battery ${pct(battery)} (critical below ${pct(limits.battery_critical_below_pct)})`);
  else if (battery !== null && battery < limits.battery_warning_below_pct) warning(`Battery ${pct(battery)} (warning below ${pct(limits.battery_warning_below_pct)})`);

  for (const [name, value, warn, crit] of [
    ["CPU", device.cpuPercent, limits.cpu_warning_above_pct, limits.cpu_critical_above_pct],
    ["Memory", device.memoryPercent, limits.memory_warning_above_pct, limits.memory_critical_above_pct],
  ] as const) {
    if (value == null) continue;
    if (crit !== null && value > crit) critical(`${name} ${pct(value)} (critical above ${pct(crit)})`);
    else if (warn !== null && value > warn) warning(`${name} ${pct(value)} (warning above ${pct(warn)})`);
  }
  return [...reasons.filter((reason) => reason.severity === "critical"), ...reasons.filter((reason) => reason.severity === "warning")];
}
