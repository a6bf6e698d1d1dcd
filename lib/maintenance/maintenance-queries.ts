/**
 * Reading maintenance: the list, the calendar, "my work today", a device's maintenance and one
 * record. Farm-scoped (another farm's work is not found); fast on a million records through the
 * (farm|assignee|status, scheduled_date) indexes and bounded pages.
 */
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import type { DeviceRef } from "../devices/find-device";
import type { CalendarQuery, MaintenanceListQuery, PlanListQuery } from "./maintenance-schemas";
import type { CalendarResult, DeviceMaintenance, MaintenanceListResult, MyWorkToday, OccurrenceDetail, PlanDetail, PlanListResult } from "./maintenance-types";

/** The list's total is counted up to this many; beyond, "10,000+". */
export const COUNT_CAP = 10_000;
export const CALENDAR_ENTRIES_PER_DAY = 20;

/** The maintenance list, soonest first (or newest first with dir=desc), one page. */
export async function listMaintenance(db: Db, actor: Actor, query: MaintenanceListQuery): Promise<MaintenanceListResult> {
  void db; void actor; void query;
  throw new Error("not implemented yet");
}

/** The calendar from `from` to `to` (inclusive): per day the counts and the first entries. */
export async function maintenanceCalendar(db: Db, actor: Actor, query: CalendarQuery): Promise<CalendarResult> {
  void db; void actor; void query;
  throw new Error("not implemented yet");
}

/** The technician's day: in progress, overdue and today's work assigned to the actor, and the unassigned. */
export async function myWorkToday(db: Db, actor: Actor, now: Date = new Date()): Promise<MyWorkToday> {
  void db; void actor; void now;
  throw new Error("not implemented yet");
}

/** A device's maintenance: next due work, history and the plans covering it. 404 for another farm's device. */
export async function deviceMaintenance(db: Db, actor: Actor, device: DeviceRef): Promise<DeviceMaintenance> {
  void db; void actor; void device;
  throw new Error("not implemented yet");
}

/** One maintenance record with its parts, people, attachments and calibration. 404 for another farm's. */
export async function getOccurrence(db: Db, actor: Actor, id: number): Promise<OccurrenceDetail> {
  void db; void actor; void id;
  throw new Error("not implemented yet");
}

export async function listPlans(db: Db, actor: Actor, query: PlanListQuery): Promise<PlanListResult> {
  void db; void actor; void query;
  throw new Error("not implemented yet");
}

/** One plan with its upcoming occurrences. 404 for another farm's. */
export async function getPlan(db: Db, actor: Actor, id: number): Promise<PlanDetail> {
  void db; void actor; void id;
  throw new Error("not implemented yet");
}
