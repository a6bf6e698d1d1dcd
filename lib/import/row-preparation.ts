/**
 * Between the file and the row validation: the mapped cells of a row, trimmed, with dates and
 * numbers rewritten in the one form lib/import/row-validation.ts reads (ISO dates, "." decimals)
 * according to the formats detected from the whole column or chosen by the admin, and the warnings
 * a cell gives: values that look damaged but are not wrong enough to refuse the row.
 */
import { isEmptyMarker, type ImportColumn } from "./import-columns";
import { DEVICE_ID_PATTERN } from "../devices/device-id";
import { cellValue, type RowError } from "./row-validation";
import { DateColumnSurvey, DecimalSurvey, isoDate, parseDateCell, parseDecimal, SCIENTIFIC, settleUndecided, type ColumnDates, type DateFormat, type DecimalSeparator } from "./value-formats";

export const WARNING_CODES = [
  "scientific_notation",
  "duplicate_in_file",
  "duplicate_in_registry",
  "group_dropped",
  "value_trimmed",
  "column_ignored",
  "merged_cells",
  "formula_without_result",
  "cell_error",
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];
/** Shown before writing, separately from the errors; a row with warnings is still imported. */
export type ImportWarning = { row: number; column: string; code: WarningCode; message: string };

export const DATE_COLUMNS = ["purchase_date", "warranty_start", "warranty_end", "last_calibration", "next_maintenance_date"] as const satisfies readonly ImportColumn[];
export const NUMBER_COLUMNS = ["latitude", "longitude", "unit_cost"] as const satisfies readonly ImportColumn[];

export type ValueOptions = { dateFormat?: DateFormat; decimal?: DecimalSeparator };
export type ColumnFormats = { dates: Partial<Record<(typeof DATE_COLUMNS)[number], ColumnDates>>; decimal: "." | "," };

export type Row = Partial<Record<ImportColumn, string>>;

/** The formats to read the date and number columns with: the admin's choice, else what the whole column shows. */
export function columnFormats(rows: Iterable<Row>, options: ValueOptions): ColumnFormats {
  const survey = new FormatSurvey();
  for (const row of rows) survey.add(row);
  return survey.formats(options);
}

/**
 * columnFormats row by row, keeping counts rather than the values: the import surveys the columns
 * while the file streams into its staging table and reads the rows back once the formats are known.
 */
export class FormatSurvey {
  private readonly dates = Object.fromEntries(DATE_COLUMNS.map((column) => [column, { survey: new DateColumnSurvey(), count: 0 }])) as Record<(typeof DATE_COLUMNS)[number], { survey: DateColumnSurvey; count: number }>;
  private readonly decimal = new DecimalSurvey();

  add(row: Row) {
    for (const column of DATE_COLUMNS) {
      const value = row[column];
      if (value && !isEmptyMarker(value)) {
        this.dates[column].survey.add(value);
        this.dates[column].count++;
      }
    }
    for (const column of NUMBER_COLUMNS) {
      const value = row[column];
      if (value && !isEmptyMarker(value)) this.decimal.add(value);
    }
  }

  formats(options: ValueOptions): ColumnFormats {
    const dates: ColumnFormats["dates"] = {};
    const chosen = options.dateFormat && options.dateFormat !== "auto" ? options.dateFormat : null;
    for (const column of DATE_COLUMNS) dates[column] = chosen ? { format: chosen, evidence: null } : this.dates[column].survey.result();
    if (!chosen) {
      const settled = settleUndecided(DATE_COLUMNS.map((column) => [column, dates[column]!, this.dates[column].count]));
      for (const column of DATE_COLUMNS) dates[column] = settled.get(column);
    }
    const decimal = options.decimal && options.decimal !== "auto" ? options.decimal : this.decimal.result();
    return { dates, decimal };
  }
}

/** Device identities Excel shows in scientific notation when the cell is a number. */
const IDENTITY_COLUMNS = ["serial_number", "mac_address", "device_id"] as const satisfies readonly ImportColumn[];

export type PreparedRow = { row: Row; errors: RowError[]; warnings: Omit<ImportWarning, "row">[] };

/**
 * One row's cells as the row validation reads them, the errors of its dates and numbers, and its
 * warnings. `keys` names each field's column as the file does (the header), for the messages.
 */
