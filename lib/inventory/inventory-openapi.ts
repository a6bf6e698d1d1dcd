/**
 * The OpenAPI operations of the inventory (lib/api/openapi.ts merges them into the document): the
 * device asset list and the inventory report (I-013 appendix A), transfers between farms and a
 * device's asset record. Request bodies and queries come from the schemas the routes parse with.
 */
import { z } from "zod";
import { CALLER, components, deviceIdParameter, errors, json, ok, operation, queryParameters, ref, timestamp, type OpenApiArea } from "../api/openapi-helpers";
import { DEVICE_STATES } from "../devices/device-fields";
import { DEVICE_TYPES } from "../devices/device-id";
import { WARRANTY_STATUSES } from "../warranty/warranty-status";
import { assetRecordSchema, inventoryListQuerySchema, inventoryReportQuerySchema, transferListQuerySchema, transferSchema } from "./inventory-schemas";

const TAG = "Inventory";

const day = z.string().describe("YYYY-MM-DD (as an ISO timestamp at UTC midnight)");
const money = z.number().describe("In the farm's currency (FarmCostRates.currency, EUR by default), 2 decimals");
const farmRef = z.object({ id: z.number().int(), code: z.string(), name: z.string() });

const assetRecord = z
  .object({
    deviceId: z.string(),
    supplier: z.string().nullable(),
    purchaseOrder: z.string().nullable(),
    purchaseDate: day.nullable(),
    unitCost: money.nullable(),
    depreciationMonths: z.number().int().nullable().describe("The record's own period; null: the type's default"),
    effectiveDepreciationMonths: z.number().int().describe("The period used: the record's, else the type's default"),
    warrantyStart: day.nullable(),
    warrantyEnd: day.nullable(),
    warrantyTerms: z.string().nullable(),
    storageLocation: z.string().nullable(),
    inStock: z.boolean().describe("Manufactured, provisioned or registered and never connected (no last_seen): a spare"),
  })
  .describe("A device's asset record (I-013 §9.1 AssetRecord).");

const inventoryItem = z.object({
  id: z.number().int(),
  deviceId: z.string(),
  name: z.string(),
  deviceType: z.enum(DEVICE_TYPES),
  state: z.enum(DEVICE_STATES),
  farm: farmRef,
  group: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  serialNumber: z.string().nullable(),
  supplier: z.string().nullable(),
  purchaseOrder: z.string().nullable(),
  purchaseDate: day.nullable(),
  unitCost: money.nullable(),
  depreciationMonths: z.number().int(),
  bookValue: money.nullable().describe("unitCost × remaining months / depreciationMonths (straight line from the purchase date)"),
  warrantyStart: day.nullable(),
  warrantyEnd: day.nullable(),
  warrantyTerms: z.string().nullable(),
  warrantyStatus: z.enum(WARRANTY_STATUSES).describe("active, expiring (< 30 days left), expired, void, none"),
  storageLocation: z.string().nullable(),
  locationDescription: z.string().nullable(),
  inStock: z.boolean(),
});

const inventoryPage = z.object({ data: z.array(inventoryItem), total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), pages: z.number().int() });

const counts = {
  total: z.number().int(),
  inStock: z.number().int().describe("Manufactured, provisioned or registered, never connected"),
  inUse: z.number().int().describe("Active, or manufactured/provisioned/registered but already connected"),
  inMaintenance: z.number().int(),
  suspended: z.number().int(),
  retired: z.number().int(),
  inWarranty: z.number().int().describe("Warranty active or expiring (devices held, not retired)"),
  expiring: z.number().int().describe("Fewer than 30 days of warranty left"),
  expired: z.number().int(),
  warrantyVoid: z.number().int(),
  purchaseValue: money.describe("Sum of the unit costs of the devices held"),
  bookValue: money.describe("What they are still worth after straight-line depreciation"),
};

const report = z
  .object({
    generatedAt: timestamp,
    today: z.string().describe("The day (UTC) warranty and depreciation are judged on"),
    farmId: z.number().int().nullable(),
    rows: z.array(z.object({ farmId: z.number().int(), farmCode: z.string(), farmName: z.string(), currency: z.string(), deviceType: z.enum(DEVICE_TYPES), ...counts })),
    farms: z.array(z.object({ farmId: z.number().int(), farmCode: z.string(), farmName: z.string(), currency: z.string(), ...counts })),
    totals: z.object({ ...counts, currency: z.string().nullable().describe("null when the farms keep different currencies") }),
  })
  .describe("I-013 §9.1 generate_inventory_report, per farm and device type.");

const transferView = z.object({
  id: z.number().int(),
  transferredAt: timestamp,
  device: z.object({ deviceId: z.string(), name: z.string(), deviceType: z.enum(DEVICE_TYPES) }),
  fromFarm: farmRef.nullable(),
  toFarm: farmRef.nullable(),
  fromGroup: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  toGroup: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  fromLocation: z.string().nullable(),
  toLocation: z.string().nullable(),
  reason: z.string().nullable(),
  transferredBy: z.string().nullable(),
});

