/**
 * The next 3–6 months' costs (I-013 §11 `generate_cost_forecast`), each part forecast the way it
 * can honestly be, and said so:
 * - amortisation: known exactly (the purchases' straight lines);
 * - power: the devices in service now, for every hour of the month, at today's prices;
 * - maintenance: occurrences already scheduled in the month, plus the dates of active plans the
 *   worker has not made occurrences for yet × the plan's devices; each at the average recorded
 *   cost of that type of work on the farm over the last 12 months, else the farm's visit price
 *   (battery price for battery replacements);
 * - batteries: each battery device's estimated replacement dates (battery-estimate.ts) in the month,
 *   at the farm's battery price — except devices that already have a battery replacement planned;
 * - data: the seed's linear projection of the last (up to 6) complete months' data cost: their
 *   average plus the trend ((last − first) / n) for each month after the last one.
 * Warranty extensions and claims are not forecast (nobody knows them in advance).
 */
import { STOCK_SQL } from "../inventory/stock";
import type { MaintenanceType } from "@prisma/client";
import { permissionRefusal, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ForbiddenError } from "../errors";
import { batteryFits, estimateBattery, replacementsBetween } from "./battery-estimate";
import { addMonths, costMonth, lastMonths, monthStart, type CostMonth } from "./cost-months";
import { ratesSql } from "./cost-rates";
import { monthTotals, resolveCostFarm } from "./cost-summary";
import { fromCents } from "./money";

import { FORECAST_PARTS, type ForecastPart } from "./cost-categories";

export { FORECAST_PARTS, type ForecastPart };

export const FORECAST_BASIS: Record<ForecastPart, string> = {
  amortisation: "Known: each purchase's unit cost ÷ its depreciation months, for the months it still runs.",
  power: "Mains and PoE devices in service now × typical watts × every hour of the month × the price per kWh.",
  maintenance: "Scheduled work and the plans' next dates × the average recorded cost of that type of work (last 12 months), else the visit price.",
  batteries: "Battery devices whose estimated replacement date (from the last 30 days of battery readings) falls in the month × the battery price.",
  data: "The seed's linear projection of the last complete months' data cost: average + trend × months ahead.",
};

export type ForecastMonth = {
  period: string;
  parts: Record<ForecastPart, number>;
  total: number;
  maintenanceJobs: number;
  batteryReplacements: number;
};

export type CostForecast = {
  farmId: number | null;
  months: number;
  generatedAt: string;
  basis: Record<ForecastPart, string>;
  dataHistory: { period: string; amount: number }[];
  forecast: ForecastMonth[];
  totals: Record<ForecastPart, number> & { total: number };
};

type Expected = Map<string, number>;
const expectedKey = (farmId: number, type: string) => `${farmId}:${type}`;

/** k-th date of a plan counted from its start (months clamp to the month's last day), UTC. */
export function planDate(startsOn: Date, everyCount: number, unit: "days" | "weeks" | "months", k: number): Date {
  if (unit === "days" || unit === "weeks") return new Date(startsOn.getTime() + k * everyCount * (unit === "weeks" ? 7 : 1) * 86_400_000);
  const year = startsOn.getUTCFullYear();
  const month = startsOn.getUTCMonth() + k * everyCount;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(startsOn.getUTCDate(), lastDay)));
}

/** A plan's dates in [from, to) on or after its nextOn (earlier ones are occurrences already). */
export function planDatesBetween(plan: { startsOn: Date; endsOn: Date | null; nextOn: Date | null; everyCount: number | null; everyUnit: "days" | "weeks" | "months" | null }, from: Date, to: Date): Date[] {
  if (!plan.nextOn) return [];
  const lo = Math.max(from.getTime(), plan.nextOn.getTime());
  const hi = plan.endsOn ? Math.min(to.getTime(), plan.endsOn.getTime() + 1) : to.getTime();
  if (!plan.everyCount || !plan.everyUnit) return plan.startsOn.getTime() >= lo && plan.startsOn.getTime() < hi ? [plan.startsOn] : [];
  const dates: Date[] = [];
  for (let k = 0; k < 5000; k += 1) {
    const date = planDate(plan.startsOn, plan.everyCount, plan.everyUnit, k);
    if (date.getTime() >= hi) break;
    if (date.getTime() >= lo) dates.push(date);
  }
  return dates;
}

/** The seed's `generate_cost_forecast` projection of a series (oldest first), `ahead` months after its last value. */
export function linearProjection(history: number[], ahead: number): number {
  if (history.length === 0) return 0;
  const average = history.reduce((sum, value) => sum + value, 0) / history.length;
  const trend = history.length >= 3 ? (history[history.length - 1]! - history[0]!) / history.length : 0;
  return Math.max(0, average + trend * ahead);
}

