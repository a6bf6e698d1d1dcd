/**
 * What the maintenance queries return: plain rows the pages, the API and the OpenAPI document
 * share. Dates of the calendar are "YYYY-MM-DD" strings (a day, not an instant); times are Dates
 * (JSON: ISO strings).
 */
import type { DeviceTypeName } from "../devices/device-id";
import type { Part } from "./maintenance-schemas";
import type { MaintenanceScopeName, MaintenanceStatusName, MaintenanceTypeName, RecurrenceUnitName } from "./maintenance-fields";

export type MaintenanceRow = {
  id: number;
  /** The device's public id (MM001). */
  deviceId: string;
  deviceName: string | null;
  deviceType: DeviceTypeName;
  farmId: number;
  farmName: string;
  planId: number | null;
  planName: string | null;
  maintenanceType: MaintenanceTypeName;
  status: MaintenanceStatusName;
  /** YYYY-MM-DD */
  scheduledDate: string;
  assigneeId: number | null;
  assigneeName: string | null;
  description: string | null;
  durationMinutes: number | null;
  /** Total cost as a decimal string ("123.40"), set when done. */
  cost: string | null;
  performedAt: Date | null;
  useMaintenanceMode: boolean;
};

export type MaintenanceListResult = {
  rows: MaintenanceRow[];
  page: number;
  pageSize: number;
  /** Matching records, counted up to COUNT_CAP; totalCapped: there are more than `total`. */
  total: number;
  totalCapped: boolean;
  hasNext: boolean;
};

export type CalendarDay = {
  /** YYYY-MM-DD */
  date: string;
  total: number;
  /** Open work whose day has passed (status overdue, or scheduled before today). */
  overdue: number;
  done: number;
  /** The first entries of the day (CALENDAR_ENTRIES_PER_DAY at most), soonest-made first. */
  entries: MaintenanceRow[];
};

export type CalendarResult = { from: string; to: string; days: CalendarDay[] };

export type MyWorkToday = {
  /** YYYY-MM-DD, the day "today" means (UTC). */
  today: string;
  /** Assigned to me and started (by anyone). */
  inProgress: MaintenanceRow[];
  /** Assigned to me, day passed, not done. */
  overdue: MaintenanceRow[];
  /** Assigned to me, today. */
  dueToday: MaintenanceRow[];
  /** Nobody's yet, on my farm(s), today or overdue: someone has to take them. */
  unassigned: MaintenanceRow[];
};

export type AttachmentRow = { id: number; fileName: string; contentType: string; sizeBytes: number; uploadedByName: string | null; createdAt: Date };

export type PersonStamp = { id: number | null; name: string | null; at: Date | null };

export type OccurrenceDetail = MaintenanceRow & {
  deviceRowId: number;
  deviceState: string;
  /** The device is in maintenance mode now. */
  deviceInMaintenance: boolean;
  modeSetByWork: boolean;
  notes: string | null;
  parts: Part[];
  laborCost: string | null;
  started: PersonStamp;
  performed: PersonStamp;
  cancelled: PersonStamp & { reason: string | null };
  createdAt: Date;
  attachments: AttachmentRow[];
  /** The calibration recorded with this work, if any. */
  calibration: { id: number; passed: boolean; performedAt: Date; nextDueOn: string | null; beforeValue: string | null; afterValue: string | null; beforeOffset: string | null; afterOffset: string | null; unit: string | null; reference: string | null } | null;
};

export type PlanRow = {
  id: number;
  farmId: number;
  farmName: string;
  name: string;
  maintenanceType: MaintenanceTypeName;
  scope: MaintenanceScopeName;
  /** Public id of the device (scope device). */
  deviceId: string | null;
  groupId: number | null;
  groupName: string | null;
  deviceType: DeviceTypeName | null;
  everyCount: number | null;
  everyUnit: RecurrenceUnitName | null;
  /** YYYY-MM-DD */
  startsOn: string;
  endsOn: string | null;
  /** The first day the sweep has not made occurrences for yet; null: none left. */
  nextOn: string | null;
  assigneeId: number | null;
  assigneeName: string | null;
  description: string | null;
  durationMinutes: number | null;
  useMaintenanceMode: boolean;
  active: boolean;
  /** "every 3 months", "once" */
  rhythm: string;
  createdAt: Date;
};

export type PlanListResult = { rows: PlanRow[]; page: number; pageSize: number; total: number; hasNext: boolean };

export type PlanDetail = PlanRow & {
  /** Open occurrences, soonest first (at most 50). */
  upcoming: MaintenanceRow[];
  openCount: number;
  doneCount: number;
};

export type DeviceMaintenance = {
  /** Open work, soonest first (at most 10), overdue first by date. */
  next: MaintenanceRow[];
  /** Done and cancelled, newest first (at most 20). */
  history: MaintenanceRow[];
  /** Active plans that cover the device (its own, its groups', its type's on its farm). */
  plans: PlanRow[];
};
