/**
 * The zod schemas of list preferences and saved views: the single source for the server actions,
 * /api/v1/views, /api/v1/me/list-preferences and their OpenAPI operations.
 */
import { z } from "zod";
import { DENSITIES, LIST_COLUMNS, LISTS, type ListName } from "./list-columns";

export const listNameSchema = z.enum(LISTS, { error: `list must be one of ${LISTS.join(", ")}` });
export const densitySchema = z.enum(DENSITIES, { error: `density must be ${DENSITIES.join(" or ")}` });

const columnKeys = z.array(z.string().trim().min(1).max(40)).max(30, "At most 30 columns");

/** Columns for `list`: known keys only, each once, the required ones kept. */
export function checkColumns(list: ListName, columns: string[], ctx: z.RefinementCtx, path: (string | number)[] = ["columns"]) {
  const catalogue = LIST_COLUMNS[list];
  const known = new Set(catalogue.map((column) => column.key));
  const unknown = columns.filter((key) => !known.has(key));
  if (unknown.length) ctx.addIssue({ code: "custom", path, message: `Unknown columns for the ${list} list: ${unknown.join(", ")} (known: ${[...known].join(", ")})` });
  if (new Set(columns).size !== columns.length) ctx.addIssue({ code: "custom", path, message: "A column is named twice" });
  const required = catalogue.filter((column) => column.required && !columns.includes(column.key)).map((column) => column.key);
  if (required.length && !unknown.length) ctx.addIssue({ code: "custom", path, message: `Always shown: ${required.join(", ")}` });
}

/** PUT /api/v1/me/list-preferences and the density / column controls: one list's choice. */
export const listPreferenceInputSchema = z
  .object({
    list: listNameSchema,
    density: densitySchema.optional(),
    /** null: back to the default columns. */
    columns: columnKeys.nullable().optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.density === undefined && input.columns === undefined) ctx.addIssue({ code: "custom", path: [], message: "Send a density or columns" });
    if (input.columns) checkColumns(input.list, input.columns, ctx);
  });
export type ListPreferenceInput = z.infer<typeof listPreferenceInputSchema>;

/** What is kept in users.ui_preferences; read leniently (an old or hand-edited value never breaks a page). */
export const storedListPreferenceSchema = z.object({ density: densitySchema.optional().catch(undefined), columns: z.array(z.string()).optional().catch(undefined) });
export const storedPreferencesSchema = z
  .object({
    lists: z.partialRecord(listNameSchema, storedListPreferenceSchema).optional().catch(undefined),
    pinnedViews: z.array(z.number().int().positive()).max(50).optional().catch(undefined),
    /** The device page's section last chosen (components/devices/device-sections.ts checks the name). */
    deviceSection: z.string().max(20).optional().catch(undefined),
  })
  .catch({});
export type StoredPreferences = z.infer<typeof storedPreferencesSchema>;

export const VIEW_NAME_MAX = 60;
export const VIEW_QUERY_MAX = 2000;

const viewName = z
  .string({ error: "A name is required" })
  .trim()
  .min(1, "A name is required")
  .max(VIEW_NAME_MAX, `At most ${VIEW_NAME_MAX} characters`)
  .refine((name) => !/[\u0000-\u001f]/.test(name), "A name cannot hold control characters");

/**
 * The list's URL query ("health=critical&density=compact…", a leading "?" allowed). The page
 * number and the view marker are dropped: a view opens on its first page, and names itself.
 */
export const viewQuerySchema = z
  .string()
  .max(VIEW_QUERY_MAX, `A view's query holds at most ${VIEW_QUERY_MAX} characters`)
  .transform((query) => {
    const params = new URLSearchParams(query.trim().replace(/^\?/, ""));
    params.delete("page");
    params.delete("savedView");
    return params.toString();
  });

const farmIdSchema = z.coerce.number({ error: "farmId must be a farm's id" }).int().positive("farmId must be a farm's id");
const booleanish = z.preprocess((value) => (value === "true" || value === "on" ? true : value === "false" || value === "" ? false : value), z.boolean({ error: "shared must be true or false" }));

export const savedViewCreateSchema = z
  .object({
    list: listNameSchema,
    name: viewName,
    query: viewQuerySchema.default(""),
    /** Shared with a farm (managers and admins); personal otherwise. */
    shared: booleanish.default(false),
    /** The farm a shared view is for; a farm-bound person's own farm when left out, every farm when null (someone of every farm). */
    farmId: z.preprocess((value) => (value === "" ? undefined : value), farmIdSchema.nullable().optional()),
  })
  .strict();
export type SavedViewCreateInput = z.infer<typeof savedViewCreateSchema>;

export const savedViewUpdateSchema = z
  .object({
    name: viewName.optional(),
    query: viewQuerySchema.optional(),
    shared: booleanish.optional(),
    farmId: z.preprocess((value) => (value === "" ? undefined : value), farmIdSchema.nullable().optional()),
  })
  .strict()
  .refine((input) => Object.values(input).some((value) => value !== undefined), "Send at least one field to change");
export type SavedViewUpdateInput = z.infer<typeof savedViewUpdateSchema>;

export const savedViewListQuerySchema = z.object({ list: listNameSchema.optional() }).strict();
export const savedViewIdSchema = z.coerce.number({ error: "The view id must be a number" }).int().positive("The view id must be a number");
export const pinSchema = z.object({ pinned: z.boolean({ error: "pinned must be true or false" }) }).strict();
