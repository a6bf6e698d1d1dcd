/**
 * Reading maintenance: the list, the calendar, "my work today", a device's maintenance and one
 * record. Farm-scoped (another farm's work is not found). Built for a million records: every
 * query pages on an index — (farm_id | assignee_id | status | device_id, scheduled_date) or the
 * partial index of open work — before it joins names to the page, and the list's total is
 * counted up to COUNT_CAP, never over everything.
 *
 * "Today" is the UTC day (farms of this product run in one or two neighbouring time zones; a
 * record due "today" turns overdue at UTC midnight, the sweep's rule too).
 */
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { findScopedDevice, type DeviceRef } from "../devices/find-device";
import { NotFoundError } from "../errors";
import { isoDay, rhythmLabel, utcDate } from "./recurrence";
import type { CalendarQuery, MaintenanceFilter, MaintenanceListQuery, Part, PlanListQuery } from "./maintenance-schemas";
import type { CalendarDay, CalendarResult, DeviceMaintenance, MaintenanceListResult, MaintenanceRow, MyWorkToday, OccurrenceDetail, PlanDetail, PlanListResult, PlanRow } from "./maintenance-types";

/** The list's total is counted up to this many; beyond, "10,000+". */
export const COUNT_CAP = 10_000;
export const CALENDAR_ENTRIES_PER_DAY = 20;

const DAY = 86_400_000;

type Raw = Pick<Db, "$queryRawUnsafe">;

/** Today's UTC day. */
export function todayUtc(now: Date = new Date()): Date {
  return utcDate(now);
}

/** SQL conditions on `m` (maintenances) with their parameters, numbered from the start. */
class Where {
  readonly parts: string[] = [];
  readonly values: unknown[] = [];
  /**
   * One status asked for: put first in ORDER BY (the same order, it is one value) and written as
   * `= ANY(array)`, which the planner does not fold into a constant, so it walks the (status,
   * scheduled_date) index. Otherwise it may walk the date index and filter: done work is all in the
   * past and scheduled work in the future, a correlation its statistics do not see, so "done,
   * newest first" would read every future row first (seconds at a million records).
   */
  leading: string | null = null;
  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  add(sql: string) {
    this.parts.push(sql);
  }
  toString() {
    return this.parts.length ? `WHERE ${this.parts.join(" AND ")}` : "";
  }
}

const OPEN = `('scheduled', 'in_progress', 'overdue')`;

/** The filter as SQL; null when it can match nothing (another farm asked for). */
function filterWhere(actor: Actor, filter: Partial<MaintenanceFilter>, today: Date, options: { skipCancelledByDefault?: boolean } = {}): Where | null {
  const where = new Where();
  const scope = farmScope(actor);
  if (scope !== null && filter.farm !== undefined && filter.farm !== scope) return null;
  const farm = scope ?? filter.farm;
  if (farm !== undefined) where.add(`m.farm_id = ${where.param(farm)}`);
  if (filter.type?.length) where.add(`m.maintenance_type::text = ANY(${where.param(filter.type)}::text[])`);
  if (filter.status?.length === 1) {
    where.add(`m.status = ANY('{${filter.status[0]}}'::"MaintenanceStatus"[])`);
    where.leading = "m.status";
  } else if (filter.status?.length) {
    // Literal values, so the planner can prove the partial index of open work applies.
    where.add(`m.status IN (${filter.status.map((status) => `'${status}'`).join(", ")})`);
  } else if (options.skipCancelledByDefault) {
    where.add(`m.status <> 'cancelled'`);
  }
  if (filter.assignee === "me") where.add(actor.kind === "user" ? `m.assignee_id = ${where.param(actor.id)}` : "FALSE");
  else if (filter.assignee === "none") where.add(`m.assignee_id IS NULL`);
  else if (typeof filter.assignee === "number") where.add(`m.assignee_id = ${where.param(filter.assignee)}`);
  if (filter.device) where.add(`m.device_id = (SELECT id FROM devices WHERE device_id = ${where.param(filter.device)})`);
  if (filter.plan !== undefined) where.add(`m.plan_id = ${where.param(filter.plan)}`);
  if (filter.from) where.add(`m.scheduled_date >= ${where.param(isoDay(filter.from))}::date`);
  if (filter.to) where.add(`m.scheduled_date <= ${where.param(isoDay(filter.to))}::date`);
  const day = isoDay(today);
  switch (filter.due) {
    case "overdue":
      where.add(`m.status IN ('scheduled', 'overdue') AND m.scheduled_date < ${where.param(day)}::date`);
      break;
    case "today":
      where.add(`m.status IN ${OPEN} AND m.scheduled_date = ${where.param(day)}::date`);
      break;
    case "week":
      where.add(`m.status IN ${OPEN} AND m.scheduled_date BETWEEN ${where.param(day)}::date AND ${where.param(isoDay(new Date(today.getTime() + 6 * DAY)))}::date`);
      break;
    case "upcoming":
      where.add(`m.status IN ${OPEN} AND m.scheduled_date >= ${where.param(day)}::date`);
      break;
  }
  return where;
}

