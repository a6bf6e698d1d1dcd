/**
 * What people may send to configure notifications: channels, rules, a farm's on-call list, the
 * inbox and the delivery log filters. One source for the settings forms (FormData: a checkbox is
 * "true" after a hidden "false", several values of a name arrive as a list), the server actions,
 * the /api/v1 routes (JSON) and the OpenAPI document.
 */
import { z } from "zod";
import { ALERT_SEVERITIES, ALERT_TYPES } from "../alerts/alert-fields";

const INT_MAX = 2_147_483_647;
export const CHANNEL_KINDS = ["email", "webhook"] as const;
export const WEBHOOK_FORMATS = ["json", "slack", "teams"] as const;
export const WEBHOOK_FORMAT_LABEL: Record<(typeof WEBHOOK_FORMATS)[number], string> = { json: "JSON (signed)", slack: "Slack incoming webhook", teams: "Microsoft Teams incoming webhook" };
export const NOTIFICATION_KINDS = ["email", "webhook", "in_app"] as const;
export const NOTIFICATION_STATUSES = ["queued", "held", "digest", "sent", "failed", "cancelled"] as const;
export const MAX_ON_CALL_LEVELS = 10;

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const blankToNull = (value: unknown) => (value === undefined || (typeof value === "string" && value.trim() === "") ? null : value);
/** A form's checkbox after its hidden "false" arrives as ["false", "true"]: the last value wins. */
const lastOf = (value: unknown) => (Array.isArray(value) ? value.at(-1) : value);
/** One value, several (checkboxes), a comma list (a query string) or nothing: always a list. */
const toList = (value: unknown) => {
  if (value === undefined || value === null || value === "") return [];
  if (Array.isArray(value)) return value.filter((item) => item !== "");
  if (typeof value === "string") return value.split(",").map((item) => item.trim()).filter(Boolean);
  return [value];
};

export const recordId = z.coerce.number({ error: "Pick one" }).int("Pick one").positive("Pick one").max(INT_MAX, "Pick one");
const idList = (what: string) => z.preprocess(toList, z.array(z.coerce.number().int().positive(`Not a ${what}`).max(INT_MAX, `Not a ${what}`)).max(100, `At most 100 ${what}s`));

export const flag = z.preprocess((value) => {
  const last = lastOf(value);
  if (last === "true" || last === "on" || last === "1") return true;
  if (last === "false" || last === "0" || last === "") return false;
  return last;
}, z.boolean({ error: "Yes or no" }));

const name = z.preprocess((value) => (typeof value === "string" ? value.trim() : value), z.string({ error: "Enter a name" }).min(1, "Enter a name").max(120, "At most 120 characters"));

