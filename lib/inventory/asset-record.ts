/**
 * A device's asset record (I-013 §9.1 AssetRecord): supplier, purchase order, purchase date, unit
 * cost, depreciation period, warranty dates and terms, storage location. Checked as a whole after
 * the change is merged into what is on record (the warranty cannot start before the purchase, nor
 * end before it starts), so a PATCH of one date cannot leave the record inconsistent.
 */
import { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record";
import { permissionRefusal, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { findScopedDevice, type DeviceRef } from "../devices/find-device";
import { editRefusal } from "../devices/lifecycle";
import { ConflictError, ForbiddenError, InvalidError, type FieldErrors } from "../errors";
import { utcDay } from "../warranty/warranty-status";
import { DEFAULT_WARRANTY_DAYS, DEFAULT_WARRANTY_TERMS, depreciationMonthsOf } from "./asset-defaults";
import type { AssetRecordInput } from "./inventory-schemas";
import { isInStock } from "./stock";

const DAY = 86_400_000;

export const ASSET_SELECT = {
  id: true,
  deviceId: true,
  name: true,
  deviceType: true,
  state: true,
  farmId: true,
  provisioningDate: true,
  lastSeen: true,
  supplier: true,
  purchaseOrder: true,
  purchaseDate: true,
  unitCost: true,
  depreciationMonths: true,
  warrantyStart: true,
  warrantyEnd: true,
  warrantyTerms: true,
  warrantyVoidedAt: true,
  storageLocation: true,
} satisfies Prisma.DeviceSelect;

type AssetRow = Prisma.DeviceGetPayload<{ select: typeof ASSET_SELECT }>;

export type AssetRecord = {
  deviceId: string;
  supplier: string | null;
  purchaseOrder: string | null;
  purchaseDate: Date | null;
  unitCost: number | null;
  depreciationMonths: number | null;
  /** The months used: the record's, else the type's default. */
  effectiveDepreciationMonths: number;
  warrantyStart: Date | null;
  warrantyEnd: Date | null;
  warrantyTerms: string | null;
  storageLocation: string | null;
  inStock: boolean;
};

export function assetRecordOf(row: AssetRow): AssetRecord {
  return {
    deviceId: row.deviceId,
    supplier: row.supplier,
    purchaseOrder: row.purchaseOrder,
    purchaseDate: row.purchaseDate,
    unitCost: row.unitCost === null ? null : Number(row.unitCost),
    depreciationMonths: row.depreciationMonths,
    effectiveDepreciationMonths: depreciationMonthsOf(row),
    warrantyStart: row.warrantyStart,
    warrantyEnd: row.warrantyEnd,
    warrantyTerms: row.warrantyTerms,
    storageLocation: row.storageLocation,
    inStock: isInStock(row),
  };
}

const FIELDS = ["supplier", "purchaseOrder", "purchaseDate", "unitCost", "depreciationMonths", "warrantyStart", "warrantyEnd", "warrantyTerms", "storageLocation"] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string | number | Date | null>;

const day = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : null);

/** The record after the change, with the seed's default warranty filled in. Pure, for the tests. */
export function mergeAssetRecord(current: Values, input: AssetRecordInput): Values {
  const next = { ...current };
  for (const field of FIELDS) if (input[field] !== undefined) next[field] = input[field] as Values[Field];
  // The seed's create_asset_record: bought with no warranty on record → 2 years from the purchase.
  if (input.purchaseDate && input.warrantyEnd === undefined && current.warrantyEnd === null) {
    const purchase = input.purchaseDate;
    next.warrantyStart ??= purchase;
    next.warrantyEnd = new Date(utcDay(purchase) + DEFAULT_WARRANTY_DAYS * DAY);
    next.warrantyTerms ??= DEFAULT_WARRANTY_TERMS;
  }
  return next;
}

/** Dates out of order, named on the field the person changed (or the later one). */
export function assetRecordErrors(next: Values, input: AssetRecordInput): FieldErrors {
  const errors: FieldErrors = {};
  const purchase = next.purchaseDate as Date | null;
  const start = next.warrantyStart as Date | null;
  const end = next.warrantyEnd as Date | null;
  if (start && purchase && start < purchase) {
    const field = input.warrantyStart !== undefined || input.purchaseDate === undefined ? "warrantyStart" : "purchaseDate";
    errors[field] = [field === "warrantyStart" ? `The warranty cannot start before the purchase date (${day(purchase)})` : `The purchase date cannot be after the warranty start (${day(start)})`];
  }
  if (end && start && end < start) {
    const field = input.warrantyEnd !== undefined || input.warrantyStart === undefined ? "warrantyEnd" : "warrantyStart";
    (errors[field] ??= []).push(field === "warrantyEnd" ? `The warranty cannot end before it starts (${day(start)})` : `The warranty cannot start after it ends (${day(end)})`);
  }
  if (end && !start && purchase && end < purchase) (errors.warrantyEnd ??= []).push(`The warranty cannot end before the purchase date (${day(purchase)})`);
  return errors;
}

function snapshot(values: Values): Record<string, string | number | null> {
  return Object.fromEntries(FIELDS.map((field) => {
    const value = values[field];
    return [field, value instanceof Date ? day(value) : value];
  }));
}

/** Edits the asset record (assets.manage, the actor's farm). Nothing is written on a refusal. */
export async function updateAssetRecord(db: Db, actor: Actor, ref: DeviceRef, input: AssetRecordInput): Promise<AssetRecord> {
  const refusal = permissionRefusal(actor, "assets.manage");
  if (refusal) throw new ForbiddenError(refusal);
  return db.$transaction(async (tx) => {
    const row = await findScopedDevice(tx, actor, ref, ASSET_SELECT);
    const readOnly = editRefusal(row);
    if (readOnly) throw new ConflictError(readOnly);
    const current: Values = { ...row, unitCost: row.unitCost === null ? null : Number(row.unitCost) };
    const next = mergeAssetRecord(current, input);
    const errors = assetRecordErrors(next, input);
    if (Object.keys(errors).length) throw new InvalidError("The asset record's dates are out of order.", errors);

    const before = snapshot(current);
    const after = snapshot(next);
    const changed = FIELDS.filter((field) => before[field] !== after[field]);
    if (changed.length === 0) return assetRecordOf(row);
    const data: Prisma.DeviceUpdateInput = {};
    for (const field of changed) (data as Record<string, unknown>)[field] = field === "unitCost" && next.unitCost !== null ? new Prisma.Decimal(String(next.unitCost)) : next[field];
    const updated = await tx.device.update({ where: { id: row.id }, data, select: ASSET_SELECT });
    await recordAudit(tx, actor, {
      entityType: "device",
      entityId: row.deviceId,
      action: "asset_record_updated",
      before: Object.fromEntries(changed.map((field) => [field, before[field]])),
      after: Object.fromEntries(changed.map((field) => [field, after[field]])),
    });
    return assetRecordOf(updated);
  });
}

export async function getAssetRecord(db: Db, actor: Actor, ref: DeviceRef): Promise<AssetRecord> {
  return assetRecordOf(await findScopedDevice(db, actor, ref, ASSET_SELECT));
}
