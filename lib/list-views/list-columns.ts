/**
 * The lists people live in and how each may be shown: density and the columns a person may show,
 * hide and order (Odoo's optional columns, ThingsBoard's column selection). Pure and browser-safe:
 * the pages, the column chooser, the API and the devices export share it.
 */
export const LISTS = ["devices", "alerts", "updates", "commands", "maintenance"] as const;
export type ListName = (typeof LISTS)[number];

/** Where each list lives: a saved view is this path plus its query. */
export const LIST_PATH: Record<ListName, string> = {
  devices: "/devices",
  alerts: "/alerts",
  updates: "/updates",
  commands: "/diagnostics",
  maintenance: "/maintenance/list",
};

export const DENSITIES = ["comfortable", "compact"] as const;
export type Density = (typeof DENSITIES)[number];
export const DEFAULT_DENSITY: Density = "comfortable";

export type ListColumn = {
  key: string;
  /** Always shown (the record's id and name: without it a row means nothing). */
  required?: boolean;
  /** Shown until the person chooses otherwise. */
  shownByDefault: boolean;
  /** The CSV columns (lib/devices/device-export.ts) this column writes under "Export visible columns"; a list without an export has none. */
  exportColumns?: readonly string[];
};

export const DEVICE_COLUMNS = [
  { key: "device", required: true, shownByDefault: true, exportColumns: ["device_id", "name"] },
  { key: "type", shownByDefault: true, exportColumns: ["device_type"] },
  { key: "farm", shownByDefault: true, exportColumns: ["farm_code"] },
  { key: "group", shownByDefault: true, exportColumns: ["group_code"] },
  { key: "tags", shownByDefault: true, exportColumns: ["tags"] },
  { key: "state", shownByDefault: true, exportColumns: ["state"] },
  { key: "health", shownByDefault: true, exportColumns: ["health_status", "health_score", "needs_attention"] },
  { key: "connection", shownByDefault: true, exportColumns: ["connection_status"] },
  { key: "lastSeen", shownByDefault: true, exportColumns: ["last_seen"] },
  { key: "battery", shownByDefault: true, exportColumns: ["battery_level"] },
  { key: "signal", shownByDefault: true, exportColumns: ["signal_strength"] },
  { key: "firmware", shownByDefault: true, exportColumns: ["firmware_version"] },
  { key: "calibrationDue", shownByDefault: false, exportColumns: ["next_calibration_due"] },
  { key: "warranty", shownByDefault: false, exportColumns: ["warranty_end"] },
] as const satisfies readonly ListColumn[];
export type DeviceColumnKey = (typeof DEVICE_COLUMNS)[number]["key"];

/** The alerts list: the alert (its type and message, the row's link) is always shown. */
export const ALERT_COLUMNS = [
  { key: "severity", shownByDefault: true },
  { key: "alert", required: true, shownByDefault: true },
  { key: "subject", shownByDefault: true },
  { key: "occurrences", shownByDefault: true },
  { key: "first", shownByDefault: true },
  { key: "last", shownByDefault: true },
  { key: "state", shownByDefault: true },
] as const satisfies readonly ListColumn[];
export type AlertColumnKey = (typeof ALERT_COLUMNS)[number]["key"];

/** The update jobs: the job (its name, the row's link) is always shown. */
export const UPDATE_COLUMNS = [
  { key: "job", required: true, shownByDefault: true },
  { key: "sends", shownByDefault: true },
  { key: "strategy", shownByDefault: true },
  { key: "state", shownByDefault: true },
  { key: "progress", shownByDefault: true },
  { key: "devices", shownByDefault: true },
  { key: "when", shownByDefault: true },
] as const satisfies readonly ListColumn[];
export type UpdateColumnKey = (typeof UPDATE_COLUMNS)[number]["key"];

/** The commands list (Diagnostics & commands): the command is always shown. */
export const COMMAND_COLUMNS = [
  { key: "sent", shownByDefault: true },
  { key: "device", shownByDefault: true },
  { key: "command", required: true, shownByDefault: true },
  { key: "status", shownByDefault: true },
  { key: "result", shownByDefault: true },
] as const satisfies readonly ListColumn[];
export type CommandColumnKey = (typeof COMMAND_COLUMNS)[number]["key"];

/** The maintenance list: the date (the row's link) is always shown. */
export const MAINTENANCE_COLUMNS = [
  { key: "date", required: true, shownByDefault: true },
  { key: "work", shownByDefault: true },
  { key: "device", shownByDefault: true },
  { key: "assignee", shownByDefault: true },
  { key: "status", shownByDefault: true },
  { key: "cost", shownByDefault: true },
] as const satisfies readonly ListColumn[];
export type MaintenanceColumnKey = (typeof MAINTENANCE_COLUMNS)[number]["key"];

/** Every list's columns a person may choose from. */
export const LIST_COLUMNS: Record<ListName, readonly ListColumn[]> = {
  devices: DEVICE_COLUMNS,
  alerts: ALERT_COLUMNS,
  updates: UPDATE_COLUMNS,
  commands: COMMAND_COLUMNS,
  maintenance: MAINTENANCE_COLUMNS,
};

export function defaultColumns(list: ListName): string[] {
  return (LIST_COLUMNS[list] ?? []).filter((column) => column.shownByDefault).map((column) => column.key);
}

/**
 * Columns as a person asked for them (URL, preference), made safe to render: unknown keys and
 * repeats dropped, the required column kept (first, when it was left out), order otherwise theirs.
 * An empty or absent choice is the default set.
 */
export function resolveColumns(list: ListName, asked: readonly string[] | null | undefined): string[] {
  const catalogue = LIST_COLUMNS[list] ?? [];
  const known = new Set(catalogue.map((column) => column.key));
  const chosen = [...new Set((asked ?? []).filter((key) => known.has(key)))];
  if (!chosen.length) return defaultColumns(list);
  const missing = catalogue.filter((column) => column.required && !chosen.includes(column.key)).map((column) => column.key);
  return [...missing, ...chosen];
}

/** The CSV columns for the visible list columns, in their order, limited to those the export knows. */
export function exportColumnsFor(list: ListName, visible: readonly string[], exportable: readonly string[]): string[] {
  const catalogue = new Map((LIST_COLUMNS[list] ?? []).map((column) => [column.key, column]));
  const known = new Set(exportable);
  return [...new Set(visible.flatMap((key) => catalogue.get(key)?.exportColumns ?? []))].filter((name) => known.has(name));
}

/** `?columns=device,health,battery` → the keys; the URL form of a column choice. */
export function parseColumnsParam(value: string | string[] | undefined | null): string[] | null {
  if (value === undefined || value === null) return null;
  const joined = Array.isArray(value) ? value.join(",") : value;
  const keys = joined.split(",").map((key) => key.trim()).filter(Boolean);
  return keys.length ? keys : null;
}

export function parseDensityParam(value: unknown): Density | null {
  return typeof value === "string" && (DENSITIES as readonly string[]).includes(value) ? (value as Density) : null;
}

/** URL parameters that shape how a list looks, not what it finds: the list's own filter parsing ignores them. */
export const PRESENTATION_PARAMS = ["density", "columns", "savedView"] as const;
