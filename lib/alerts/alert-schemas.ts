/**
 * The one definition of how an alert list is asked for and what acknowledging or resolving an
 * alert takes: the alerts page, its server actions, /api/v1/iot/alerts and the OpenAPI document.
 */
import { z } from "zod";
import { NotFoundError } from "../errors";
import { PAGE_SIZES } from "../devices/device-schemas";
import { optionalText, requiredText } from "../validation/form-values";
import { ALERT_SEVERITIES, ALERT_STATE_FILTERS, ALERT_TYPES } from "./alert-fields";

export { PAGE_SIZES as ALERT_PAGE_SIZES };

/** Several values of one filter, from `?severity=critical,warning`, repeated parameters or a JSON array. */
function many<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.preprocess(
    (value) => (value === undefined || value === "" ? undefined : (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(",")).filter(Boolean)),
    z.array(z.enum(values, { error: `Unknown ${what}` })).optional(),
  );
}

const positiveId = (what: string) => z.preprocess((value) => (value === "" ? undefined : value), z.coerce.number({ error: `${what} must be an id` }).int().positive(`${what} must be an id`).optional());

/** An alert's id in a URL or a form; anything else names no alert. */
export const alertIdSchema = z.coerce.number({ error: "Unknown alert" }).int("Unknown alert").positive("Unknown alert").max(2_147_483_647, "Unknown alert");

/**
 * An alert list as asked in the URL (`/alerts?…`) or the API (`/api/v1/iot/alerts?…`): the same
 * names in both, so a view is bookmarked, shared and scripted alike.
 */
export const alertListQuerySchema = z.object({
  farm: positiveId("farm"),
  severity: many(ALERT_SEVERITIES, "severity"),
  type: many(ALERT_TYPES, "alert type"),
  /** "open" (active or acknowledged) by default: a resolved alert needs nobody. */
  state: z.preprocess((value) => (value === "" ? undefined : value), z.enum(ALERT_STATE_FILTERS, { error: `state must be one of ${ALERT_STATE_FILTERS.join(", ")}` }).default("open")),
  /** A device id (MM001), exactly, ignoring case. */
  device: z
    .string()
    .trim()
    .max(50, "A device id has at most 50 characters")
    .optional()
    .transform((value) => value?.toUpperCase() || undefined),
  /** The group and every group below it: its devices' alerts and its own group alerts. */
  group: positiveId("group"),
  page: z.coerce.number({ error: "page must be a number" }).int().min(1, "page starts at 1").max(100_000).default(1),
  pageSize: z.coerce
    .number({ error: "pageSize must be a number" })
    .int()
    .refine((size) => (PAGE_SIZES as readonly number[]).includes(size), `pageSize must be one of ${PAGE_SIZES.join(", ")}`)
    .default(50),
});
export type AlertListQuery = z.infer<typeof alertListQuerySchema>;
export type AlertFilter = Omit<AlertListQuery, "page" | "pageSize">;

/** Acknowledging says "I have seen it"; a note is welcome but not required (M92 takes none). */
export const acknowledgeAlertSchema = z.object({ notes: optionalText(2000).describe("What is being done about it") }).strict();
export type AcknowledgeAlertInput = z.infer<typeof acknowledgeAlertSchema>;

/** Resolving closes the alert for good, so the next person must be able to read why. */
export const resolveAlertSchema = z.object({ notes: requiredText(2000, "Resolution notes").describe("What was done; kept as the resolution notes") }).strict();
export type ResolveAlertInput = z.infer<typeof resolveAlertSchema>;

/** The query back as URL parameters, defaults left out so links stay short. */
export function alertQueryToSearchParams(query: Partial<AlertListQuery>): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: unknown) => {
    if (value === undefined || value === null || value === "") return;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  };
  set("farm", query.farm);
  set("severity", query.severity?.length ? query.severity : undefined);
  set("type", query.type?.length ? query.type : undefined);
  set("state", query.state === "open" ? undefined : query.state);
  set("device", query.device);
  set("group", query.group);
  set("page", query.page === 1 ? undefined : query.page);
  set("pageSize", query.pageSize === 50 ? undefined : query.pageSize);
  return params;
}

/** `{id}` of /api/v1/iot/alerts/{id} or /alerts/[id]: anything but an alert's number names no alert (404, not 400). */
export function alertIdFromPath(raw: string): number {
  const parsed = alertIdSchema.safeParse(raw);
  if (!parsed.success) throw new NotFoundError(`No alert has the id “${raw}”.`);
  return parsed.data;
}
