/**
 * Straight-line depreciation (the seed's cost model, `depreciation_method: straight_line`): a
 * device loses unitCost / months each whole month from its purchase; what is left is its book
 * value. Written once in TypeScript (a device's page and list) and once as SQL (the inventory
 * report, which must not load the fleet); inventory.integration.test.ts holds the two together.
 */
import { DEFAULT_DEPRECIATION_MONTHS } from "./asset-defaults";

/** Whole months from `from` to `to` (calendar months, as PostgreSQL's age()); negative before. */
export function wholeMonthsBetween(from: Date, to: Date): number {
  let months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  if (months > 0 && to.getUTCDate() < from.getUTCDate()) months -= 1;
  if (months < 0 && to.getUTCDate() > from.getUTCDate()) months += 1;
  return months;
}

/**
 * The book value in cents on `today`: cost × remaining months / months, rounded to the cent. Not
 * yet bought (a purchase date ahead): the whole cost; written off: 0. Without a purchase date the
 * device is taken as bought when it was registered (`since`).
 */
export function bookValueCents(unitCostCents: number, months: number, since: Date, today: Date): number {
  const elapsed = Math.max(0, wholeMonthsBetween(since, today));
  const remaining = Math.max(0, months - elapsed);
  return Math.round((unitCostCents * remaining) / months);
}

/** The months of the type defaults as a SQL VALUES list, for a join on devices.device_type. */
export const DEFAULT_MONTHS_SQL = `(VALUES ${Object.entries(DEFAULT_DEPRECIATION_MONTHS)
  .map(([type, months]) => `('${type}', ${Number(months)})`)
  .join(", ")}) AS dm(device_type, months)`;

/**
 * The same rule as SQL over devices `d` joined with DEFAULT_MONTHS_SQL `dm`; `today` is the
 * placeholder of a date parameter. numeric, rounded to cents.
 */
export function bookValueSql(today: string): string {
  const months = `COALESCE(d.depreciation_months, dm.months, 60)`;
  const since = `COALESCE(d.purchase_date, d.created_at::date)`;
  const age = `age(${today}::date, ${since})`;
  const elapsed = `GREATEST(0, (extract(year FROM ${age}) * 12 + extract(month FROM ${age}))::int)`;
  return `round(d.unit_cost * GREATEST(0, ${months} - ${elapsed}) / ${months}, 2)`;
}
