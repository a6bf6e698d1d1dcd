/**
 * The one SQL that prices a set of months: every cost is a "part" (month, device, category,
 * amount), and the summary, the history, a device's costs and the forecast's known parts are sums
 * of the same parts. Rules (each figure can be recomputed by hand from the rows it names):
 *
 * - data: (bytesEnd − bytesStart) of the device's DeviceUsageMonth row / 1,048,576 × the price per
 *   MB of the row's farm; for the current month the device's counter now, if it moved since the
 *   last snapshot.
 * - power: every device in service in the month (provisioned or in use, from its provisioning date
 *   (else creation) to its retirement): hours in service that month; mains and PoE devices cost
 *   typical watts of their type × hours / 1000 × the price per kWh, battery and solar devices 0.
 * - batteries: battery_replacement maintenance done in the month, at its recorded cost, else the
 *   farm's battery price.
 * - maintenance: other maintenance done in the month, at its recorded cost, else the visit price.
 * - amortisation: unitCost / depreciation months (the device's, else its type's) in each month from
 *   the purchase month for that many months, not after the month of its retirement.
 * - warranty: warranty extensions bought in the month; covered: minus the cost covered by claims
 *   closed in the month.
 */
import type { DeviceType } from "@prisma/client";
import { DEVICE_TYPES } from "../devices/device-id";
import type { CostMonth } from "./cost-months";
import { ratesSql } from "./cost-rates";
import { DEFAULT_DEPRECIATION_MONTHS } from "./depreciation";
import { TYPICAL_WATTS } from "./power";

export { CATEGORY_LABEL, COST_CATEGORIES, type CostCategory } from "./cost-categories";

export type PartsScope = { farmId: number | null; deviceId: number | null };

/** The SELECTs of the parts: data, power, maintenance (and batteries), amortisation, warranty, covered. */
export const PART_BRANCHES = ["data", "power", "maintenance", "amortisation", "warranty", "covered"] as const;
export type PartBranch = (typeof PART_BRANCHES)[number];

/**
 * $1 starts, $2 untils, $3 months (first days), $4 farm, $5 device, $6 the current month, $7–$9 type
 * table, $10 the branches to compute (a branch left out is pruned by the planner, a constant false).
 */
function partsSql(): string {
  return `
  months AS (SELECT * FROM unnest($1::timestamptz[], $2::timestamptz[], $3::date[]) AS m(start_at, until_at, month)),
  rates AS (${ratesSql("$4")}),
  types AS (SELECT * FROM unnest($7::text[], $8::numeric[], $9::int[]) AS t(device_type, watts, dep_months)),
  parts AS MATERIALIZED (
    SELECT u.month, u.device_id, 'data'::text AS category,
           x.bytes / 1048576.0 * r.data_per_mb AS amount, x.bytes, 0::numeric AS hours
      FROM device_usage_months u
      JOIN months m ON m.month = u.month
      JOIN rates r ON r.farm_id = u.farm_id
      LEFT JOIN devices live ON live.id = u.device_id AND u.month = $6::date
      CROSS JOIN LATERAL (SELECT GREATEST(GREATEST(u.bytes_end, COALESCE(live.data_transmitted_bytes, 0)) - u.bytes_start, 0)::numeric AS bytes) x
     WHERE ($5::int IS NULL OR u.device_id = $5::int) AND 'data' = ANY($10::text[])
       AND u.month = ANY($3::date[])
    UNION ALL
    SELECT m.month, d.id, 'power',
           CASE WHEN d.power_source IN ('mains', 'poe') THEN t.watts * h.hours / 1000 * r.electricity_per_kwh ELSE 0 END,
           0, h.hours
      FROM months m
      JOIN devices d ON COALESCE(d.provisioning_date, d.created_at) < m.until_at
                    AND (d.retired_at IS NULL OR d.retired_at > m.start_at)
                    AND d.state NOT IN ('manufactured', 'registered')
      JOIN rates r ON r.farm_id = d.farm_id
      JOIN types t ON t.device_type = d.device_type::text
      CROSS JOIN LATERAL (
        SELECT (EXTRACT(EPOCH FROM (LEAST(m.until_at, COALESCE(d.retired_at, m.until_at)) - GREATEST(m.start_at, COALESCE(d.provisioning_date, d.created_at)))) / 3600)::numeric AS hours
      ) h
     WHERE ($5::int IS NULL OR d.id = $5::int) AND 'power' = ANY($10::text[])
    UNION ALL
    SELECT m.month, w.device_id,
           CASE WHEN w.maintenance_type = 'battery_replacement' THEN 'batteries' ELSE 'maintenance' END,
           COALESCE(w.cost, CASE WHEN w.maintenance_type = 'battery_replacement' THEN r.battery_replacement ELSE r.maintenance_visit END),
           0, 0
      FROM months m
      JOIN maintenances w ON w.status = 'done' AND w.performed_at >= m.start_at AND w.performed_at < m.until_at
      JOIN rates r ON r.farm_id = w.farm_id
     WHERE ($5::int IS NULL OR w.device_id = $5::int) AND 'maintenance' = ANY($10::text[])
       AND w.performed_at >= (SELECT min(s) FROM unnest($1::timestamptz[]) s) AND w.performed_at < (SELECT max(s) FROM unnest($2::timestamptz[]) s)
    UNION ALL
    SELECT m.month, d.id, 'amortisation', d.unit_cost / COALESCE(d.depreciation_months, t.dep_months), 0, 0
      FROM months m
      JOIN devices d ON d.unit_cost IS NOT NULL AND d.purchase_date IS NOT NULL
                    AND (d.retired_at IS NULL OR d.retired_at >= m.start_at)
      JOIN types t ON t.device_type = d.device_type::text
      JOIN rates r ON r.farm_id = d.farm_id
     WHERE date_trunc('month', d.purchase_date::timestamp)::date <= m.month
       AND m.month < (date_trunc('month', d.purchase_date::timestamp) + make_interval(months => COALESCE(d.depreciation_months, t.dep_months)))::date
       AND ($5::int IS NULL OR d.id = $5::int) AND 'amortisation' = ANY($10::text[])
    UNION ALL
    SELECT m.month, x.device_id, 'warranty', x.cost, 0, 0
      FROM months m
      JOIN warranty_extensions x ON x.created_at >= m.start_at AND x.created_at < m.until_at
      JOIN rates r ON r.farm_id = x.farm_id
     WHERE ($5::int IS NULL OR x.device_id = $5::int) AND 'warranty' = ANY($10::text[])
    UNION ALL
    SELECT m.month, c.device_id, 'covered', -c.cost_covered, 0, 0
      FROM months m
      JOIN warranty_claims c ON c.status = 'closed' AND c.cost_covered IS NOT NULL AND c.closed_at >= m.start_at AND c.closed_at < m.until_at
      JOIN rates r ON r.farm_id = c.farm_id
     WHERE ($5::int IS NULL OR c.device_id = $5::int) AND 'covered' = ANY($10::text[])
  )`;
}

