/**
 * The log line format devices upload (brief item 4) and the lenient reading of it the viewer uses:
 *
 *   2026-12-03T12:00:00.000Z INFO  flow: the flow sensor reads 3.2 l/min
 *
 * ISO time, level (TRACE|DEBUG|INFO|WARN|ERROR, padded to 5), source, colon, message. A real
 * device's bundle also holds lines that do not follow it (a stack trace, a boot banner): they are
 * kept, with level null, and a level filter treats them as part of the line before them, so a
 * stack trace stays under its ERROR. Imports nothing from the server: client components use it too.
 */

import { z } from "zod";

export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogLine = {
  /** 1-based position in the bundle, so a filtered view still says where a line sits. */
  n: number;
  time: string | null;
  level: LogLevel | null;
  source: string | null;
  message: string;
};

export function formatLogLine(time: Date, level: LogLevel, source: string, message: string): string {
  return `${time.toISOString()} ${level.padEnd(5)} ${source}: ${message.replace(/[\r\n]+/g, " ")}`;
}

const LINE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s+(TRACE|DEBUG|INFO|WARN|WARNING|ERROR)\s+([^\s:]{1,64}):\s?(.*)$/i;

export function parseLogLine(raw: string, n: number): LogLine {
  const match = LINE.exec(raw);
  if (!match) return { n, time: null, level: null, source: null, message: raw };
  const level = match[2]!.toUpperCase();
  return { n, time: match[1]!, level: (level === "WARNING" ? "WARN" : level) as LogLevel, source: match[3]!, message: match[4]! };
}

/**
 * `level`: "warn" shows WARN and ERROR (at or above, what one asks when hunting a fault);
 * "=warn" shows WARN only. Case-insensitive.
 */
export type LevelFilter = { level: LogLevel; exact: boolean };

export function parseLevelFilter(value: string | null | undefined): LevelFilter | null {
  if (!value) return null;
  const exact = value.startsWith("=");
  const name = (exact ? value.slice(1) : value).toUpperCase();
  return (LOG_LEVELS as readonly string[]).includes(name) ? { level: name as LogLevel, exact } : null;
}

export type LineFilter = { search?: string | null; level?: LevelFilter | null };

/**
 * Decides line by line (a bundle is streamed, never held whole). Unformatted lines take the level
 * of the formatted line before them for the level filter; search looks at the raw line.
 */
export function lineMatcher(filter: LineFilter): (raw: string, line: LogLine) => boolean {
  const needle = filter.search?.trim().toLowerCase() || null;
  const wanted = filter.level ?? null;
  const rank = (level: LogLevel) => LOG_LEVELS.indexOf(level);
  let inherited: LogLevel | null = null;
  return (raw, line) => {
    if (line.level) inherited = line.level;
    const level = line.level ?? inherited;
    if (wanted) {
      if (!level) return false;
      if (wanted.exact ? level !== wanted.level : rank(level) < rank(wanted.level)) return false;
    }
    return needle === null || raw.toLowerCase().includes(needle);
  };
}

/**
 * Keeps the last `limit` matching lines (the newest, as logs are written oldest first) while
 * counting all of them: `truncated` says the view shows only the end.
 */
export class LastLines {
  /** A ring: a bundle of a million lines costs `limit` slots, not a million shifts. */
  private readonly kept: LogLine[] = [];
  private next = 0;
  matched = 0;
  total = 0;

  constructor(
    private readonly limit: number,
    private readonly matches: (raw: string, line: LogLine) => boolean,
  ) {}

  push(raw: string) {
    this.total += 1;
    const line = parseLogLine(raw, this.total);
    if (!this.matches(raw, line)) return;
    this.matched += 1;
    if (this.limit <= 0) return;
    if (this.kept.length < this.limit) this.kept.push(line);
    else this.kept[this.next] = line;
    this.next = (this.next + 1) % this.limit;
  }

  result() {
    const lines = this.kept.length < this.limit ? this.kept : [...this.kept.slice(this.next), ...this.kept.slice(0, this.next)];
    return { lines, matched: this.matched, total: this.total, truncated: this.matched > lines.length };
  }
}

/** Lines of a text, a trailing newline making no empty last line. */
export function filterLogText(text: string, filter: LineFilter, limit: number) {
  const last = new LastLines(limit, lineMatcher(filter));
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  for (const raw of lines) last.push(raw);
  return last.result();
}

/** The viewer's URL filters (page and API alike). */
export const logLinesQuery = {
  search: z.string().trim().max(200).optional(),
  level: z
    .string()
    .trim()
    .optional()
    .refine((value) => !value || parseLevelFilter(value) !== null, "one of trace, debug, info, warn, error; prefix = for exactly that level"),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
};
