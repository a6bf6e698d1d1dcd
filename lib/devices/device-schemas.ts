/**
 * The one definition of what a device may be written with and how a device list is asked for:
 * the edit form, the server actions, /api/v1/devices and the OpenAPI document all use these.
 */
import { z } from "zod";
import { booleanish, idList, keepWhenBlank, optionalDate, optionalEnum, optionalId, optionalNumber, optionalText, requiredText } from "../validation/form-values";
import { DEVICE_TYPES, deviceIdSchema } from "./device-id";
import { SYNC_STATUSES } from "../configuration/sync-status";
import { CALIBRATION_STATUSES, CONNECTION_STATUSES, CONNECTION_TYPES, DEVICE_STATES, HEALTH_STATUSES, POWER_SOURCES } from "./device-fields";
import { WARRANTY_STATUSES } from "../warranty/warranty-status";
import { deviceCursorSchema, encodeCursor, type DeviceCursor } from "./device-cursor";

/** "AA:BB:CC:DD:EE:FF" (or with dashes, any case), stored upper-case with colons. */
export const MAC_PATTERN = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;

const macAddress = z.preprocess(
  (value) => (typeof value === "string" && value.trim() === "" ? null : value),
  z
    .string()
    .trim()
    .regex(MAC_PATTERN, "MAC address format: six pairs of hex digits, e.g. AA:BB:CC:DD:EE:FF")
    .transform((value) => value.toUpperCase().replaceAll("-", ":"))
    .nullable()
    .optional(),
);

/**
 * "1.23457E+11": a long numeric serial that a spreadsheet showed in scientific notation and saved
 * that way. The digits behind the rounding are gone, so such a value is never a serial number.
 */
export const SPREADSHEET_ROUNDED_NUMBER = /^\d+(?:[.,]\d+)?E\+?\d+$/i;

const serialNumber = optionalText(50).refine(
  (value) => value === null || value === undefined || !SPREADSHEET_ROUNDED_NUMBER.test(value),
  "A spreadsheet rounded this serial number to scientific notation (like 1.23457E+11); its digits are lost. Format the column as text and enter the serial again",
);

/**
 * The device's text fields, limits in characters as zod counts them (code points, as PostgreSQL's
 * varchar does: an emoji is one). The CSV import checks its cells with these same schemas.
 */
export const deviceTextFields = {
  name: requiredText(120, "Name"),
  manufacturer: optionalText(120),
  model: optionalText(120),
  serialNumber,
  hardwareVersion: optionalText(20),
  locationDescription: optionalText(200),
};

/** The fields a person edits; identity (device id, type) is fixed once the device exists. */
const editableFields = {
  name: deviceTextFields.name,
  farmId: z.coerce.number({ error: "Pick a farm" }).int().positive("Pick a farm"),
  state: z.enum(DEVICE_STATES, { error: "Unknown lifecycle state" }).optional(),
  manufacturer: deviceTextFields.manufacturer,
  model: deviceTextFields.model,
  serialNumber: deviceTextFields.serialNumber,
  macAddress,
  hardwareVersion: deviceTextFields.hardwareVersion,
  locationDescription: deviceTextFields.locationDescription,
  latitude: optionalNumber({ min: -90, max: 90 }),
  longitude: optionalNumber({ min: -180, max: 180 }),
  powerSource: z.enum(POWER_SOURCES, { error: "Unknown power source" }).optional(),
  lowBatteryThreshold: keepWhenBlank(optionalNumber({ min: 0, max: 100 })),
  connectionType: optionalEnum(CONNECTION_TYPES, "Unknown connection type"),
  ssid: optionalText(64),
  /** Blank (null): the device is checked at its group's interval. */
  healthCheckInterval: optionalNumber({ min: 10, max: 86_400, int: true }),
  calibrationStatus: z.enum(CALIBRATION_STATUSES, { error: "Unknown calibration status" }).optional(),
  lastCalibration: optionalDate,
  groupId: optionalId,
  tagIds: idList,
  maintenanceNotes: optionalText(2000),
  nextMaintenanceDate: optionalDate,
  purchaseDate: optionalDate,
  warrantyEnd: optionalDate,
  unitCost: optionalNumber({ min: 0, max: 1_000_000 }),
};

export const deviceCreateSchema = z
  .object({
    deviceId: deviceIdSchema,
    deviceType: z.enum(DEVICE_TYPES, { error: "Unknown device type" }),
    ...editableFields,
  })
  .strict();
export type DeviceCreateInput = z.infer<typeof deviceCreateSchema>;

