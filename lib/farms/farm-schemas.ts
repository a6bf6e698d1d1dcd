/**
 * What a farm is made of, as admins enter it (the farm form, POST/PATCH /api/v1/farms): the one
 * zod source for the form, the server action, the route handlers and the OpenAPI document.
 *
 * The alert timings are I-013 appendix D's: a critical alert not acknowledged within the
 * escalation interval goes to the next on-call level (1–1440 minutes: at least a minute, at most a
 * day); the debounce keeps a flapping device from notifying again within it (0 = off); the daily
 * digest goes out at a farm-local hour. Currency and unit prices are the cost reports' and keep
 * their own schema (lib/costs/cost-rates.ts); a farm form or body may carry them along.
 */
import { z } from "zod";
import { costRatesSchema } from "../costs/cost-rates";
import { NotFoundError } from "../errors";
import { isTimeZone } from "../i18n/format";
import { optionalNumber, optionalText, requiredText } from "../validation/form-values";

/**
 * The zones a farm may be in: the runtime's IANA list (Intl.supportedValuesOf) and UTC, which the
 * list leaves out but every farm starts in.
 */
export const TIME_ZONES: readonly string[] = ["UTC", ...Intl.supportedValuesOf("timeZone")];
const ZONE_SET = new Set(TIME_ZONES);

/**
 * A zone from the list; an IANA link the runtime also knows (Asia/Kolkata for the list's
 * Asia/Calcutta) is accepted from a script too. Offsets ("+01:00") are not: a farm's clock follows
 * daylight saving.
 */
export function isFarmTimeZone(value: string): boolean {
  return ZONE_SET.has(value) || (/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(value) && isTimeZone(value));
}

export const FARM_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{0,19}$/;

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

function wholeNumber(min: number, max: number, label: string) {
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `${label}: enter a whole number from ${min} to ${max}` })
      .int(`${label}: enter a whole number from ${min} to ${max}`)
      .min(min, `${label}: at least ${min}`)
      .max(max, `${label}: at most ${max}`),
  );
}

export const farmFieldsSchema = z.object({
  name: requiredText(120, "Name"),
  code: z.preprocess(
    (value) => (typeof value === "string" ? value.trim().toUpperCase() : value),
    z.string({ error: "Code is required" }).min(1, "Code is required").regex(FARM_CODE_PATTERN, "Use 1–20 letters, digits or dashes, e.g. GVD"),
  ),
  address: optionalText(300),
  latitude: optionalNumber({ min: -90, max: 90 }),
  longitude: optionalNumber({ min: -180, max: 180 }),
  timezone: z.preprocess(
    (value) => (typeof value === "string" ? value.trim() : value),
    z
      .string({ error: "Pick a time zone" })
      .min(1, "Pick a time zone")
      .refine(isFarmTimeZone, "Not a time zone this server knows: pick one from the list, e.g. Europe/Amsterdam")
      .describe("IANA time zone, e.g. Europe/Amsterdam"),
  ),
  escalationIntervalMinutes: wholeNumber(1, 1440, "Escalation interval"),
  debounceMinutes: wholeNumber(0, 1440, "Debounce"),
  digestHour: wholeNumber(0, 23, "Digest hour"),
});

/** A place is both coordinates or neither: half a location puts a farm on the equator. */
function bothOrNeither(value: { latitude?: number | null; longitude?: number | null }, context: z.RefinementCtx) {
  const hasLat = value.latitude !== undefined && value.latitude !== null;
  const hasLon = value.longitude !== undefined && value.longitude !== null;
  if (hasLat && !hasLon) context.addIssue({ code: "custom", path: ["longitude"], message: "Enter the longitude too (or clear the latitude)" });
  if (hasLon && !hasLat) context.addIssue({ code: "custom", path: ["latitude"], message: "Enter the latitude too (or clear the longitude)" });
}

/** A new farm: name and code are needed; the rest has the schema's defaults (UTC, 15/5 min, 07:00). */
export const farmCreateSchema = farmFieldsSchema
  .extend({
    timezone: farmFieldsSchema.shape.timezone.default("UTC"),
    escalationIntervalMinutes: farmFieldsSchema.shape.escalationIntervalMinutes.default(15),
    debounceMinutes: farmFieldsSchema.shape.debounceMinutes.default(5),
    digestHour: farmFieldsSchema.shape.digestHour.default(7),
    costRates: costRatesSchema.optional().describe("The farm's currency and unit prices; left out, the defaults apply"),
  })
  .strict()
  .superRefine(bothOrNeither);
export type FarmCreateInput = z.infer<typeof farmCreateSchema>;

/**
 * A change: only the fields sent change (PATCH); the form sends all of them. Clearing the
 * location takes both coordinates as null.
 */
export const farmUpdateSchema = farmFieldsSchema
  .partial()
  .extend({ costRates: costRatesSchema.optional().describe("Replaces the farm's currency and unit prices (all of them)") })
  .strict()
  .superRefine((value, context) => {
    // a PATCH that sends one coordinate changes only that one; the other is checked against the row
    if (value.latitude !== undefined && value.longitude !== undefined) bothOrNeither(value, context);
  });
export type FarmUpdateInput = z.infer<typeof farmUpdateSchema>;

/** What a farm looks like to the API and the pages. */
export type FarmView = {
  id: number;
  code: string;
  name: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  timezone: string;
  escalationIntervalMinutes: number;
  debounceMinutes: number;
  digestHour: number;
  createdAt: string;
};

/** A farm id from a URL; anything else is "not found" (as an id no farm has). */
export function farmIdFromPath(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 2_147_483_647) throw new NotFoundError(`Farm ${raw} not found.`);
  return value;
}
