/**
 * The inventory report (I-013 §9.1 `generate_inventory_report`) per farm and device type: how
 * many devices are in stock, in use, in maintenance, suspended or retired; how many are under
 * warranty, expiring, expired or void; what they cost and what they are still worth. One SQL
 * aggregate over the devices table (no rows loaded), so it stays well under the 2 s at
 * 100,000 devices.
 *
 * The lifecycle columns split the total: in stock (STOCK_SQL: manufactured, provisioned or
 * registered and never connected), in use (IN_USE_SQL, its complement: active, or a pre-use state
 * but it has reported), in maintenance, suspended, retired. Each device lands in exactly one. Warranty and value count the devices the farm still holds
 * (not retired): a retired device is written off.
 */
import { stringify } from "csv-stringify/sync";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "../devices/device-id";
import { spreadsheetSafe } from "../devices/device-export";
import { warrantyStatusSql } from "../warranty/warranty-status";
import { bookValueSql, DEFAULT_MONTHS_SQL } from "./book-value";
import { IN_USE_SQL, STOCK_SQL } from "./stock";

export const DEFAULT_CURRENCY = "EUR";

export type InventoryCounts = {
  total: number;
  inStock: number;
  inUse: number;
  inMaintenance: number;
  suspended: number;
  retired: number;
  /** Active or expiring. */
  inWarranty: number;
  expiring: number;
  expired: number;
  warrantyVoid: number;
  /** Sum of unit costs of the devices held, in the currency's units (2 decimals). */
  purchaseValue: number;
  bookValue: number;
};

export type InventoryReportRow = InventoryCounts & { farmId: number; farmCode: string; farmName: string; currency: string; deviceType: DeviceTypeName };
export type InventoryFarmTotal = InventoryCounts & { farmId: number; farmCode: string; farmName: string; currency: string };

export type InventoryReport = {
  generatedAt: Date;
  /** The day warranty and depreciation are judged on (UTC). */
  today: string;
  farmId: number | null;
  rows: InventoryReportRow[];
  farms: InventoryFarmTotal[];
  /** All farms; `currency` null when the farms keep different currencies. */
  totals: InventoryCounts & { currency: string | null };
};

type SqlRow = {
  farm_id: number;
  device_type: DeviceTypeName;
  total: number;
  in_stock: number;
  in_use: number;
  in_maintenance: number;
  suspended: number;
  retired: number;
  in_warranty: number;
  expiring: number;
  expired: number;
  warranty_void: number;
  purchase_cents: string | null;
  book_cents: string | null;
};

const ZERO: InventoryCounts = { total: 0, inStock: 0, inUse: 0, inMaintenance: 0, suspended: 0, retired: 0, inWarranty: 0, expiring: 0, expired: 0, warrantyVoid: 0, purchaseValue: 0, bookValue: 0 };
const COUNT_KEYS = ["total", "inStock", "inUse", "inMaintenance", "suspended", "retired", "inWarranty", "expiring", "expired", "warrantyVoid"] as const;

/** Money is summed in whole cents so totals never pick up floating-point dust. */
function add(into: InventoryCounts & { purchaseCents?: number; bookCents?: number }, row: InventoryCounts & { purchaseCents: number; bookCents: number }) {
  for (const key of COUNT_KEYS) into[key] += row[key];
  into.purchaseCents = (into.purchaseCents ?? 0) + row.purchaseCents;
  into.bookCents = (into.bookCents ?? 0) + row.bookCents;
}

function withMoney<T extends InventoryCounts & { purchaseCents?: number; bookCents?: number }>(value: T): Omit<T, "purchaseCents" | "bookCents"> {
  const { purchaseCents = 0, bookCents = 0, ...rest } = value;
  return { ...rest, purchaseValue: purchaseCents / 100, bookValue: bookCents / 100 };
}

