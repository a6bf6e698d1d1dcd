/**
 * Reads the first (or a chosen) sheet of an .xlsx (exceljs) or .ods (its content.xml, with jszip
 * and saxes) as rows of strings, the way the CSV reader hands them over. Values are what the cells
 * hold: a formula's stored result, never the formula evaluated; a date cell as an ISO date; a
 * number in full (the digits Excel hid behind 1.23457E+11 are still there). Merged cells keep their
 * value in the first cell only and are reported. Macros are never run (they are not even read).
 */
import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { SaxesParser } from "saxes";
import { InvalidError } from "../errors";
import { isoDate } from "./value-formats";

/** Rows with a value beyond this are refused (the import is for up to 100,000 devices). */
export const MAX_SHEET_ROWS = 200_000;
/** Columns read per row; the rest (a sheet's 16,384 empty ones) are dropped. */
export const MAX_SHEET_COLUMNS = 256;

export type SheetNote = { rowNumber: number; column: number; code: "merged_cells" | "formula_without_result" | "cell_error"; message: string };
export type SheetRows = {
  sheets: string[];
  sheet: string;
  rows: { rowNumber: number; record: string[] }[];
  notes: SheetNote[];
};

/** "A", "B", … "AA": a column as a spreadsheet names it. */
export function columnLetter(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

const unknownSheet = (sheet: string, sheets: string[]) =>
  new InvalidError(`The workbook has no sheet “${sheet}”.`, { sheet: [`Sheets: ${sheets.map((name) => `“${name}”`).join(", ")}`] });
const tooManyRows = () => new InvalidError(`The sheet has more than ${MAX_SHEET_ROWS.toLocaleString("en")} rows.`, { file: ["Split the file"] });

/** A date cell as the day it shows; exceljs hands 2026-03-05 as 2026-03-04T23:59:59.999Z now and then. */
function dayOf(date: Date): string {
  return isoDate(new Date(Math.round(date.getTime() / 1000) * 1000));
}

type CellText = { text: string; note?: Omit<SheetNote, "rowNumber" | "column"> };

function excelValue(value: ExcelJS.CellValue): CellText {
  if (value === null || value === undefined) return { text: "" };
  if (typeof value === "string") return { text: value };
  if (typeof value === "number") return { text: String(value) };
  if (typeof value === "boolean") return { text: value ? "true" : "false" };
  if (value instanceof Date) return { text: dayOf(value) };
  if (typeof value === "object") {
    if ("formula" in value || "sharedFormula" in value) {
      const result = (value as { result?: ExcelJS.CellValue }).result;
      if (result === undefined || result === null) return { text: "", note: { code: "formula_without_result", message: "A formula with no stored result: formulas are not evaluated; the cell is read as empty (open and save the file in Excel to store results)" } };
      return excelValue(result as ExcelJS.CellValue);
    }
    if ("richText" in value) return { text: value.richText.map((part) => part.text).join("") };
    if ("error" in value) return { text: "", note: { code: "cell_error", message: `The cell holds the error ${String(value.error)}; read as empty` } };
    if ("text" in value) return excelValue((value as { text: ExcelJS.CellValue }).text);
  }
  return { text: String(value) };
}

export async function readXlsx(bytes: Uint8Array, chosen?: string | null): Promise<SheetRows> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw new InvalidError("The file could not be read as an Excel workbook (.xlsx).", { file: ["Open it in Excel or LibreOffice and save it again as .xlsx, or as CSV"] });
  }
  const worksheets = workbook.worksheets.filter((sheet) => sheet.state !== "veryHidden");
  const sheets = worksheets.map((sheet) => sheet.name);
  if (!sheets.length) throw new InvalidError("The workbook has no sheets.", { file: ["Save a sheet with the devices"] });
  const worksheet = chosen ? worksheets.find((sheet) => sheet.name === chosen) : (worksheets.find((sheet) => sheet.state === "visible") ?? worksheets[0]);
  if (!worksheet) throw unknownSheet(chosen!, sheets);
  const rows: SheetRows["rows"] = [];
  const notes: SheetNote[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const record = rowRecord(row, rowNumber, notes);
    if (record.some((cell) => cell.trim() !== "")) {
      if (rows.length >= MAX_SHEET_ROWS) throw tooManyRows();
      rows.push({ rowNumber, record });
    }
  });
  const merges = ((worksheet.model as { merges?: string[] }).merges ?? []).slice(0, 1000);
  for (const range of merges) {
    const [from] = range.split(":");
    const cell = worksheet.getCell(from!);
    notes.push({ rowNumber: Number(cell.row), column: Number(cell.col) - 1, code: "merged_cells", message: `Cells ${range} are merged: the value is read into ${from} only, the other cells are empty` });
  }
  return { sheets, sheet: worksheet.name, rows, notes };
}

