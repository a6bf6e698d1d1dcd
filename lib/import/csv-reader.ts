/**
 * Reads an uploaded CSV as a stream of records: never the whole file as one string, so a file of
 * 100,000 devices is validated in a few megabytes. Refuses, before any row is read, what is not a
 * CSV (binary, not UTF-8), what is too large and a header without the required columns.
 */
import { Readable } from "node:stream";
import { CsvError, parse, type Info } from "csv-parse";
import { InvalidError, PayloadTooLargeError } from "../errors";
import { mapHeader, type HeaderMap } from "./import-columns";

/** The largest file accepted: 100,000 devices with every column fit in well under this. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export type CsvSource = ReadableStream<Uint8Array> | Readable | AsyncIterable<Uint8Array | string> | string;

export type CsvRecord = {
  /**
   * The file's line where the record starts (1 = the first line), counting the blank and
   * separator-only lines that are skipped: what an editor and a spreadsheet show beside the row.
   */
  rowNumber: number;
  record: string[];
  /** Set when the record has another number of fields than the header. */
  fieldCountError?: string;
};

export type Delimiter = "," | ";" | "\t";
export type CsvFile = { header: HeaderMap; headers: string[]; delimiter: Delimiter; records: AsyncGenerator<CsvRecord> };

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

/**
 * `,`, `;` (a spreadsheet in a comma-decimal locale) or a tab (a spreadsheet's "text, tab
 * separated", a paste from one): the one found most often in the header line outside quotes.
 */
export function detectDelimiter(headerLine: string): Delimiter {
  const counts: Record<Delimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char in counts) counts[char as Delimiter]++;
  }
  if (counts["\t"] > counts[","] && counts["\t"] > counts[";"]) return "\t";
  return counts[";"] > counts[","] ? ";" : ",";
}

const LINE_BREAK = /\r\n|\n|\r/g;

/**
 * The line where a record starts. csv-parse counts the line where it ends (`info.lines`) and hands
 * the raw text from the end of the previous record, skipped blank lines included: those are
 * stripped, and the line breaks left inside the record (a quoted field over several lines) counted back.
 */
export function startLine(endLine: number, raw: string): number {
  const record = raw.replace(/^\s+/, "").replace(/(\r\n|\n|\r)$/, "");
  return endLine - (record.match(LINE_BREAK)?.length ?? 0);
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

  // Mixed line ends (a CRLF file edited on Linux) and spreadsheet rows of empty cells (",,,") are
  // tolerated. A quote inside an unquoted field (12" probe) is text, as spreadsheets read it
  // (relax_quotes), and blanks around a quoted field (, "Meter, north") are not part of it (trim):
  // every cell is trimmed anyway. `info` and `raw` give each record's line.
  const parser = parse({
    delimiter,
    record_delimiter: ["\r\n", "\n", "\r"],
    bom: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    relax_column_count: true,
    relax_quotes: true,
    trim: true,
    info: true,
    raw: true,
  });
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

  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<ParsedRecord>;
  const first = await nextRecord(iterator);
  if (first.done) throw new InvalidError("The file is empty.", { file: ["The file has no header row"] });
  const headers = first.value.record;
  const header = mapHeader(headers);
  const refuse = (error: InvalidError) => {
    void iterator.return?.();
    parser.destroy();
    return error;
  };
  if (header.missingRequired.length) {
    throw refuse(
      new InvalidError(`The header has no ${header.missingRequired.join(", ")} column${header.missingRequired.length > 1 ? "s" : ""}.`, {
        file: [`Required columns: device_id, name, device_type (found: ${headers.map((name) => name.trim()).join(", ") || "none"})`],
      }),
    );
  }
  // Reading one of two columns that mean the same field would drop the other's values unseen.
  if (header.duplicateColumns.length) {
    const messages = header.duplicateColumns.map(({ column, headers: named }) => `Two columns hold ${column}: ${named.map((name) => `"${name}"`).join(" and ")}.`);
    throw refuse(new InvalidError(messages.join(" "), { file: ["Delete or rename all but one of them"] }));
  }

  async function* records(): AsyncGenerator<CsvRecord> {
    try {
      for (;;) {
        const next = await nextRecord(iterator);
        if (next.done) return;
        const { record, info, raw } = next.value;
        const rowNumber = startLine(info.lines, raw);
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

type ParsedRecord = { record: string[]; info: Info; raw: string };

/** What csv-parse's faults mean to the person who saved the file, and what to do about them. */
const QUOTE_INSIDE = 'Quote the whole cell and write "" for a quote inside it';
const PARSE_FAULTS: Record<string, { reason: string; hint: string }> = {
  CSV_QUOTE_NOT_CLOSED: { reason: 'a quoted cell is never closed (a " opens it and no " ends it)', hint: `Close the quote, or ${QUOTE_INSIDE.charAt(0).toLowerCase()}${QUOTE_INSIDE.slice(1)}` },
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: { reason: 'text follows the closing " of a quoted cell', hint: QUOTE_INSIDE },
  CSV_INVALID_CLOSING_QUOTE: { reason: 'text follows the closing " of a quoted cell', hint: QUOTE_INSIDE },
  INVALID_OPENING_QUOTE: { reason: 'a " inside a cell that is not quoted', hint: QUOTE_INSIDE },
};

/**
 * A parse failure is the file's fault: a 400 naming the line where the broken record starts and
 * why, never a 500. Every csv-parse fault is a CsvError, whatever its code (not all start CSV_).
 */
async function nextRecord(iterator: AsyncIterator<ParsedRecord>): Promise<IteratorResult<ParsedRecord>> {
  try {
    return await iterator.next();
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const context = error as CsvError & { lines?: number; raw?: string };
    const line = typeof context.lines === "number" ? startLine(context.lines, context.raw ?? "") : null;
    const { reason, hint } = PARSE_FAULTS[error.code] ?? { reason: error.message, hint: "Save the file again as CSV (UTF-8) from the spreadsheet" };
    const where = line === null ? "" : `line ${line}: `;
    throw new InvalidError(`The file is not valid CSV: ${where}${reason}.`, { file: [hint] });
  }
}
