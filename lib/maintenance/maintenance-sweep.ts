/**
 * The maintenance sweep (worker job `maintenance-sweep`, every 15 minutes), in a fixed handful of
 * set-based statements whatever the fleet size:
 *
 *   1. makes the occurrences of active plans up to MAINTENANCE_HORIZON_DAYS ahead (default 120, so
 *      a quarterly plan always shows its next one): per plan, one INSERT … SELECT over the devices
 *      its scope names now (a device added to the group later is in the next occurrence), one row
 *      per device and date, ON CONFLICT (plan, device, date) DO NOTHING — running twice makes
 *      nothing twice, and a cancelled occurrence stays cancelled. Retired devices get none. The
 *      plan's next_on then moves past the horizon. The plan service runs the same step for a new
 *      or changed plan, so its occurrences show at once.
 *   2. cancels work not yet started on devices retired since ("Device retired"), and marks
 *      scheduled work whose day has passed (UTC) overdue, through the partial index of open work;
 *   3. opens a `maintenance_overdue` alert per device with overdue work through the alert
 *      lifecycle of lib/alerts: the partial unique index of open alerts (one per device and type),
 *      counted (each work that turns overdue counts once), its message naming the oldest work;
 *      and resolves the ones whose device has no overdue work left (done, cancelled, moved);
 *   4. moves devices' calibration status with the calendar (due 14 days before, overdue after):
 *      the rule of lib/calibration/calibration-rules.ts `calibrationStatusOn`, as one UPDATE of
 *      only the devices whose status changes.
 */
import { STOCK_SQL } from "../inventory/stock";
import { CALIBRATION_DUE_SOON_DAYS, CALIBRATION_INTERVAL_DAYS } from "../calibration/calibration-rules";
import type { Sql } from "../telemetry/sql";
import type { RecurrenceUnitName } from "./maintenance-fields";
import { MAINTENANCE_TYPE_LABEL, type MaintenanceTypeName } from "./maintenance-fields";
import { datesBetween, firstOnOrAfter, isoDay, utcDate } from "./recurrence";

const DAY = 86_400_000;

/** How far ahead occurrences are made. */
export function horizonDays(): number {
  const value = Number(process.env.MAINTENANCE_HORIZON_DAYS ?? 120);
  return Number.isFinite(value) && value >= 1 && value <= 3650 ? Math.floor(value) : 120;
}

/** Dates one plan gets per run at most: a daily plan fills its horizon over a few runs, not in one huge insert. */
export const DATES_PER_RUN = 60;

export const OVERDUE_RESOLVED_NOTE = "Auto-resolved: the overdue maintenance was done, cancelled or moved";

type PlanRecord = {
  id: number;
  scope: "device" | "group" | "device_type";
  every_count: number | null;
  every_unit: RecurrenceUnitName | null;
  starts_on: string;
  ends_on: string | null;
  next_on: string;
};

const day = (value: string) => new Date(`${value}T00:00:00Z`);

/**
 * The devices of a plan's scope on its farm, not retired: the FROM/WHERE of the insert. A group or
 * type plan leaves spares in stock out (a collar on the store shelf gets no battery check); a plan
 * for one named device is what its planner asked for.
 */
function scopeSql(scope: PlanRecord["scope"]): string {
  const base = `FROM maintenance_plans p JOIN devices d ON d.farm_id = p.farm_id AND d.state <> 'decommissioned'`;
  switch (scope) {
    case "device":
      return `${base} AND d.id = p.device_id WHERE p.id = $1`;
    case "group":
      return `${base} AND NOT ${STOCK_SQL} AND (p.device_type IS NULL OR d.device_type = p.device_type)
               AND d.group_id IN (WITH RECURSIVE tree AS (SELECT g.id FROM device_groups g WHERE g.id = p.group_id
                                   UNION SELECT c.id FROM device_groups c JOIN tree t ON c.parent_id = t.id) SELECT id FROM tree)
             WHERE p.id = $1`;
    case "device_type":
      return `${base} AND NOT ${STOCK_SQL} AND d.device_type = p.device_type WHERE p.id = $1`;
  }
}