type RowRecord = Omit<MaintenanceRow, "performedAt"> & { performedAt: Date | null };

const ROW_COLUMNS = `m.id, d.device_id AS "deviceId", d.name AS "deviceName", d.device_type::text AS "deviceType", m.farm_id AS "farmId",
  f.name AS "farmName", m.plan_id AS "planId", p.name AS "planName", m.maintenance_type::text AS "maintenanceType",
  m.status::text AS status, to_char(m.scheduled_date, 'YYYY-MM-DD') AS "scheduledDate", m.assignee_id AS "assigneeId",
  u.name AS "assigneeName", m.description, m.duration_minutes AS "durationMinutes", m.cost::text AS cost,
  m.performed_at AS "performedAt", m.use_maintenance_mode AS "useMaintenanceMode"`;

const ROW_JOINS = `JOIN devices d ON d.id = m.device_id
  JOIN farms f ON f.id = m.farm_id
  LEFT JOIN maintenance_plans p ON p.id = m.plan_id
  LEFT JOIN users u ON u.id = m.assignee_id`;

/** The rows of the given ids, in the given order. */
async function rowsByIds(db: Raw, ids: number[]): Promise<MaintenanceRow[]> {
  if (!ids.length) return [];
  const rows = await db.$queryRawUnsafe<RowRecord[]>(
    `SELECT ${ROW_COLUMNS} FROM maintenances m ${ROW_JOINS} WHERE m.id = ANY($1::int[])`,
    ids,
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is RowRecord => row !== undefined);
}

/** Page of ids by (scheduled_date, id), then the names joined to the page only. */
async function pageIds(db: Raw, where: Where, options: { limit: number; offset?: number; dir?: "asc" | "desc" }): Promise<number[]> {
  const dir = options.dir === "desc" ? "DESC" : "ASC";
  const limit = where.param(options.limit);
  const offset = where.param(options.offset ?? 0);
  const rows = await db.$queryRawUnsafe<{ id: number }[]>(
    `SELECT m.id FROM maintenances m ${where} ORDER BY ${where.leading ? `${where.leading} ${dir}, ` : ""}m.scheduled_date ${dir}, m.id ${dir} LIMIT ${limit} OFFSET ${offset}`,
    ...where.values,
  );
  return rows.map((row) => row.id);
}