/** One row of a sheet as the CSV reader hands rows over. */
export type SheetRow = { rowNumber: number; record: string[] };

/**
 * A sheet's row as text cells: values as excelValue reads them, columns past MAX_SHEET_COLUMNS
 * dropped, a merged range's other cells left empty; the notes (formula without result, error) kept.
 */
function rowRecord(row: ExcelJS.Row, rowNumber: number, notes: SheetNote[]): string[] {
  const record: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, column) => {
    if (column > MAX_SHEET_COLUMNS) return;
    // a merged range's other cells repeat the first one's value in exceljs; a sheet shows it once
    if (cell.isMerged && cell.master.address !== cell.address) return;
    const { text, note } = excelValue(cell.value);
    while (record.length < column - 1) record.push("");
    record[column - 1] = text;
    if (note) notes.push({ rowNumber, column: column - 1, ...note });
  });
  return record;
}

const mergedNote = (range: string): SheetNote => {
  const from = range.split(":")[0]!;
  const [, letters, digits] = /^([A-Z]+)(\d+)$/.exec(from) ?? [, "A", "1"];
  const column = [...letters!].reduce((sum, letter) => sum * 26 + letter.charCodeAt(0) - 64, 0) - 1;
  return { rowNumber: Number(digits), column, code: "merged_cells", message: `Cells ${range} are merged: the value is read into ${from} only, the other cells are empty` };
};

/** The merged ranges reported per sheet, like the whole-workbook reader. */
const MAX_MERGE_NOTES = 1000;

/**
 * The chunks of a sheet's XML passed on unchanged, its `<mergeCell ref="…"/>` ranges noted on the
 * way (exceljs's streaming reader skips them; they follow the rows, after `</sheetData>`). A tag
 * cut between two chunks is found in the carried tail.
 */
async function* noteMerges(chunks: AsyncIterable<Buffer>, notes: SheetNote[]): AsyncGenerator<Buffer> {
  let carry = "";
  let merges = 0;
  for await (const chunk of chunks) {
    const text = carry + chunk.toString("latin1");
    const pattern = /<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"[^>]*>/g;
    let end = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      if (merges++ < MAX_MERGE_NOTES) notes.push(mergedNote(match[1]!));
      end = pattern.lastIndex;
    }
    // an unfinished tag at the end waits for the next chunk; what was matched is not matched again
    const open = text.lastIndexOf("<");
    carry = open >= end && text.length - open < 200 ? text.slice(open) : "";
    yield chunk;
  }
}

