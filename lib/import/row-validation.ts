/**
 * One row of a device import file → the device it describes, or what is wrong with it, column by
 * column. Pure: the database facts it needs (farm codes, existing ids, group codes) are looked up in
 * batches by lib/import/device-import.ts and passed in. Rules from M92 `IoTDeviceImportWizard`
 * (task 2.3) and the registration rules of lib/devices/device-schemas.ts.
 */
import { DEVICE_ID_PATTERN, DEVICE_TYPES, DEVICE_TYPE_LABEL, type DeviceTypeName } from "../devices/device-id";
import { MAC_PATTERN } from "../devices/device-schemas";
import type { ImportColumn } from "./import-columns";

export const IMPORT_MODES = ["create", "update", "create_update"] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export type RowError = { column: string; message: string };

/** What an existing device looks like for the comparison in update mode. */
export type ExistingDevice = {
  deviceType: DeviceTypeName;
  farmId: number;
  name: string;
  manufacturer: string | null;
  model: string | null;
  serialNumber: string | null;
  macAddress: string | null;
  hardwareVersion: string | null;
  locationDescription: string | null;
  latitude: number | null;
  longitude: number | null;
  groupId: number | null;
  purchaseDate: Date | null;
  warrantyEnd: Date | null;
};

export type RowContext = {
  mode: ImportMode;
  /** Farm code (as stored) → farm id. */
  farmsByCode: ReadonlyMap<string, number>;
  /** For rows without farm_code, when the importer picked one. */
  defaultFarmId: number | null;
  /** Group code → the group, with its farm (null for a cross-farm group). */
  groupsByCode: ReadonlyMap<string, { id: number; farmId: number | null; deviceTypeFilter?: DeviceTypeName | null; active?: boolean }>;
  /** The devices of this file's ids that already exist. */
  existing: ReadonlyMap<string, ExistingDevice>;
  /** Device id → the row where it first appeared in this file; validateRow adds to it. */
  seen: Map<string, number>;
  /** The farm the actor is bound to (lib/auth/permissions farmScope); null = every farm. */
  farmScope: number | null;
};

/** The fields an import sets; on update, an empty cell leaves the field as it is. */
export type ImportedFields = {
  name?: string;
  farmId?: number;
  manufacturer?: string;
  model?: string;
  serialNumber?: string;
  macAddress?: string;
  hardwareVersion?: string;
  locationDescription?: string;
  latitude?: number;
  longitude?: number;
  groupId?: number;
  purchaseDate?: Date;
  warrantyEnd?: Date;
};

export type ValidRow =
  | { ok: true; action: "create"; deviceId: string; deviceType: DeviceTypeName; fields: ImportedFields & { name: string; farmId: number } }
  | { ok: true; action: "update"; deviceId: string; deviceType: DeviceTypeName; fields: ImportedFields; changes: Partial<Record<keyof ImportedFields, { before: unknown; after: unknown }>> }
  | { ok: true; action: "unchanged"; deviceId: string; deviceType: DeviceTypeName };
export type RowResult = ValidRow | { ok: false; deviceId: string | null; errors: RowError[] };

const TEXT_LIMITS: [ImportColumn, keyof ImportedFields, number][] = [
  ["manufacturer", "manufacturer", 120],
  ["model", "model", 120],
  ["serial_number", "serialNumber", 50],
  ["hardware_version", "hardwareVersion", 20],
  ["location_description", "locationDescription", 200],
];

/**
 * The export prefixes a cell that starts like a formula with an apostrophe (spreadsheetSafe in
 * lib/devices/device-export.ts); take it off again so an export round-trips.
 */
export function cellValue(raw: string | undefined): string {
  const value = (raw ?? "").trim();
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

/** "collar", "Collar", "Activity Collar", "rfid-reader" → the device type. */
export function parseDeviceType(value: string): DeviceTypeName | null {
  const key = value.trim().toLowerCase().replace(/[\s-]+/g, "_");
  const byValue = DEVICE_TYPES.find((type) => type === key);
  if (byValue) return byValue;
  return DEVICE_TYPES.find((type) => DEVICE_TYPE_LABEL[type].toLowerCase().replace(/\s+/g, "_") === key) ?? null;
}

/** YYYY-MM-DD and a real calendar day, as a UTC midnight (the column is a date). */
export function parseDate(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCFullYear() === Number(match[1]) && date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]) ? date : null;
}

function parseNumber(value: string): number | null {
  if (!/^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/.test(value)) return null;
  return Number(value.replace(",", "."));
}

const same = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);