/** The maintenance list, soonest first (or newest first with dir=desc), one page. */
export async function listMaintenance(db: Db, actor: Actor, query: MaintenanceListQuery, now: Date = new Date()): Promise<MaintenanceListResult> {
  const where = filterWhere(actor, query, todayUtc(now));
  if (!where) return { rows: [], page: query.page, pageSize: query.pageSize, total: 0, totalCapped: false, hasNext: false };
  const countWhere = new Where();
  countWhere.parts.push(...where.parts);
  countWhere.values.push(...where.values);
  const cap = countWhere.param(COUNT_CAP + 1);
  const [ids, counted] = await Promise.all([
    pageIds(db, where, { limit: query.pageSize + 1, offset: (query.page - 1) * query.pageSize, dir: query.dir }),
    db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM maintenances m ${countWhere} LIMIT ${cap}) capped`, ...countWhere.values),
  ]);
  const n = counted[0]?.n ?? 0;
  const hasNext = ids.length > query.pageSize;
  return {
    rows: await rowsByIds(db, ids.slice(0, query.pageSize)),
    page: query.page,
    pageSize: query.pageSize,
    total: Math.min(n, COUNT_CAP),
    totalCapped: n > COUNT_CAP,
    hasNext,
  };
}

/**
 * The calendar from `from` to `to` (inclusive): per day the counts and the first
 * CALENDAR_ENTRIES_PER_DAY entries. Cancelled work is left out unless the status filter asks.
 */
export async function maintenanceCalendar(db: Db, actor: Actor, query: CalendarQuery, now: Date = new Date()): Promise<CalendarResult> {
  const from = utcDate(query.from);
  const to = utcDate(query.to);
  const dayList: string[] = [];
  for (let time = from.getTime(); time <= to.getTime(); time += DAY) dayList.push(isoDay(new Date(time)));
  const empty = (): CalendarResult => ({ from: isoDay(from), to: isoDay(to), days: dayList.map((date) => ({ date, total: 0, overdue: 0, done: 0, entries: [] })) });
  const today = todayUtc(now);
  const base = filterWhere(actor, { ...query, from, to }, today, { skipCancelledByDefault: true });
  if (!base) return empty();

  const counts = new Where();
  counts.parts.push(...base.parts);
  counts.values.push(...base.values);
  const todayParam = counts.param(isoDay(today));
  // The entries per day: the same filter without the range, which the series of days gives.
  const entries = filterWhere(actor, { ...query, from: undefined, to: undefined }, today, { skipCancelledByDefault: true })!;
  entries.add(`m.scheduled_date = g.day::date`);
  const perDay = entries.param(CALENDAR_ENTRIES_PER_DAY);
  const fromParam = entries.param(isoDay(from));
  const toParam = entries.param(isoDay(to));

  const [countRows, entryRows] = await Promise.all([
    db.$queryRawUnsafe<{ day: string; total: number; overdue: number; done: number }[]>(
      `SELECT to_char(m.scheduled_date, 'YYYY-MM-DD') AS day, count(*)::int AS total,
              count(*) FILTER (WHERE m.status = 'overdue' OR (m.status = 'scheduled' AND m.scheduled_date < ${todayParam}::date))::int AS overdue,
              count(*) FILTER (WHERE m.status = 'done')::int AS done
         FROM maintenances m ${counts} GROUP BY m.scheduled_date`,
      ...counts.values,
    ),
    db.$queryRawUnsafe<{ id: number }[]>(
      `SELECT x.id FROM generate_series(${fromParam}::date, ${toParam}::date, interval '1 day') AS g(day)
       CROSS JOIN LATERAL (SELECT m.id FROM maintenances m ${entries} ORDER BY m.id LIMIT ${perDay}) x`,
      ...entries.values,
    ),
  ]);
  const rows = await rowsByIds(db, entryRows.map((row) => row.id));
  const result = empty();
  const byDay = new Map<string, CalendarDay>(result.days.map((day) => [day.date, day]));
  for (const row of countRows) Object.assign(byDay.get(row.day) ?? {}, { total: row.total, overdue: row.overdue, done: row.done });
  for (const row of rows) byDay.get(row.scheduledDate)?.entries.push(row);
  return result;
}

/** The technician's day: in progress, overdue and today's work assigned to the actor, and the unassigned. */
export async function myWorkToday(db: Db, actor: Actor, now: Date = new Date()): Promise<MyWorkToday> {
  const today = todayUtc(now);
  const mine = actor.kind === "user" ? actor.id : null;
  const scope = farmScope(actor);
  const list = async (condition: string, values: unknown[], limit = 100) => {
    const where = new Where();
    where.values.push(...values);
    where.add(condition);
    if (scope !== null) where.add(`m.farm_id = ${where.param(scope)}`);
    return rowsByIds(db, await pageIds(db, where, { limit }));
  };
  const day = isoDay(today);
  const [inProgress, overdue, dueToday, unassigned] = await Promise.all([
    mine === null ? [] : list(`m.assignee_id = $1 AND m.status = 'in_progress'`, [mine]),
    mine === null ? [] : list(`m.assignee_id = $1 AND m.status IN ('scheduled', 'overdue') AND m.scheduled_date < $2::date`, [mine, day]),
    mine === null ? [] : list(`m.assignee_id = $1 AND m.status IN ('scheduled', 'overdue') AND m.scheduled_date = $2::date`, [mine, day]),
    list(`m.assignee_id IS NULL AND m.status IN ('scheduled', 'overdue') AND m.scheduled_date <= $1::date`, [day], 50),
  ]);
  return { today: day, inProgress, overdue, dueToday, unassigned };
}

/** A device's maintenance: next due work, history and the plans covering it. 404 for another farm's device. */
export async function deviceMaintenance(db: Db, actor: Actor, ref: DeviceRef): Promise<DeviceMaintenance> {
  const device = await findScopedDevice(db, actor, ref, { id: true, farmId: true, groupId: true, deviceType: true });
  const [next, history, planIds] = await Promise.all([
    db.$queryRawUnsafe<{ id: number }[]>(
      `SELECT m.id FROM maintenances m WHERE m.device_id = $1 AND m.status IN ${OPEN} ORDER BY m.scheduled_date, m.id LIMIT 10`,
      device.id,
    ),
    db.$queryRawUnsafe<{ id: number }[]>(
      `SELECT m.id FROM maintenances m WHERE m.device_id = $1 AND m.status IN ('done', 'cancelled')
        ORDER BY COALESCE(m.performed_at, m.cancelled_at, m.scheduled_date::timestamptz) DESC, m.id DESC LIMIT 20`,
      device.id,
    ),
    db.$queryRawUnsafe<{ id: number }[]>(
      `WITH RECURSIVE up AS (SELECT id, parent_id FROM device_groups WHERE id = $3
                             UNION SELECT g.id, g.parent_id FROM device_groups g JOIN up ON g.id = up.parent_id)
       SELECT p.id FROM maintenance_plans p
        WHERE p.active AND p.farm_id = $1
          AND (p.device_id = $2
               OR (p.scope = 'group' AND p.group_id IN (SELECT id FROM up) AND (p.device_type IS NULL OR p.device_type::text = $4))
               OR (p.scope = 'device_type' AND p.device_type::text = $4))
        ORDER BY p.id`,
      device.farmId,
      device.id,
      device.groupId ?? -1,
      device.deviceType,
    ),
  ]);
  const [nextRows, historyRows, plans] = await Promise.all([rowsByIds(db, next.map((row) => row.id)), rowsByIds(db, history.map((row) => row.id)), planRowsByIds(db, planIds.map((row) => row.id))]);
  return { next: nextRows, history: historyRows, plans };
}

/** The record's row, or 404 when it is not there or on another farm. */
export async function loadScopedWork(db: Pick<Db, "maintenance">, actor: Pick<Actor, "farmId" | "role">, id: number) {
  const scope = farmScope(actor);
  const work = await db.maintenance.findFirst({ where: { id, ...(scope !== null ? { farmId: scope } : {}) } });
  if (!work) throw new NotFoundError(`Maintenance record ${id} not found.`);
  return work;
}

/** One maintenance record with its parts, people, attachments and calibration. 404 for another farm's. */
export async function getOccurrence(db: Db, actor: Actor, id: number): Promise<OccurrenceDetail> {
  await loadScopedWork(db, actor, id);
  const [row] = await rowsByIds(db, [id]);
  const work = await db.maintenance.findUniqueOrThrow({
    where: { id },
    include: {
      device: { select: { id: true, state: true, maintenanceMode: true } },
      attachments: { orderBy: { id: "asc" } },
      calibrations: { orderBy: { id: "desc" }, take: 1 },
    },
  });
  const userIds = [work.startedById, work.performedById, work.cancelledById, ...work.attachments.map((file) => file.uploadedById)].filter((value): value is number => value !== null);
  const users = new Map((userIds.length ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : []).map((user) => [user.id, user.name]));
  const nameOf = (userId: number | null) => (userId === null ? null : (users.get(userId) ?? null));
  const calibration = work.calibrations[0];
  const text = (value: { toString(): string } | null) => (value === null ? null : value.toString());
  return {
    ...row!,
    deviceRowId: work.device.id,
    deviceState: work.device.state,
    deviceInMaintenance: work.device.maintenanceMode,
    modeSetByWork: work.modeSetByWork,
    notes: work.notes,
    parts: (Array.isArray(work.parts) ? work.parts : []) as Part[],
    laborCost: text(work.laborCost),
    started: { id: work.startedById, name: nameOf(work.startedById), at: work.startedAt },
    performed: { id: work.performedById, name: nameOf(work.performedById), at: work.performedAt },
    cancelled: { id: work.cancelledById, name: nameOf(work.cancelledById), at: work.cancelledAt, reason: work.cancelReason },
    createdAt: work.createdAt,
    attachments: work.attachments.map((file) => ({ id: file.id, fileName: file.fileName, contentType: file.contentType, sizeBytes: file.sizeBytes, uploadedByName: nameOf(file.uploadedById), createdAt: file.createdAt })),
    calibration: calibration
      ? {
          id: calibration.id,
          passed: calibration.passed,
          performedAt: calibration.performedAt,
          nextDueOn: calibration.nextDueOn ? isoDay(calibration.nextDueOn) : null,
          beforeValue: text(calibration.beforeValue),
          afterValue: text(calibration.afterValue),
          beforeOffset: text(calibration.beforeOffset),
          afterOffset: text(calibration.afterOffset),
          unit: calibration.unit,
          reference: calibration.reference,
        }
      : null,
  };
}

type PlanRecord = Omit<PlanRow, "rhythm">;

const PLAN_COLUMNS = `p.id, p.farm_id AS "farmId", f.name AS "farmName", p.name, p.maintenance_type::text AS "maintenanceType", p.scope::text AS scope,
  d.device_id AS "deviceId", p.group_id AS "groupId", g.name AS "groupName", p.device_type::text AS "deviceType",
  p.every_count AS "everyCount", p.every_unit::text AS "everyUnit", to_char(p.starts_on, 'YYYY-MM-DD') AS "startsOn",
  to_char(p.ends_on, 'YYYY-MM-DD') AS "endsOn", to_char(p.next_on, 'YYYY-MM-DD') AS "nextOn", p.assignee_id AS "assigneeId",
  u.name AS "assigneeName", p.description, p.duration_minutes AS "durationMinutes", p.use_maintenance_mode AS "useMaintenanceMode",
  p.active, p.created_at AS "createdAt"`;

const PLAN_JOINS = `JOIN farms f ON f.id = p.farm_id
  LEFT JOIN devices d ON d.id = p.device_id
  LEFT JOIN device_groups g ON g.id = p.group_id
  LEFT JOIN users u ON u.id = p.assignee_id`;

const withRhythm = (row: PlanRecord): PlanRow => ({ ...row, rhythm: rhythmLabel(row) });

async function planRowsByIds(db: Raw, ids: number[]): Promise<PlanRow[]> {
  if (!ids.length) return [];
  const rows = await db.$queryRawUnsafe<PlanRecord[]>(`SELECT ${PLAN_COLUMNS} FROM maintenance_plans p ${PLAN_JOINS} WHERE p.id = ANY($1::int[]) ORDER BY p.id`, ids);
  return rows.map(withRhythm);
}

export async function listPlans(db: Db, actor: Actor, query: PlanListQuery): Promise<PlanListResult> {
  const where = new Where();
  const scope = farmScope(actor);
  if (scope !== null && query.farm !== undefined && query.farm !== scope) return { rows: [], page: query.page, pageSize: query.pageSize, total: 0, hasNext: false };
  const farm = scope ?? query.farm;
  if (farm !== undefined) where.add(`p.farm_id = ${where.param(farm)}`);
  if (query.active === "active") where.add(`p.active`);
  if (query.active === "inactive") where.add(`NOT p.active`);
  if (query.type?.length) where.add(`p.maintenance_type::text = ANY(${where.param(query.type)}::text[])`);
  const countValues = [...where.values];
  const limit = where.param(query.pageSize + 1);
  const offset = where.param((query.page - 1) * query.pageSize);
  const [rows, count] = await Promise.all([
    db.$queryRawUnsafe<PlanRecord[]>(`SELECT ${PLAN_COLUMNS} FROM maintenance_plans p ${PLAN_JOINS} ${where} ORDER BY p.active DESC, p.name, p.id LIMIT ${limit} OFFSET ${offset}`, ...where.values),
    db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM maintenance_plans p ${where}`, ...countValues),
  ]);
  return { rows: rows.slice(0, query.pageSize).map(withRhythm), page: query.page, pageSize: query.pageSize, total: count[0]?.n ?? 0, hasNext: rows.length > query.pageSize };
}