export async function generateCostForecast(db: Db, actor: Actor, options: { farmId?: number | null; months: number; now?: Date }): Promise<CostForecast> {
  const refusal = permissionRefusal(actor, "costs.read");
  if (refusal) throw new ForbiddenError(refusal);
  const now = options.now ?? new Date();
  const count = Math.min(6, Math.max(3, Math.floor(options.months)));
  const farmId = await resolveCostFarm(db, actor, options.farmId);
  const first = addMonths(monthStart(now), 1);
  // Months to come are whole months: costMonth with "now" before them runs each to its end.
  const months: CostMonth[] = Array.from({ length: count }, (_, index) => costMonth(addMonths(first, index), now));
  const horizon = addMonths(first, count);

  const [known, past, expected, scheduled, plans, fits] = await Promise.all([
    // Only what is used: the known months' amortisation and power, the past months' data.
    monthTotals(db, months, { farmId, deviceId: null }, ["amortisation", "power"]),
    monthTotals(db, lastMonths(now, 7).slice(0, 6), { farmId, deviceId: null }, ["data"]),
    expectedCosts(db, farmId, now),
    scheduledWork(db, farmId, first, horizon),
    activePlans(db, farmId, horizon),
    batteryFits(db, { farmId, deviceId: null }, now),
  ]);

  const cents = months.map(() => ({ amortisation: 0, power: 0, maintenance: 0, batteries: 0, data: 0, jobs: 0, replacements: 0 }));
  const indexOf = (date: Date) => (date.getUTCFullYear() - first.getUTCFullYear()) * 12 + date.getUTCMonth() - first.getUTCMonth();
  known.forEach((month, index) => {
    cents[index]!.amortisation = Math.round(month.costs.amortisation * 100);
    cents[index]!.power = Math.round(month.costs.power * 100);
  });
  const plannedBattery = new Set<number>();
  const costOf = (farm: number, type: MaintenanceType, visit: number, battery: number) => expected.get(expectedKey(farm, type)) ?? (type === "battery_replacement" ? battery : visit);
  for (const work of scheduled) {
    const index = indexOf(work.scheduledDate);
    if (index < 0 || index >= count) continue;
    cents[index]!.maintenance += Math.round(costOf(work.farmId, work.maintenanceType, work.visit, work.battery) * 100);
    cents[index]!.jobs += 1;
    if (work.maintenanceType === "battery_replacement") plannedBattery.add(work.deviceId);
  }
  for (const plan of plans) {
    for (const date of planDatesBetween(plan, first, horizon)) {
      const index = indexOf(date);
      if (index < 0 || index >= count || plan.devices === 0) continue;
      cents[index]!.maintenance += Math.round(costOf(plan.farmId, plan.maintenanceType, plan.visit, plan.battery) * 100) * plan.devices;
      cents[index]!.jobs += plan.devices;
    }
    if (plan.maintenanceType === "battery_replacement") for (const id of plan.deviceIds) plannedBattery.add(id);
  }
  for (const fit of fits) {
    if (plannedBattery.has(fit.id)) continue;
    const estimate = estimateBattery(fit, now, fit.batteryPrice);
    months.forEach((month, index) => {
      const replacements = replacementsBetween(estimate, now, month.start, month.end);
      if (replacements === 0) return;
      cents[index]!.batteries += Math.round(fit.batteryPrice * 100) * replacements;
      cents[index]!.replacements += replacements;
    });
  }
  // The last complete months with data rows; leading empty months (before the usage job ran) are no history.
  const dataHistory = past.map((month) => ({ period: month.period, amount: month.costs.data }));
  const firstWithData = dataHistory.findIndex((month) => month.amount > 0);
  const series = firstWithData < 0 ? [] : dataHistory.slice(firstWithData).map((month) => month.amount);
  months.forEach((_, index) => {
    // months after the last complete month: next month is 2 (the current month lies between)
    cents[index]!.data = Math.round(linearProjection(series, index + 2) * 100);
  });

  const forecast: ForecastMonth[] = months.map((month, index) => {
    const c = cents[index]!;
    const parts = { amortisation: fromCents(c.amortisation), power: fromCents(c.power), maintenance: fromCents(c.maintenance), batteries: fromCents(c.batteries), data: fromCents(c.data) };
    return { period: month.period, parts, total: fromCents(c.amortisation + c.power + c.maintenance + c.batteries + c.data), maintenanceJobs: c.jobs, batteryReplacements: c.replacements };
  });
  const totals = Object.fromEntries(FORECAST_PARTS.map((part) => [part, fromCents(cents.reduce((sum, c) => sum + c[part], 0))])) as Record<ForecastPart, number>;
  return {
    farmId,
    months: count,
    generatedAt: now.toISOString(),
    basis: FORECAST_BASIS,
    dataHistory: dataHistory.slice(Math.max(0, firstWithData)),
    forecast,
    totals: { ...totals, total: fromCents(FORECAST_PARTS.reduce((sum, part) => sum + Math.round(totals[part] * 100), 0)) },
  };
}

