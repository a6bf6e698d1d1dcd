/**
 * The options and mapping steps: how the file reads with the options chosen so far (each one
 * guessed when not chosen), the decoded first lines so a wrong encoding shows, the header, a few
 * values per column, and the mapping to start from (remembered for these headers, else guessed)
 * with what is wrong with it. Reads no more than the first rows' worth of dates; writes nothing,
 * except that a file refused outright is recorded as a refused attempt.
 */
import { can, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { ForbiddenError, InvalidError, PayloadTooLargeError } from "../errors";
import { columnKeys, guessMapping, mappingIssues, resolveMapping, type ColumnMapping, type MappingIssue } from "./column-mapping";
import type { CsvSource } from "./csv-reader";
import { recordRefusedFile, type ImportOptions, type ImportReadOptions } from "./device-import";
import { openImportFile, type FileFormat, type Reading } from "./file-reader";
import { rememberedMapping } from "./import-mappings";
import type { ImportWarning } from "./row-preparation";
import { columnLetter } from "./spreadsheet-reader";
import type { KnownEncoding } from "./text-encoding";
import { detectDateFormat, detectDecimalSeparator, settleUndecided, type ColumnDates, type DateFormat, type DecimalSeparator } from "./value-formats";

/** Rows read to show values and to detect formats from (the preview reads them all). */
const INSPECT_ROWS = 5000;

export type ImportInspection = {
  fileName: string;
  format: FileFormat;
  reading: Reading;
  guessed: { encoding: KnownEncoding | null; separator: string | null; headerRow: number };
  sheets: string[];
  firstLines: string[];
  headers: string[];
  /** How each column is named in messages and in a mapping sent by name. */
  columnKeys: string[];
  /** The first few non-empty values of each column. */
  samples: string[][];
  mapping: ColumnMapping;
  mappingSource: "sent" | "remembered" | "guessed";
  mappingIssues: MappingIssue[];
  /** Preselected value formats: the admin's, else those remembered with the mapping, else auto. */
  dateFormat: DateFormat;
  decimal: DecimalSeparator;
  /** What each column's values look like as dates and numbers, from the first rows. */
  columnDates: ColumnDates[];
  columnDecimal: ("." | ",")[];
  rowsRead: number;
  /** Problems met in the sheet (merged cells, formulas without results). */
  notes: ImportWarning[];
  /** A fault further down the first rows (an unclosed quote), shown with the lines. */
  problem: string | null;
};

export async function inspectImport(
  db: Db,
  actor: Actor,
  source: CsvSource,
  options: Pick<ImportOptions, "fileName" | "mode" | "skipErrors"> & { read?: ImportReadOptions; mapping?: unknown },
): Promise<ImportInspection> {
  if (!can(actor.role, "devices.import")) throw new ForbiddenError(`Your role (${actor.role}) does not allow devices.import.`);
  const read = options.read ?? {};
  let file;
  try {
    file = await openImportFile(source, options.fileName, read);
  } catch (error) {
    if (error instanceof InvalidError || error instanceof PayloadTooLargeError) await recordRefusedFile(db, actor, options, error);
    throw error;
  }
  const keys = columnKeys(file.headers);
  const samples: string[][] = file.headers.map(() => []);
  const values: string[][] = file.headers.map(() => []);
  let rowsRead = 0;
  let problem = file.problem?.message ?? null;
  try {
    for await (const { record } of file.records) {
      record.forEach((cell, index) => {
        if (index >= values.length || !cell.trim()) return;
        values[index]!.push(cell);
        if (samples[index]!.length < 3) samples[index]!.push(cell.length > 60 ? `${cell.slice(0, 60)}…` : cell);
      });
      if (++rowsRead >= INSPECT_ROWS) break;
    }
  } catch (error) {
    if (!(error instanceof InvalidError)) throw error;
    problem = error.message;
  } finally {
    await file.records.return(undefined);
  }

  let mapping: ColumnMapping;
  let mappingSource: ImportInspection["mappingSource"];
  let remembered: Record<string, unknown> = {};
  const sent = options.mapping !== undefined && options.mapping !== null && options.mapping !== "" ? resolveMapping(file.headers, options.mapping) : null;
  if (sent && "mapping" in sent) {
    mapping = sent.mapping;
    mappingSource = "sent";
  } else {
    // A mapping sent for other headers (the options changed the header) is dropped, never bent to fit.
    const saved = await rememberedMapping(db, file.headers);
    mapping = saved?.mapping ?? guessMapping(file.headers);
    mappingSource = saved ? "remembered" : "guessed";
    remembered = saved?.options ?? {};
  }
  const pick = <T extends string>(chosen: T | undefined, stored: unknown, allowed: readonly string[]): T =>
    (chosen && chosen !== "auto" ? chosen : typeof stored === "string" && allowed.includes(stored) ? stored : "auto") as T;
  return {
    fileName: options.fileName,
    format: file.format,
    reading: file.reading(),
    guessed: file.guessed,
    sheets: file.sheets,
    firstLines: file.firstLines,
    headers: file.headers,
    columnKeys: keys,
    samples,
    mapping,
    mappingSource,
    mappingIssues: mappingIssues(file.headers, mapping),
    dateFormat: pick<DateFormat>(read.dateFormat, remembered.dateFormat, ["iso", "dmy", "mdy", "excel"]),
    decimal: pick<DecimalSeparator>(read.decimal, remembered.decimal, [".", ","]),
    columnDates: (() => {
      const settled = settleUndecided(values.map((column, index) => [keys[index]!, detectDateFormat(column), column.length]));
      return keys.map((key) => settled.get(key)!);
    })(),
    columnDecimal: values.map((column) => detectDecimalSeparator(column)),
    rowsRead,
    notes: file.notes.map((note) => ({ row: note.rowNumber, column: keys[note.column] ?? columnLetter(note.column), code: note.code, message: note.message })),
    problem,
  };
}
