/**
 * The columns of the device import file (M92 `iot.device.import.wizard`, task 2.3): a header is
 * matched case- and space-insensitively, with a few aliases, so a spreadsheet typed by hand or an
 * export of the devices list (lib/devices/device-export.ts) is read alike.
 */
import { stringify } from "csv-stringify/sync";
import { DEVICE_ID_PREFIX, DEVICE_TYPES, DEVICE_TYPE_LABEL } from "../devices/device-id";

export const IMPORT_COLUMNS = [
  "device_id",
  "name",
  "device_type",
  "farm_code",
  "manufacturer",
  "model",
  "serial_number",
  "mac_address",
  "location_description",
  "hardware_version",
  "latitude",
  "longitude",
  "group_code",
  "purchase_date",
  "warranty_end",
  // the rest of what the devices export writes (lib/devices/device-export.ts), so an export imports back
  "state",
  "tags",
  "warranty_start",
  "warranty_terms",
  "supplier",
  "purchase_order",
  "unit_cost",
  "storage_location",
  "last_calibration",
  "next_maintenance_date",
  "metadata",
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** M92 `required_fields = ['device_id', 'name', 'device_type']`. */
export const REQUIRED_COLUMNS = ["device_id", "name", "device_type"] as const satisfies readonly ImportColumn[];

const ALIASES: Record<string, ImportColumn> = {
  id: "device_id",
  deviceid: "device_id",
  device: "device_id",
  device_name: "name",
  type: "device_type",
  devicetype: "device_type",
  farm: "farm_code",
  serial: "serial_number",
  serial_no: "serial_number",
  mac: "mac_address",
  location: "location_description",
  group: "group_code",
  hardware: "hardware_version",
  lat: "latitude",
  lon: "longitude",
  lng: "longitude",
  warranty_end_date: "warranty_end",
  warranty_until: "warranty_end",
  // what vendors' portals and a Dutch Excel call them (the mapping step guesses from these too)
  serial_nr: "serial_number",
  serialnumber: "serial_number",
  sn: "serial_number",
  serienummer: "serial_number",
  mac_adres: "mac_address",
  macaddress: "mac_address",
  naam: "name",
  apparaat: "device_id",
  apparaat_id: "device_id",
  soort: "device_type",
  boerderij: "farm_code",
  bedrijf: "farm_code",
  fabrikant: "manufacturer",
  vendor: "manufacturer",
  merk: "manufacturer",
  locatie: "location_description",
  groep: "group_code",
  hw_version: "hardware_version",
  aankoopdatum: "purchase_date",
  purchased: "purchase_date",
  garantie_tot: "warranty_end",
  breedtegraad: "latitude",
  latitude_deg: "latitude",
  lengtegraad: "longitude",
  status: "state",
  lifecycle_state: "state",
  tag: "tags",
  labels: "tags",
  warranty_start_date: "warranty_start",
  warranty_from: "warranty_start",
  vendor_name: "supplier",
  leverancier: "supplier",
  po: "purchase_order",
  po_number: "purchase_order",
  cost: "unit_cost",
  price: "unit_cost",
  calibrated: "last_calibration",
  last_calibration_date: "last_calibration",
  next_maintenance: "next_maintenance_date",
};

/** Between tags in a cell: what the export writes (a tag name may hold commas and spaces). */
export const TAG_SEPARATOR = "|";

/**
 * Written in a cell to clear the field: an empty cell keeps the stored value (an update touches
 * only what the file says), so clearing needs a word of its own. Refused on a required field.
 */
export const EMPTY_MARKER = "<empty>";
export const isEmptyMarker = (value: string | undefined) => value !== undefined && value.trim().toLowerCase() === EMPTY_MARKER;

/**
 * Columns of the devices export that the devices themselves report or other screens change: the
 * mapping recognises them and ignores them on purpose, with the reason, rather than as unknown.
 */
const READ_ONLY: Record<string, string> = {
  health_status: "computed from telemetry",
  health_score: "computed from telemetry",
  needs_attention: "computed from telemetry",
  connection_status: "reported by the device",
  battery_level: "reported by the device",
  signal_strength: "reported by the device",
  last_seen: "reported by the device",
  firmware_version: "changed by firmware updates",
  maintenance_mode: "switched from the device page",
};

/** Why a column of the export is not imported ("read-only: reported by the device"), or null. */
export function readOnlyReason(header: string): string | null {
  const reason = READ_ONLY[normaliseHeader(header)];
  return reason ? `read-only: ${reason}` : null;
}

/** "  Device ID " → "device_id", "serial-number" → "serial_number". */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

export function columnFor(header: string): ImportColumn | null {
  const key = normaliseHeader(header);
  if ((IMPORT_COLUMNS as readonly string[]).includes(key)) return key as ImportColumn;
  return ALIASES[key] ?? null;
}

export type HeaderMap = {
  /** For each position in the file: the column it holds, or null when it is not one of ours. */
  positions: (ImportColumn | null)[];
  /** The columns found, in file order. */
  columns: ImportColumn[];
  /** Headers as written that are not import columns (ignored, listed for the person importing). */
  unknownColumns: string[];
  /** Columns named by more than one header, with those headers as written (the file is refused). */
  duplicateColumns: { column: ImportColumn; headers: string[] }[];
  missingRequired: ImportColumn[];
};

export function mapHeader(headers: string[]): HeaderMap {
  const positions: (ImportColumn | null)[] = [];
  const columns: ImportColumn[] = [];
  const unknownColumns: string[] = [];
  const duplicateColumns: HeaderMap["duplicateColumns"] = [];
  for (const header of headers) {
    const column = columnFor(header);
    if (column === null) {
      if (header.trim() !== "") unknownColumns.push(header.trim());
      positions.push(null);
    } else if (columns.includes(column)) {
      const duplicate = duplicateColumns.find((entry) => entry.column === column);
      if (duplicate) duplicate.headers.push(header.trim());
      else duplicateColumns.push({ column, headers: [headers[positions.indexOf(column)]!.trim(), header.trim()] });
      positions.push(null);
    } else {
      columns.push(column);
      positions.push(column);
    }
  }
  const missingRequired = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  return { positions, columns, unknownColumns, duplicateColumns, missingRequired };
}

/** One record (cells in file order) → cells by column name; absent columns are left out. */
export function recordToRow(positions: (ImportColumn | null)[], record: string[]): Partial<Record<ImportColumn, string>> {
  const row: Partial<Record<ImportColumn, string>> = {};
  positions.forEach((column, index) => {
    if (column !== null) row[column] = record[index] ?? "";
  });
  return row;
}

/** The downloadable template: the header row and one example row per device type. */
export function templateCsv(): string {
  const rows = DEVICE_TYPES.map((type, index) => {
    const number = String(index + 1).padStart(3, "0");
    return [
      `${DEVICE_ID_PREFIX[type]}${number}`,
      `${DEVICE_TYPE_LABEL[type]} ${index + 1}`,
      type,
      "FARM01",
      "DairyTech",
      `${DEVICE_ID_PREFIX[type]}-100`,
      `SN-${DEVICE_ID_PREFIX[type]}-${number}`,
      `00:1A:2B:3C:4D:${(16 + index).toString(16).toUpperCase().padStart(2, "0")}`,
      "Main barn",
      "1.0",
      "",
      "",
      "",
      "2026-01-15",
      "2028-01-15",
      "registered",
      "",
      "2026-01-15",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
    ];
  });
  return stringify([[...IMPORT_COLUMNS], ...rows]);
}
