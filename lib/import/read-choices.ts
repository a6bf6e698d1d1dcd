/**
 * The reading options an admin chooses among (pure, for the page as well as the server): the
 * encodings and separators the readers handle, with the names people know them by.
 */
export const ENCODINGS = ["auto", "utf-8", "utf-16le", "utf-16be", "windows-1252", "iso-8859-1"] as const;
export type Encoding = (typeof ENCODINGS)[number];
export type KnownEncoding = Exclude<Encoding, "auto">;
export const ENCODING_LABEL: Record<Encoding, string> = {
  auto: "Detect",
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16 LE (Excel “Unicode text”)",
  "utf-16be": "UTF-16 BE",
  "windows-1252": "Windows-1252 (Excel CSV on Windows)",
  "iso-8859-1": "ISO-8859-1 (Latin-1)",
};

export const SEPARATORS = ["auto", ",", ";", "\t", "|"] as const;
export type Separator = (typeof SEPARATORS)[number];
export const SEPARATOR_LABEL: Record<Separator, string> = { auto: "Detect", ",": "Comma ,", ";": "Semicolon ;", "\t": "Tab", "|": "Pipe |" };