/**
 * Makes the occurrences of active plans (all due ones, or `planIds`) up to the horizon. Returns
 * how many rows were made. Safe to run concurrently with itself: inserts conflict, not duplicate.
 */
export async function materializePlans(sql: Sql, options: { now: Date; planIds?: number[] }): Promise<number> {
  const today = utcDate(options.now);
  const horizon = new Date(today.getTime() + horizonDays() * DAY);
  const plans = await sql.query<PlanRecord>(
    `SELECT id, scope::text AS scope, every_count, every_unit::text AS every_unit, to_char(starts_on, 'YYYY-MM-DD') AS starts_on,
            to_char(ends_on, 'YYYY-MM-DD') AS ends_on, to_char(next_on, 'YYYY-MM-DD') AS next_on
       FROM maintenance_plans
      WHERE active AND next_on IS NOT NULL AND next_on <= $1::date ${options.planIds ? "AND id = ANY($2::int[])" : ""}
      ORDER BY id`,
    options.planIds ? [isoDay(horizon), options.planIds] : [isoDay(horizon)],
  );
  let made = 0;
  for (const plan of plans.rows) {
    const recurrence = { startsOn: day(plan.starts_on), endsOn: plan.ends_on ? day(plan.ends_on) : null, everyCount: plan.every_count, everyUnit: plan.every_unit };
    const dates = datesBetween(recurrence, day(plan.next_on), horizon, DATES_PER_RUN);
    if (dates.length) {
      // Counted in SQL (not rowCount): through Prisma's raw query the statement's row count is not known.
      const inserted = await sql.query<{ n: number }>(
        `WITH made AS (
           INSERT INTO maintenances (device_id, farm_id, plan_id, maintenance_type, status, scheduled_date, assignee_id, description, duration_minutes, use_maintenance_mode)
           SELECT d.id, p.farm_id, p.id, p.maintenance_type, 'scheduled', x.day, p.assignee_id, p.description, p.duration_minutes, p.use_maintenance_mode
             ${scopeSql(plan.scope).replace("FROM maintenance_plans p", "FROM unnest($2::date[]) AS x(day) CROSS JOIN maintenance_plans p")}
           ON CONFLICT (plan_id, device_id, scheduled_date) DO NOTHING
           RETURNING 1)
         SELECT count(*)::int AS n FROM made`,
        [plan.id, dates.map(isoDay)],
      );
      made += inserted.rows[0]?.n ?? 0;
    }
    const after = dates.length === DATES_PER_RUN ? new Date(dates[dates.length - 1]!.getTime() + DAY) : new Date(horizon.getTime() + DAY);
    const next = firstOnOrAfter(recurrence, after);
    await sql.query(`UPDATE maintenance_plans SET next_on = $2::date, updated_at = now() WHERE id = $1`, [plan.id, next ? isoDay(next) : null]);
  }
  return made;
}

export const RETIRED_REASON = "Device retired";

/**
 * Open work not yet started on devices retired since it was made is cancelled: a retired device
 * gets no maintenance (and its overdue alerts were resolved by the health sweep). Work in progress
 * is left to whoever started it.
 */
export async function cancelRetiredWork(sql: Sql, now: Date): Promise<number[]> {
  const rows = await sql.query<{ device_id: number }>(
    `UPDATE maintenances AS m SET status = 'cancelled', cancelled_at = $1::timestamptz, cancel_reason = $2, updated_at = now()
       FROM devices d
      WHERE d.id = m.device_id AND d.state = 'decommissioned' AND m.status IN ('scheduled', 'overdue')
      RETURNING m.device_id`,
    [now.toISOString(), RETIRED_REASON],
  );
  return [...new Set(rows.rows.map((row) => row.device_id))];
}