export function validateRow(row: Partial<Record<ImportColumn, string>>, rowNumber: number, context: RowContext): RowResult {
  const errors: RowError[] = [];
  const cell = (column: ImportColumn) => cellValue(row[column]);
  const fields: ImportedFields = {};

  // identity
  const deviceId = cell("device_id").toUpperCase();
  let idUsable = false;
  if (!deviceId) errors.push({ column: "device_id", message: "Missing required field: device_id" });
  else if (!DEVICE_ID_PATTERN.test(deviceId)) errors.push({ column: "device_id", message: `"${deviceId}" is not a device id: two capital letters and 3–6 digits (e.g. AC001)` });
  else {
    const first = context.seen.get(deviceId);
    if (first !== undefined) errors.push({ column: "device_id", message: `${deviceId} appears twice in the file (first on row ${first})` });
    else {
      context.seen.set(deviceId, rowNumber);
      idUsable = true;
    }
  }

  const typeCell = cell("device_type");
  const deviceType = typeCell ? parseDeviceType(typeCell) : null;
  if (!typeCell) errors.push({ column: "device_type", message: "Missing required field: device_type" });
  else if (!deviceType) errors.push({ column: "device_type", message: `Unknown device type "${typeCell}"; one of ${DEVICE_TYPES.join(", ")}` });

  const name = cell("name");
  if (!name) errors.push({ column: "name", message: "Missing required field: name" });
  else if (name.length > 120) errors.push({ column: "name", message: "Name: at most 120 characters" });
  else fields.name = name;

  const existing = idUsable ? context.existing.get(deviceId) : undefined;
  if (idUsable && existing && context.mode === "create") errors.push({ column: "device_id", message: `${deviceId} already exists (create mode adds new devices only)` });
  if (idUsable && !existing && context.mode === "update") errors.push({ column: "device_id", message: `${deviceId} does not exist (update mode changes existing devices only)` });
  if (existing && deviceType && existing.deviceType !== deviceType && context.mode !== "create") {
    errors.push({ column: "device_type", message: `${deviceId} is a ${existing.deviceType}; the type of a device cannot change` });
  }
  if (existing && context.farmScope !== null && existing.farmId !== context.farmScope) errors.push({ column: "device_id", message: `${deviceId} belongs to a farm outside yours` });

  // farm: the row's code, else (new devices only) the default farm
  const farmCode = cell("farm_code");
  if (farmCode) {
    const farmId = context.farmsByCode.get(farmCode) ?? context.farmsByCode.get(farmCode.toUpperCase());
    if (farmId === undefined) errors.push({ column: "farm_code", message: `Unknown farm code "${farmCode}"` });
    else if (context.farmScope !== null && farmId !== context.farmScope) errors.push({ column: "farm_code", message: `Farm ${farmCode} is outside yours` });
    else fields.farmId = farmId;
  } else if (!existing) {
    if (context.defaultFarmId === null) errors.push({ column: "farm_code", message: "No farm: fill farm_code or choose a default farm" });
    else fields.farmId = context.defaultFarmId;
  }

  for (const [column, key, limit] of TEXT_LIMITS) {
    const value = cell(column);
    if (!value) continue;
    if (value.length > limit) errors.push({ column, message: `At most ${limit} characters` });
    else (fields as Record<string, unknown>)[key] = value;
  }

  const mac = cell("mac_address");
  if (mac) {
    if (!MAC_PATTERN.test(mac)) errors.push({ column: "mac_address", message: `"${mac}" is not a MAC address: six pairs of hex digits, e.g. AA:BB:CC:DD:EE:FF` });
    else fields.macAddress = mac.toUpperCase().replaceAll("-", ":");
  }

  for (const [column, key, limit] of [["latitude", "latitude", 90], ["longitude", "longitude", 180]] as const) {
    const value = cell(column);
    if (!value) continue;
    const number = parseNumber(value);
    if (number === null) errors.push({ column, message: `"${value}" is not a number` });
    else if (number < -limit || number > limit) errors.push({ column, message: `${column === "latitude" ? "Latitude" : "Longitude"} must be between -${limit} and ${limit}` });
    else fields[key] = number;
  }

  for (const [column, key] of [["purchase_date", "purchaseDate"], ["warranty_end", "warrantyEnd"]] as const) {
    const value = cell(column);
    if (!value) continue;
    const date = parseDate(value);
    if (!date) errors.push({ column, message: `"${value}" is not a date: YYYY-MM-DD, e.g. 2026-03-31` });
    else fields[key] = date;
  }
  if (fields.purchaseDate && fields.warrantyEnd && fields.warrantyEnd < fields.purchaseDate) errors.push({ column: "warranty_end", message: "The warranty cannot end before the purchase date" });

  const groupCode = cell("group_code");
  if (groupCode) {
    const group = context.groupsByCode.get(groupCode);
    const farmId = fields.farmId ?? existing?.farmId;
    if (!group) errors.push({ column: "group_code", message: `Unknown group code "${groupCode}"` });
    else if (group.farmId !== null && farmId !== undefined && group.farmId !== farmId) errors.push({ column: "group_code", message: `Group ${groupCode} belongs to another farm` });
    else if (group.active === false) errors.push({ column: "group_code", message: `Group ${groupCode} is archived` });
    else if (group.deviceTypeFilter && deviceType && group.deviceTypeFilter !== deviceType) errors.push({ column: "group_code", message: `Group ${groupCode} holds ${group.deviceTypeFilter} devices only` });
    else fields.groupId = group.id;
  }

  if (errors.length || !deviceType) return { ok: false, deviceId: deviceId || null, errors };

  if (!existing) return { ok: true, action: "create", deviceId, deviceType, fields: fields as ImportedFields & { name: string; farmId: number } };

  const changes: Partial<Record<keyof ImportedFields, { before: unknown; after: unknown }>> = {};
  const changed: ImportedFields = {};
  for (const [key, after] of Object.entries(fields) as [keyof ImportedFields, unknown][]) {
    const before = existing[key];
    if (!same(before, after)) {
      changes[key] = { before, after };
      (changed as Record<string, unknown>)[key] = after;
    }
  }
  if (Object.keys(changes).length === 0) return { ok: true, action: "unchanged", deviceId, deviceType };
  return { ok: true, action: "update", deviceId, deviceType, fields: changed, changes };
}