/** The plan's row, or 404 when it is not there or on another farm. */
export async function loadScopedPlan(db: Pick<Db, "maintenancePlan">, actor: Pick<Actor, "farmId" | "role">, id: number) {
  const scope = farmScope(actor);
  const plan = await db.maintenancePlan.findFirst({ where: { id, ...(scope !== null ? { farmId: scope } : {}) } });
  if (!plan) throw new NotFoundError(`Maintenance plan ${id} not found.`);
  return plan;
}

/** One plan with its upcoming occurrences. 404 for another farm's. */
export async function getPlan(db: Db, actor: Actor, id: number): Promise<PlanDetail> {
  await loadScopedPlan(db, actor, id);
  const [rows, upcoming, counts] = await Promise.all([
    planRowsByIds(db, [id]),
    db.$queryRawUnsafe<{ id: number }[]>(`SELECT m.id FROM maintenances m WHERE m.plan_id = $1 AND m.status IN ${OPEN} ORDER BY m.scheduled_date, m.id LIMIT 50`, id),
    db.$queryRawUnsafe<{ open: number; done: number }[]>(
      `SELECT count(*) FILTER (WHERE status IN ${OPEN})::int AS open, count(*) FILTER (WHERE status = 'done')::int AS done FROM maintenances WHERE plan_id = $1`,
      id,
    ),
  ]);
  return { ...rows[0]!, upcoming: await rowsByIds(db, upcoming.map((row) => row.id)), openCount: counts[0]?.open ?? 0, doneCount: counts[0]?.done ?? 0 };
}


