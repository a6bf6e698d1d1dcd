/**
 * zod pieces that read the same from an HTML form and from a JSON body: a form sends "" for an
 * empty field and strings for numbers, JSON sends null and numbers. One schema then serves the
 * server action, the route handler and the OpenAPI document.
 */
import { z } from "zod";

const blankToNull = (value: unknown) => (typeof value === "string" && value.trim() === "" ? null : value);

/** Optional free text, trimmed; blank means "none" (null). */
export function optionalText(max: number) {
  return z.preprocess(blankToNull, z.string().trim().max(max, `At most ${max} characters`).nullable().optional());
}

export function requiredText(max: number, label: string) {
  return z.string({ error: `${label} is required` }).trim().min(1, `${label} is required`).max(max, `At most ${max} characters`);
}

/**
 * An optional number within bounds; "abc" is refused with a message, not NaN. Bounds are zod's
 * own checks (not refinements) so the OpenAPI document carries them as minimum/maximum.
 */
export function optionalNumber(options: { min?: number; max?: number; int?: boolean } = {}) {
  let number = z.coerce.number({ error: "Must be a number" });
  if (options.int) number = number.int("Must be a whole number");
  if (options.min !== undefined) number = number.min(options.min, `Must be at least ${options.min}`);
  if (options.max !== undefined) number = number.max(options.max, `Must be at most ${options.max}`);
  return z.preprocess(blankToNull, number.nullable().optional());
}

/**
 * For a column that always has a value (a threshold with a default): blank means "leave it as
 * it is" (or the default on create), never null.
 */
export function keepWhenBlank<T extends z.ZodType>(schema: T) {
  return schema.transform((value) => (value === null ? undefined : value) as Exclude<z.output<T>, null>).optional();
}

/** A positive integer id (farm, group, tag) from a form or JSON; blank means none. */
export const optionalId = z.preprocess(blankToNull, z.coerce.number({ error: "Pick one from the list" }).int().positive("Pick one from the list").max(2_147_483_647, "Pick one from the list").nullable().optional());

/**
 * A calendar date (YYYY-MM-DD), kept as a Date at UTC midnight. The date must read back the same:
 * JavaScript takes "2026-02-30" as 2 March, which would store a day nobody entered.
 */
export const optionalDate = z.preprocess(
  blankToNull,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Use the format YYYY-MM-DD")
    .refine((value) => {
      const time = Date.parse(`${value}T00:00:00Z`);
      return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
    }, "Not a real date")
    .transform((value) => new Date(`${value}T00:00:00Z`))
    .nullable()
    .optional(),
);

/** An optional enum value; blank means none. */
export function optionalEnum<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.preprocess(blankToNull, z.enum(values, { error: message }).nullable().optional());
}

/** A list of ids from repeated form fields or a JSON array; a lone "" (the "none" marker) is dropped. */
export const idList = z.preprocess(
  (value) => (value === undefined || value === null ? value : (Array.isArray(value) ? value : [value]).filter((item) => item !== "")),
  z.array(z.coerce.number().int().positive("Unknown id")).max(100, "At most 100").optional(),
);

/** "true"/"on"/"1" from a checkbox or a query string, or a JSON boolean. */
export const booleanish = z.preprocess((value) => {
  if (typeof value === "boolean" || value === undefined || value === null) return value;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (["true", "on", "1", "yes"].includes(word)) return true;
    if (["false", "off", "0", "no"].includes(word)) return false;
  }
  return value;
}, z.boolean({ error: "Must be true or false" }).optional());
