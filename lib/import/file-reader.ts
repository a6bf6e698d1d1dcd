/**
 * Opens whatever an admin uploads as a table: the format by its first bytes (a zip is an .xlsx or
 * an .ods, an OLE2 file an old .xls or a password-protected workbook, anything else text) and its
 * name; then the text reader (encoding, separator) or the sheet reader (sheet). Every choice made
 * is handed back with what was guessed, so the options step can show it and the admin change it.
 */
import JSZip from "jszip";
import { InvalidError } from "../errors";
import { chunksOf, detectSeparator, guessHeaderRow, MAX_IMPORT_BYTES, openDelimitedText, SAMPLE_ROWS, splitHeader, tooLarge, type CsvRecord, type CsvSource, type Delimiter, type Separator, type TableFile } from "./csv-reader";
import { isOds, passwordProtected, readOds, streamXlsx, type SheetNote, type SheetRow } from "./spreadsheet-reader";
import type { Encoding, KnownEncoding } from "./text-encoding";

export const FILE_FORMATS = ["csv", "xlsx", "ods"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];
export const FORMAT_LABEL: Record<FileFormat, string> = { csv: "Text (CSV, TSV)", xlsx: "Excel workbook (.xlsx)", ods: "OpenDocument spreadsheet (.ods)" };

export type ReadOptions = {
  encoding?: Encoding;
  separator?: Separator;
  /** A workbook's sheet by name; the first visible one when absent. */
  sheet?: string | null;
  headerRow?: number | "auto";
  maxBytes?: number;
};

/** How the file was read (stored with the batch and the remembered mapping). */
export type Reading = { format: FileFormat; encoding: KnownEncoding | null; separator: Delimiter | null; sheet: string | null; headerRow: number };

export type ImportFile = TableFile & {
  format: FileFormat;
  reading: () => Reading;
  guessed: { encoding: KnownEncoding | null; separator: Delimiter | null; headerRow: number };
  sheets: string[];
  /** The decoded first lines (text) or the first rows' cells joined by tabs (sheets), as they are. */
  firstLines: string[];
  notes: SheetNote[];
};

const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((byte, index) => bytes[index] === byte);

/** The upload's chunks as bytes (a text source encoded), for sniffing the file's kind. */
async function* chunks(source: CsvSource): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunksOf(source)) yield typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
}

async function* replay(first: Uint8Array[], rest: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* first;
  yield* rest;
}

async function gather(first: Uint8Array[], rest: AsyncGenerator<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const parts = [...first];
  let size = parts.reduce((sum, part) => sum + part.byteLength, 0);
  for await (const chunk of rest) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** "E\0n\0c\0r\0y\0p\0t\0…": the stream names of an encrypted OOXML package in its OLE2 directory. */
function isEncryptedPackage(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from("EncryptedPackage", "utf16le"));
}

/** Rows of a sheet as a table file: the header picked as for text, the rest read as they come. */
async function sheetTable(rows: AsyncGenerator<SheetRow>, headerRow: number | "auto"): Promise<TableFile> {
  const sample: SheetRow[] = [];
  while (sample.length < SAMPLE_ROWS) {
    const next = await rows.next();
    if (next.done) break;
    sample.push(next.value);
  }
  const table = await splitHeader(sample, () => rows.next() as Promise<IteratorResult<CsvRecord>>, headerRow, null, () => void rows.return(undefined));
  return { ...table, sample, problem: null };
}

async function* listed(rows: SheetRow[]): AsyncGenerator<SheetRow> {
  yield* rows;
}

export async function openImportFile(source: CsvSource, fileName: string, options: ReadOptions = {}): Promise<ImportFile> {
  const maxBytes = options.maxBytes ?? MAX_IMPORT_BYTES;
  const rest = chunks(source);
  const first: Uint8Array[] = [];
  let seen = 0;
  while (seen < 8) {
    const next = await rest.next();
    if (next.done) break;
    first.push(next.value);
    seen += next.value.byteLength;
  }
  const head = Buffer.concat(first).subarray(0, 8);
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? "";

  if (startsWith(head, OLE2)) {
    const bytes = await gather(first, rest, maxBytes);
    if (isEncryptedPackage(bytes)) throw passwordProtected();
    throw new InvalidError("The file is an old binary Excel workbook (.xls, Excel 97–2003), which is not read.", { file: ["Open it in Excel or LibreOffice and save it as .xlsx or CSV"] });
  }
  if (startsWith(head, ZIP)) {
    const bytes = await gather(first, rest, maxBytes);
    let zip: JSZip;
    try {
      zip = await JSZip.loadAsync(bytes);
    } catch {
      throw new InvalidError("The file is a damaged zip archive, not a spreadsheet.", { file: ["Upload a CSV, .xlsx or .ods file"] });
    }
    const ods = extension === "ods" || (extension !== "xlsx" && extension !== "xlsm" && (await isOds(zip)));
    if (!ods && zip.file("xl/workbook.xml") === null) throw new InvalidError("The zip file is not an Excel or OpenDocument spreadsheet.", { file: ["Upload a CSV, .xlsx or .ods file"] });
    // An .ods is read whole (its content.xml at once; the size limit bounds it); an .xlsx row by row.
    const sheet = ods ? await readOds(bytes, options.sheet).then((read) => ({ ...read, rows: listed(read.rows) })) : await streamXlsx(zip, options.sheet);
    const table = await sheetTable(sheet.rows, options.headerRow ?? "auto");
    const format: FileFormat = ods ? "ods" : "xlsx";
    return {
      ...table,
      format,
      reading: () => ({ format, encoding: null, separator: null, sheet: sheet.sheet, headerRow: table.headerRow }),
      guessed: { encoding: null, separator: null, headerRow: guessHeaderRow(table.sample) },
      sheets: sheet.sheets,
      firstLines: table.sample.map((row) => `${row.rowNumber}\t${row.record.join("\t")}`),
      notes: sheet.notes,
    };
  }
  if (["xlsx", "xlsm", "ods"].includes(extension)) {
    throw new InvalidError(`The file is named .${extension} but is not a spreadsheet of that kind.`, { file: ["Save it again from the spreadsheet, or upload it as CSV"] });
  }

  const text = await openDelimitedText(replay(first, rest), { maxBytes, encoding: options.encoding, delimiter: options.separator, headerRow: options.headerRow ?? "auto" });
  return {
    ...text,
    format: "csv",
    reading: () => ({ format: "csv", encoding: text.encoding(), separator: text.delimiter, sheet: null, headerRow: text.headerRow }),
    guessed: { encoding: text.encodingGuess?.encoding ?? null, separator: detectSeparator(text.firstLines), headerRow: guessHeaderRow(text.sample) },
    sheets: [],
    notes: [],
  };
}
