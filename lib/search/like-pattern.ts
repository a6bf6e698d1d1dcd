/**
 * Text searches and case-insensitive name checks reach PostgreSQL as (I)LIKE patterns, both in raw
 * SQL and through Prisma, whose `contains` and `equals` with `mode: "insensitive"` send the value
 * as the pattern unescaped (`name ILIKE $1`, checked on Prisma 6.19). So "%" or "_" typed by a
 * person would match anything; every such value goes through here. Backslash is PostgreSQL's
 * default LIKE escape character, which these patterns rely on (no ESCAPE clause needed).
 */
import type { Prisma } from "@prisma/client";

/** `text` as a LIKE pattern that matches exactly that text. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** The pattern of "contains `text`" for a raw `ILIKE ${pattern}`. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

/** Prisma's "contains `text`, any case", matching `text` literally. */
export function containsInsensitive(text: string): Prisma.StringFilter {
  return { contains: escapeLike(text), mode: "insensitive" };
}

/** Prisma's "equals `text`, any case", matching `text` literally (Prisma compiles it to ILIKE). */
export function equalsInsensitive(text: string): Prisma.StringFilter {
  return { equals: escapeLike(text), mode: "insensitive" };
}
