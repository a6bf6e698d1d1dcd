/**
 * The cost reports (I-013 §11 `get_farm_cost_summary`): one month of a farm (or of every farm the
 * actor sees) by category, device type and costliest device; the last 12 months; one device's
 * costs. All of it is sums of the parts in cost-parts.ts, aggregated in PostgreSQL.
 */
import type { DeviceType } from "@prisma/client";
import { farmScope, permissionRefusal, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { findScopedDevice, type DeviceRef } from "../devices/find-device";
import { ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { batteryFits, estimateBattery, type BatteryEstimate } from "./battery-estimate";
import { costMonth, hoursOf, lastMonths, parseMonth, type CostMonth } from "./cost-months";
import { COST_CATEGORIES, type CostCategory } from "./cost-categories";
import { monthBreakdownSql, monthTotalsSql, partsParams, type PartBranch, type PartsScope } from "./cost-parts";
import { DEFAULT_COST_RATES, farmRates, type CostRates } from "./cost-rates";
import { depreciationMonthsFor } from "./depreciation";
import { centsOf, fromCents } from "./money";
import { GRID_POWER, TYPICAL_WATTS } from "./power";

export type CostFigures = Record<CostCategory | "total", number>;

export type CostSummary = {
  farmId: number | null;
  period: string;
  /** The month is the current one, counted to now. */
  monthToDate: boolean;
  hours: number;
  currency: string;
  /** More than one currency among the farms summed: pick a farm. */
  mixedCurrencies: boolean;
  deviceCount: number;
  dataMb: number;
  costs: CostFigures;
  costPerDevice: number;
  byType: { deviceType: DeviceType; devices: number; costs: CostFigures }[];
  topDevices: { id: number; deviceId: string; name: string; deviceType: DeviceType; farmName: string; total: number; costs: Partial<Record<CostCategory, number>> }[];
  rates: CostRates | null;
};

export type CostHistoryMonth = { period: string; monthToDate: boolean; deviceCount: number; dataMb: number; costs: CostFigures };

const MB = 1024 * 1024;
const TOP_DEVICES = 10;

type TotalRow = { category: CostCategory; amount: string; bytes: string; hours: string; devices: number };

function assertMayRead(actor: Actor) {
  const refusal = permissionRefusal(actor, "costs.read");
  if (refusal) throw new ForbiddenError(refusal);
}

/** The farm to report on: the actor's own when bound to one; another farm is not found. */
export async function resolveCostFarm(db: Pick<Db, "farm">, actor: Actor, farmId: number | undefined | null): Promise<number | null> {
  const scope = farmScope(actor);
  const wanted = farmId ?? scope;
  if (wanted === null || wanted === undefined) return null;
  if (scope !== null && scope !== wanted) throw new NotFoundError(`Farm ${wanted} not found.`);
  const farm = await db.farm.findUnique({ where: { id: wanted }, select: { id: true } });
  if (!farm) throw new NotFoundError(`Farm ${wanted} not found.`);
  return wanted;
}

function emptyFigures(): Record<CostCategory | "total", number> {
  return Object.fromEntries([...COST_CATEGORIES, "total"].map((key) => [key, 0])) as CostFigures;
}

/** Category cents → figures whose total is exactly the sum of the rounded categories. */
function figures(cents: Partial<Record<CostCategory, number>>): CostFigures {
  const result = emptyFigures();
  let total = 0;
  for (const category of COST_CATEGORIES) {
    const value = cents[category] ?? 0;
    result[category] = fromCents(value);
    total += value;
  }
  result.total = fromCents(total);
  return result;
}

function totalsOf(rows: TotalRow[]) {
  const cents: Partial<Record<CostCategory, number>> = {};
  let bytes = 0;
  let devices = 0;
  for (const row of rows) {
    cents[row.category] = (cents[row.category] ?? 0) + centsOf(row.amount);
    if (row.category === "data") bytes += Number(row.bytes);
    if (row.category === "power") devices = row.devices;
  }
  return { costs: figures(cents), dataMb: Math.round((bytes / MB) * 100) / 100, deviceCount: devices };
}

function monthFor(month: string | undefined, now: Date): CostMonth {
  if (!month) return costMonth(now, now);
  const parsed = parseMonth(month, now);
  if (typeof parsed === "string") throw new InvalidError(parsed, { month: [parsed] });
  return parsed;
}

export async function getFarmCostSummary(db: Db, actor: Actor, options: { farmId?: number | null; month?: string; now?: Date }): Promise<CostSummary> {
  assertMayRead(actor);
  const now = options.now ?? new Date();
  const month = monthFor(options.month, now);
  const farmId = await resolveCostFarm(db, actor, options.farmId);
  const [row] = await db.$queryRawUnsafe<{ totals: TotalRow[]; by_type: (TotalRow & { deviceType: DeviceType })[]; top: { id: number; deviceId: string; name: string; deviceType: DeviceType; farmName: string; total: string; parts: Record<string, string> }[]; currencies: string[] | null }[]>(
    monthBreakdownSql(TOP_DEVICES),
    ...partsParams([month], { farmId, deviceId: null }),
  );
  const totals = totalsOf(row?.totals ?? []);
  const types = new Map<DeviceType, TotalRow[]>();
  for (const entry of row?.by_type ?? []) types.set(entry.deviceType, [...(types.get(entry.deviceType) ?? []), entry]);
  const byType = [...types.entries()]
    .map(([deviceType, rows]) => {
      const of = totalsOf(rows);
      return { deviceType, devices: of.deviceCount, costs: of.costs };
    })
    .sort((a, b) => b.costs.total - a.costs.total || a.deviceType.localeCompare(b.deviceType));
  const currencies = row?.currencies ?? [DEFAULT_COST_RATES.currency];
  const totalCents = Math.round(totals.costs.total * 100);
  return {
    farmId,
    period: month.period,
    monthToDate: month.current,
    hours: Math.round(hoursOf(month) * 100) / 100,
    currency: currencies.length === 1 ? currencies[0]! : currencies.length === 0 ? DEFAULT_COST_RATES.currency : currencies.join("/"),
    mixedCurrencies: currencies.length > 1,
    deviceCount: totals.deviceCount,
    dataMb: totals.dataMb,
    costs: totals.costs,
    costPerDevice: totals.deviceCount > 0 ? fromCents(Math.round(totalCents / totals.deviceCount)) : 0,
    byType,
    topDevices: (row?.top ?? []).map((device) => ({
      id: device.id,
      deviceId: device.deviceId,
      name: device.name,
      deviceType: device.deviceType,
      farmName: device.farmName,
      total: fromCents(centsOf(device.total)),
      costs: Object.fromEntries(Object.entries(device.parts).map(([category, amount]) => [category, fromCents(centsOf(amount))])),
    })),
    rates: farmId ? await farmRates(db, farmId) : null,
  };
}

/**
 * Months of `scope`, oldest first, every category (months without costs are zeros); with `branches`,
 * only those parts are computed (the others read as zeros: for a caller that uses only those).
 */
export async function monthTotals(db: Pick<Db, "$queryRawUnsafe">, months: CostMonth[], scope: PartsScope, branches?: readonly PartBranch[]): Promise<CostHistoryMonth[]> {
  const rows = await db.$queryRawUnsafe<(TotalRow & { period: string })[]>(monthTotalsSql(), ...partsParams(months, scope, branches));
  return months.map((month) => {
    const of = totalsOf(rows.filter((row) => row.period === month.period));
    return { period: month.period, monthToDate: month.current, deviceCount: of.deviceCount, dataMb: of.dataMb, costs: of.costs };
  });
}

export const HISTORY_MONTHS = 12;

/** The last 12 months (the current one to date) of a farm or of every farm the actor sees. */
export async function costHistory(db: Db, actor: Actor, options: { farmId?: number | null; now?: Date } = {}) {
  assertMayRead(actor);
  const now = options.now ?? new Date();
  const farmId = await resolveCostFarm(db, actor, options.farmId);
  const currency = farmId ? (await farmRates(db, farmId)).currency : await commonCurrency(db);
  return { farmId, currency, months: await monthTotals(db, lastMonths(now, HISTORY_MONTHS), { farmId, deviceId: null }) };
}

async function commonCurrency(db: Pick<Db, "$queryRawUnsafe">): Promise<string> {
  const rows = await db.$queryRawUnsafe<{ currency: string }[]>(`SELECT DISTINCT COALESCE(r.currency, '${DEFAULT_COST_RATES.currency}') AS currency FROM farms f LEFT JOIN farm_cost_rates r ON r.farm_id = f.id`);
  return rows.length === 1 ? rows[0]!.currency : rows.map((row) => row.currency).sort().join("/") || DEFAULT_COST_RATES.currency;
}

export type DeviceCosts = {
  device: { id: number; deviceId: string; name: string; deviceType: DeviceType; powerSource: string; farmId: number };
  currency: string;
  monthToDate: CostHistoryMonth;
  months: CostHistoryMonth[];
  last12Months: CostFigures;
  power: { source: string; watts: number | null; pricePerKwh: number };
  amortisation: { unitCost: number | null; purchaseDate: string | null; months: number; perMonth: number | null; endsAfter: string | null };
  battery: BatteryEstimate | null;
};

/** A device's month to date, its last 12 months and, for a battery device, its battery estimate. */
export async function getDeviceCosts(db: Db, actor: Actor, ref: DeviceRef, options: { now?: Date } = {}): Promise<DeviceCosts> {
  assertMayRead(actor);
  const now = options.now ?? new Date();
  const device = await findScopedDevice(db, actor, ref, {
    id: true,
    deviceId: true,
    name: true,
    deviceType: true,
    powerSource: true,
    farmId: true,
    unitCost: true,
    purchaseDate: true,
    depreciationMonths: true,
  });
  const rates = await farmRates(db, device.farmId);
  const months = await monthTotals(db, lastMonths(now, HISTORY_MONTHS), { farmId: null, deviceId: device.id });
  const sum: Partial<Record<CostCategory, number>> = {};
  for (const month of months) for (const category of COST_CATEGORIES) sum[category] = (sum[category] ?? 0) + Math.round(month.costs[category] * 100);
  let battery: BatteryEstimate | null = null;
  if (device.powerSource === "battery") {
    const [fit] = await batteryFits(db, { farmId: null, deviceId: device.id }, now);
    if (fit) battery = estimateBattery(fit, now, rates.batteryReplacement);
  }
  const depreciation = depreciationMonthsFor(device.deviceType, device.depreciationMonths);
  const purchase = device.purchaseDate;
  const endsAfter = purchase ? new Date(Date.UTC(purchase.getUTCFullYear(), purchase.getUTCMonth() + depreciation - 1, 1)).toISOString().slice(0, 7) : null;
  return {
    device: { id: device.id, deviceId: device.deviceId, name: device.name, deviceType: device.deviceType, powerSource: device.powerSource, farmId: device.farmId },
    currency: rates.currency,
    monthToDate: months[months.length - 1]!,
    months,
    last12Months: figures(sum),
    power: { source: device.powerSource, watts: GRID_POWER.has(device.powerSource) ? TYPICAL_WATTS[device.deviceType] : null, pricePerKwh: rates.electricityPerKwh },
    amortisation: {
      unitCost: device.unitCost === null ? null : Number(device.unitCost),
      purchaseDate: purchase ? purchase.toISOString().slice(0, 10) : null,
      months: depreciation,
      perMonth: device.unitCost === null ? null : fromCents(Math.round((Number(device.unitCost) * 100) / depreciation)),
      endsAfter,
    },
    battery,
  };
}
