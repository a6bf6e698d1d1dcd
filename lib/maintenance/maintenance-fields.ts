/**
 * The selection values of maintenance (M92 `iot.device.maintenance`) with the words every screen
 * uses. Plain constants, safe in client components; the Prisma enums carry the same values.
 */
export const MAINTENANCE_TYPES = ["preventive", "corrective", "calibration", "inspection", "cleaning", "battery_replacement", "part_replacement", "firmware"] as const;
export const MAINTENANCE_STATUSES = ["scheduled", "in_progress", "done", "cancelled", "overdue"] as const;
export const MAINTENANCE_SCOPES = ["device", "group", "device_type"] as const;
export const RECURRENCE_UNITS = ["days", "weeks", "months"] as const;
/** The list's "due" filter: overdue (open, before today), today, the next 7 days, anything open from today on. */
export const MAINTENANCE_DUE_FILTERS = ["overdue", "today", "week", "upcoming"] as const;

export type MaintenanceTypeName = (typeof MAINTENANCE_TYPES)[number];
export type MaintenanceStatusName = (typeof MAINTENANCE_STATUSES)[number];
export type MaintenanceScopeName = (typeof MAINTENANCE_SCOPES)[number];
export type RecurrenceUnitName = (typeof RECURRENCE_UNITS)[number];
export type MaintenanceDueFilter = (typeof MAINTENANCE_DUE_FILTERS)[number];

export const MAINTENANCE_TYPE_LABEL: Record<MaintenanceTypeName, string> = {
  preventive: "Preventive",
  corrective: "Corrective",
  calibration: "Calibration",
  inspection: "Inspection",
  cleaning: "Cleaning",
  battery_replacement: "Battery replacement",
  part_replacement: "Part replacement",
  firmware: "Firmware",
};

export const MAINTENANCE_STATUS_LABEL: Record<MaintenanceStatusName, string> = {
  scheduled: "Scheduled",
  in_progress: "In progress",
  done: "Done",
  cancelled: "Cancelled",
  overdue: "Overdue",
};

export const MAINTENANCE_SCOPE_LABEL: Record<MaintenanceScopeName, string> = { device: "One device", group: "A group (with its subgroups)", device_type: "Every device of a type" };

export const RECURRENCE_UNIT_LABEL: Record<RecurrenceUnitName, string> = { days: "days", weeks: "weeks", months: "months" };

/** Work still to do: what the calendar, "my work today" and the overdue count show. */
export const OPEN_MAINTENANCE_STATUSES = ["scheduled", "in_progress", "overdue"] as const satisfies readonly MaintenanceStatusName[];
/** Work that can be started or recorded. */
export const STARTABLE_STATUSES = ["scheduled", "overdue"] as const satisfies readonly MaintenanceStatusName[];

/** Attachments: photos, PDFs and plain text (reports, certificates), at most this size. */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "application/pdf", "text/plain", "text/csv"] as const;