/** "22:00" — farm-local time of day; blank = none. */
const clockTime = z.preprocess(blankToNull, z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use a time like 22:00").nullable());

export function minutesOfDay(time: string | null | undefined): number | null {
  if (!time) return null;
  const [hours, minutes] = time.split(":").map(Number);
  return hours! * 60 + minutes!;
}

export function timeOfDay(minutes: number | null | undefined): string | null {
  if (minutes === null || minutes === undefined) return null;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

// ---------------------------------------------------------------- channels

const email = z.preprocess((value) => (typeof value === "string" ? value.trim() : value), z.email({ error: "Enter an e-mail address such as parlour@farm.example" }).max(254, "At most 254 characters"));
const webhookUrl = z.preprocess((value) => (typeof value === "string" ? value.trim() : value), z.string({ error: "Enter the webhook URL" }).min(1, "Enter the webhook URL").max(2000, "At most 2000 characters"));

export const channelCreateSchema = z
  .object({
    /** Blank / null = shared by every farm (only someone of every farm may make one). */
    farmId: z.preprocess(blankToNull, recordId.nullable()),
    name,
    kind: z.enum(CHANNEL_KINDS, { error: "Pick e-mail or webhook" }),
    address: z.preprocess(blankToUndefined, email.optional()),
    url: z.preprocess(blankToUndefined, webhookUrl.optional()),
    format: z.preprocess(blankToUndefined, z.enum(WEBHOOK_FORMATS, { error: "Pick JSON, Slack or Teams" }).default("json")),
    /** Make an HMAC-SHA256 signing secret; it is shown once, in the answer. */
    generateSecret: flag.default(false),
    enabled: flag.default(true),
  })
  .superRefine((value, context) => {
    if (value.kind === "email" && !value.address) context.addIssue({ code: "custom", path: ["address"], message: "Enter the mailbox's e-mail address" });
    if (value.kind === "webhook" && !value.url) context.addIssue({ code: "custom", path: ["url"], message: "Enter the webhook URL" });
  });
export type ChannelCreateInput = z.infer<typeof channelCreateSchema>;

/** Only what is sent changes. A new `url` replaces the stored one (which is never shown again). */
export const channelUpdateSchema = z.object({
  name: name.optional(),
  address: z.preprocess(blankToUndefined, email.optional()),
  url: z.preprocess(blankToUndefined, webhookUrl.optional()),
  format: z.preprocess(blankToUndefined, z.enum(WEBHOOK_FORMATS, { error: "Pick JSON, Slack or Teams" }).optional()),
  enabled: flag.optional(),
  /** A new signing secret, shown once; the old one stops being used. */
  rotateSecret: flag.optional(),
  /** No signing at all. */
  removeSecret: flag.optional(),
});
export type ChannelUpdateInput = z.infer<typeof channelUpdateSchema>;

export const channelListQuerySchema = z.object({ farm: z.preprocess(blankToUndefined, recordId.optional()) });

// ---------------------------------------------------------------- rules

const ruleFields = {
  name,
  /** Only this group's devices (and its sub-groups'); blank = the whole farm. */
  groupId: z.preprocess(blankToNull, recordId.nullable()),
  /** Empty = every alert type. */
  alertTypes: z.preprocess(toList, z.array(z.enum(ALERT_TYPES, { error: "Not an alert type" }))),
  minSeverity: z.enum(ALERT_SEVERITIES, { error: "Pick a severity" }),
  userIds: idList("person"),
  channelIds: idList("channel"),
  quietStart: clockTime,
  quietEnd: clockTime,
  digest: flag,
  enabled: flag,
};

function checkQuietHours(value: { quietStart?: string | null; quietEnd?: string | null }, context: z.RefinementCtx) {
  if (value.quietStart === undefined && value.quietEnd === undefined) return;
  const start = value.quietStart ?? null;
  const end = value.quietEnd ?? null;
  if (start && !end) context.addIssue({ code: "custom", path: ["quietEnd"], message: "Enter when the quiet hours end" });
  if (end && !start) context.addIssue({ code: "custom", path: ["quietStart"], message: "Enter when the quiet hours start" });
  if (start && end && start === end) context.addIssue({ code: "custom", path: ["quietEnd"], message: "The quiet hours must end at another time than they start" });
}

export const ruleCreateSchema = z
  .object({
    farmId: recordId,
    ...ruleFields,
    groupId: ruleFields.groupId.default(null),
    alertTypes: ruleFields.alertTypes.default([]),
    minSeverity: ruleFields.minSeverity.default("warning"),
    userIds: ruleFields.userIds.default([]),
    channelIds: ruleFields.channelIds.default([]),
    quietStart: ruleFields.quietStart.default(null),
    quietEnd: ruleFields.quietEnd.default(null),
    digest: flag.default(false),
    enabled: flag.default(true),
  })
  .superRefine(checkQuietHours);
export type RuleCreateInput = z.infer<typeof ruleCreateSchema>;

export const ruleUpdateSchema = z.object(ruleFields).partial().superRefine(checkQuietHours);
export type RuleUpdateInput = z.infer<typeof ruleUpdateSchema>;

export const ruleListQuerySchema = channelListQuerySchema;

// ---------------------------------------------------------------- on-call

const onCallLevel = z
  .object({ userIds: idList("person").default([]), channelIds: idList("channel").default([]) })
  .refine((level) => level.userIds.length + level.channelIds.length > 0, { message: "Pick at least one person or channel for this level", path: ["userIds"] });

/** The whole list at once (levels in order: the first is level 1) and the farm's timing. */
export const onCallSchema = z.object({
  escalationIntervalMinutes: z.coerce.number({ error: "Enter minutes (1–1440)" }).int("Whole minutes").min(1, "At least 1 minute").max(1440, "At most 1440 minutes (a day)"),
  debounceMinutes: z.coerce.number({ error: "Enter minutes (0–1440)" }).int("Whole minutes").min(0, "0 or more").max(1440, "At most 1440 minutes (a day)"),
  levels: z.preprocess(
    (value) => {
      if (typeof value !== "string") return value;
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    },
    z.array(onCallLevel, { error: "A list of levels" }).max(MAX_ON_CALL_LEVELS, `At most ${MAX_ON_CALL_LEVELS} levels`),
  ),
});
export type OnCallInput = z.infer<typeof onCallSchema>;

// ---------------------------------------------------------------- inbox

export const inboxQuerySchema = z.object({
  limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(0, "0 or more").max(100, "At most 100").default(30)),
  unread: z.preprocess(blankToUndefined, flag.default(false)),
  /** Older than this notification id (the next page). */
  before: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()),
});
export type InboxQuery = z.infer<typeof inboxQuerySchema>;

export const markReadSchema = z
  .object({
    ids: idList("notification").optional(),
    all: flag.optional(),
  })
  .refine((value) => value.all === true || (value.ids?.length ?? 0) > 0, { message: "Name the notifications to mark read, or all", path: ["ids"] });
export type MarkReadInput = z.infer<typeof markReadSchema>;

// ---------------------------------------------------------------- delivery log

const day = z.preprocess(blankToUndefined, z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD").optional());

export const deliveryListQuerySchema = z.object({
  status: z.preprocess(blankToUndefined, z.enum(NOTIFICATION_STATUSES, { error: "Not a status" }).optional()),
  kind: z.preprocess(blankToUndefined, z.enum(NOTIFICATION_KINDS, { error: "Not a kind" }).optional()),
  farm: z.preprocess(blankToUndefined, recordId.optional()),
  /** Made on or after this day (UTC). */
  from: day,
  /** Made on or before this day (UTC). */
  to: day,
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).default(1)),
  pageSize: z.preprocess(blankToUndefined, z.coerce.number().int().refine((size) => [25, 50, 100, 200].includes(size), "25, 50, 100 or 200").default(25)),
});
export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;
