import ExcelJS from "exceljs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { InvalidError } from "../errors";
import { openImportFile, type ReadOptions } from "./file-reader";
import { encodeText } from "./text-encoding";

async function read(bytes: Uint8Array | string, name: string, options?: ReadOptions) {
  const file = await openImportFile(typeof bytes === "string" ? bytes : new Blob([bytes as BlobPart]).stream(), name, options);
  const rows = [];
  for await (const record of file.records) rows.push(record);
  return { file, rows, reading: file.reading() };
}

async function xlsx(build: (workbook: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

const cell = (value: string, attributes = "") => `<table:table-cell office:value-type="string"${attributes}><text:p>${value}</text:p></table:table-cell>`;
async function ods(tables: string): Promise<Uint8Array> {
  const zip = new JSZip();
  zip.file("mimetype", "application/vnd.oasis.opendocument.spreadsheet", { compression: "STORE" });
  zip.file("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>');
  zip.file(
    "content.xml",
    `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>${tables}</office:spreadsheet></office:body></office:document-content>`,
  );
  return zip.generateAsync({ type: "uint8array" });
}

describe("text files: separators, encodings, header row", () => {
  it.each([
    [",", "device_id,name,device_type\nAC001,Kuh,collar\n"],
    [";", "device_id;name;device_type\nAC001;Kuh, links;collar\n"],
    ["\t", "device_id\tname\tdevice_type\nAC001\tKuh; links\tcollar\n"],
    ["|", "device_id|name|device_type\nAC001|Kuh|collar\n"],
  ])("detects %j as the separator", async (separator, text) => {
    const { reading, rows } = await read(text, "devices.txt");
    expect(reading.separator).toBe(separator);
    expect(rows[0]!.record[0]).toBe("AC001");
  });

  it("takes the separator chosen over the detected one", async () => {
    const { rows, file } = await read("a;b;c,d\n1;2;3,4\n", "x.csv", { separator: "," });
    expect(file.headers).toEqual(["a;b;c", "d"]);
    expect(rows[0]!.record).toEqual(["1;2;3", "4"]);
    expect(file.guessed.separator).toBe(";");
  });

  it.each([
    ["UTF-8 with BOM", encodeText("device_id;name\nAC001;Zoë é\n", "utf-8", true), "utf-8"],
    ["UTF-8 without BOM", encodeText("device_id;name\nAC001;Zoë é\n", "utf-8"), "utf-8"],
    ["UTF-16 LE with BOM", encodeText("device_id;name\nAC001;Zoë é\n", "utf-16le", true), "utf-16le"],
    ["UTF-16 BE with BOM", encodeText("device_id;name\nAC001;Zoë é\n", "utf-16be", true), "utf-16be"],
    ["Windows-1252", encodeText("device_id;name\nAC001;Zoë é €\n", "windows-1252"), "windows-1252"],
  ])("reads %s", async (_, bytes, encoding) => {
    const { reading, rows, file } = await read(bytes, "x.csv");
    expect(reading.encoding).toBe(encoding);
    expect(file.headers).toEqual(["device_id", "name"]);
    expect(rows[0]!.record[1]).toMatch(/^Zoë é/);
    if (encoding === "windows-1252") expect(rows[0]!.record[1]).toBe("Zoë é €");
  });

  it("reads ISO-8859-1 when chosen, and shows the decoded lines so a wrong guess can be seen", async () => {
    const bytes = encodeText("device_id;name\nAC001;Müller\n", "iso-8859-1");
    const { rows } = await read(bytes, "x.csv", { encoding: "iso-8859-1" });
    expect(rows[0]!.record[1]).toBe("Müller");
    const wrong = await openImportFile(new Blob([new Uint8Array(encodeText("device_id;name\nAC001;Müller\n", "utf-8"))]).stream(), "x.csv", { encoding: "windows-1252" });
    expect(wrong.firstLines[1]).toBe("AC001;MÃ¼ller");
  });

  it("turns from UTF-8 to Windows-1252 when a byte past an ASCII start shows it", async () => {
    const ascii = `device_id,name\n${"AC001,Plain\n".repeat(7000)}`;
    const bytes = new Uint8Array([...encodeText(ascii, "utf-8"), ...encodeText("AC002,Café\n", "windows-1252")]);
    const { rows, reading } = await read(bytes, "x.csv");
    expect(rows.at(-1)!.record[1]).toBe("Café");
    expect(reading.encoding).toBe("windows-1252");
  }, 60_000);

  it("takes the header from the row named, or guesses the one under a title", async () => {
    const text = "Export of the vendor portal;;\nDate: 2026-12-01;;\n\ndevice_id;name;device_type\nAC001;Kuh;collar\n";
    const guessed = await read(text, "x.csv");
    expect(guessed.file.headerRow).toBe(4);
    expect(guessed.file.guessed.headerRow).toBe(4);
    expect(guessed.rows).toEqual([{ rowNumber: 5, record: ["AC001", "Kuh", "collar"] }]);
    const chosen = await read(text, "x.csv", { headerRow: 2 });
    expect(chosen.file.headers[0]).toBe("Date: 2026-12-01");
    await expect(read(text, "x.csv", { headerRow: 9 })).rejects.toThrow("no row at or after row 9");
  });
});

describe("workbooks", () => {
  it("reads an .xlsx: cell values, a formula's stored result (never evaluated), dates as dates, full numbers, merged cells reported", async () => {
    const bytes = await xlsx((workbook) => {
      workbook.addWorksheet("Notes").addRow(["nothing here"]);
      const sheet = workbook.addWorksheet("Devices");
      sheet.addRow(["Devices of Green Valley"]);
      sheet.addRow(["device_id", "name", "device_type", "serial_number", "purchase_date", "latitude"]);
      sheet.addRow(["AC001", { formula: 'CONCATENATE("Kuh ","1")', result: "Kuh 1" }, "collar", 123456789012, new Date(Date.UTC(2026, 2, 5)), 52.37]);
      sheet.addRow(["AC002", { formula: "A1", result: undefined } as unknown as ExcelJS.CellValue, "collar", "SN-2", null, null]);
      sheet.mergeCells("C3:C4");
    });
    await expect(read(bytes, "devices.xlsx", { sheet: "Nope" })).rejects.toThrow("The workbook has no sheet “Nope”.");
    const { file, rows, reading } = await read(bytes, "devices.xlsx", { sheet: "Devices" });
    expect(file.format).toBe("xlsx");
    expect(file.sheets).toEqual(["Notes", "Devices"]);
    expect(reading).toMatchObject({ format: "xlsx", sheet: "Devices", headerRow: 2, encoding: null });
    expect(rows[0]).toEqual({ rowNumber: 3, record: ["AC001", "Kuh 1", "collar", "123456789012", "2026-03-05", "52.37"] });
    expect(rows[1]!.record.slice(0, 3)).toEqual(["AC002", "", ""]);
    expect(file.notes.map((note) => note.code).sort()).toEqual(["formula_without_result", "merged_cells"]);
    expect(file.notes.find((note) => note.code === "merged_cells")).toMatchObject({ rowNumber: 3, column: 2, message: expect.stringContaining("C3:C4") });
  }, 60_000);

  it("reads an .ods: first sheet, repeated rows and columns, merged cells, typed values", async () => {
    const bytes = await ods(
      `<table:table table:name="Apparaten">` +
        `<table:table-row>${cell("device_id")}${cell("name")}${cell("device_type")}<table:table-cell table:number-columns-repeated="2"/>${cell("purchase_date")}${cell("latitude")}</table:table-row>` +
        `<table:table-row table:number-rows-repeated="2">${cell("AC001")}${cell("Kuh")}${cell("collar", ' table:number-rows-spanned="1" table:number-columns-spanned="2"')}<table:covered-table-cell/><table:table-cell/><table:table-cell office:value-type="date" office:date-value="2026-03-05T00:00:00"><text:p>05-03-26</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="52.3702"><text:p>52,37</text:p></table:table-cell></table:table-row>` +
        `<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>` +
        `</table:table><table:table table:name="Other"><table:table-row>${cell("x")}</table:table-row></table:table>`,
    );
    const { file, rows } = await read(bytes, "devices.ods");
    expect(file.format).toBe("ods");
    expect(file.sheets).toEqual(["Apparaten", "Other"]);
    expect(file.headers).toEqual(["device_id", "name", "device_type", "", "", "purchase_date", "latitude"]);
    expect(rows).toEqual([
      { rowNumber: 2, record: ["AC001", "Kuh", "collar", "", "", "2026-03-05", "52.3702"] },
      { rowNumber: 3, record: ["AC001", "Kuh", "collar", "", "", "2026-03-05", "52.3702"] },
    ]);
    expect(file.notes.filter((note) => note.code === "merged_cells")).toEqual([expect.objectContaining({ rowNumber: 2, column: 2, message: expect.stringContaining("C2:D2") })]);
    const other = await read(bytes, "devices.ods", { sheet: "Other", headerRow: 1 });
    expect(other.file.headers).toEqual(["x"]);
  });

  it("refuses an old .xls, a password-protected workbook and a file named .xlsx that is not one, saying so", async () => {
    const ole = (extra: string) => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Buffer.from(extra, "utf16le")]);
    await expect(read(ole("Workbook"), "old.xls")).rejects.toThrow("old binary Excel workbook (.xls");
    await expect(read(ole("EncryptionInfo EncryptedPackage"), "locked.xlsx")).rejects.toThrow("password-protected");
    await expect(read("device_id,name\n", "fake.xlsx")).rejects.toBeInstanceOf(InvalidError);
    const zip = new JSZip();
    zip.file("readme.txt", "hi");
    await expect(read(await zip.generateAsync({ type: "uint8array" }), "archive.zip")).rejects.toThrow("not an Excel or OpenDocument spreadsheet");
  });

  it("refuses a password-protected .ods", async () => {
    const zip = new JSZip();
    zip.file("mimetype", "application/vnd.oasis.opendocument.spreadsheet");
    zip.file("META-INF/manifest.xml", "<manifest:manifest><manifest:file-entry><manifest:encryption-data/></manifest:file-entry></manifest:manifest>");
    zip.file("content.xml", "garbled");
    await expect(read(await zip.generateAsync({ type: "uint8array" }), "locked.ods")).rejects.toThrow("password-protected");
  });
});
