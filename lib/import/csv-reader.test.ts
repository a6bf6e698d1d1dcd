import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { InvalidError } from "../errors";
import { openCsv, type CsvSource, type TextReadOptions } from "./csv-reader";

const HEADER = "device_id,name,device_type";

async function read(source: CsvSource, options?: TextReadOptions) {
  const file = await openCsv(source, options);
  const records = [];
  for await (const record of file.records) records.push(record);
  return { file, records };
}

/** A Web stream that hands over the bytes in small pieces, splitting multi-byte characters. */
function webStream(bytes: Uint8Array, piece = 7): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + piece));
      offset += piece;
    },
  });
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe("openCsv", () => {
  it("reads a BOM-prefixed file with CRLF line ends from a Web stream, split mid-character", async () => {
    const { file, records } = await read(webStream(utf8(`\uFEFF${HEADER}\r\nAC001,Kuh Müller,collar\r\nAC002,Zoë,collar\r\n`)));
    expect(file.headers).toEqual(["device_id", "name", "device_type"]);
    expect(records).toEqual([
      { rowNumber: 2, record: ["AC001", "Kuh Müller", "collar"] },
      { rowNumber: 3, record: ["AC002", "Zoë", "collar"] },
    ]);
  });

  it("reads quoted fields with commas, quotes and newlines", async () => {
    const { records } = await read(`${HEADER}\n"AC001","Barn 2, ""east"" side\nsecond line",collar\n`);
    expect(records[0]!.record).toEqual(["AC001", 'Barn 2, "east" side\nsecond line', "collar"]);
  });

  it("detects a semicolon delimiter from the header line", async () => {
    const { file, records } = await read(Readable.from([Buffer.from("Device ID;Name;Device Type\nAC001;Collar, left;collar\n")]));
    expect(file.delimiter).toBe(";");
    expect(file.header.columns).toEqual(["device_id", "name", "device_type"]);
    expect(records[0]!.record).toEqual(["AC001", "Collar, left", "collar"]);
  });

  it("skips empty lines, trailing ones included", async () => {
    const { records } = await read(`${HEADER}\nAC001,A,collar\n\n\r\n,,\nAC002,B,collar\n\n\n`);
    expect(records.map((record) => record.record[0])).toEqual(["AC001", "AC002"]);
  });

  it("reports a row with the wrong number of fields instead of failing", async () => {
    const { records } = await read(`${HEADER}\nAC001,A\nAC002,B,collar\n`);
    expect(records[0]).toEqual({ rowNumber: 2, record: ["AC001", "A"], fieldCountError: "The row has 2 fields, the header 3" });
    expect(records[1]).toEqual({ rowNumber: 3, record: ["AC002", "B", "collar"] });
  });

  it("refuses a binary file", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    await expect(read(webStream(png))).rejects.toThrow(/not a CSV/);
  });

  it("refuses text that is not UTF-8 when UTF-8 is chosen, and reads it as Windows-1252 when left to detect", async () => {
    const latin1 = new Uint8Array([...utf8(`${HEADER}\nAC001,K`), 0xfc, ...utf8("h,collar\n")]);
    await expect(read(webStream(latin1, 1024), { encoding: "utf-8" })).rejects.toBeInstanceOf(InvalidError);
    const { records } = await read(webStream(latin1, 1024));
    expect(records[0]!.record).toEqual(["AC001", "Küh", "collar"]);
  });

  it("refuses a file over the size limit, also when the excess comes late", async () => {
    const big = `${HEADER}\n${"AC001,A,collar\n".repeat(1000)}`;
    await expect(read(webStream(utf8(big), 512), { maxBytes: 4096 })).rejects.toThrow(/larger than/);
  });

  it("refuses a header without the required columns, naming them", async () => {
    const error = await read("id_number,name\nAC001,A\n").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as InvalidError).message).toBe("The header has no device_id, device_type columns.");
  });

  it("refuses an empty file and an unclosed quote with a clear message", async () => {
    await expect(read("")).rejects.toThrow("The file is empty.");
    await expect(read(`${HEADER}\nAC001,"unclosed,collar\n`)).rejects.toThrow(/not valid CSV/);
  });

  it("numbers records by the file's physical line, past blank and separator-only lines and multi-line fields", async () => {
    const { records } = await read(`\n${HEADER}\n\nAC001,A,collar\n,,\n,,,\r\nAC002,"two\nlines",collar\r\n\nAC003,C,collar`);
    expect(records.map((record) => [record.rowNumber, record.record[0]])).toEqual([
      [4, "AC001"],
      [7, "AC002"],
      [10, "AC003"],
    ]);
  });

  it("keeps a stray quote inside an unquoted field as text, and reads a quoted field after a space", async () => {
    const { records } = await read(`${HEADER},location_description\nTP001,12" probe,temperature, "Meter, north"\n`);
    expect(records).toEqual([{ rowNumber: 2, record: ["TP001", '12" probe', "temperature", "Meter, north"] }]);
  });

  it("refuses an unclosed quote naming the line where it opens, whatever csv-parse calls the fault", async () => {
    const unclosed = await read(`${HEADER}\n\nAC001,A,collar\n,,\nAC002,"unclosed,collar\nAC003,C,collar\n`).catch((caught: unknown) => caught);
    expect(unclosed).toBeInstanceOf(InvalidError);
    expect((unclosed as InvalidError).message).toBe("The file is not valid CSV: line 5: a quoted cell is never closed (a \" opens it and no \" ends it).");
    const trailing = await read(`${HEADER}\nAC001,A,collar\n\nAC002,"B"x,collar\n`).catch((caught: unknown) => caught);
    expect(trailing).toBeInstanceOf(InvalidError);
    expect((trailing as InvalidError).message).toMatch(/^The file is not valid CSV: line 4: /);
  });

  it("detects a tab as the delimiter", async () => {
    const { file, records } = await read("device_id\tname\tdevice_type\tlocation\nAC001\tCollar, left; front\tcollar\t\n");
    expect(file.delimiter).toBe("\t");
    expect(records[0]!.record).toEqual(["AC001", "Collar, left; front", "collar", ""]);
  });

  it("refuses two columns that mean the same field, naming both", async () => {
    const error = await read(`${HEADER},serial_number,Serial Number\nAC001,A,collar,1,2\n`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as InvalidError).message).toBe('Two columns hold serial_number: "serial_number" and "Serial Number".');
  });
});
