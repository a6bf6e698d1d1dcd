/**
 * How the cells of a spreadsheet write dates, numbers and yes/no, and how to read them back the
 * one way the row validation understands (ISO dates, "." decimals). A date format is detected from
 * the whole column, never from one cell: "03/04/2026" alone is 3 April or 4 March, and a value the
 * column cannot settle is refused by row rather than guessed.
 */

export const DATE_FORMATS = ["auto", "iso", "dmy", "mdy", "excel"] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
export const DATE_FORMAT_LABEL: Record<DateFormat, string> = {
  auto: "Detect from the column",
  iso: "ISO (2026-03-31)",
  dmy: "Day first (31-03-2026, 31/03/2026)",
  mdy: "Month first (03/31/2026)",
  excel: "Excel serial number (46112)",
};

export const DECIMAL_SEPARATORS = ["auto", ".", ","] as const;
export type DecimalSeparator = (typeof DECIMAL_SEPARATORS)[number];
export const DECIMAL_LABEL: Record<DecimalSeparator, string> = { auto: "Detect from the column", ".": "Point (1,234.5)", ",": "Comma (1.234,5)" };

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function utcDate(year: number, month: number, day: number): Date | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

export const isoDate = (date: Date) => date.toISOString().slice(0, 10);
const spoken = (date: Date) => `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;

/** A time after the date ("2026-03-31 00:00:00", "31/03/2026 14:00") is dropped: the fields are days. */
const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/;
const NUMERIC = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[T ].*)?$/;
/** Excel's serials for 1954-10-03 … 2119-03-17: a bare number outside that is not a date we would mean. */
const SERIAL = /^\d{5}(\.\d+)?$/;

const year4 = (text: string) => (text.length === 2 ? 2000 + Number(text) : Number(text));

/** Excel counts days from 1899-12-30 (its phantom 29 February 1900 lies before every serial we accept). */
export function excelSerialDate(serial: number): Date | null {
  if (!Number.isFinite(serial) || serial < 1) return null;
  return new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000);
}

type DateShape = { kind: "iso"; date: Date | null } | { kind: "numeric"; first: number; second: number; year: number } | { kind: "serial"; date: Date | null } | { kind: "other" };

function shapeOf(value: string): DateShape {
  const iso = ISO.exec(value);
  if (iso) return { kind: "iso", date: utcDate(Number(iso[1]), Number(iso[2]), Number(iso[3])) };
  const numeric = NUMERIC.exec(value);
  if (numeric) return { kind: "numeric", first: Number(numeric[1]), second: Number(numeric[2]), year: year4(numeric[3]!) };
  if (SERIAL.test(value)) return { kind: "serial", date: excelSerialDate(Number(value)) };
  return { kind: "other" };
}

/** What the whole column says about its dates: the format it settles on, and the values that decided it. */
export type ColumnDates = { format: Exclude<DateFormat, "auto"> | "mixed" | "undecided"; evidence: string | null };

/**
 * ISO when every date is ISO; day-first when some value has a day above 12 in first place (and
 * none in second), month-first the other way round; Excel serials when the column is bare serials.
 * "undecided": only values like 03/04/2026 (each ambiguous one is refused by row); "mixed": both kinds.
 */
export function detectDateFormat(values: Iterable<string>): ColumnDates {
  const survey = new DateColumnSurvey();
  for (const value of values) survey.add(value);
  return survey.result();
}

/**
 * detectDateFormat one value at a time: what it keeps is a few counts and the two deciding
 * values, so a column of a million dates is surveyed while the file streams past (lib/import/device-import.ts).
 */
export class DateColumnSurvey {
  private dayFirst: string | null = null;
  private monthFirst: string | null = null;
  private numeric = 0;
  private serial = 0;
  private iso = 0;

  add(raw: string) {
    const value = raw.trim();
    if (!value) return;
    const shape = shapeOf(value);
    if (shape.kind === "iso") this.iso++;
    else if (shape.kind === "serial") this.serial++;
    else if (shape.kind === "numeric") {
      this.numeric++;
      if (shape.first > 12 && shape.second <= 12) this.dayFirst ??= value;
      else if (shape.second > 12 && shape.first <= 12) this.monthFirst ??= value;
    }
  }

  result(): ColumnDates {
    const { dayFirst, monthFirst } = this;
    if (this.numeric === 0) return this.serial > 0 && this.iso === 0 ? { format: "excel", evidence: null } : { format: "iso", evidence: null };
    if (dayFirst && monthFirst) return { format: "mixed", evidence: `${dayFirst} and ${monthFirst}` };
    if (dayFirst) return { format: "dmy", evidence: dayFirst };
    if (monthFirst) return { format: "mdy", evidence: monthFirst };
    return { format: "undecided", evidence: null };
  }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * One cell → a UTC-midnight date, read the way the column was detected (or the admin chose). An ISO
 * date and a Excel serial need no format; a dd/mm vs mm/dd value does.
 */
export function parseDateCell(raw: string, format: ColumnDates["format"]): Parsed<Date> {
  const value = raw.trim();
  const shape = shapeOf(value);
  const notDate: Parsed<Date> = { ok: false, message: `"${value}" is not a date: ${format === "dmy" ? "day-month-year, e.g. 31-03-2026" : format === "mdy" ? "month/day/year, e.g. 03/31/2026" : "YYYY-MM-DD, e.g. 2026-03-31"}` };
  if (shape.kind === "iso") return shape.date ? { ok: true, value: shape.date } : notDate;
  if (shape.kind === "serial") {
    if (format === "excel" || format === "iso" || format === "undecided" || format === "mixed") return shape.date ? { ok: true, value: shape.date } : notDate;
    return { ok: false, message: `"${value}" is a number, not a ${format === "dmy" ? "day-first" : "month-first"} date` };
  }
  if (shape.kind !== "numeric") return notDate;
  const asDayFirst = utcDate(shape.year, shape.second, shape.first);
  const asMonthFirst = utcDate(shape.year, shape.first, shape.second);
  if (format === "dmy") return asDayFirst ? { ok: true, value: asDayFirst } : notDate;
  if (format === "mdy") return asMonthFirst ? { ok: true, value: asMonthFirst } : notDate;
  if (format === "iso" || format === "excel") return { ok: false, message: `"${value}" is not ${format === "iso" ? "an ISO date (YYYY-MM-DD)" : "an Excel serial date"}; choose the date format` };
  // undecided or mixed: a value is taken only when it has one reading
  if (asDayFirst && asMonthFirst && asDayFirst.getTime() !== asMonthFirst.getTime()) {
    return { ok: false, message: `"${value}" could be ${spoken(asDayFirst)} (day first) or ${spoken(asMonthFirst)} (month first); choose the date format` };
  }
  const only = asDayFirst ?? asMonthFirst;
  return only ? { ok: true, value: only } : notDate;
}

/** The separator a column of numbers uses for decimals: the last of "." and "," in a value that has both, else the only one seen. */
export function detectDecimalSeparator(values: Iterable<string>): "." | "," {
  const survey = new DecimalSurvey();
  for (const value of values) survey.add(value);
  return survey.result();
}

/** detectDecimalSeparator one value at a time (the first value with both signs decides). */
export class DecimalSurvey {
  private comma = false;
  private dot = false;
  private decided: "." | "," | null = null;

  add(raw: string) {
    if (this.decided) return;
    const value = raw.trim();
    const lastComma = value.lastIndexOf(",");
    const lastDot = value.lastIndexOf(".");
    if (lastComma >= 0 && lastDot >= 0) this.decided = lastComma > lastDot ? "," : ".";
    if (lastComma >= 0) this.comma = true;
    if (lastDot >= 0) this.dot = true;
  }

  result(): "." | "," {
    return this.decided ?? (this.comma && !this.dot ? "," : ".");
  }
}

/**
 * "1.234,5" with "," (Dutch Excel), "1,234.5" with ".", "52,37" with ",": the other sign is a
 * thousands separator only between groups of three digits; a space (or a narrow one) likewise.
 */
export function parseDecimal(raw: string, decimal: "." | ","): number | null {
  const value = raw.trim().replace(/[\s\u00a0\u202f]/g, "");
  const thousands = decimal === "," ? "." : ",";
  const grouped = new RegExp(`^[-+]?\\d{1,3}(\\${thousands}\\d{3})+(\\${decimal}\\d*)?$`);
  const plain = new RegExp(`^[-+]?(\\d+(\\${decimal}\\d*)?|\\${decimal}\\d+)$`);
  let text: string;
  if (plain.test(value)) text = value;
  else if (grouped.test(value)) text = value.split(thousands).join("");
  else return null;
  const number = Number(decimal === "," ? text.replace(",", ".") : text);
  return Number.isFinite(number) ? number : null;
}

const TRUE_WORDS = new Set(["yes", "y", "true", "t", "1", "ja", "j", "waar", "x", "✓"]);
const FALSE_WORDS = new Set(["no", "n", "false", "f", "0", "nee", "onwaar", ""]);

/** yes/no, true/false, 1/0, a tick, and the farm's language (Dutch ja/nee, waar/onwaar); null when neither. */
export function parseBoolean(raw: string): boolean | null {
  const value = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(value)) return true;
  if (FALSE_WORDS.has(value) && value !== "") return false;
  return null;
}

/**
 * A number Excel showed in scientific notation and the CSV kept that way ("1.23457E+11"): the
 * digits past the sixth are gone. Serials and MACs are text; such a value is damaged.
 */
export const SCIENTIFIC = /^[-+]?\d+([.,]\d+)?[eE][-+]?\d+$/;

/**
 * A spreadsheet re-saves every date of a file in one format: a column of only 01/06/2026-like days
 * ("undecided") takes the order the file's other date columns settle, when they all settle the same
 * one. `columns` are the detections by column name; the empty columns (no values) stay as they are.
 */
export function settleUndecided<K extends string>(columns: [K, ColumnDates, number][]): Map<K, ColumnDates> {
  const settled = columns.filter(([, found]) => found.format === "dmy" || found.format === "mdy");
  const result = new Map(columns.map(([name, found]) => [name, found] as const));
  if (new Set(settled.map(([, found]) => found.format)).size !== 1) return result;
  const [from, order] = settled[0]!;
  for (const [name, found, count] of columns) if (found.format === "undecided" && count > 0) result.set(name, { format: order.format, evidence: `${order.evidence} in ${from}` });
  return result;
}