const transferPage = z.object({ data: z.array(transferView), total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), pages: z.number().int() });

const transferOutcome = z.object({
  toFarm: farmRef,
  devices: z.array(
    z.object({
      deviceId: z.string(),
      fromFarmId: z.number().int(),
      toGroupId: z.number().int().nullable(),
      configVersion: z.number().int().nullable().describe("The configuration version made from the target farm's layers; null when nothing changed"),
      tagsDropped: z.array(z.string()).describe("Tags the old farm made"),
      maintenanceCancelled: z.number().int().describe("Open work of the old farm's plans, cancelled"),
    }),
  ),
});

export const inventoryOpenApi: OpenApiArea = {
  tags: [
    {
      name: TAG,
      description:
        "Asset management (I-013 §9.1): each device's asset record (supplier, purchase order and date, unit cost, depreciation, warranty, storage location), spares in stock, transfers between farms, and the inventory report per farm and type.",
    },
  ],
  paths: {
    "/inventory": {
      get: operation("devices.read", {
        operationId: "listInventory",
        summary: "The device asset list",
        description: "I-013 appendix A. Devices held (retired ones are written off) with their asset record, warranty status and book value, a page at a time.",
        tags: [TAG],
        parameters: queryParameters(inventoryListQuerySchema),
        responses: { "200": ok("A page of devices", ref("InventoryPage")), ...errors(400, ...CALLER) },
      }),
    },
    "/inventory/report": {
      get: operation("devices.read", {
        operationId: "getInventoryReport",
        summary: "The inventory report",
        description:
          "I-013 appendix A, the seed's generate_inventory_report: per farm and device type, devices in stock, in use, in maintenance, suspended and retired; under warranty, expiring, expired and void; purchase and book value. `format=csv` answers text/csv (a row per farm and type, a subtotal per farm, the total).",
        tags: [TAG],
        parameters: queryParameters(inventoryReportQuerySchema),
        responses: { "200": { description: "The report", content: { ...json(ref("InventoryReport")), "text/csv": { schema: { type: "string" } } } }, ...errors(400, ...CALLER) },
      }),
    },
    "/inventory/transfers": {
      get: operation("devices.read", {
        operationId: "listTransfers",
        summary: "Transfers between farms",
        description: "Newest first; a farm-bound caller sees those from or to their farm.",
        tags: [TAG],
        parameters: queryParameters(transferListQuerySchema),
        responses: { "200": ok("A page of transfers", ref("TransferPage")), ...errors(400, ...CALLER) },
      }),
      post: operation("inventory.transfer", {
        operationId: "transferDevices",
        summary: "Move devices to another farm",
        description:
          "I-013 transfer_device, all or nothing. The group must fit the target farm: a group of the farm left is refused on `toGroupId` unless a group of the target farm (or `null`, no group) is named. " +
          "The desired configuration is made again from the target farm's layers; tags the old farm made are dropped; open work of its plans is cancelled; a history row is written per device. " +
          "Retired devices, an unknown farm and the farm the devices are on are refused (400). Only an account of every farm may transfer.",
        tags: [TAG],
        requestBody: { required: true, content: json(ref("TransferRequest")) },
        responses: { "201": ok("What moved", ref("TransferOutcome")), ...errors(400, ...CALLER) },
      }),
    },
    "/devices/{id}/transfers": {
      get: operation("devices.read", {
        operationId: "listDeviceTransfers",
        summary: "A device's transfers",
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter],
        responses: { "200": ok("Newest first", { type: "object", properties: { data: { type: "array", items: ref("Transfer") } }, required: ["data"] }), ...errors(...CALLER, 404) },
      }),
    },
    "/devices/{id}/asset": {
      get: operation("devices.read", {
        operationId: "getAssetRecord",
        summary: "A device's asset record",
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter],
        responses: { "200": ok("The asset record", ref("AssetRecord")), ...errors(...CALLER, 404) },
      }),
      patch: operation("assets.manage", {
        operationId: "updateAssetRecord",
        summary: "Change a device's asset record",
        description:
          "Fields left out stay as they are; null clears one. The unit cost is never negative, the depreciation period 1–240 months; the warranty cannot start before the purchase nor end before it starts (400, per field). " +
          "A purchase date given with no warranty end on record starts the seed's default: 2 years from the purchase. A retired device's record is read-only (409).",
        tags: [TAG, "Devices"],
        parameters: [deviceIdParameter],
        requestBody: { required: true, content: json(ref("AssetRecordUpdate")) },
        responses: { "200": ok("The asset record", ref("AssetRecord")), ...errors(400, ...CALLER, 404, 409) },
      }),
    },
  },
  schemas: {
    ...components({ AssetRecordUpdate: assetRecordSchema, TransferRequest: transferSchema }, "input"),
    ...components({ AssetRecord: assetRecord, InventoryPage: inventoryPage, InventoryReport: report, Transfer: transferView, TransferPage: transferPage, TransferOutcome: transferOutcome }, "output"),
  },
};