/** Average recorded cost per farm and type of the work done in the last 12 months. */
async function expectedCosts(db: Pick<Db, "$queryRawUnsafe">, farmId: number | null, now: Date): Promise<Expected> {
  const rows = await db.$queryRawUnsafe<{ farm_id: number; maintenance_type: string; average: string }[]>(
    `SELECT w.farm_id, w.maintenance_type::text, ROUND(AVG(w.cost), 2)::text AS average
       FROM maintenances w
      WHERE w.status = 'done' AND w.cost IS NOT NULL AND w.performed_at >= $2::timestamptz - interval '12 months' AND w.performed_at < $2::timestamptz
        AND ($1::int IS NULL OR w.farm_id = $1::int)
      GROUP BY w.farm_id, w.maintenance_type`,
    farmId,
    now.toISOString(),
  );
  return new Map(rows.map((row) => [expectedKey(row.farm_id, row.maintenance_type), Number(row.average)]));
}

/** Occurrences still to do whose date falls in the forecast. */
async function scheduledWork(db: Pick<Db, "$queryRawUnsafe">, farmId: number | null, from: Date, to: Date) {
  const rows = await db.$queryRawUnsafe<{ device_id: number; farm_id: number; maintenance_type: MaintenanceType; scheduled_date: Date; visit: string; battery: string }[]>(
    `WITH rates AS (${ratesSql("$1")})
     SELECT w.device_id, w.farm_id, w.maintenance_type, w.scheduled_date, r.maintenance_visit::text AS visit, r.battery_replacement::text AS battery
       FROM maintenances w JOIN rates r ON r.farm_id = w.farm_id
      WHERE w.status IN ('scheduled', 'in_progress', 'overdue') AND w.scheduled_date >= $2::date AND w.scheduled_date < $3::date`,
    farmId,
    from.toISOString().slice(0, 10),
    to.toISOString().slice(0, 10),
  );
  return rows.map((row) => ({ deviceId: row.device_id, farmId: row.farm_id, maintenanceType: row.maintenance_type, scheduledDate: new Date(row.scheduled_date), visit: Number(row.visit), battery: Number(row.battery) }));
}

/** Active plans with dates the worker has not made occurrences for yet, and the devices each covers now. */
async function activePlans(db: Pick<Db, "$queryRawUnsafe">, farmId: number | null, horizon: Date) {
  const rows = await db.$queryRawUnsafe<
    { id: number; farm_id: number; maintenance_type: MaintenanceType; starts_on: Date; ends_on: Date | null; next_on: Date | null; every_count: number | null; every_unit: "days" | "weeks" | "months" | null; device_ids: number[] | null; visit: string; battery: string }[]
  >(
    `WITH RECURSIVE rates AS (${ratesSql("$1")}),
     plans AS (
       SELECT p.* FROM maintenance_plans p JOIN rates r ON r.farm_id = p.farm_id
        WHERE p.active AND p.next_on IS NOT NULL AND p.next_on < $2::date
     ),
     tree AS (
       SELECT p.id AS plan_id, g.id AS group_id FROM plans p JOIN device_groups g ON g.id = p.group_id WHERE p.scope = 'group'
       UNION
       SELECT t.plan_id, g.id FROM tree t JOIN device_groups g ON g.parent_id = t.group_id
     ),
     -- The devices each plan covers, one set-based join per scope (not a scan of the devices per plan).
     covered AS (
       SELECT p.id AS plan_id, d.id FROM plans p JOIN devices d ON d.id = p.device_id
        WHERE p.scope = 'device' AND d.retired_at IS NULL AND d.state <> 'decommissioned'
       UNION ALL
       -- As the maintenance sweep makes them: a group plan narrowed to a type, and no spares in stock.
       SELECT t.plan_id, d.id FROM tree t JOIN plans p ON p.id = t.plan_id JOIN devices d ON d.group_id = t.group_id AND d.farm_id = p.farm_id
        WHERE d.retired_at IS NULL AND d.state <> 'decommissioned' AND (p.device_type IS NULL OR d.device_type = p.device_type) AND NOT ${STOCK_SQL}
       UNION ALL
       SELECT p.id, d.id FROM plans p JOIN devices d ON d.farm_id = p.farm_id AND d.device_type = p.device_type
        WHERE p.scope = 'device_type' AND d.retired_at IS NULL AND d.state <> 'decommissioned' AND NOT ${STOCK_SQL}
     ),
     covered_ids AS (SELECT c.plan_id, array_agg(c.id) AS device_ids FROM covered c GROUP BY c.plan_id)
     SELECT p.id, p.farm_id, p.maintenance_type, p.starts_on, p.ends_on, p.next_on, p.every_count, p.every_unit,
            r.maintenance_visit::text AS visit, r.battery_replacement::text AS battery, c.device_ids
       FROM plans p JOIN rates r ON r.farm_id = p.farm_id LEFT JOIN covered_ids c ON c.plan_id = p.id`,
    farmId,
    horizon.toISOString().slice(0, 10),
  );
  return rows.map((row) => ({
    id: row.id,
    farmId: row.farm_id,
    maintenanceType: row.maintenance_type,
    startsOn: new Date(row.starts_on),
    endsOn: row.ends_on ? new Date(row.ends_on) : null,
    nextOn: row.next_on ? new Date(row.next_on) : null,
    everyCount: row.every_count,
    everyUnit: row.every_unit,
    deviceIds: row.device_ids ?? [],
    devices: row.device_ids?.length ?? 0,
    visit: Number(row.visit),
    battery: Number(row.battery),
  }));
}
