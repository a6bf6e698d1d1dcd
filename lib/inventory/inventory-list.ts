/**
 * The device asset list (GET /api/v1/inventory, the Stock tab): each device with its asset record,
 * warranty status, book value and storage location, filtered and paged in SQL.
 */
import { ASSET_SELECT } from "./asset-record";
import type { Prisma } from "@prisma/client";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { InvalidError, fieldErrorsFromIssues } from "../errors";
import { containsInsensitive } from "../search/like-pattern";
import { warrantyStatus, warrantyStatusWhere, type WarrantyStatusName } from "../warranty/warranty-status";
import { depreciationMonthsOf } from "./asset-defaults";
import { bookValueCents } from "./book-value";
import { inventoryListQuerySchema, type InventoryListQuery } from "./inventory-schemas";
import { isInStock, stockWhere } from "./stock";

export function parseInventoryListQuery(raw: Record<string, unknown>): InventoryListQuery {
  const parsed = inventoryListQuerySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidError("The inventory filter is not valid.", fieldErrorsFromIssues(parsed.error.issues.map((issue) => ({ ...issue, path: issue.path.slice(0, 1) }))));
  return parsed.data;
}

export function inventoryWhere(actor: Actor, query: Omit<InventoryListQuery, "page" | "pageSize">, today = new Date()): Prisma.DeviceWhereInput {
  const and: Prisma.DeviceWhereInput[] = [];
  const scope = farmScope(actor);
  if (scope !== null) and.push({ farmId: scope });
  if (query.farm) and.push({ farmId: query.farm });
  // Retired devices are written off: the asset list is what the farms hold.
  and.push({ state: { not: "decommissioned" } });
  if (query.type?.length) and.push({ deviceType: { in: query.type } });
  if (query.stock !== undefined) and.push(stockWhere(query.stock));
  if (query.warranty?.length) and.push({ OR: query.warranty.map((status) => warrantyStatusWhere(status, today)) });
  if (query.location) and.push({ storageLocation: containsInsensitive(query.location) });
  if (query.q) {
    const contains = containsInsensitive(query.q);
    and.push({ OR: [{ deviceId: contains }, { name: contains }, { serialNumber: contains }] });
  }
  return { AND: and };
}

/** The asset record's own fields, and what the list shows beside them. */
const SELECT = {
  ...ASSET_SELECT,
  createdAt: true,
  farm: { select: { code: true, name: true } },
  group: { select: { id: true, name: true } },
  serialNumber: true,
  locationDescription: true,
} satisfies Prisma.DeviceSelect;

export type InventoryItem = {
  id: number;
  deviceId: string;
  name: string;
  deviceType: string;
  state: string;
  farm: { id: number; code: string; name: string };
  group: { id: number; name: string } | null;
  serialNumber: string | null;
  supplier: string | null;
  purchaseOrder: string | null;
  purchaseDate: Date | null;
  unitCost: number | null;
  depreciationMonths: number;
  bookValue: number | null;
  warrantyStart: Date | null;
  warrantyEnd: Date | null;
  warrantyTerms: string | null;
  warrantyStatus: WarrantyStatusName;
  storageLocation: string | null;
  locationDescription: string | null;
  inStock: boolean;
};

export type InventoryPage = { data: InventoryItem[]; total: number; page: number; pageSize: number; pages: number };

export async function listInventory(db: Pick<Db, "device">, actor: Actor, query: InventoryListQuery, today = new Date()): Promise<InventoryPage> {
  const where = inventoryWhere(actor, query, today);
  const [total, rows] = await Promise.all([
    db.device.count({ where }),
    db.device.findMany({ where, orderBy: [{ farm: { code: "asc" } }, { deviceId: "asc" }], skip: (query.page - 1) * query.pageSize, take: query.pageSize, select: SELECT }),
  ]);
  return {
    data: rows.map((row) => {
      const months = depreciationMonthsOf(row);
      const cost = row.unitCost === null ? null : Number(row.unitCost);
      return {
        id: row.id,
        deviceId: row.deviceId,
        name: row.name,
        deviceType: row.deviceType,
        state: row.state,
        farm: { id: row.farmId, ...row.farm },
        group: row.group,
        serialNumber: row.serialNumber,
        supplier: row.supplier,
        purchaseOrder: row.purchaseOrder,
        purchaseDate: row.purchaseDate,
        unitCost: cost,
        depreciationMonths: months,
        bookValue: cost === null ? null : bookValueCents(Math.round(cost * 100), months, row.purchaseDate ?? row.createdAt, today) / 100,
        warrantyStart: row.warrantyStart,
        warrantyEnd: row.warrantyEnd,
        warrantyTerms: row.warrantyTerms,
        warrantyStatus: warrantyStatus(row, today),
        storageLocation: row.storageLocation,
        locationDescription: row.locationDescription,
        inStock: isInStock(row),
      };
    }),
    total,
    page: query.page,
    pageSize: query.pageSize,
    pages: Math.max(1, Math.ceil(total / query.pageSize)),
  };
}
