/**
 * Which character set a text file is in, and its decoding. Excel on Windows saves "CSV" in
 * Windows-1252, "Unicode text" as UTF-16 LE with a BOM; the rest is UTF-8 with or without a BOM.
 * The guess (a BOM, valid UTF-8, else chardet) is shown to the admin, who can choose another one
 * when the decoded lines look wrong.
 */
import chardet from "chardet";
import iconv from "iconv-lite";

import { type KnownEncoding } from "./read-choices";

export { ENCODINGS, ENCODING_LABEL, type Encoding, type KnownEncoding } from "./read-choices";

export type EncodingGuess = { encoding: KnownEncoding; bomBytes: number; reason: "bom" | "utf-8" | "ascii" | "detected" };

/** The byte-order mark at the start of the bytes, if any. */
export function bomOf(bytes: Uint8Array): { encoding: KnownEncoding; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", length: 2 };
  return null;
}

/** Valid UTF-8 up to the end of `head` (a character cut at its end is fine). */
function isUtf8(head: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The encoding of a file from its first bytes. Pure ASCII reads as UTF-8 (the reader switches to
 * Windows-1252 when a later byte proves otherwise). Text that is not UTF-8 is asked of chardet
 * (UTF-16 without a BOM); a single-byte Western text is taken as Windows-1252, the set Excel
 * writes and a superset of ISO-8859-1's printable characters (ISO-8859-1 stays a choice).
 */
export function detectEncoding(head: Uint8Array): EncodingGuess {
  const bom = bomOf(head);
  if (bom) return { encoding: bom.encoding, bomBytes: bom.length, reason: "bom" };
  if (head.every((byte) => byte < 0x80)) {
    // UTF-16 without a BOM: every other byte NUL
    const nulOdd = head.filter((byte, index) => index % 2 === 1 && byte === 0).length;
    const nulEven = head.filter((byte, index) => index % 2 === 0 && byte === 0).length;
    if (head.length >= 4 && nulOdd > head.length / 3 && nulEven === 0) return { encoding: "utf-16le", bomBytes: 0, reason: "detected" };
    if (head.length >= 4 && nulEven > head.length / 3 && nulOdd === 0) return { encoding: "utf-16be", bomBytes: 0, reason: "detected" };
    return { encoding: "utf-8", bomBytes: 0, reason: "ascii" };
  }
  if (isUtf8(head)) return { encoding: "utf-8", bomBytes: 0, reason: "utf-8" };
  const name = (chardet.detect(head) ?? "").toLowerCase();
  if (name === "utf-16le" || name === "utf-16be") return { encoding: name, bomBytes: 0, reason: "detected" };
  // chardet's ISO-8859-1 reads like Windows-1252 wherever ISO-8859-1 has printable characters
  return { encoding: "windows-1252", bomBytes: 0, reason: "detected" };
}

export type TextDecoderLike = { write(bytes: Uint8Array): string; end(): string };

/** UTF-8 strictly (a wrong byte is an error, not a �); the others through iconv-lite. */
export function decoderFor(encoding: KnownEncoding): TextDecoderLike {
  if (encoding === "utf-8") {
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
    return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
  }
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  return { write: (bytes) => decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), end: () => decoder.end() ?? "" };
}

/** For tests and fixtures: text in the given encoding, with its BOM when asked. */
export function encodeText(text: string, encoding: KnownEncoding, bom = false): Buffer {
  return iconv.encode(text, encoding, { addBOM: bom });
}
