/**
 * Reads an uploaded CSV as a stream of records: never the whole file as one string, so a file of
 * 100,000 devices is validated in a few megabytes. Refuses, before any row is read, what is not a
 * CSV (binary, not UTF-8), what is too large and a header without the required columns.
 */
import { Readable } from "node:stream";
import { CsvError, parse, type Info } from "csv-parse";
import { InvalidError, PayloadTooLargeError } from "../errors";
import { guessField } from "./column-mapping";
import { mapHeader, type HeaderMap } from "./import-columns";
import type { Separator } from "./read-choices";
import { bomOf, decoderFor, detectEncoding, ENCODING_LABEL, type Encoding, type EncodingGuess, type KnownEncoding } from "./text-encoding";

export { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from "./import-limits";
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from "./import-limits";

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

export type Delimiter = "," | ";" | "\t" | "|";
export { SEPARATORS, SEPARATOR_LABEL, type Separator } from "./read-choices";
export type CsvFile = { header: HeaderMap; headers: string[]; delimiter: Delimiter; records: AsyncGenerator<CsvRecord> };

export type TextReadOptions = {
  maxBytes?: number;
  /** "auto" (the default) detects it: a BOM, valid UTF-8, else chardet (lib/import/text-encoding.ts). */
  encoding?: Encoding;
  delimiter?: Separator;
  /** The file's line holding the header; "auto": the first row that names two known fields, else the first row. */
  headerRow?: number | "auto";
};

/** A table read from a file, whatever its format: the header, the rows after it, and what the options step shows. */
export type TableFile = {
  headers: string[];
  /** The line (text) or row (sheet) of the header, as the file numbers it. */
  headerRow: number;
  /** The rows after the header, numbered as the file numbers them. */
  records: AsyncGenerator<CsvRecord>;
  /** The first rows read (title rows and the header among them), to show and to choose the header row from. */
  sample: { rowNumber: number; record: string[] }[];
  /** A fault met while reading the sample (an unclosed quote): the options step shows it; `records` throws it. */
  problem: InvalidError | null;
};

export type DelimitedFile = TableFile & {
  delimiter: Delimiter;
  /** The encoding the text was read in; it may turn from UTF-8 to Windows-1252 past the sample (an ASCII start). */
  encoding: () => KnownEncoding;
  encodingGuess: EncodingGuess | null;
  /** The first lines of the decoded text, as they are: the admin sees whether the encoding is right. */
  firstLines: string[];
};

export async function* chunksOf(source: CsvSource): AsyncGenerator<Uint8Array | string> {
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

const notCsv = () => new InvalidError("The file is not a CSV text file (it looks binary or is not UTF-8 text).", { file: ["Upload a CSV, .xlsx or .ods file"] });
const notEncoding = (encoding: KnownEncoding) =>
  new InvalidError(`The file is not valid ${ENCODING_LABEL[encoding].replace(/ \(.*\)$/, "")} text.`, { encoding: ["Choose the file's encoding (Excel on Windows saves CSV as Windows-1252)"] });
/** The refusal of a file with more rows than an import takes. */
export const tooManyRows = () => new InvalidError(`The file has more than ${MAX_IMPORT_ROWS.toLocaleString("en")} rows.`, { file: [`At most ${MAX_IMPORT_ROWS.toLocaleString("en")} rows per import; split the file`] });

/** The refusal of a file over the import's limit, whichever path (raw body, multipart, zip) meets it. */
export const tooLarge = (limit: number) => new PayloadTooLargeError(limit, "The file", { file: [`At most ${Math.round(limit / 1024 / 1024)} MB per import; split the file`] });

const HEAD_BYTES = 64 * 1024;
type DecodeState = { encoding: KnownEncoding; guess: EncodingGuess | null };

/**
 * Bytes → text in the chosen or detected encoding, refusing NUL characters (a binary file) and
 * bytes the encoding does not have, and counting against the size limit. The first 64 KB are
 * gathered to detect the encoding from. A file whose first 64 KB are plain ASCII was taken for
 * UTF-8; a later byte that is not UTF-8 shows it is Windows-1252, from which the rest is read.
 */
async function* decoded(source: CsvSource, maxBytes: number, wanted: Encoding, state: DecodeState): AsyncGenerator<string> {
  let bytes = 0;
  const count = (length: number) => {
    bytes += length;
    if (bytes > maxBytes) throw tooLarge(maxBytes);
  };
  const chunks = chunksOf(source);
  const head: Uint8Array[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < HEAD_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = typeof next.value === "string" ? new TextEncoder().encode(next.value) : next.value;
    count(chunk.byteLength);
    head.push(chunk);
    headLength += chunk.byteLength;
  }
  let first: Uint8Array = Buffer.concat(head);
  const guess = detectEncoding(first.subarray(0, HEAD_BYTES));
  state.guess = guess;
  state.encoding = wanted === "auto" ? guess.encoding : wanted;
  const bom = bomOf(first);
  if (bom && bom.encoding === state.encoding) first = first.subarray(bom.length);
  let decoder = decoderFor(state.encoding);
  let asciiSoFar = wanted === "auto" && guess.reason === "ascii";
  const decode = (chunk: Uint8Array): string => {
    let text: string;
    try {
      text = decoder.write(chunk);
    } catch {
      if (!asciiSoFar) throw state.encoding === "utf-8" && wanted === "auto" ? notCsv() : notEncoding(state.encoding);
      state.encoding = "windows-1252";
      decoder = decoderFor(state.encoding);
      text = decoder.write(chunk);
    }
    if (asciiSoFar && !chunk.every((byte) => byte < 0x80)) asciiSoFar = false;
    if (text.includes("\0")) throw notCsv();
    return text;
  };
  const firstText = decode(first);
  if (firstText) yield firstText;
  if (!ended) {
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      const chunk = typeof next.value === "string" ? new TextEncoder().encode(next.value) : next.value;
      count(chunk.byteLength);
      const text = decode(chunk);
      if (text) yield text;
    }
  }
  let rest: string;
  try {
    rest = decoder.end();
  } catch {
    throw notEncoding(state.encoding);
  }
  if (rest.includes("\0")) throw notCsv();
  if (rest) yield rest;
}

/** Counts of each separator outside quotes in one line. */
function separatorCounts(line: string): Record<Delimiter, number> {
  const counts: Record<Delimiter, number> = { ",": 0, ";": 0, "\t": 0, "|": 0 };
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char in counts) counts[char as Delimiter]++;
  }
  return counts;
}