/** exceljs's streaming reader, fed part by part: its parsers of the workbook, shared strings, styles and a sheet. */
type PartReader = {
  properties?: unknown;
  model?: { sheets?: { id: number; name: string; rId: string; state?: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  _parseRels(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
  _parseStyles(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorksheet(iterator: AsyncIterable<Buffer>, sheetNo: string): Generator<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
};

/**
 * Opens the first (or a chosen) sheet of an .xlsx for reading row by row: a workbook of 100,000
 * devices is never a model in memory (exceljs's whole-workbook reader holds every cell as an
 * object, hundreds of megabytes). The zip's bytes (at most the import's size limit) are kept:
 * its directory is at its end, and the parts the sheet needs (the workbook, the shared strings,
 * the styles that tell a date from a number) may come after the sheet in it, as Excel writes them.
 * The sheet itself is inflated and parsed as a stream. Notes (formula results, errors, merged
 * ranges) are added to `notes` as the rows go by; the merged ranges once the rows are read.
 */
export async function streamXlsx(zip: JSZip, chosen?: string | null): Promise<{ sheets: string[]; sheet: string; notes: SheetNote[]; rows: AsyncGenerator<SheetRow> }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(null as never, {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  }) as unknown as PartReader;
  // JSZip's streams are of the old kind (no async iteration): wrapped, with their backpressure
  const part = (name: string) => {
    const entry = zip.file(name);
    return entry ? new Readable().wrap(entry.nodeStream("nodebuffer")) : undefined;
  };
  const workbook = part("xl/workbook.xml");
  const rels = part("xl/_rels/workbook.xml.rels");
  if (!workbook || !rels) throw new InvalidError("The zip file is not an Excel or OpenDocument spreadsheet.", { file: ["Upload a CSV, .xlsx or .ods file"] });
  const unreadable = () => new InvalidError("The file could not be read as an Excel workbook (.xlsx).", { file: ["Open it in Excel or LibreOffice and save it again as .xlsx, or as CSV"] });
  try {
    await reader._parseWorkbook(workbook);
    await reader._parseRels(rels);
    const strings = part("xl/sharedStrings.xml");
    // with sharedStrings "cache" the generator yields nothing: it fills the reader's table
    if (strings) await reader._parseSharedStrings(strings).next();
    const styles = part("xl/styles.xml");
    if (styles) await reader._parseStyles(styles);
  } catch {
    throw unreadable();
  }
  const worksheets = (reader.model?.sheets ?? []).filter((sheet) => sheet.state !== "veryHidden");
  const sheets = worksheets.map((sheet) => sheet.name);
  if (!sheets.length) throw new InvalidError("The workbook has no sheets.", { file: ["Save a sheet with the devices"] });
  const worksheet = chosen ? worksheets.find((sheet) => sheet.name === chosen) : (worksheets.find((sheet) => !sheet.state || sheet.state === "visible") ?? worksheets[0]);
  if (!worksheet) throw unknownSheet(chosen!, sheets);
  const target = reader.workbookRels?.find((rel) => rel.Id === worksheet.rId)?.Target ?? "";
  const path = target.startsWith("/") ? target.slice(1) : `xl/${target}`;
  const sheetNo = /sheet(\d+)\.xml$/.exec(path)?.[1] ?? String(worksheet.id);
  const notes: SheetNote[] = [];

  async function* rows(): AsyncGenerator<SheetRow> {
    const xml = part(path);
    if (!xml) return;
    const [event] = [...reader._parseWorksheet(noteMerges(xml, notes), sheetNo)];
    let count = 0;
    try {
      for await (const row of event!.value) {
        const record = rowRecord(row, row.number, notes);
        if (!record.some((cell) => cell.trim() !== "")) continue;
        if (++count > MAX_SHEET_ROWS) throw tooManyRows();
        yield { rowNumber: row.number, record };
      }
    } catch (error) {
      if (error instanceof InvalidError) throw error;
      throw unreadable();
    } finally {
      xml.destroy();
    }
  }
  return { sheets, sheet: worksheet.name, notes, rows: rows() };
}

const ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet";

/** Is this zip an OpenDocument spreadsheet (its `mimetype` entry says so)? */
export async function isOds(zip: JSZip): Promise<boolean> {
  const mimetype = zip.file("mimetype");
  return mimetype ? (await mimetype.async("string")).trim() === ODS_MIME : zip.file("content.xml") !== null && zip.file("xl/workbook.xml") === null;
}

/**
 * content.xml of an .ods: the sheets' names, and the chosen sheet's rows. Repeated rows and
 * columns (LibreOffice writes a sheet's empty tail as one row repeated a million times) are
 * expanded only where they hold values.
 */
/**
 * An .ods is read whole: its content.xml as one string (its cells' values come in attributes and
 * paragraphs a row reader would need to hold anyway). This caps what that costs in memory: about
 * 30,000–60,000 devices, depending on the columns; larger sheets go through .xlsx or CSV.
 */
export const MAX_ODS_CONTENT_BYTES = 64 * 1024 * 1024;

export async function readOds(bytes: Uint8Array, chosen?: string | null): Promise<SheetRows> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch {
    throw new InvalidError("The file could not be read as an OpenDocument spreadsheet (.ods).", { file: ["Save it again as .ods, .xlsx or CSV"] });
  }
  const manifest = await zip.file("META-INF/manifest.xml")?.async("string");
  if (manifest?.includes("encryption-data")) throw passwordProtected();
  const content = zip.file("content.xml");
  if (!content) throw new InvalidError("The .ods file has no content.", { file: ["Save it again as .ods, .xlsx or CSV"] });
  // read whole (below): its unpacked size is checked first, so a small zip cannot unpack into gigabytes
  const unpacked = (content as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0;
  if (unpacked > MAX_ODS_CONTENT_BYTES) {
    throw new InvalidError(`The .ods file's content is ${Math.round(unpacked / 1024 / 1024)} MB unpacked; at most ${MAX_ODS_CONTENT_BYTES / 1024 / 1024} MB is read from an .ods.`, {
      file: ["Save it as .xlsx or CSV (read row by row, any size up to the upload limit), or split it"],
    });
  }
  const xml = await content.async("string");

  const sheets: string[] = [];
  const rows: SheetRows["rows"] = [];
  const notes: SheetNote[] = [];
  let inSheet = false;
  let reading = false;
  let sheetName = "";
  let rowNumber = 0;
  let rowRepeat = 1;
  let record: string[] = [];
  let pendingEmpty = 0;
  let cell: { repeat: number; value: string | null; text: string[]; covered: boolean; paragraphs: number } | null = null;
  let tooMany = false;

  const parser = new SaxesParser({ xmlns: false });
  parser.on("opentag", (node) => {
    const attr = (name: string) => {
      const value = node.attributes[name];
      return typeof value === "string" ? value : undefined;
    };
    switch (node.name) {
      case "table:table": {
        const name = attr("table:name") ?? `Sheet${sheets.length + 1}`;
        sheets.push(name);
        inSheet = true;
        reading = chosen ? name === chosen : sheets.length === 1;
        if (reading) sheetName = name;
        rowNumber = 0;
        break;
      }
      case "table:table-row":
        if (!reading) break;
        rowRepeat = Math.max(1, Number(attr("table:number-rows-repeated") ?? 1));
        record = [];
        pendingEmpty = 0;
        break;
      case "table:table-cell":
      case "table:covered-table-cell": {
        if (!reading) break;
        const type = attr("office:value-type");
        let value: string | null = null;
        if (type === "float" || type === "percentage" || type === "currency") value = attr("office:value") ?? null;
        else if (type === "date") value = (attr("office:date-value") ?? "").slice(0, 10) || null;
        else if (type === "boolean") value = attr("office:boolean-value") ?? null;
        cell = { repeat: Math.max(1, Number(attr("table:number-columns-repeated") ?? 1)), value, text: [], covered: node.name === "table:covered-table-cell", paragraphs: 0 };
        const columns = Number(attr("table:number-columns-spanned") ?? 1);
        const spannedRows = Number(attr("table:number-rows-spanned") ?? 1);
        if (!cell.covered && (columns > 1 || spannedRows > 1)) {
          const column = record.length + pendingEmpty;
          const from = `${columnLetter(column)}${rowNumber + 1}`;
          const to = `${columnLetter(column + columns - 1)}${rowNumber + spannedRows}`;
          notes.push({ rowNumber: rowNumber + 1, column, code: "merged_cells", message: `Cells ${from}:${to} are merged: the value is read into ${from} only, the other cells are empty` });
        }
        break;
      }
      case "text:p":
        if (cell && cell.paragraphs++ > 0) cell.text.push("\n");
        break;
      case "text:s":
        if (cell) cell.text.push(" ".repeat(Math.min(1000, Number(attr("text:c") ?? 1))));
        break;
      case "text:tab":
        if (cell) cell.text.push("\t");
        break;
      case "text:line-break":
        if (cell) cell.text.push("\n");
        break;
    }
  });
  parser.on("text", (text) => {
    if (cell) cell.text.push(text);
  });
  parser.on("closetag", (node) => {
    switch (node.name) {
      case "table:table":
        inSheet = false;
        reading = false;
        break;
      case "table:table-cell":
      case "table:covered-table-cell": {
        if (!cell) break;
        const value = cell.covered ? "" : (cell.value ?? cell.text.join(""));
        if (value === "") pendingEmpty += cell.repeat;
        else {
          for (let index = 0; index < pendingEmpty && record.length < MAX_SHEET_COLUMNS; index++) record.push("");
          pendingEmpty = 0;
          for (let index = 0; index < cell.repeat && record.length < MAX_SHEET_COLUMNS; index++) record.push(value);
        }
        cell = null;
        break;
      }
      case "table:table-row": {
        if (!reading) break;
        if (record.length) {
          for (let index = 0; index < rowRepeat; index++) {
            if (rows.length >= MAX_SHEET_ROWS) {
              tooMany = true;
              break;
            }
            rows.push({ rowNumber: rowNumber + index + 1, record: [...record] });
          }
        }
        rowNumber += rowRepeat;
        break;
      }
    }
  });
  try {
    parser.write(xml).close();
  } catch {
    throw new InvalidError("The .ods file's content could not be read.", { file: ["Save it again as .ods, .xlsx or CSV"] });
  }
  void inSheet;
  if (tooMany) throw tooManyRows();
  if (!sheets.length) throw new InvalidError("The spreadsheet has no sheets.", { file: ["Save a sheet with the devices"] });
  if (chosen && !sheets.includes(chosen)) throw unknownSheet(chosen, sheets);
  return { sheets, sheet: sheetName || sheets[0]!, rows, notes };
}

export const passwordProtected = () =>
  new InvalidError("The workbook is password-protected: it cannot be read.", { file: ["Remove the password (File → Info → Protect Workbook in Excel), save, and upload again; or save the sheet as CSV"] });