export function partsParams(months: CostMonth[], scope: PartsScope, branches: readonly PartBranch[] = PART_BRANCHES): unknown[] {
  const current = months.find((month) => month.current);
  const types = [...DEVICE_TYPES] as DeviceType[];
  return [
    months.map((month) => month.start.toISOString()),
    months.map((month) => month.until.toISOString()),
    months.map((month) => month.start.toISOString().slice(0, 10)),
    scope.farmId,
    scope.deviceId,
    current ? current.start.toISOString().slice(0, 10) : null,
    types,
    types.map((type) => String(TYPICAL_WATTS[type])),
    types.map((type) => DEFAULT_DEPRECIATION_MONTHS[type]),
    [...branches],
  ];
}

/**
 * Totals per month and category (amount rounded to cents, as text), bytes, hours, and rows: a device
 * has one power row per month, so the power rows count the devices in service.
 */
export function monthTotalsSql(): string {
  return `WITH ${partsSql()}
    SELECT to_char(p.month, 'YYYY-MM') AS period, p.category,
           ROUND(SUM(p.amount), 2)::text AS amount, SUM(p.bytes)::text AS bytes, ROUND(SUM(p.hours), 3)::text AS hours,
           COUNT(*)::int AS devices
      FROM parts p GROUP BY p.month, p.category`;
}

/**
 * One month: its totals, by device type, and the costliest devices (as JSON, one statement). The
 * top devices' categories come from one join of the parts with the top ten (not a scan of every
 * part per top device).
 */
export function monthBreakdownSql(topLimit: number): string {
  return `WITH ${partsSql()},
    top AS MATERIALIZED (
      SELECT p.device_id, SUM(p.amount) AS total FROM parts p
       GROUP BY p.device_id HAVING SUM(p.amount) > 0
       ORDER BY SUM(p.amount) DESC, p.device_id LIMIT ${Math.max(1, Math.floor(topLimit))}
    ),
    top_parts AS (
      SELECT c.device_id, json_object_agg(c.category, ROUND(c.amount, 2)::text) AS parts
        FROM (SELECT p.device_id, p.category, SUM(p.amount) AS amount
                FROM parts p JOIN top t ON t.device_id = p.device_id GROUP BY p.device_id, p.category) c
       GROUP BY c.device_id
    )
    SELECT
      (SELECT COALESCE(json_agg(x), '[]') FROM (
         SELECT p.category, ROUND(SUM(p.amount), 2)::text AS amount, SUM(p.bytes)::text AS bytes, ROUND(SUM(p.hours), 3)::text AS hours, COUNT(*)::int AS devices
           FROM parts p GROUP BY p.category) x) AS totals,
      (SELECT COALESCE(json_agg(y), '[]') FROM (
         SELECT d.device_type AS "deviceType", p.category, ROUND(SUM(p.amount), 2)::text AS amount, COUNT(*)::int AS devices
           FROM parts p JOIN devices d ON d.id = p.device_id GROUP BY d.device_type, p.category) y) AS by_type,
      (SELECT COALESCE(json_agg(z ORDER BY z.sort DESC, z."deviceId"), '[]') FROM (
         SELECT d.id, d.device_id AS "deviceId", d.name, d.device_type AS "deviceType", f.name AS "farmName",
                ROUND(t.total, 2)::text AS total, t.total AS sort, tp.parts
           FROM top t JOIN top_parts tp ON tp.device_id = t.device_id JOIN devices d ON d.id = t.device_id JOIN farms f ON f.id = d.farm_id) z) AS top,
      (SELECT array_agg(DISTINCT currency) FROM rates) AS currencies`;
}
