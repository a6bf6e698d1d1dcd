/**
 * One row of a device import file → the device it describes, or what is wrong with it, column by
 * column. Pure: the database facts it needs (farm codes, existing ids, group codes) are looked up in
 * batches by lib/import/device-import.ts and passed in. Rules from M92 `IoTDeviceImportWizard`
 * (task 2.3) and the registration rules of lib/devices/device-schemas.ts.
 */
import { DEVICE_STATES, type DeviceStateName } from "../devices/device-fields";
import { DEVICE_ID_PATTERN, DEVICE_TYPES, DEVICE_TYPE_LABEL, type DeviceTypeName } from "../devices/device-id";
import { deviceTextFields, MAC_PATTERN } from "../devices/device-schemas";
import { editRefusal, newStateRefusal, stateChangeRefusal } from "../devices/lifecycle";
import { optionalText } from "../validation/form-values";
import { groupToCheck, placementRefusal } from "../groups/group-rules";
import { isEmptyMarker, EMPTY_MARKER, TAG_SEPARATOR, type ImportColumn } from "./import-columns";

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
  warrantyStart: Date | null;
  warrantyEnd: Date | null;
  warrantyTerms: string | null;
  supplier: string | null;
  purchaseOrder: string | null;
  unitCost: number | null;
  storageLocation: string | null;
  /** The day of the last calibration (UTC), as the export writes it. */
  lastCalibration: Date | null;
  nextMaintenanceDate: Date | null;
  /** Tag names. */
  tags: string[];
  metadata: unknown;
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
  /** Every tag, by its name in lower case → the name as stored. */
  tagsByName?: ReadonlyMap<string, string>;
  /** The admin ticked "Create tags that do not exist". */
  createTags?: boolean;
  /** Tags the file names that do not exist yet (lower case → as first written); validateRow adds to it. */
  newTags?: Map<string, string>;
};

export type ImportGroup = { id: number; name: string; farmId: number | null; deviceTypeFilter: DeviceTypeName | null; active: boolean };

/**
 * The fields an import sets. On update an empty cell leaves the field as it is (the key is absent);
 * the marker <empty> clears it (null; no tags; metadata {}).
 */
export type ImportedFields = {
  name?: string;
  farmId?: number;
  state?: DeviceStateName;
  manufacturer?: string | null;
  model?: string | null;
  serialNumber?: string | null;
  macAddress?: string | null;
  hardwareVersion?: string | null;
  locationDescription?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  groupId?: number | null;
  purchaseDate?: Date | null;
  warrantyStart?: Date | null;
  warrantyEnd?: Date | null;
  warrantyTerms?: string | null;
  supplier?: string | null;
  purchaseOrder?: string | null;
  unitCost?: number | null;
  storageLocation?: string | null;
  lastCalibration?: Date | null;
  nextMaintenanceDate?: Date | null;
  tags?: string[];
  metadata?: Record<string, unknown>;
};

export type ValidRow =
  | { ok: true; action: "create"; deviceId: string; deviceType: DeviceTypeName; fields: ImportedFields & { name: string; farmId: number } }
  | { ok: true; action: "update"; deviceId: string; deviceType: DeviceTypeName; fields: ImportedFields; changes: Partial<Record<keyof ImportedFields, { before: unknown; after: unknown }>> }
  | { ok: true; action: "unchanged"; deviceId: string; deviceType: DeviceTypeName };
export type RowResult = ValidRow | { ok: false; deviceId: string | null; errors: RowError[] };

/** Text columns, checked with the device form's and API's own schemas (lengths, rounded serials). */
const TEXT_COLUMNS: [ImportColumn, keyof typeof textFields][] = [
  ["manufacturer", "manufacturer"],
  ["model", "model"],
  ["serial_number", "serialNumber"],
  ["hardware_version", "hardwareVersion"],
  ["location_description", "locationDescription"],
  ["warranty_terms", "warrantyTerms"],
  ["supplier", "supplier"],
  ["purchase_order", "purchaseOrder"],
  ["storage_location", "storageLocation"],
];