export async function inventoryReport(db: Pick<Db, "$queryRawUnsafe" | "farm">, actor: Actor, options: { farmId?: number | null } = {}, now = new Date()): Promise<InventoryReport> {
  const scope = farmScope(actor);
  const today = now.toISOString().slice(0, 10);
  const farms: number[] = [];
  if (scope !== null) farms.push(scope);
  if (options.farmId) farms.push(options.farmId);
  const held = `d.state <> 'decommissioned'`;
  const warranty = (status: "active" | "expiring" | "expired" | "void") => warrantyStatusSql(status, "$1");
  const rows = await db.$queryRawUnsafe<SqlRow[]>(
    `SELECT d.farm_id, d.device_type::text AS device_type,
            count(*)::int AS total,
            count(*) FILTER (WHERE ${STOCK_SQL})::int AS in_stock,
            count(*) FILTER (WHERE ${IN_USE_SQL})::int AS in_use,
            count(*) FILTER (WHERE d.state = 'maintenance')::int AS in_maintenance,
            count(*) FILTER (WHERE d.state = 'suspended')::int AS suspended,
            count(*) FILTER (WHERE d.state = 'decommissioned')::int AS retired,
            count(*) FILTER (WHERE ${held} AND (${warranty("active")} OR ${warranty("expiring")}))::int AS in_warranty,
            count(*) FILTER (WHERE ${held} AND ${warranty("expiring")})::int AS expiring,
            count(*) FILTER (WHERE ${held} AND ${warranty("expired")})::int AS expired,
            count(*) FILTER (WHERE ${held} AND ${warranty("void")})::int AS warranty_void,
            (sum(d.unit_cost * 100) FILTER (WHERE ${held}))::bigint::text AS purchase_cents,
            (sum(${bookValueSql("$1")} * 100) FILTER (WHERE ${held}))::bigint::text AS book_cents
       FROM devices d
       LEFT JOIN ${DEFAULT_MONTHS_SQL} ON dm.device_type = d.device_type::text
      WHERE ($2::int[] IS NULL OR d.farm_id = ALL($2::int[]))
      GROUP BY 1, 2`,
    today,
    farms.length ? farms : null,
  );
  const farmIds = [...new Set(rows.map((row) => row.farm_id))];
  const farmRows = farmIds.length ? await db.farm.findMany({ where: { id: { in: farmIds } }, select: { id: true, code: true, name: true, costRates: { select: { currency: true } } } }) : [];
  const farmOf = new Map(farmRows.map((farm) => [farm.id, farm]));

  const detailed = rows
    .map((row) => {
      const farm = farmOf.get(row.farm_id);
      return {
        farmId: row.farm_id,
        farmCode: farm?.code ?? String(row.farm_id),
        farmName: farm?.name ?? String(row.farm_id),
        currency: farm?.costRates?.currency ?? DEFAULT_CURRENCY,
        deviceType: row.device_type,
        total: row.total,
        inStock: row.in_stock,
        inUse: row.in_use,
        inMaintenance: row.in_maintenance,
        suspended: row.suspended,
        retired: row.retired,
        inWarranty: row.in_warranty,
        expiring: row.expiring,
        expired: row.expired,
        warrantyVoid: row.warranty_void,
        purchaseValue: 0,
        bookValue: 0,
        purchaseCents: Number(row.purchase_cents ?? 0),
        bookCents: Number(row.book_cents ?? 0),
      };
    })
    .sort((a, b) => a.farmName.localeCompare(b.farmName) || DEVICE_TYPE_LABEL[a.deviceType].localeCompare(DEVICE_TYPE_LABEL[b.deviceType]));

  const perFarm = new Map<number, InventoryFarmTotal & { purchaseCents?: number; bookCents?: number }>();
  const totals: InventoryCounts & { purchaseCents?: number; bookCents?: number } = { ...ZERO };
  for (const row of detailed) {
    let farm = perFarm.get(row.farmId);
    if (!farm) perFarm.set(row.farmId, (farm = { ...ZERO, farmId: row.farmId, farmCode: row.farmCode, farmName: row.farmName, currency: row.currency }));
    add(farm, row);
    add(totals, row);
  }
  const currencies = new Set(detailed.map((row) => row.currency));
  return {
    generatedAt: now,
    today,
    farmId: options.farmId ?? null,
    rows: detailed.map(withMoney),
    farms: [...perFarm.values()].map(withMoney),
    totals: { ...withMoney(totals), currency: currencies.size === 1 ? [...currencies][0]! : currencies.size === 0 ? DEFAULT_CURRENCY : null },
  };
}

export const REPORT_CSV_COLUMNS = [
  "farm_code",
  "farm_name",
  "device_type",
  "total",
  "in_stock",
  "in_use",
  "in_maintenance",
  "suspended",
  "retired",
  "in_warranty",
  "warranty_expiring",
  "warranty_expired",
  "warranty_void",
  "purchase_value",
  "book_value",
  "currency",
] as const;

const money = (value: number) => value.toFixed(2);

/** The report as CSV: a row per farm and type, a subtotal per farm, then the total of all farms. */
export function inventoryReportCsv(report: InventoryReport): string {
  const line = (code: string, name: string, type: string, row: InventoryCounts, currency: string | null) => [
    spreadsheetSafe(code),
    spreadsheetSafe(name),
    type,
    row.total,
    row.inStock,
    row.inUse,
    row.inMaintenance,
    row.suspended,
    row.retired,
    row.inWarranty,
    row.expiring,
    row.expired,
    row.warrantyVoid,
    money(row.purchaseValue),
    money(row.bookValue),
    currency ?? "",
  ];
  const records: (string | number | null)[][] = [];
  for (const farm of report.farms) {
    for (const row of report.rows.filter((r) => r.farmId === farm.farmId)) records.push(line(row.farmCode, row.farmName, row.deviceType, row, row.currency));
    records.push(line(farm.farmCode, farm.farmName, "all", farm, farm.currency));
  }
  records.push(line("ALL", "All farms", "all", report.totals, report.totals.currency));
  return stringify(records, { header: true, columns: [...REPORT_CSV_COLUMNS] });
}
