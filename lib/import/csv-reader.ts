/**
 * Reads an uploaded CSV as a stream of records: never the whole file as one string, so a file of
 * 100,000 devices is validated in a few megabytes. Refuses, before any row is read, what is not a
 * CSV (binary, not UTF-8), what is too large and a header without the required columns.
 */
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { InvalidError, PayloadTooLargeError } from "../errors";
import { mapHeader, type HeaderMap } from "./import-columns";

/** The largest file accepted: 100,000 devices with every column fit in well under this. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export type CsvSource = ReadableStream<Uint8Array> | Readable | AsyncIterable<Uint8Array | string> | string;

export type CsvRecord = {
  /** The row as a spreadsheet numbers it: the header is row 1, the first data row is row 2. */
  rowNumber: number;
  record: string[];
  /** Set when the record has another number of fields than the header. */
  fieldCountError?: string;
};

export type CsvFile = { header: HeaderMap; headers: string[]; delimiter: "," | ";"; records: AsyncGenerator<CsvRecord> };

async function* chunksOf(source: CsvSource): AsyncGenerator<Uint8Array | string> {
  if (typeof source === "string") {
    yield source;
    return;
  }
  if (source instanceof ReadableStream) {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* source as AsyncIterable<Uint8Array | string>;
}

const notCsv = () => new InvalidError("The file is not a CSV text file (it looks binary or is not UTF-8 text).", { file: ["Upload a CSV file saved as UTF-8"] });
const tooLarge = (limit: number) => new PayloadTooLargeError(limit, "The file", { file: [`At most ${Math.round(limit / 1024 / 1024)} MB per import; split the file`] });

/** Bytes → text, refusing NUL bytes and invalid UTF-8, and counting against the size limit. */
async function* decoded(source: CsvSource, maxBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let bytes = 0;
  for await (const chunk of chunksOf(source)) {
    if (typeof chunk === "string") {
      bytes += Buffer.byteLength(chunk);
      if (bytes > maxBytes) throw tooLarge(maxBytes);
      if (chunk.includes("\0")) throw notCsv();
      yield chunk;
      continue;
    }
    bytes += chunk.byteLength;
    if (bytes > maxBytes) throw tooLarge(maxBytes);
    if (chunk.includes(0)) throw notCsv();
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw notCsv();
    }
    if (text) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw notCsv();
  }
}

/** `;` (a spreadsheet in a comma-decimal locale) or `,`, by counting them in the header line outside quotes. */
export function detectDelimiter(headerLine: string): "," | ";" {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ",") commas++;
    else if (!quoted && char === ";") semicolons++;
  }
  return semicolons > commas ? ";" : ",";
}

/**
 * Opens a CSV: reads up to the end of the header line, checks the header, and hands back the data
 * records as an async generator (which throws InvalidError when the rest of the file turns out
 * binary or too large).
 */
export async function openCsv(source: CsvSource, options: { maxBytes?: number } = {}): Promise<CsvFile> {
  const texts = decoded(source, options.maxBytes ?? MAX_IMPORT_BYTES);
  // Up to the first line that is not empty: enough to choose the delimiter.
  let head = "";
  for (;;) {
    const next = await texts.next();
    if (next.done) break;
    head += next.value;
    const stripped = head.replace(/^\uFEFF/, "").replace(/^[\r\n]+/, "");
    if (/[\r\n]/.test(stripped) || head.length > 64 * 1024) break;
  }
  head = head.replace(/^\uFEFF/, "");
  const firstLine = head.replace(/^[\r\n]+/, "").split(/\r?\n|\r/, 1)[0] ?? "";
  const delimiter = detectDelimiter(firstLine);

  // Mixed line ends (a CRLF file edited on Linux) and spreadsheet rows of empty cells (",,,") are tolerated.
  const parser = parse({ delimiter, record_delimiter: ["\r\n", "\n", "\r"], bom: true, skip_empty_lines: true, skip_records_with_empty_values: true, relax_column_count: true, relax_quotes: false, trim: false });
  // Feed the parser from the decoded text, with backpressure; an error (binary, too large) ends it.
  void (async () => {
    try {
      if (head) if (!parser.write(head)) await new Promise((resolve) => parser.once("drain", resolve));
      for (;;) {
        const next = await texts.next();
        if (next.done) break;
        if (!parser.write(next.value)) await new Promise((resolve) => parser.once("drain", resolve));
      }
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();

  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const first = await nextRecord(iterator);
  if (first.done) throw new InvalidError("The file is empty.", { file: ["The file has no header row"] });
  const headers = first.value;
  const header = mapHeader(headers);
  if (header.missingRequired.length) {
    void iterator.return?.();
    parser.destroy();
    throw new InvalidError(`The header has no ${header.missingRequired.join(", ")} column${header.missingRequired.length > 1 ? "s" : ""}.`, {
      file: [`Required columns: device_id, name, device_type (found: ${headers.map((name) => name.trim()).join(", ") || "none"})`],
    });
  }

  async function* records(): AsyncGenerator<CsvRecord> {
    let rowNumber = 1;
    try {
      for (;;) {
        const next = await nextRecord(iterator);
        if (next.done) return;
        rowNumber++;
        const record = next.value;
        yield record.length === headers.length
          ? { rowNumber, record }
          : { rowNumber, record, fieldCountError: `The row has ${record.length} field${record.length === 1 ? "" : "s"}, the header ${headers.length}` };
      }
    } finally {
      if (!parser.destroyed) parser.destroy();
    }
  }
  return { header, headers, delimiter, records: records() };
}

/** A parse failure (an unclosed quote…) is the file's fault: a 400 naming the line, not a 500. */
async function nextRecord(iterator: AsyncIterator<string[]>): Promise<IteratorResult<string[]>> {
  try {
    return await iterator.next();
  } catch (error) {
    if (error instanceof InvalidError) throw error;
    const info = error as { code?: string; message?: string; lines?: number };
    if (typeof info.code === "string" && info.code.startsWith("CSV_")) {
      throw new InvalidError(`The file is not valid CSV${info.lines ? ` near line ${info.lines}` : ""}: ${info.message}`, { file: [info.message ?? "Invalid CSV"] });
    }
    throw error;
  }
}
