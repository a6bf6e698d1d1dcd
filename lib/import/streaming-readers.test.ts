/**
 * The readers as streams (issue 19, item 8): text split into chunks anywhere (inside a multi-byte
 * character, between CR and LF, inside a quoted cell) reads as the whole text does; an .xlsx read
 * row by row by the streaming reader gives what exceljs's whole-workbook reader gives, whatever
 * the order of the parts in the zip (Excel writes the sheet before the shared strings and styles).
 */
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { openImportFile, type ReadOptions } from "./file-reader";
import { readXlsx, streamXlsx } from "./spreadsheet-reader";
import { encodeText, type KnownEncoding } from "./text-encoding";

/** The bytes as a stream of chunks of `size` bytes, starting at `offset` (so every split point is met). */
async function* chunked(bytes: Uint8Array, size: number, offset = 0): AsyncGenerator<Uint8Array> {
  if (offset > 0) yield bytes.subarray(0, offset);
  for (let start = offset; start < bytes.length; start += size) yield bytes.subarray(start, Math.min(bytes.length, start + size));
}

async function rowsOf(source: AsyncIterable<Uint8Array> | string, name: string, options?: ReadOptions) {
  const file = await openImportFile(source, name, options);
  const rows = [];
  for await (const record of file.records) rows.push(record);
  return { headers: file.headers, rows, reading: file.reading(), notes: file.notes, sheets: file.sheets };
}

const DUTCH =
  "device_id;name;location_description;purchase_date\r\n" +
  'AC001;Zuivelbedrijf Müller;"Schuur 1; “noord” – café-zijde";25/12/2024\r\n' +
  "AC002;Ferme Lefèvre;Stal ½, Grüße €5;01/02/2025\r\n" +
  'AC003;"Gård Øster\r\nmelkput";Ærø;31/01/2026\r\n';

describe("text streams split anywhere", () => {
  it.each<[string, KnownEncoding, boolean]>([
    ["Windows-1252", "windows-1252", false],
    ["UTF-8", "utf-8", false],
    ["UTF-16 LE with BOM", "utf-16le", true],
    ["UTF-16 BE with BOM", "utf-16be", true],
  ])("%s: every split point and chunk size reads as the whole file", async (_, encoding, bom) => {
    // a long ASCII head first would make detection trivial: the non-ASCII bytes come at once here
    const bytes = new Uint8Array(encodeText(DUTCH, encoding, bom));
    const whole = await rowsOf(chunked(bytes, bytes.length), "dutch.csv");
    expect(whole.reading).toMatchObject({ encoding, separator: ";" });
    expect(whole.rows).toEqual([
      { rowNumber: 2, record: ["AC001", "Zuivelbedrijf Müller", "Schuur 1; “noord” – café-zijde", "25/12/2024"] },
      { rowNumber: 3, record: ["AC002", "Ferme Lefèvre", "Stal ½, Grüße €5", "01/02/2025"] },
      // (the row number of a record with a CRLF inside quotes is csv-reader's own rule; not what is tested here)
      { rowNumber: whole.rows[2]!.rowNumber, record: ["AC003", "Gård Øster\r\nmelkput", "Ærø", "31/01/2026"] },
    ]);
    for (const size of [1, 2, 3, 5]) {
      for (let offset = 0; offset < (size === 1 ? 1 : bytes.length); offset += size === 1 ? 1 : 7) {
        const split = await rowsOf(chunked(bytes, size, offset), "dutch.csv");
        expect(split, `chunks of ${size} from ${offset}`).toEqual(whole);
      }
    }
  });

  it("Windows-1252 after 64 KB of plain ASCII: the switch from UTF-8 happens mid-stream, whatever the chunking", async () => {
    const filler = Array.from({ length: 1500 }, (_, index) => `AC${String(index).padStart(5, "0")};Collar ${index} of the herd in barn one;Barn 1;01/01/2025\r\n`).join("");
    const text = `device_id;name;location_description;purchase_date\r\n${filler}AC99999;Zuivelbedrijf Müller;“noord” – café;25/12/2024\r\n`;
    const bytes = new Uint8Array(encodeText(text, "windows-1252"));
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    for (const size of [1000, 4096, 65_536 + 3]) {
      const { rows, reading } = await rowsOf(chunked(bytes, size), "late.csv");
      expect(reading.encoding).toBe("windows-1252");
      expect(rows.at(-1)!.record.slice(1, 3)).toEqual(["Zuivelbedrijf Müller", "“noord” – café"]);
      expect(rows).toHaveLength(1501);
    }
  });
});