/** PUT /devices/{id} and the edit form: any subset; a field left out is left as it is. */
export const deviceUpdateSchema = z
  .object(editableFields)
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, "Send at least one field to change");
export type DeviceUpdateInput = z.infer<typeof deviceUpdateSchema>;

export const retireDeviceSchema = z.object({ reason: requiredText(500, "A reason") }).strict();

/** DELETE /api/v1/devices/{id}: a script may leave the reason out (the history then names the key). */
export const retireDeviceRequestSchema = z.object({ reason: z.string().trim().min(1).max(500).optional().describe("Kept in the device's history") }).strict();

/** Several values of one filter, from `?type=collar,feeder`, `?type=collar&type=feeder` or a JSON array. */
function many<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.preprocess(
    (value) => (value === undefined || value === "" ? undefined : (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(",")).filter(Boolean)),
    z.array(z.enum(values, { error: `Unknown ${what}` })).optional(),
  );
}

const positiveId = (what: string) => z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number({ error: `${what} must be an id` }).int().positive(`${what} must be an id`).optional());

/** The configuration statuses the list filters by ("sent" is a moment of "pending" there). */
export const CONFIG_SYNC_FILTERS = SYNC_STATUSES.filter((status) => status !== "sent") as ["in_sync", "pending", "rejected", "failed", "drift", "unknown"];
export type ConfigSyncFilter = (typeof CONFIG_SYNC_FILTERS)[number];

export const DEVICE_SORT_KEYS = ["deviceId", "name", "type", "farm", "group", "state", "health", "connection", "battery", "signal", "firmware", "lastSeen"] as const;
export type DeviceSortKey = (typeof DEVICE_SORT_KEYS)[number];

export const DEVICE_GROUP_BY = ["type", "health", "farm", "group", "state", "connection"] as const;
export type DeviceGroupBy = (typeof DEVICE_GROUP_BY)[number];

export const PAGE_SIZES = [25, 50, 100, 200] as const;

/**
 * A device list as asked in the URL (`/devices?…`) or the API (`/api/v1/devices?…`): the same
 * names in both, so a view is bookmarked, shared and scripted alike.
 */
export const deviceListQuerySchema = z.object({
  q: z.string().trim().max(100, "Search at most 100 characters").optional().transform((value) => value || undefined),
  farm: positiveId("farm"),
  type: many(DEVICE_TYPES, "device type"),
  state: many(DEVICE_STATES, "lifecycle state"),
  health: many(HEALTH_STATUSES, "health status"),
  connection: many(CONNECTION_STATUSES, "connection status"),
  /** The group and every group below it. */
  group: z.preprocess((value) => (value === "" ? undefined : value), z.union([z.literal("none"), z.coerce.number().int().positive()], { error: "group must be an id or none" }).optional()),
  tag: positiveId("tag"),
  firmware: z.string().trim().max(50).optional().transform((value) => value || undefined),
  attention: booleanish,
  maintenance: booleanish,
  /** Configuration sync status (lib/configuration/sync-status.ts). */
  config: many(CONFIG_SYNC_FILTERS, "configuration status"),
  /** Configuration drift raised (device_states.drifted). */
  drift: booleanish,
  /** Calibration status on today's date (lib/calibration/calibration-rules.ts calibrationStatusOn). */
  calibration: many(CALIBRATION_STATUSES, "calibration status"),
  /** Warranty status (lib/warranty/warranty-status.ts). */
  warranty: many(WARRANTY_STATUSES, "warranty status"),
  /** Spares in stock: manufactured, provisioned or registered, never connected (lib/inventory/stock.ts). */
  stock: booleanish,
  /** Include retired devices (hidden by default: they stay for their history). */
  retired: booleanish,
  sort: z.enum(DEVICE_SORT_KEYS, { error: `sort must be one of ${DEVICE_SORT_KEYS.join(", ")}` }).default("deviceId"),
  dir: z.enum(["asc", "desc"], { error: "dir must be asc or desc" }).default("asc"),
  page: z.coerce.number({ error: "page must be a number" }).int().min(1, "page starts at 1").max(100_000).default(1),
  pageSize: z.coerce
    .number({ error: "pageSize must be a number" })
    .int()
    .refine((size) => (PAGE_SIZES as readonly number[]).includes(size), `pageSize must be one of ${PAGE_SIZES.join(", ")}`)
    .default(50),
  groupBy: z.enum(DEVICE_GROUP_BY, { error: `groupBy must be one of ${DEVICE_GROUP_BY.join(", ")}` }).optional(),
  /** The page after or before a row, as the list's Next and Previous links (and the API's nextCursor, prevCursor) give it (lib/devices/device-cursor.ts). */
  cursor: z.preprocess((value) => (value === "" ? undefined : value), deviceCursorSchema.optional()),
}).superRefine((query, ctx) => {
  // zod runs this even when the cursor itself was refused (then it holds no cursor): one message is enough
  if (typeof query.cursor !== "object" || query.cursor === null || !("deviceId" in query.cursor)) return;
  // a cursor knows the order it was made in; read in another it would skip or repeat devices
  if (query.cursor && (query.cursor.sort !== query.sort || query.cursor.dir !== query.dir)) ctx.addIssue({ code: "custom", path: ["cursor"], message: "cursor belongs to another sort order; start again from the first page" });
  if (query.cursor && query.page > 1) ctx.addIssue({ code: "custom", path: ["cursor"], message: "Send either page or cursor, not both" });
});
export type DeviceListQuery = z.infer<typeof deviceListQuerySchema>;
export type DeviceFilter = Omit<DeviceListQuery, "sort" | "dir" | "page" | "pageSize" | "groupBy" | "cursor">;

