/**
 * One row of a device import file → the device it describes, or what is wrong with it, column by
 * column. Pure: the database facts it needs (farm codes, existing ids, group codes) are looked up in
 * batches by lib/import/device-import.ts and passed in. Rules from M92 `IoTDeviceImportWizard`
 * (task 2.3) and the registration rules of lib/devices/device-schemas.ts.
 */
import type { DeviceStateName } from "../devices/device-fields";
import { DEVICE_ID_PATTERN, DEVICE_TYPES, DEVICE_TYPE_LABEL, type DeviceTypeName } from "../devices/device-id";
import { deviceTextFields, MAC_PATTERN } from "../devices/device-schemas";
import { editRefusal } from "../devices/lifecycle";
import { groupToCheck, placementRefusal } from "../groups/group-rules";
import type { ImportColumn } from "./import-columns";

export const IMPORT_MODES = ["create", "update", "create_update"] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

export type RowError = { column: string; message: string };

/** What an existing device looks like for the comparison in update mode. */
export type ExistingDevice = {
  deviceType: DeviceTypeName;
  state: DeviceStateName;
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
  groupsByCode: ReadonlyMap<string, ImportGroup>;
  /** The same groups by id: a device's present group is checked when it moves farm. */
  groupsById: ReadonlyMap<number, ImportGroup>;
  /** The devices of this file's ids that already exist. */
  existing: ReadonlyMap<string, ExistingDevice>;
  /** Device id → the row where it first appeared in this file; validateRow adds to it. */
  seen: Map<string, number>;
  /** The farm the actor is bound to (lib/auth/permissions farmScope); null = every farm. */
  farmScope: number | null;
};

export type ImportGroup = { id: number; name: string; farmId: number | null; deviceTypeFilter: DeviceTypeName | null; active: boolean };

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

/** Text columns, checked with the device form's and API's own schemas (lengths, rounded serials). */
const TEXT_COLUMNS: [ImportColumn, keyof typeof deviceTextFields][] = [
  ["manufacturer", "manufacturer"],
  ["model", "model"],
  ["serial_number", "serialNumber"],
  ["hardware_version", "hardwareVersion"],
  ["location_description", "locationDescription"],
];

/** The cell as the device schema reads it, or the schema's first complaint. */
function textField(key: keyof typeof deviceTextFields, value: string): { value: string } | { error: string } {
  const parsed = deviceTextFields[key].safeParse(value);
  return parsed.success ? { value: parsed.data ?? "" } : { error: parsed.error.issues[0]?.message ?? "Invalid value" };
}

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
  else {
    const checked = textField("name", name);
    if ("error" in checked) errors.push({ column: "name", message: checked.error });
    else fields.name = checked.value;
  }

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

  for (const [column, key] of TEXT_COLUMNS) {
    const value = cell(column);
    if (!value) continue;
    const checked = textField(key, value);
    if ("error" in checked) errors.push({ column, message: checked.error });
    else fields[key] = checked.value;
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

  // The group the device is in after the row, checked by the device registry's own rules: a group
  // named in the row, or the device's present group when the row moves it to another farm.
  const groupCode = cell("group_code");
  let groupKnown = true;
  if (groupCode) {
    const group = context.groupsByCode.get(groupCode);
    if (!group) {
      groupKnown = false;
      errors.push({ column: "group_code", message: `Unknown group code "${groupCode}"` });
    } else fields.groupId = group.id;
  }
  const farmAfter = fields.farmId ?? existing?.farmId;
  if (groupKnown && deviceType && farmAfter !== undefined) {
    const before = existing ?? { groupId: null, farmId: farmAfter };
    const groupId = groupToCheck(before, { groupId: fields.groupId ?? before.groupId, farmId: farmAfter });
    const group = groupId === null ? undefined : context.groupsById.get(groupId);
    const refusal = group ? placementRefusal(group, { deviceId, deviceType, farmId: farmAfter }) : null;
    if (refusal && groupCode) errors.push({ column: "group_code", message: refusal });
    else if (refusal) errors.push({ column: "farm_code", message: `${refusal} Name a group of the new farm in group_code, or take the device out of its group first.` });
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
  const readOnly = editRefusal({ deviceId, state: existing.state });
  if (readOnly) return { ok: false, deviceId, errors: [{ column: "device_id", message: readOnly }] };
  return { ok: true, action: "update", deviceId, deviceType, fields: changed, changes };
}