export function prepareRow(raw: Row, formats: ColumnFormats, keys: Partial<Record<ImportColumn, string>>): PreparedRow {
  const row: Row = {};
  const errors: RowError[] = [];
  const warnings: PreparedRow["warnings"] = [];
  for (const [column, value] of Object.entries(raw) as [ImportColumn, string][]) {
    const trimmed = value.trim();
    if (trimmed !== value && trimmed !== "") warnings.push({ column, code: "value_trimmed", message: `Spaces around “${trimmed}” in ${keys[column] ?? column} were removed` });
    row[column] = trimmed;
  }
  for (const column of IDENTITY_COLUMNS) {
    const value = row[column];
    // Said here as a warning, with what happened; the device rules still refuse the value itself
    // (lib/devices/device-schemas.ts SPREADSHEET_ROUNDED_NUMBER), so no damaged serial is stored.
    if (value && SCIENTIFIC.test(value)) {
      warnings.push({ column, code: "scientific_notation", message: `“${value}” looks like a number Excel showed in scientific notation: its digits are lost. Format the column as text in the source and export again` });
    }
  }
  for (const column of DATE_COLUMNS) {
    const value = row[column];
    if (!value || isEmptyMarker(value)) continue;
    const parsed = parseDateCell(value, formats.dates[column]?.format ?? "iso");
    if (parsed.ok) row[column] = isoDate(parsed.value);
    else {
      errors.push({ column, message: parsed.message });
      delete row[column];
    }
  }
  for (const column of NUMBER_COLUMNS) {
    const value = row[column];
    if (!value || isEmptyMarker(value)) continue;
    const number = parseDecimal(value, formats.decimal);
    if (number === null) {
      errors.push({ column, message: `“${value}” is not a number (decimal separator ${formats.decimal === "," ? "comma" : "point"})` });
      delete row[column];
    } else row[column] = String(number);
  }
  return { row, errors, warnings };
}

/**
 * Serials and MACs met earlier in the file: the second device with the same serial is probably a
 * copy-paste slip (or a vendor reusing one), worth a look but not a refusal.
 */
export class DuplicateWatch {
  private readonly serials = new Map<string, number>();
  private readonly macs = new Map<string, number>();

  check(row: Row, rowNumber: number): Omit<ImportWarning, "row">[] {
    const warnings: Omit<ImportWarning, "row">[] = [];
    const serial = row.serial_number?.trim();
    if (serial && !SCIENTIFIC.test(serial)) {
      const first = this.serials.get(serial.toUpperCase());
      if (first !== undefined) warnings.push({ column: "serial_number", code: "duplicate_in_file", message: `Serial ${serial} is also on row ${first}` });
      else this.serials.set(serial.toUpperCase(), rowNumber);
    }
    const mac = normaliseMac(row.mac_address);
    if (mac) {
      const first = this.macs.get(mac);
      if (first !== undefined) warnings.push({ column: "mac_address", code: "duplicate_in_file", message: `MAC ${mac} is also on row ${first}` });
      else this.macs.set(mac, rowNumber);
    }
    return warnings;
  }
}

/** "00-1a-2b-3c-4d-5e" → "00:1A:2B:3C:4D:5E", as the registry stores it; null when not a MAC. */
export function normaliseMac(value: string | undefined): string | null {
  const text = value?.trim().toUpperCase().replaceAll("-", ":") ?? "";
  return /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/.test(text) ? text : null;
}

/**
 * What the staging table keeps of a row for the checks SQL makes across the file and the registry
 * (lib/import/import-staging.ts), from the raw cells as read: `rowId` the id as the row names it,
 * `idKey` the id when it is usable (what lib/import/row-validation.ts validateRow counts as seen),
 * the serial as looked up in the registry and as compared within the file (DuplicateWatch), the MAC.
 */
export function stagingKeys(raw: Row): { rowId: string | null; idKey: string | null; serialText: string | null; serialKey: string | null; macKey: string | null } {
  const id = (raw.device_id ?? "").trim();
  const usable = isEmptyMarker(id) ? "" : cellValue(id).toUpperCase();
  const serial = (raw.serial_number ?? "").trim();
  const serialText = serial && !SCIENTIFIC.test(serial) ? serial : null;
  return {
    rowId: id ? id.toUpperCase() : null,
    idKey: usable && DEVICE_ID_PATTERN.test(usable) ? usable : null,
    serialText,
    serialKey: serialText?.toUpperCase() ?? null,
    macKey: normaliseMac(raw.mac_address),
  };
}

/** DuplicateWatch's warnings, from the first rows SQL found for the row's serial and MAC. */
export function duplicateInFile(row: Row, first: { serialFirst: number | null; macFirst: number | null }): Omit<ImportWarning, "row">[] {
  const warnings: Omit<ImportWarning, "row">[] = [];
  const serial = row.serial_number?.trim();
  if (serial && first.serialFirst !== null) warnings.push({ column: "serial_number", code: "duplicate_in_file", message: `Serial ${serial} is also on row ${first.serialFirst}` });
  const mac = normaliseMac(row.mac_address);
  if (mac && first.macFirst !== null) warnings.push({ column: "mac_address", code: "duplicate_in_file", message: `MAC ${mac} is also on row ${first.macFirst}` });
  return warnings;
}