/** URLSearchParams (or Next's searchParams object) → the plain object the schema parses. */
export function searchParamsToObject(params: URLSearchParams | Record<string, string | string[] | undefined>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  if (params instanceof URLSearchParams) {
    for (const key of new Set(params.keys())) {
      const values = params.getAll(key);
      object[key] = values.length > 1 ? values : values[0];
    }
    return object;
  }
  for (const [key, value] of Object.entries(params)) if (value !== undefined) object[key] = value;
  return object;
}

/** The query back as URL parameters, defaults left out so links stay short. */
export function deviceQueryToSearchParams(query: Partial<Omit<DeviceListQuery, "cursor">> & { cursor?: DeviceCursor | string }): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: unknown) => {
    if (value === undefined || value === null || value === "") return;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  };
  set("q", query.q);
  set("farm", query.farm);
  set("type", query.type?.length ? query.type : undefined);
  set("state", query.state?.length ? query.state : undefined);
  set("health", query.health?.length ? query.health : undefined);
  set("connection", query.connection?.length ? query.connection : undefined);
  set("group", query.group);
  set("tag", query.tag);
  set("firmware", query.firmware);
  set("attention", query.attention);
  set("maintenance", query.maintenance);
  set("config", query.config?.length ? query.config : undefined);
  set("drift", query.drift);
  set("calibration", query.calibration?.length ? query.calibration : undefined);
  set("warranty", query.warranty?.length ? query.warranty : undefined);
  set("stock", query.stock);
  set("retired", query.retired);
  if (query.sort && query.sort !== "deviceId") set("sort", query.sort);
  if (query.dir && query.dir !== "asc") set("dir", query.dir);
  if (query.page && query.page > 1) set("page", query.page);
  if (query.pageSize && query.pageSize !== 50) set("pageSize", query.pageSize);
  set("groupBy", query.groupBy);
  if (query.cursor) set("cursor", typeof query.cursor === "string" ? query.cursor : encodeCursor(query.cursor));
  return params;
}

/** What a bulk action applies to: the ticked devices, or every device the filter matches. */
export const bulkTargetSchema = z.union([
  z.object({ deviceIds: z.array(deviceIdSchema).min(1, "Select at least one device").max(1000, "At most 1,000 devices by id; use the filter for more") }).strict(),
  z.object({ filter: z.record(z.string(), z.unknown()) }).strict(),
]);
export type BulkTarget = z.infer<typeof bulkTargetSchema>;

export const BULK_ACTIONS = ["addToGroup", "removeFromGroup", "addTag", "removeTag", "maintenanceOn", "maintenanceOff"] as const;

export const bulkActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("addToGroup"), groupId: z.coerce.number({ error: "Pick a group" }).int().positive("Pick a group"), target: bulkTargetSchema }),
  z.object({ action: z.literal("removeFromGroup"), target: bulkTargetSchema }),
  z.object({ action: z.literal("addTag"), tagId: z.coerce.number({ error: "Pick a tag" }).int().positive("Pick a tag"), target: bulkTargetSchema }),
  z.object({ action: z.literal("removeTag"), tagId: z.coerce.number({ error: "Pick a tag" }).int().positive("Pick a tag"), target: bulkTargetSchema }),
  z.object({ action: z.literal("maintenanceOn"), notes: optionalText(2000), target: bulkTargetSchema }),
  z.object({ action: z.literal("maintenanceOff"), target: bulkTargetSchema }),
]);
export type BulkActionInput = z.infer<typeof bulkActionSchema>;
