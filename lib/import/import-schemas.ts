/** The import's request parameters, shared by the route handlers and the OpenAPI document. */
import { z } from "zod";
import { booleanish } from "../validation/form-values";
import { SEPARATORS } from "./csv-reader";
import { IMPORT_MODES } from "./row-validation";
import { ENCODINGS } from "./text-encoding";
import { DATE_FORMATS, DECIMAL_SEPARATORS } from "./value-formats";

const SEPARATOR_NAMES: Record<string, string> = { comma: ",", semicolon: ";", tab: "\t", pipe: "|" };

/** How to read the file; every option defaults to "detect". Form fields and query parameters alike. */
export const importReadSchema = z.object({
  encoding: z.enum(ENCODINGS, { error: `encoding is one of ${ENCODINGS.join(", ")}` }).default("auto"),
  separator: z.preprocess((value) => (typeof value === "string" ? (SEPARATOR_NAMES[value] ?? value) : value), z.enum(SEPARATORS, { error: "separator is auto, comma, semicolon, tab or pipe" })).default("auto"),
  sheet: z.string().trim().max(100).optional().transform((value) => value || undefined),
  header_row: z
    .union([z.literal("auto"), z.coerce.number({ error: "header_row is auto or a row number" }).int("header_row is a row number").min(1, "header_row is 1 or more").max(10_000, "header_row is at most 10000")])
    .default("auto"),
  date_format: z.enum(DATE_FORMATS, { error: `date_format is one of ${DATE_FORMATS.join(", ")}` }).default("auto"),
  decimal: z.enum(DECIMAL_SEPARATORS, { error: "decimal is auto, . or ," }).default("auto"),
  /** JSON: a list of fields in file order, or an object of column → field ("ignore" for none). */
  mapping: z
    .string()
    .max(20_000)
    .optional()
    .transform((value, context) => {
      if (!value) return undefined;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: "mapping is JSON: a list of fields in file order, or an object of column → field" });
        return z.NEVER;
      }
    }),
});

/** The import's parameters as sent to POST /api/v1/iot/devices/import (query string or form fields). */
export const importRequestSchema = z
  .object({
    mode: z.enum(IMPORT_MODES, { error: `mode is one of ${IMPORT_MODES.join(", ")}` }).default("create"),
    skip_errors: booleanish.default(false),
    dry_run: booleanish.default(false),
    default_farm: z.string().trim().max(20).optional().transform((value) => value || undefined),
    fileName: z.string().trim().max(255).optional().transform((value) => value || undefined),
    batch_id: z.coerce.number({ error: "batch_id is the dry run's batch id" }).int().positive().optional(),
    create_tags: booleanish.default(false).describe("Create the tags the file names that do not exist (else such a row is refused)"),
  })
  .extend(importReadSchema.shape);
export type ImportRequest = z.infer<typeof importRequestSchema>;

/** The request's reading options as lib/import/device-import.ts takes them. */
export function readOptionsOf(request: z.infer<typeof importReadSchema>) {
  return { encoding: request.encoding, separator: request.separator, sheet: request.sheet ?? null, headerRow: request.header_row, dateFormat: request.date_format, decimal: request.decimal };
}

export const importBatchParamsSchema = z.object({ id: z.coerce.number({ error: "id must be an import batch id" }).int().positive("id must be an import batch id") });
