/**
 * The devices list as a CSV or Excel (.xlsx) file: the ticked devices or the whole filtered set,
 * streamed in batches so a hundred thousand rows never sit in memory at once. The importable
 * columns come first, named as the import reads them (lib/import/import-columns.ts), so an export
 * edited in a spreadsheet imports back without losing a field; the read-only columns (health,
 * connection, battery…) follow, and the import ignores them on purpose.
 */
import { PassThrough, Readable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import { z } from "zod";
import pg from "pg";
import type { Prisma } from "@prisma/client";
import { resolveDatabaseUrl } from "../config/database-url";
import type { Actor } from "../auth/permissions";
import { farmScope } from "../auth/permissions";
import type { Db } from "../db";
import { isoInZone } from "../i18n/format";
import { deviceWhere } from "./device-list";
import type { DeviceFilter } from "./device-schemas";

const BATCH = 5000;

export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What the import reads back (lib/import/import-columns.ts; "location" is its alias of location_description). */
export const IMPORTABLE_EXPORT_COLUMNS = [
  "device_id",
  "name",
  "device_type",
  "farm_code",
  "manufacturer",
  "model",
  "serial_number",
  "mac_address",
  "location",
  "state",
  "group_code",
  "tags",
  "hardware_version",
  "latitude",
  "longitude",
  "purchase_date",
  "warranty_start",
  "warranty_end",
  "warranty_terms",
  "supplier",
  "purchase_order",
  "unit_cost",
  "storage_location",
  "last_calibration",
  "next_maintenance_date",
  "metadata",
] as const;

/** Reported by the devices or changed on other screens: exported to be read, ignored by the import. */
export const READ_ONLY_EXPORT_COLUMNS = [
  "firmware_version",
  "health_status",
  "health_score",
  "needs_attention",
  "connection_status",
  "battery_level",
  "signal_strength",
  "last_seen",
  "maintenance_mode",
] as const;

export const EXPORT_COLUMNS = [...IMPORTABLE_EXPORT_COLUMNS, ...READ_ONLY_EXPORT_COLUMNS] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** `?columns=device_id,name,health_status`: known export columns, each once, in the order asked. */
export const exportColumnsSchema = z
  .string()
  .transform((value) => value.split(",").map((name) => name.trim()).filter(Boolean))
  .pipe(z.array(z.enum(EXPORT_COLUMNS, { error: `columns must be among ${EXPORT_COLUMNS.join(", ")}` })).min(1, "Name at least one column").refine((names) => new Set(names).size === names.length, "A column is named twice"));

/** `columns` ("Export visible columns"): only these, in this order; every column when left out. */
function picker(columns?: readonly ExportColumn[]) {
  const picked = columns?.length ? columns.map((name) => EXPORT_COLUMNS.indexOf(name)) : null;
  return <T,>(record: readonly T[]): T[] => (picked ? picked.map((index) => record[index]!) : [...record]);
}

/** Date columns: ISO days (YYYY-MM-DD) in CSV, date cells shown as YYYY-MM-DD in .xlsx, so the import reads them back unambiguously. */
const DATE_COLUMNS = new Set<string>(["purchase_date", "warranty_start", "warranty_end", "last_calibration", "next_maintenance_date"]);

/**
 * One exported device as the row query below reads it: days as "YYYY-MM-DD" (UTC days, as the
 * import compares them), the cost as PostgreSQL's numeric text, the tags' names.
 */
type Row = {
  deviceId: string;
  name: string;
  deviceType: string;
  farm: { code: string; timezone: string | null };
  manufacturer: string | null;
  model: string | null;
  serialNumber: string | null;
  macAddress: string | null;
  locationDescription: string | null;
  state: string;
  group: { code: string } | null;
  tags: string[];
  hardwareVersion: string | null;
  latitude: number | null;
  longitude: number | null;
  purchaseDate: string | null;
  warrantyStart: string | null;
  warrantyEnd: string | null;
  warrantyTerms: string | null;
  supplier: string | null;
  purchaseOrder: string | null;
  unitCost: string | null;
  storageLocation: string | null;
  lastCalibration: string | null;
  nextMaintenanceDate: string | null;
  metadata: Prisma.JsonValue;
  firmwareVersion: string | null;
  healthStatus: string;
  healthScore: number;
  needsAttention: boolean;
  connectionStatus: string;
  batteryLevel: number | null;
  signalStrength: number | null;
  lastSeen: Date | null;
  maintenanceMode: boolean;
};

type Cell = string | number | Date | null;

/**
 * A cell that starts like a formula (=, +, -, @) is prefixed with an apostrophe, so a device name
 * typed by someone cannot run as a formula in the spreadsheet of whoever opens the export. The
 * import takes the apostrophe off again (lib/import/row-validation.ts cellValue).
 */
export function spreadsheetSafe<T extends Cell>(value: T): T | string {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A date column's day (the query gives timestamps, the last calibration, as their UTC day, as the import compares them). */
const day = (value: string | null): Date | null => (value === null ? null : new Date(value));

const metadataText = (value: Prisma.JsonValue): string | null =>
  value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0 ? null : JSON.stringify(value);

/** One device, in EXPORT_COLUMNS order: text, numbers, days (Date at UTC midnight) or empty. */
export function exportRecord(row: Row): Cell[] {
  return [
    row.deviceId,
    row.name,
    row.deviceType,
    row.farm.code,
    row.manufacturer,
    row.model,
    row.serialNumber,
    row.macAddress,
    row.locationDescription,
    row.state,
    row.group?.code ?? null,
    [...row.tags].sort().join("|") || null,
    row.hardwareVersion,
    row.latitude,
    row.longitude,
    day(row.purchaseDate),
    day(row.warrantyStart),
    day(row.warrantyEnd),
    row.warrantyTerms,
    row.supplier,
    row.purchaseOrder,
    row.unitCost === null ? null : Number(row.unitCost),
    row.storageLocation,
    day(row.lastCalibration),
    day(row.nextMaintenanceDate),
    metadataText(row.metadata),
    row.firmwareVersion,
    row.healthStatus,
    row.healthStatus === "unknown" ? null : Math.round(row.healthScore),
    row.needsAttention ? "yes" : "no",
    row.connectionStatus,
    row.batteryLevel,
    row.signalStrength,
    // ISO 8601 with the farm's offset ("2026-12-03T11:00:00+01:00"): exact for a script, the farm's clock for a person.
    isoInZone(row.lastSeen, row.farm.timezone),
    row.maintenanceMode ? "yes" : "no",
  ].map(spreadsheetSafe);
}

const csvCell = (value: Cell) => (value instanceof Date ? value.toISOString().slice(0, 10) : value);

export type ExportTarget = { filter: DeviceFilter } | { deviceIds: string[] };

/**
 * The export's rows come from node-postgres directly, not through Prisma: at a million devices
 * Prisma's findMany with the farm, group and tags relations read ≈ 1,500 rows/s on a loaded
 * 2-core machine (four queries per batch and its engine's row mapping), this one query ≈ 20×
 * that. Prisma still finds which devices (the list's filter, `deviceWhere`); this reads their columns.
 */
let exportPool: pg.Pool | null = null;
function rowsPool(): pg.Pool {
  if (!exportPool) {
    exportPool = new pg.Pool({ connectionString: resolveDatabaseUrl(), max: 2, idleTimeoutMillis: 10_000, allowExitOnIdle: true, application_name: "sdm-export" });
    // an idle connection lost (database restart) must not crash the web server; the next export reconnects
    exportPool.on("error", () => undefined);
  }
  return exportPool;
}

const ROWS_SQL = `
  SELECT d.device_id AS "deviceId", d.name, d.device_type AS "deviceType", f.code AS "farmCode", f.timezone AS "farmTimezone",
         d.manufacturer, d.model, d.serial_number AS "serialNumber", d.mac_address AS "macAddress",
         d.location_description AS "locationDescription", d.state, g.code AS "groupCode",
         ARRAY(SELECT t.name FROM device_tag_links l JOIN device_tags t ON t.id = l.tag_id WHERE l.device_id = d.id) AS tags,
         d.hardware_version AS "hardwareVersion", d.latitude, d.longitude,
         to_char(d.purchase_date, 'YYYY-MM-DD') AS "purchaseDate", to_char(d.warranty_start, 'YYYY-MM-DD') AS "warrantyStart",
         to_char(d.warranty_end, 'YYYY-MM-DD') AS "warrantyEnd", d.warranty_terms AS "warrantyTerms", d.supplier,
         d.purchase_order AS "purchaseOrder", d.unit_cost::text AS "unitCost", d.storage_location AS "storageLocation",
         to_char(d.last_calibration AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "lastCalibration",
         to_char(d.next_maintenance_date, 'YYYY-MM-DD') AS "nextMaintenanceDate", d.metadata,
         d.firmware_version AS "firmwareVersion", d.health_status AS "healthStatus", d.health_score AS "healthScore",
         d.needs_attention AS "needsAttention", d.connection_status AS "connectionStatus", d.battery_level AS "batteryLevel",
         d.signal_strength AS "signalStrength", d.last_seen AS "lastSeen", d.maintenance_mode AS "maintenanceMode"
    FROM devices d
    JOIN farms f ON f.id = d.farm_id
    LEFT JOIN device_groups g ON g.id = d.group_id
   WHERE d.id = ANY($1::int[])
   ORDER BY d.device_id`;

type SqlRow = Omit<Row, "farm" | "group"> & { farmCode: string; farmTimezone: string | null; groupCode: string | null };

/** The devices of the target, BATCH at a time in device id order (a keyset on the device id); the caller writes each batch. */
async function batches(db: Db, actor: Actor, target: ExportTarget) {
  const scope = farmScope(actor);
  const where: Prisma.DeviceWhereInput =
    "deviceIds" in target ? { deviceId: { in: target.deviceIds }, ...(scope !== null ? { farmId: scope } : {}) } : await deviceWhere(db, actor, target.filter);
  let after: string | null = null;
  let done = false;
  return async function next(): Promise<Row[] | null> {
    if (done) return null;
    const page: { id: number; deviceId: string }[] = await db.device.findMany({
      where: after === null ? where : { AND: [where, { deviceId: { gt: after } }] },
      orderBy: { deviceId: "asc" },
      take: BATCH,
      select: { id: true, deviceId: true },
    });
    if (page.length < BATCH) done = true;
    else after = page[page.length - 1]!.deviceId;
    if (!page.length) return [];
    const { rows } = await rowsPool().query<SqlRow>(ROWS_SQL, [page.map((row) => row.id)]);
    return rows.map(({ farmCode, farmTimezone, groupCode, ...row }) => ({ ...row, farm: { code: farmCode, timezone: farmTimezone }, group: groupCode === null ? null : { code: groupCode } }));
  };
}

export async function exportDevicesCsv(db: Db, actor: Actor, target: ExportTarget, columns?: readonly ExportColumn[]): Promise<ReadableStream<Uint8Array>> {
  const next = await batches(db, actor, target);
  const pick = picker(columns);
  const encoder = new TextEncoder();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headerSent) {
          headerSent = true;
          // A BOM so that spreadsheet programs read the names' accents as UTF-8.
          controller.enqueue(encoder.encode(`\uFEFF${stringify([pick(EXPORT_COLUMNS)])}`));
          return;
        }
        const rows = await next();
        if (rows?.length) controller.enqueue(encoder.encode(stringify(rows.map((row) => pick(exportRecord(row)).map(csvCell)))));
        if (rows === null || rows.length < BATCH) controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
}

/**
 * The same rows as an Excel workbook, written by exceljs's streaming writer (rows committed as
 * they are added, inline strings) one batch at a time, waiting for the download to take what was
 * written before reading the next batch. Text stays text (a serial never becomes 1.23457E+11),
 * dates are date cells shown as YYYY-MM-DD, numbers are numbers.
 */
export async function exportDevicesXlsx(db: Db, actor: Actor, target: ExportTarget, columns?: readonly ExportColumn[]): Promise<ReadableStream<Uint8Array>> {
  const next = await batches(db, actor, target);
  const pick = picker(columns);
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet("Devices", { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = pick(EXPORT_COLUMNS).map((key) => ({ key, width: DATE_COLUMNS.has(key) ? 12 : Math.max(10, key.length + 2), style: DATE_COLUMNS.has(key) ? { numFmt: "yyyy-mm-dd" } : {} }));
  void (async () => {
    try {
      sheet.addRow(pick(EXPORT_COLUMNS)).commit();
      for (let rows = await next(); rows !== null; rows = await next()) {
        for (const row of rows) sheet.addRow(pick(exportRecord(row))).commit();
        if (out.writableNeedDrain) await new Promise((resolve) => out.once("drain", resolve));
        if (rows.length < BATCH) break;
      }
      sheet.commit();
      await workbook.commit();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

export function exportDevices(db: Db, actor: Actor, target: ExportTarget, format: ExportFormat, columns?: readonly ExportColumn[]): Promise<ReadableStream<Uint8Array>> {
  return format === "xlsx" ? exportDevicesXlsx(db, actor, target, columns) : exportDevicesCsv(db, actor, target, columns);
}