/** The device form's text fields, and the asset record's (lib/inventory/inventory-schemas.ts, same limits). */
const textFields = {
  ...deviceTextFields,
  warrantyTerms: optionalText(200),
  supplier: optionalText(120),
  purchaseOrder: optionalText(60),
  storageLocation: optionalText(120),
};

const DATE_FIELDS = [
  ["purchase_date", "purchaseDate"],
  ["warranty_start", "warrantyStart"],
  ["warranty_end", "warrantyEnd"],
  ["last_calibration", "lastCalibration"],
  ["next_maintenance_date", "nextMaintenanceDate"],
] as const;

/** Columns a device cannot be without: the marker cannot clear them. */
const REQUIRED_FIELDS = new Set<ImportColumn>(["device_id", "name", "device_type", "farm_code", "state"]);

/** The metadata cell: a JSON object, at most this long. */
const METADATA_MAX = 10_000;

/** The cell as the device schema reads it, or the schema's first complaint. */
function textField(key: keyof typeof textFields, value: string): { value: string } | { error: string } {
  const parsed = textFields[key].safeParse(value);
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

/** Equal as stored: dates by time, tag lists and JSON by content (object keys in any order). */
function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") return canonicalJson(a) === canonicalJson(b);
  return a === b;
}

/** JSON with every object's keys sorted, so two values that differ only in key order compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item) ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}

/** The metadata cell: a JSON object ({"pen": 4}), as the export writes it. */
export function parseMetadata(value: string): { value: Record<string, unknown> } | { error: string } {
  if (value.length > METADATA_MAX) return { error: `The metadata is longer than ${METADATA_MAX.toLocaleString("en")} characters` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { error: `The metadata is not JSON: write an object such as {"pen": 4}` };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { error: `The metadata is a JSON object such as {"pen": 4}, not ${Array.isArray(parsed) ? "a list" : "a single value"}` };
  return { value: parsed as Record<string, unknown> };
}

export function validateRow(row: Partial<Record<ImportColumn, string>>, rowNumber: number, context: RowContext): RowResult {
  const errors: RowError[] = [];
  const cell = (column: ImportColumn) => cellValue(row[column]);
  const fields: ImportedFields = {};

  // identity
  const deviceId = cell("device_id").toUpperCase();
  let idUsable = false;
  const marked = (column: ImportColumn) => isEmptyMarker(row[column]);
  if (!deviceId || marked("device_id")) {
    if (!marked("device_id")) errors.push({ column: "device_id", message: "Missing required field: device_id" });
  }
  else if (!DEVICE_ID_PATTERN.test(deviceId)) errors.push({ column: "device_id", message: `"${deviceId}" is not a device id: two capital letters and 3–6 digits (e.g. AC001)` });
  else {
    const first = context.seen.get(deviceId);
    if (first !== undefined) errors.push({ column: "device_id", message: `${deviceId} appears twice in the file (first on row ${first})` });
    else {
      context.seen.set(deviceId, rowNumber);
      idUsable = true;
    }
  }

  const typeCell = marked("device_type") ? "" : cell("device_type");
  const deviceType = typeCell ? parseDeviceType(typeCell) : null;
  if (marked("device_type")) {
    // said by the marker check
  } else if (!typeCell) errors.push({ column: "device_type", message: "Missing required field: device_type" });
  else if (!deviceType) errors.push({ column: "device_type", message: `Unknown device type "${typeCell}"; one of ${DEVICE_TYPES.join(", ")}` });

  const name = cell("name");
  if (marked("name")) {
    // said by the marker check
  } else if (!name) errors.push({ column: "name", message: "Missing required field: name" });
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
  const farmCode = marked("farm_code") ? "" : cell("farm_code");
  if (marked("farm_code")) {
    // said by the marker check
  } else if (farmCode) {
    const farmId = context.farmsByCode.get(farmCode) ?? context.farmsByCode.get(farmCode.toUpperCase());
    if (farmId === undefined) errors.push({ column: "farm_code", message: `Unknown farm code "${farmCode}"` });
    else if (context.farmScope !== null && farmId !== context.farmScope) errors.push({ column: "farm_code", message: `Farm ${farmCode} is outside yours` });
    else fields.farmId = farmId;
  } else if (!existing) {
    if (context.defaultFarmId === null) errors.push({ column: "farm_code", message: "No farm: fill farm_code or choose a default farm" });
    else fields.farmId = context.defaultFarmId;
  }

  // <empty> clears an optional field; a required one cannot be cleared
  const cleared = (column: ImportColumn): boolean => {
    if (!isEmptyMarker(row[column])) return false;
    if (REQUIRED_FIELDS.has(column)) errors.push({ column, message: `${EMPTY_MARKER} cannot clear ${column}: a device must have one` });
    return true;
  };
  for (const column of REQUIRED_FIELDS) cleared(column);
  const mark = <K extends keyof ImportedFields>(column: ImportColumn, key: K, empty: ImportedFields[K]) => {
    if (!isEmptyMarker(row[column])) return false;
    fields[key] = empty;
    return true;
  };

  for (const [column, key] of TEXT_COLUMNS) {
    if (mark(column, key, null)) continue;
    const value = cell(column);
    if (!value) continue;
    const checked = textField(key, value);
    if ("error" in checked) errors.push({ column, message: checked.error });
    else fields[key] = checked.value;
  }

  const mac = cell("mac_address");
  if (mark("mac_address", "macAddress", null)) {
    // cleared
  } else if (mac) {
    if (!MAC_PATTERN.test(mac)) errors.push({ column: "mac_address", message: `"${mac}" is not a MAC address: six pairs of hex digits, e.g. AA:BB:CC:DD:EE:FF` });
    else fields.macAddress = mac.toUpperCase().replaceAll("-", ":");
  }

  for (const [column, key, limit] of [["latitude", "latitude", 90], ["longitude", "longitude", 180]] as const) {
    if (mark(column, key, null)) continue;
    const value = cell(column);
    if (!value) continue;
    const number = parseNumber(value);
    if (number === null) errors.push({ column, message: `"${value}" is not a number` });
    else if (number < -limit || number > limit) errors.push({ column, message: `${column === "latitude" ? "Latitude" : "Longitude"} must be between -${limit} and ${limit}` });
    else fields[key] = number;
  }

  const cost = cell("unit_cost");
  if (mark("unit_cost", "unitCost", null)) {
    // cleared
  } else if (cost) {
    const number = parseNumber(cost);
    if (number === null) errors.push({ column: "unit_cost", message: `"${cost}" is not a number` });
    else if (number < 0 || number > 1_000_000) errors.push({ column: "unit_cost", message: "The unit cost is between 0 and 1,000,000" });
    else fields.unitCost = Math.round(number * 100) / 100;
  }

  for (const [column, key] of DATE_FIELDS) {
    if (mark(column, key, null)) continue;
    const value = cell(column);
    if (!value) continue;
    const date = parseDate(value);
    if (!date) errors.push({ column, message: `"${value}" is not a date: YYYY-MM-DD, e.g. 2026-03-31` });
    else fields[key] = date;
  }
  // The asset record's order of dates (lib/inventory), on the values after the row, checked when the row changes one of them.
  const dateAfter = (key: "purchaseDate" | "warrantyStart" | "warrantyEnd") => (fields[key] !== undefined ? fields[key] : (existing?.[key] ?? null));
  if ((["purchaseDate", "warrantyStart", "warrantyEnd"] as const).some((key) => fields[key] !== undefined && !same(fields[key] ?? null, existing?.[key] ?? null))) {
    const [purchase, start, end] = [dateAfter("purchaseDate"), dateAfter("warrantyStart"), dateAfter("warrantyEnd")];
    if (purchase && start && start < purchase) errors.push({ column: "warranty_start", message: "The warranty cannot start before the purchase date" });
    if (start && end && end < start) errors.push({ column: "warranty_end", message: "The warranty cannot end before it starts" });
    else if (purchase && end && end < purchase) errors.push({ column: "warranty_end", message: "The warranty cannot end before the purchase date" });
  }

  // lifecycle: the device form's rules (lib/devices/lifecycle.ts)
  const stateCell = cell("state");
  if (stateCell && !isEmptyMarker(stateCell)) {
    const state = DEVICE_STATES.find((name) => name === stateCell.toLowerCase().replace(/[\s-]+/g, "_"));
    if (!state) errors.push({ column: "state", message: `Unknown state "${stateCell}"; one of ${DEVICE_STATES.join(", ")}` });
    else {
      const refusal = existing ? stateChangeRefusal(existing.state, state) : newStateRefusal(state);
      if (refusal) errors.push({ column: "state", message: refusal });
      else fields.state = state;
    }
  }

  // tags, by name, separated as the export writes them
  if (!mark("tags", "tags", [])) {
    const tagsCell = cell("tags");
    if (tagsCell) {
      const names = new Map<string, string>();
      for (const part of tagsCell.split(TAG_SEPARATOR)) {
        const name = part.trim();
        if (name && !names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
      }
      const tags: string[] = [];
      for (const [key, name] of names) {
        const stored = context.tagsByName?.get(key);
        if (stored) tags.push(stored);
        else if (name.length > 100) errors.push({ column: "tags", message: `Tag "${name.slice(0, 20)}…" is longer than 100 characters` });
        else if (context.createTags) {
          if (!context.newTags?.has(key)) context.newTags?.set(key, name);
          tags.push(context.newTags?.get(key) ?? name);
        } else errors.push({ column: "tags", message: `Unknown tag "${name}": tick “Create tags that do not exist” (create_tags) or add it under Tags first` });
      }
      fields.tags = tags.sort();
    }
  }

  if (!mark("metadata", "metadata", {})) {
    const metadataCell = cell("metadata");
    if (metadataCell) {
      const parsed = parseMetadata(metadataCell);
      if ("error" in parsed) errors.push({ column: "metadata", message: parsed.error });
      else fields.metadata = parsed.value;
    }
  }

  // The group the device is in after the row, checked by the device registry's own rules: a group
  // named in the row, or the device's present group when the row moves it to another farm.
  const groupCode = cell("group_code");
  let groupKnown = true;
  if (mark("group_code", "groupId", null)) {
    // out of its group
  } else if (groupCode) {
    const group = context.groupsByCode.get(groupCode);
    if (!group) {
      groupKnown = false;
      errors.push({ column: "group_code", message: `Unknown group code "${groupCode}"` });
    } else fields.groupId = group.id;
  }
  const farmAfter = fields.farmId ?? existing?.farmId;
  if (groupKnown && deviceType && farmAfter !== undefined) {
    const before = existing ?? { groupId: null, farmId: farmAfter };
    const groupId = groupToCheck(before, { groupId: fields.groupId !== undefined ? fields.groupId : before.groupId, farmId: farmAfter });
    const group = groupId === null ? undefined : context.groupsById.get(groupId);
    const refusal = group ? placementRefusal(group, { deviceId, deviceType, farmId: farmAfter }) : null;
    if (refusal && groupCode && fields.groupId) errors.push({ column: "group_code", message: refusal });
    else if (refusal) errors.push({ column: "farm_code", message: `${refusal} Name a group of the new farm in group_code, or take the device out of its group first.` });
  }

  if (errors.length || !deviceType) return { ok: false, deviceId: deviceId || null, errors };

  if (!existing) return { ok: true, action: "create", deviceId, deviceType, fields: fields as ImportedFields & { name: string; farmId: number } };

  const changes: Partial<Record<keyof ImportedFields, { before: unknown; after: unknown }>> = {};
  const changed: ImportedFields = {};
  for (const [key, after] of Object.entries(fields) as [keyof ImportedFields, unknown][]) {
    const before = existing[key] ?? null;
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