/** Scheduled work whose day has passed becomes overdue; returns the affected devices with how many turned. */
export async function markOverdue(sql: Sql, now: Date): Promise<Map<number, number>> {
  const rows = await sql.query<{ device_id: number; n: number }>(
    `WITH turned AS (
       UPDATE maintenances SET status = 'overdue', updated_at = now()
        WHERE status = 'scheduled' AND scheduled_date < $1::date
        RETURNING device_id)
     SELECT device_id, count(*)::int AS n FROM turned GROUP BY device_id`,
    [isoDay(utcDate(now))],
  );
  return new Map(rows.rows.map((row) => [row.device_id, row.n]));
}

/** "Calibration due 2026-11-30 (Quarterly calibration) and 2 more overdue" */
export function overdueMessage(oldest: { maintenanceType: string; scheduledDate: string; planName: string | null }, more: number): string {
  const what = MAINTENANCE_TYPE_LABEL[oldest.maintenanceType as MaintenanceTypeName] ?? oldest.maintenanceType;
  const plan = oldest.planName ? ` (${oldest.planName})` : "";
  return `${what} due ${oldest.scheduledDate}${plan} is not done${more > 0 ? `, and ${more} more overdue` : ""}`;
}

type OverdueSummary = { device_id: number; maintenance_type: string; scheduled_date: string; plan_name: string | null; total: number };

/** Per device: its oldest overdue work and how many it has. */
async function overdueSummaries(sql: Sql, deviceIds: number[]): Promise<Map<number, string>> {
  if (!deviceIds.length) return new Map();
  const rows = await sql.query<OverdueSummary>(
    `SELECT DISTINCT ON (m.device_id) m.device_id, m.maintenance_type::text AS maintenance_type,
            to_char(m.scheduled_date, 'YYYY-MM-DD') AS scheduled_date, p.name AS plan_name,
            count(*) OVER (PARTITION BY m.device_id)::int AS total
       FROM maintenances m LEFT JOIN maintenance_plans p ON p.id = m.plan_id
      WHERE m.status = 'overdue' AND m.device_id = ANY($1::int[])
      ORDER BY m.device_id, m.scheduled_date, m.id`,
    [deviceIds],
  );
  return new Map(rows.rows.map((row) => [row.device_id, overdueMessage({ maintenanceType: row.maintenance_type, scheduledDate: row.scheduled_date, planName: row.plan_name }, row.total - 1)]));
}

/**
 * Brings the `maintenance_overdue` alerts in line with the overdue work: `turned` devices (with
 * how many works just turned overdue) get their alert opened, or counted; open alerts of `devices`
 * (every device when omitted) whose device has no overdue work left are resolved, and the others
 * among `devices` get a message naming the oldest work left.
 */
