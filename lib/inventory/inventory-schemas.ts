/**
 * The one definition of an asset record edit, a transfer and the inventory list's query: the
 * device page's forms, the server actions, /api/v1/inventory… and the OpenAPI document use these.
 */
import { z } from "zod";
import { DEVICE_TYPES, deviceIdSchema } from "../devices/device-id";
import { booleanish, optionalDate, optionalId, optionalNumber, optionalText } from "../validation/form-values";
import { WARRANTY_STATUSES } from "../warranty/warranty-status";
import { DEPRECIATION_MONTHS_MAX, DEPRECIATION_MONTHS_MIN } from "./asset-defaults";

/** Money: no negative amounts, cents at most (the column is numeric(10,2)). */
const money = optionalNumber({ min: 0, max: 99_999_999 }).refine(
  (value) => value === null || value === undefined || Math.abs(value * 100 - Math.round(value * 100)) < 1e-6,
  "At most two decimals (cents)",
);

/**
 * PATCH /devices/{id}/asset and the device page's "Asset record" form: any subset; a field left
 * out stays as it is, a blank one is cleared. Dates are calendar days (YYYY-MM-DD).
 */
export const assetRecordSchema = z
  .object({
    supplier: optionalText(120).describe("Who sold it (the seed's vendor_name)"),
    purchaseOrder: optionalText(60).describe("The purchase order it was bought on"),
    purchaseDate: optionalDate.describe("YYYY-MM-DD"),
    unitCost: money.describe("What one device cost, in the farm's currency; never negative"),
    depreciationMonths: optionalNumber({ min: DEPRECIATION_MONTHS_MIN, max: DEPRECIATION_MONTHS_MAX, int: true }).describe("Straight-line depreciation period; blank: the type's default"),
    warrantyStart: optionalDate.describe("YYYY-MM-DD; not before the purchase date"),
    warrantyEnd: optionalDate.describe("YYYY-MM-DD; not before the warranty start. Left out with a purchase date given and no end on record: 2 years from purchase (the seed's create_asset_record)"),
    warrantyTerms: optionalText(200),
    storageLocation: optionalText(120).describe("Where a spare is kept: “Main store, shelf B2”"),
  })
  .strict()
  .refine((input) => Object.keys(input).length > 0, "Send at least one field to change");
export type AssetRecordInput = z.infer<typeof assetRecordSchema>;

/** Device ids from a JSON array, repeated form fields or "MM001,MM002". */
const deviceIdList = z.preprocess(
  (value) => (value === undefined || value === null ? value : (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(",")).map((item) => item.trim()).filter(Boolean)),
  z.array(deviceIdSchema, { error: "Pick the devices to transfer" }).min(1, "Pick at least one device").max(500, "At most 500 devices at once"),
);

/**
 * A transfer of one or several devices to another farm (I-013 §9.1 `transfer_device`). `toGroupId`
 * left out keeps each device's group when it fits the target farm; `null` (or "none" from the form)
 * takes the devices out of any group.
 */
export const transferSchema = z
  .object({
    deviceIds: deviceIdList,
    toFarmId: z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number({ error: "Pick the farm to move to" }).int().positive("Pick the farm to move to").max(2_147_483_647, "Pick the farm to move to")),
    toGroupId: z
      .preprocess((value) => (value === "" ? undefined : value === "none" ? null : value), z.coerce.number({ error: "Pick a group of the target farm" }).int().positive("Pick a group of the target farm").max(2_147_483_647, "Pick a group of the target farm").nullable().optional())
      .describe("A group of the target farm (or a cross-farm group); null: no group; left out: each device keeps its group if that fits the target farm"),
    storageLocation: optionalText(120).describe("Where the devices are kept at the target farm"),
    locationDescription: optionalText(200).describe("Where they are installed at the target farm"),
    reason: optionalText(200),
  })
  .strict();
export type TransferInput = z.infer<typeof transferSchema>;

export const INVENTORY_PAGE_SIZES = [25, 50, 100, 200] as const;

const many = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.preprocess(
    (value) => (value === undefined || value === "" ? undefined : (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(",")).filter(Boolean)),
    z.array(z.enum(values, { error: `Unknown ${what}` })).optional(),
  );

/** GET /api/v1/inventory and the Stock tab: the device asset list. */
export const inventoryListQuerySchema = z.object({
  farm: optionalId.describe("Farm id"),
  type: many(DEVICE_TYPES, "device type"),
  stock: booleanish.describe("true: spares in stock only (manufactured, provisioned or registered, never connected); false: the others"),
  warranty: many(WARRANTY_STATUSES, "warranty status"),
  location: z.string().trim().max(120).optional().transform((value) => value || undefined).describe("Storage location contains"),
  q: z.string().trim().max(100).optional().transform((value) => value || undefined).describe("Device id, name or serial number contains"),
  page: z.coerce.number({ error: "page must be a number" }).int().min(1, "page starts at 1").max(100_000).default(1),
  pageSize: z.coerce
    .number({ error: "pageSize must be a number" })
    .int()
    .refine((size) => (INVENTORY_PAGE_SIZES as readonly number[]).includes(size), `pageSize must be one of ${INVENTORY_PAGE_SIZES.join(", ")}`)
    .default(50),
});
export type InventoryListQuery = z.infer<typeof inventoryListQuerySchema>;

/** GET /api/v1/inventory/report. */
export const inventoryReportQuerySchema = z.object({
  farm: optionalId.describe("One farm; left out: every farm the caller sees"),
  format: z.enum(["json", "csv"], { error: "format must be json or csv" }).default("json"),
});

/** GET /api/v1/inventory/transfers. */
export const transferListQuerySchema = z.object({
  farm: optionalId.describe("Transfers from or to this farm"),
  page: z.coerce.number({ error: "page must be a number" }).int().min(1, "page starts at 1").max(100_000).default(1),
  pageSize: z.coerce.number({ error: "pageSize must be a number" }).int().min(1).max(200, "pageSize at most 200").default(50),
});
