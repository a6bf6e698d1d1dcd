/** The import's request parameters, shared by the route handlers and the OpenAPI document. */
import { z } from "zod";
import { booleanish } from "../validation/form-values";
import { IMPORT_MODES } from "./row-validation";

/** The import's parameters as sent to POST /api/v1/iot/devices/import (query string or form fields). */
export const importRequestSchema = z.object({
  mode: z.enum(IMPORT_MODES, { error: `mode is one of ${IMPORT_MODES.join(", ")}` }).default("create"),
  skip_errors: booleanish.default(false),
  dry_run: booleanish.default(false),
  default_farm: z.string().trim().max(20).optional().transform((value) => value || undefined),
  fileName: z.string().trim().max(255).optional().transform((value) => value || undefined),
});
export type ImportRequest = z.infer<typeof importRequestSchema>;

export const importBatchParamsSchema = z.object({ id: z.coerce.number({ error: "id must be an import batch id" }).int().positive("id must be an import batch id") });