export async function syncOverdueAlerts(sql: Sql, options: { now: Date; turned?: Map<number, number>; devices?: number[] }) {
  const nowIso = options.now.toISOString();
  const turned = options.turned ?? new Map<number, number>();
  let raised = 0;
  let repeated = 0;
  const opened = await overdueSummaries(sql, [...turned.keys()]);
  if (opened.size) {
    const ids = [...opened.keys()];
    const result = await sql.query<{ raised: boolean }>(
      `INSERT INTO alerts (device_id, alert_type, severity, message, occurrence_count, first_occurrence, last_occurrence, created_at)
       SELECT u.device_id, 'maintenance_overdue', 'warning', u.message, u.n, $4, $4, $4
         FROM unnest($1::int[], $2::int[], $3::text[]) AS u(device_id, n, message)
       ON CONFLICT (device_id, alert_type) WHERE state <> 'resolved' DO UPDATE SET
              occurrence_count = alerts.occurrence_count + EXCLUDED.occurrence_count,
              last_occurrence = EXCLUDED.last_occurrence,
              message = EXCLUDED.message
       RETURNING (xmax = 0) AS raised`,
      [ids, ids.map((id) => turned.get(id) ?? 1), ids.map((id) => opened.get(id)!), nowIso],
    );
    raised = result.rows.filter((row) => row.raised).length;
    repeated = result.rows.length - raised;
  }

  const values: unknown[] = [nowIso, OVERDUE_RESOLVED_NOTE];
  if (options.devices) values.push(options.devices);
  const resolved = await sql.query<{ id: number }>(
    `UPDATE alerts AS a SET state = 'resolved', resolved_at = $1::timestamptz, resolution_notes = $2
      WHERE a.alert_type = 'maintenance_overdue' AND a.state <> 'resolved' ${options.devices ? "AND a.device_id = ANY($3::int[])" : ""}
        AND NOT EXISTS (SELECT 1 FROM maintenances m WHERE m.device_id = a.device_id AND m.status = 'overdue')
      RETURNING a.id`,
    values,
  );
  const refreshed = await overdueSummaries(sql, (options.devices ?? []).filter((id) => !turned.has(id)));
  if (refreshed.size) {
    await sql.query(
      `UPDATE alerts AS a SET message = u.message
         FROM unnest($1::int[], $2::text[]) AS u(device_id, message)
        WHERE a.device_id = u.device_id AND a.alert_type = 'maintenance_overdue' AND a.state <> 'resolved'`,
      [[...refreshed.keys()], [...refreshed.values()]],
    );
  }
  return { raised, repeated, resolved: resolved.rows.length };
}

const TYPE_INTERVALS = Object.entries(CALIBRATION_INTERVAL_DAYS);

/**
 * calibrationStatusOn as SQL: without a due date, not_required when the device (or its type) has
 * no interval, else due; overdue after the due date; due within CALIBRATION_DUE_SOON_DAYS; ok.
 * Only devices whose status changes are written; retired devices are left as they were.
 */
export async function recomputeCalibrationStatus(sql: Sql, now: Date): Promise<number> {
  const result = await sql.query<{ n: number }>(
    `WITH typed AS (SELECT * FROM unnest($2::text[], $3::int[]) AS t(device_type, interval_days)),
          judged AS (
            SELECT d.id,
                   CASE
                     WHEN d.next_calibration_due IS NULL THEN
                       CASE WHEN COALESCE(d.calibration_interval_days, t.interval_days) IS NULL THEN 'not_required' ELSE 'due' END
                     WHEN d.next_calibration_due < $1::date THEN 'overdue'
                     WHEN d.next_calibration_due - $1::date <= $4 THEN 'due'
                     ELSE 'ok'
                   END::"CalibrationStatus" AS status
              FROM devices d LEFT JOIN typed t ON t.device_type = d.device_type::text
             WHERE d.state <> 'decommissioned')
     , changed AS (
       UPDATE devices AS d SET calibration_status = j.status
         FROM judged j
        WHERE d.id = j.id AND d.calibration_status IS DISTINCT FROM j.status
        RETURNING 1)
     SELECT count(*)::int AS n FROM changed`,
    [isoDay(utcDate(now)), TYPE_INTERVALS.map(([type]) => type), TYPE_INTERVALS.map(([, days]) => days), CALIBRATION_DUE_SOON_DAYS],
  );
  return result.rows[0]?.n ?? 0;
}

export type MaintenanceSweepResult = { made: number; overdue: number; alertsRaised: number; alertsRepeated: number; alertsResolved: number; calibrationChanged: number };

export async function runMaintenanceSweep(sql: Sql, now: Date): Promise<MaintenanceSweepResult> {
  const made = await materializePlans(sql, { now });
  await cancelRetiredWork(sql, now);
  const turned = await markOverdue(sql, now);
  const alerts = await syncOverdueAlerts(sql, { now, turned });
  const calibrationChanged = await recomputeCalibrationStatus(sql, now);
  let overdue = 0;
  for (const n of turned.values()) overdue += n;
  return { made, overdue, alertsRaised: alerts.raised, alertsRepeated: alerts.repeated, alertsResolved: alerts.resolved, calibrationChanged };
}
