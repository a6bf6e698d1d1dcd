/**
 * The selection values of an alert (M92 `iot.device.alert`) with the words every screen uses.
 * Plain constants, safe in client components; the Prisma enums carry the same values and the
 * type checker keeps the two in step (alert-list.ts assigns Prisma rows to these types).
 */
export const ALERT_TYPES = ["offline", "low_battery", "poor_signal", "high_errors", "elevated_errors", "calibration_overdue", "firmware_failed", "group_offline", "custom", "config_drift", "high_cpu", "high_memory", "telemetry_late", "maintenance_overdue"] as const;
export const ALERT_SEVERITIES = ["critical", "warning", "low"] as const;
export const ALERT_STATES = ["active", "acknowledged", "resolved"] as const;

export type AlertTypeName = (typeof ALERT_TYPES)[number];
export type AlertSeverityName = (typeof ALERT_SEVERITIES)[number];
export type AlertStateName = (typeof ALERT_STATES)[number];

/** M92's selection labels; "group offline" is ours (a group's offline alert threshold). */
export const ALERT_TYPE_LABEL: Record<AlertTypeName, string> = {
  offline: "Device offline",
  low_battery: "Low battery",
  poor_signal: "Poor signal",
  high_errors: "High error rate",
  elevated_errors: "Elevated errors",
  calibration_overdue: "Calibration overdue",
  firmware_failed: "Firmware update failed",
  group_offline: "Group offline",
  custom: "Custom alert",
  config_drift: "Configuration drift",
  high_cpu: "High CPU usage",
  high_memory: "High memory usage",
  telemetry_late: "Telemetry late",
  maintenance_overdue: "Maintenance overdue",
};

export const ALERT_SEVERITY_LABEL: Record<AlertSeverityName, string> = { critical: "Critical", warning: "Warning", low: "Low" };

export const ALERT_STATE_LABEL: Record<AlertStateName, string> = { active: "Active", acknowledged: "Acknowledged", resolved: "Resolved" };

/** Still needing someone: acknowledged means "seen", not "fixed". */
export const OPEN_ALERT_STATES = ["active", "acknowledged"] as const satisfies readonly AlertStateName[];

/** The list's state filter: one choice, "open" unless asked otherwise. */
export const ALERT_STATE_FILTERS = ["open", "active", "acknowledged", "resolved", "all"] as const;
export type AlertStateFilter = (typeof ALERT_STATE_FILTERS)[number];
export const ALERT_STATE_FILTER_LABEL: Record<AlertStateFilter, string> = {
  open: "Open (not resolved)",
  active: "Active",
  acknowledged: "Acknowledged",
  resolved: "Resolved",
  all: "Any state",
};

export function statesFor(filter: AlertStateFilter): readonly AlertStateName[] {
  if (filter === "open") return OPEN_ALERT_STATES;
  if (filter === "all") return ALERT_STATES;
  return [filter];
}

/** The note the health monitor writes when it closes an alert itself (M92 `_resolve_stale_alerts`). */
export const AUTO_RESOLVED_PREFIX = "Auto-resolved";