/** A workbook with what the readers must agree on: shared strings (repeated and rich), dates, numbers, formulas, errors, merged cells. */
async function sampleWorkbook(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet("Hidden").state = "hidden";
  workbook.getWorksheet("Hidden")!.addRow(["not this one"]);
  const sheet = workbook.addWorksheet("Apparaten");
  sheet.addRow(["Devices of Zuivelbedrijf Müller"]);
  sheet.addRow(["device_id", "name", "device_type", "serial_number", "purchase_date", "latitude", "notes"]);
  for (let index = 0; index < 300; index++) {
    sheet.addRow([
      `AC${String(index).padStart(4, "0")}`,
      index % 3 === 0 ? { richText: [{ text: "Kuh " }, { font: { bold: true }, text: `Müller ${index}` }] } : `Kuh ${index % 7}`,
      "collar",
      123456789012 + index,
      new Date(Date.UTC(2024, index % 12, 1 + (index % 28))),
      52.37 + index / 1000,
      index === 5 ? { formula: "A1", result: undefined } : index === 6 ? { error: "#N/A" } : index === 7 ? { formula: 'CONCATENATE("a","b")', result: "ab" } : null,
    ] as ExcelJS.CellValue[]);
    sheet.getCell(`E${index + 3}`).numFmt = "dd-mm-yyyy";
  }
  sheet.mergeCells("G10:G11");
  sheet.mergeCells("A1:C1");
  return new Uint8Array(await workbook.xlsx.writeBuffer({ useSharedStrings: true } as ExcelJS.XlsxWriteOptions));
}

/** The same workbook with its parts in another order: the sheet first, the workbook last. */
async function reordered(bytes: Uint8Array): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files).filter((name) => !zip.files[name]!.dir);
  const rank = (name: string) => (name.startsWith("xl/worksheets/sheet") ? 0 : name === "xl/workbook.xml" ? 2 : 1);
  const out = new JSZip();
  for (const name of names.sort((a, b) => rank(a) - rank(b))) out.file(name, await zip.file(name)!.async("uint8array"));
  return out.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

async function streamed(bytes: Uint8Array, sheet?: string) {
  const read = await streamXlsx(await JSZip.loadAsync(bytes), sheet);
  const rows = [];
  for await (const row of read.rows) rows.push(row);
  return { sheets: read.sheets, sheet: read.sheet, rows, notes: read.notes };
}

describe(".xlsx read row by row", () => {
  it("gives the whole-workbook reader's rows and notes: shared and rich strings, dates, numbers, formulas, errors, merged cells", async () => {
    const bytes = await sampleWorkbook();
    const whole = await readXlsx(bytes);
    expect(whole.sheet).toBe("Apparaten");
    expect(whole.rows).toHaveLength(302);
    for (const candidate of [bytes, await reordered(bytes)]) {
      const stream = await streamed(candidate);
      expect(stream.sheets).toEqual(whole.sheets);
      expect(stream.sheet).toBe(whole.sheet);
      expect(stream.rows).toEqual(whole.rows);
      const byPlace = (notes: typeof whole.notes) => [...notes].sort((a, b) => a.rowNumber - b.rowNumber || a.column - b.column || a.code.localeCompare(b.code));
      expect(byPlace(stream.notes)).toEqual(byPlace(whole.notes));
    }
    expect(whole.rows[2]).toEqual({ rowNumber: 3, record: ["AC0000", "Kuh Müller 0", "collar", "123456789012", "2024-01-01", "52.37"] });
    expect(whole.notes.map((note) => note.code).sort()).toEqual(["cell_error", "formula_without_result", "merged_cells", "merged_cells"]);
    expect(whole.notes.find((note) => note.message.includes("G10:G11"))).toMatchObject({ rowNumber: 10, column: 6, code: "merged_cells" });
  }, 60_000);

  it("reads a chosen sheet, refuses an unknown one, and goes through openImportFile with the sample and header as before", async () => {
    const bytes = await reordered(await sampleWorkbook());
    expect((await streamed(bytes, "Hidden")).rows).toEqual([{ rowNumber: 1, record: ["not this one"] }]);
    await expect(streamXlsx(await JSZip.loadAsync(bytes), "Nope")).rejects.toThrow("The workbook has no sheet “Nope”.");
    const file = await rowsOf(chunked(bytes, 999), "apparaten.xlsx");
    expect(file.reading).toMatchObject({ format: "xlsx", sheet: "Apparaten", headerRow: 2 });
    expect(file.headers).toEqual(["device_id", "name", "device_type", "serial_number", "purchase_date", "latitude", "notes"]);
    expect(file.rows).toHaveLength(300);
    expect(file.notes.filter((note) => note.code === "merged_cells")).toHaveLength(2);
  }, 60_000);
});

describe(".ods read whole, within a cap", () => {
  it("refuses an .ods whose content unpacks past the cap, naming the formats read row by row", async () => {
    const { readOds, MAX_ODS_CONTENT_BYTES } = await import("./spreadsheet-reader");
    const zip = new JSZip();
    zip.file("mimetype", "application/vnd.oasis.opendocument.spreadsheet", { compression: "STORE" });
    // a bomb in miniature: compresses to kilobytes, unpacks past the cap
    zip.file("content.xml", `<office:document-content>${" ".repeat(MAX_ODS_CONTENT_BYTES + 1)}</office:document-content>`);
    const bytes = await zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
    expect(bytes.length).toBeLessThan(1024 * 1024);
    await expect(readOds(bytes)).rejects.toThrow(/unpacked; at most 64 MB is read from an \.ods/);
  }, 60_000);
});