/**
 * `,`, `;` (a spreadsheet in a comma-decimal locale), a tab (a spreadsheet's "text, tab
 * separated", a paste from one) or `|` (some vendors' exports): the one found most often in the header line outside quotes.
 */
export function detectDelimiter(headerLine: string): Delimiter {
  return detectSeparator([headerLine]);
}

/**
 * The separator of a file from its first lines: the one that splits the most lines into the same
 * number of cells (a title line above the header has none, a name with a comma one); ties go to
 * the one seen most often.
 */
export function detectSeparator(lines: string[]): Delimiter {
  const candidates: Delimiter[] = [",", ";", "\t", "|"];
  const counted = lines.filter((line) => line.trim() !== "").slice(0, 20).map(separatorCounts);
  let best: Delimiter = ",";
  let bestScore = [-1, -1];
  for (const candidate of candidates) {
    const counts = counted.map((count) => count[candidate]).filter((count) => count > 0);
    const frequency = new Map<number, number>();
    for (const count of counts) frequency.set(count, (frequency.get(count) ?? 0) + 1);
    const consistent = Math.max(0, ...frequency.values());
    const total = counts.reduce((sum, count) => sum + count, 0);
    if (consistent > bestScore[0]! || (consistent === bestScore[0] && total > bestScore[1]!)) {
      best = candidate;
      bestScore = [consistent, total];
    }
  }
  return best;
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

/** Rows read ahead to choose the header row from and to show in the options step. */
export const SAMPLE_ROWS = 20;

/** The first of the sample's rows that names at least two known fields; else the first row. */
export function guessHeaderRow(sample: { rowNumber: number; record: string[] }[]): number {
  const named = sample.find((row) => row.record.filter((cell) => cell.trim() && guessField(cell) !== null).length >= 2);
  return (named ?? sample[0])?.rowNumber ?? 1;
}

/**
 * Picks the header out of a stream of rows (the sample first): the row at `headerRow`, or the
 * first row after it when that one is blank, or the guessed one. Rows above it are a title.
 */
export async function splitHeader(
  sample: { rowNumber: number; record: string[]; fieldCountError?: string }[],
  rest: () => Promise<IteratorResult<CsvRecord>>,
  headerRow: number | "auto",
  problem: InvalidError | null,
  finish: () => void,
): Promise<Pick<TableFile, "headers" | "headerRow" | "records">> {
  const queue = [...sample];
  const pull = async (): Promise<IteratorResult<CsvRecord>> => {
    const queued = queue.shift();
    if (queued) return { done: false, value: queued };
    if (problem) throw problem;
    return rest();
  };
  const wanted = headerRow === "auto" ? guessHeaderRow(sample) : headerRow;
  let header: CsvRecord | null = null;
  for (;;) {
    const next = await pull();
    if (next.done) break;
    if (next.value.rowNumber >= wanted) {
      header = next.value;
      break;
    }
  }
  if (!header) {
    finish();
    if (sample.length === 0 && !problem) throw new InvalidError("The file is empty.", { file: ["The file has no header row"] });
    throw new InvalidError(`The file has no row at or after row ${wanted} to take as the header.`, { headerRow: ["Choose the row that holds the column names"] });
  }
  const headers = header.record;
  async function* records(): AsyncGenerator<CsvRecord> {
    try {
      for (;;) {
        const next = await pull();
        if (next.done) return;
        const { rowNumber, record } = next.value;
        yield record.length === headers.length
          ? { rowNumber, record }
          : { rowNumber, record, fieldCountError: `The row has ${record.length} field${record.length === 1 ? "" : "s"}, the header ${headers.length}` };
      }
    } finally {
      finish();
    }
  }
  return { headers, headerRow: header.rowNumber, records: records() };
}

/**
 * Opens a delimited text file (CSV, TSV, semicolon or pipe separated): decodes it, detects the
 * separator from the first lines, reads a sample of rows, picks the header row, and hands back the
 * rows after it as an async generator (which throws InvalidError when the rest of the file turns
 * out binary, badly encoded, malformed or too large).
 */
export async function openDelimitedText(source: CsvSource, options: TextReadOptions = {}): Promise<DelimitedFile> {
  const state: DecodeState = { encoding: "utf-8", guess: null };
  const texts = decoded(source, options.maxBytes ?? MAX_IMPORT_BYTES, options.encoding ?? "auto", state);
  // Enough lines to choose the separator from and to show.
  let head = "";
  let exhausted = false;
  for (;;) {
    const next = await texts.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    head += next.value;
    if ((head.match(LINE_BREAK)?.length ?? 0) > SAMPLE_ROWS + 5 || head.length > HEAD_BYTES) break;
  }
  head = head.replace(/^\uFEFF/, "");
  const lines = head.split(/\r\n|\n|\r/);
  if (!exhausted) lines.pop();
  const firstLines = lines.slice(0, SAMPLE_ROWS).map((line) => (line.length > 500 ? `${line.slice(0, 500)}…` : line));
  const delimiter = options.delimiter && options.delimiter !== "auto" ? options.delimiter : detectSeparator(lines);

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
  const rest = async (): Promise<IteratorResult<CsvRecord>> => {
    const next = await nextRecord(iterator);
    if (next.done) return { done: true, value: undefined };
    const { record, info, raw } = next.value;
    return { done: false, value: { rowNumber: startLine(info.lines, raw), record } };
  };
  const sample: CsvRecord[] = [];
  let problem: InvalidError | null = null;
  try {
    while (sample.length < SAMPLE_ROWS) {
      const next = await rest();
      if (next.done) break;
      sample.push(next.value);
    }
  } catch (error) {
    // A binary or oversized file is refused at once; a malformed record is shown with the sample.
    if (!(error instanceof InvalidError) || !String(error.message).startsWith("The file is not valid CSV")) {
      parser.destroy();
      throw error;
    }
    problem = error;
  }
  const finish = () => {
    void iterator.return?.();
    if (!parser.destroyed) parser.destroy();
  };
  const table = await splitHeader(sample, rest, options.headerRow ?? "auto", problem, finish);
  return { ...table, sample, problem, delimiter, encoding: () => state.encoding, encodingGuess: state.guess, firstLines };
}

/**
 * Opens a CSV with its own header: the text file as above, the header matched to the import's
 * columns by name, refusing a header without the required columns or with one field twice.
 */
export async function openCsv(source: CsvSource, options: TextReadOptions = {}): Promise<CsvFile> {
  const file = await openDelimitedText(source, { ...options, headerRow: options.headerRow ?? 1 });
  const { headers } = file;
  const header = mapHeader(headers);
  const refuse = (error: InvalidError) => {
    void file.records.return(undefined);
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
  return { header, headers, delimiter: file.delimiter, records: file.records };
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
