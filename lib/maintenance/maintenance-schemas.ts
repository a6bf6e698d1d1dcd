/**
 * The one definition of what maintenance takes: plans, one-off work, starting, recording,
 * cancelling, moving and reassigning work, and how the list and calendar are asked for. The pages'
 * forms, the server actions, /api/v1/maintenance* and the OpenAPI document all read these.
 *
 * Form notes: `parts` may come as a JSON string (one hidden field the parts editor fills) or a
 * JSON array; `useMaintenanceMode` is a checkbox, so a form sends a hidden "false" before it (the
 * API's default is true); `calibration` is an object (forms: a JSON string in one field).
 */
import { z } from "zod";
import { NotFoundError } from "../errors";
import { calibrationInputSchema } from "../calibration/calibration-schemas";
import { DEVICE_TYPES } from "../devices/device-id";
import { PAGE_SIZES } from "../devices/device-schemas";
import { booleanish, optionalDate, optionalEnum, optionalId, optionalNumber, optionalText, requiredText } from "../validation/form-values";
import { MAINTENANCE_DUE_FILTERS, MAINTENANCE_SCOPES, MAINTENANCE_STATUSES, MAINTENANCE_TYPES, RECURRENCE_UNITS } from "./maintenance-fields";

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const jsonString = (value: unknown) => {
  if (typeof value !== "string") return value;
  if (value.trim() === "") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

const maintenanceType = z.enum(MAINTENANCE_TYPES, { error: `Pick a type: ${MAINTENANCE_TYPES.join(", ")}` });
/** PostgreSQL's integer: a larger id names nothing, and must be refused as such, not crash the query. */
const MAX_ID = 2_147_483_647;

const requiredDate = (label: string) => optionalDate.refine((value) => value instanceof Date, `${label} is required`).transform((value) => value as Date);

/** A device named by its public id (MM001) or its row id; case does not matter. */
const deviceRef = z.preprocess(
  (value) => (typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : blankToUndefined(value)),
  z.union([z.number().int().positive().max(MAX_ID, "No such device"), z.string().trim().max(50, "A device id has at most 50 characters").transform((value) => value.toUpperCase())]).optional(),
);

/** A maintenance record's (occurrence's) id in a URL or a form. */
export const maintenanceIdSchema = z.coerce.number({ error: "Unknown maintenance record" }).int("Unknown maintenance record").positive("Unknown maintenance record").max(2_147_483_647, "Unknown maintenance record");
export const maintenancePlanIdSchema = z.coerce.number({ error: "Unknown plan" }).int("Unknown plan").positive("Unknown plan").max(2_147_483_647, "Unknown plan");

const planFields = {
  name: requiredText(120, "A name"),
  maintenanceType,
  description: optionalText(2000),
  /** null (and everyUnit null): a one-off plan on startsOn. */
  everyCount: optionalNumber({ min: 1, max: 366, int: true }),
  everyUnit: optionalEnum(RECURRENCE_UNITS, `Pick days, weeks or months`),
  startsOn: requiredDate("The first date"),
  endsOn: optionalDate,
  assigneeId: optionalId,
  /** Expected time per device, minutes. */
  durationMinutes: optionalNumber({ min: 0, max: 10_000, int: true }),
  useMaintenanceMode: booleanish.default(true),
};

function checkRecurrence(input: { everyCount?: number | null; everyUnit?: string | null; startsOn?: Date; endsOn?: Date | null }, ctx: z.RefinementCtx) {
  const hasCount = input.everyCount !== null && input.everyCount !== undefined;
  const hasUnit = input.everyUnit !== null && input.everyUnit !== undefined;
  if (hasCount && !hasUnit) ctx.addIssue({ code: "custom", path: ["everyUnit"], message: "Say days, weeks or months" });
  if (hasUnit && !hasCount) ctx.addIssue({ code: "custom", path: ["everyCount"], message: "Say how many (every N)" });
  if (input.endsOn && input.startsOn && input.endsOn.getTime() < input.startsOn.getTime()) {
    ctx.addIssue({ code: "custom", path: ["endsOn"], message: "The end date must be on or after the first date" });
  }
}

/**
 * A plan: one device, a group (and its subgroups) or every device of a type on one farm; one-off
 * (no interval) or every N days, weeks or months from startsOn, until endsOn (inclusive) if given.
 * farmId: the plan's farm; with a device or group it is theirs (and must match if given), with a
 * device type it is required unless the actor is bound to one farm.
 */
export const planInputSchema = z
  .object({
    ...planFields,
    scope: z.enum(MAINTENANCE_SCOPES, { error: "Pick one device, a group or a device type" }),
    farmId: optionalId,
    device: deviceRef,
    groupId: optionalId,
    deviceType: optionalEnum(DEVICE_TYPES, "Pick a device type"),
  })
  .strict()
  .superRefine((input, ctx) => {
    checkRecurrence(input, ctx);
    if (input.scope === "device" && input.device === undefined) ctx.addIssue({ code: "custom", path: ["device"], message: "Pick the device" });
    if (input.scope === "group" && !input.groupId) ctx.addIssue({ code: "custom", path: ["groupId"], message: "Pick the group" });
    if (input.scope === "device_type" && !input.deviceType) ctx.addIssue({ code: "custom", path: ["deviceType"], message: "Pick the device type" });
  });
export type PlanInput = z.output<typeof planInputSchema>;

/**
 * Changing a plan: what it does and when (its scope stays; make a new plan for other devices).
 * Occurrences not yet started move with it: open future ones of the old rhythm are removed and the
 * sweep makes the new ones; done and started work stays as it was.
 */
export const planUpdateSchema = z
  .object({
    name: requiredText(120, "A name").optional(),
    maintenanceType: maintenanceType.optional(),
    description: planFields.description,
    everyCount: planFields.everyCount,
    everyUnit: planFields.everyUnit,
    startsOn: optionalDate,
    endsOn: optionalDate,
    assigneeId: optionalId,
    durationMinutes: planFields.durationMinutes,
    useMaintenanceMode: booleanish,
  })
  .strict()
  .superRefine((input, ctx) => checkRecurrence({ ...input, startsOn: input.startsOn ?? undefined }, ctx));
export type PlanUpdateInput = z.output<typeof planUpdateSchema>;

/** One-off work on one device, outside any plan (a repair, a visit). */
export const workInputSchema = z
  .object({
    device: deviceRef.refine((value) => value !== undefined, "Pick the device"),
    maintenanceType,
    scheduledDate: requiredDate("The date"),
    assigneeId: optionalId,
    description: optionalText(2000),
    durationMinutes: optionalNumber({ min: 0, max: 10_000, int: true }),
    useMaintenanceMode: booleanish.default(true),
  })
  .strict();
export type WorkInput = z.output<typeof workInputSchema>;

/** Starting work takes nothing but the click; a note is kept if given. */
export const startWorkSchema = z.object({ notes: optionalText(4000) }).strict();
export type StartWorkInput = z.output<typeof startWorkSchema>;

/** An amount in the farm's currency: whole cents, as the cost columns keep it. */
const amount = optionalNumber({ min: 0, max: 1_000_000 }).refine(
  (value) => value === null || value === undefined || Number.isInteger(Math.round(value * 100 * 1e6) / 1e6),
  "At most two decimals (cents)",
);

/** The most a record's total (parts + labour) can be: the cost column's DECIMAL(10,2). */
export const MAX_WORK_COST = 99_999_999.99;

export const partSchema = z
  .object({
    name: requiredText(120, "The part's name"),
    partNumber: optionalText(60),
    quantity: z.coerce.number({ error: "Must be a number" }).int("Must be a whole number").min(1, "At least 1").max(10_000, "At most 10000"),
    unitCost: amount,
  })
  .strict();
export type Part = z.output<typeof partSchema>;

/**
 * Recording work done (from in progress, or straight from scheduled/overdue when the technician
 * records it afterwards). cost = Σ quantity × unitCost + laborCost, computed by the server.
 * `calibration`: the readings, for calibration work; it writes the calibration record and moves
 * the device's next due date in the same transaction.
 */
export const completeWorkSchema = z
  .object({
    notes: optionalText(4000),
    parts: z.preprocess(jsonString, z.array(partSchema, { error: "Parts must be a list" }).max(50, "At most 50 parts").default([])),
    durationMinutes: optionalNumber({ min: 0, max: 10_000, int: true }),
    laborCost: amount,
    /** When it was done; blank: now. Not in the future. */
    performedAt: z.preprocess(blankToUndefined, z.coerce.date({ error: "Not a date and time" }).optional()),
    calibration: z.preprocess(jsonString, calibrationInputSchema.optional()),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.performedAt && input.performedAt.getTime() > Date.now() + 5 * 60_000) {
      ctx.addIssue({ code: "custom", path: ["performedAt"], message: "Work cannot be recorded in the future" });
    }
    const cents = input.parts.reduce((sum, part) => sum + Math.round((part.unitCost ?? 0) * 100) * part.quantity, 0) + Math.round((input.laborCost ?? 0) * 100);
    if (cents > MAX_WORK_COST * 100) {
      ctx.addIssue({ code: "custom", path: ["parts"], message: `The total of parts and labour is more than ${MAX_WORK_COST.toLocaleString("en")}: check the quantities and prices` });
    }
  });
export type CompleteWorkInput = z.output<typeof completeWorkSchema>;

export const cancelWorkSchema = z.object({ reason: requiredText(200, "A reason") }).strict();
export type CancelWorkInput = z.output<typeof cancelWorkSchema>;

/** Moving work to another day and/or giving it to someone else (assigneeId null: nobody). */
export const rescheduleWorkSchema = z
  .object({
    scheduledDate: optionalDate,
    assigneeId: optionalId,
    description: optionalText(2000),
  })
  .strict()
  .refine((input) => input.scheduledDate !== undefined || input.assigneeId !== undefined || input.description !== undefined, { message: "Change the date, the assignee or the description", path: ["scheduledDate"] });
export type RescheduleWorkInput = z.output<typeof rescheduleWorkSchema>;

/** Several values of one filter, from `?type=calibration,cleaning`, repeated parameters or a JSON array. */
function many<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.preprocess(
    (value) => (value === undefined || value === "" ? undefined : (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(",")).filter(Boolean)),
    z.array(z.enum(values, { error: `Unknown ${what}` })).optional(),
  );
}

const positiveId = (what: string) => z.preprocess(blankToUndefined, z.coerce.number({ error: `${what} must be an id` }).int().positive(`${what} must be an id`).max(MAX_ID, `${what} must be an id`).optional());

/** "me", "none" (unassigned) or a user id. */
const assigneeFilter = z.preprocess(
  blankToUndefined,
  z.union([z.literal("me"), z.literal("none"), z.coerce.number({ error: 'assignee must be "me", "none" or a user id' }).int().positive('assignee must be "me", "none" or a user id').max(MAX_ID, 'assignee must be "me", "none" or a user id')]).optional(),
);

const filterFields = {
  farm: positiveId("farm"),
  type: many(MAINTENANCE_TYPES, "maintenance type"),
  status: many(MAINTENANCE_STATUSES, "status"),
  assignee: assigneeFilter,
  /** A device id (MM001), exactly, ignoring case. */
  device: z
    .string()
    .trim()
    .max(50, "A device id has at most 50 characters")
    .optional()
    .transform((value) => value?.toUpperCase() || undefined),
  plan: positiveId("plan"),
  from: optionalDate,
  to: optionalDate,
  due: z.preprocess(blankToUndefined, z.enum(MAINTENANCE_DUE_FILTERS, { error: `due must be one of ${MAINTENANCE_DUE_FILTERS.join(", ")}` }).optional()),
};

function checkRange(input: { from?: Date | null; to?: Date | null }, ctx: z.RefinementCtx) {
  if (input.from && input.to && input.to.getTime() < input.from.getTime()) ctx.addIssue({ code: "custom", path: ["to"], message: "to must be on or after from" });
}

/**
 * The maintenance list as asked in the URL (`/maintenance/list?…`) or the API: the same names in
 * both. Sorted by scheduled date (then id); `due` and `from`/`to` combine (both apply).
 */
export const maintenanceListQuerySchema = z
  .object({
    ...filterFields,
    page: z.coerce.number({ error: "page must be a number" }).int().min(1, "page starts at 1").max(10_000, "page is at most 10000").default(1),
    pageSize: z.coerce
      .number({ error: "pageSize must be a number" })
      .int()
      .refine((size) => (PAGE_SIZES as readonly number[]).includes(size), `pageSize must be one of ${PAGE_SIZES.join(", ")}`)
      .default(50),
    /** Newest first (history) instead of soonest first. */
    dir: z.preprocess(blankToUndefined, z.enum(["asc", "desc"], { error: "dir must be asc or desc" }).default("asc")),
  })
  .superRefine(checkRange);
export type MaintenanceListQuery = z.output<typeof maintenanceListQuerySchema>;
export type MaintenanceFilter = Omit<MaintenanceListQuery, "page" | "pageSize" | "dir">;

/** The calendar's days: from and to inclusive, at most 62 days (a month grid of six weeks fits). */
export const MAX_CALENDAR_DAYS = 62;
export const calendarQuerySchema = z
  .object({
    ...filterFields,
    from: requiredDate("from"),
    to: requiredDate("to"),
  })
  .superRefine((input, ctx) => {
    checkRange(input, ctx);
    if (input.from && input.to && (input.to.getTime() - input.from.getTime()) / 86_400_000 >= MAX_CALENDAR_DAYS) {
      ctx.addIssue({ code: "custom", path: ["to"], message: `The calendar shows at most ${MAX_CALENDAR_DAYS} days` });
    }
  });
export type CalendarQuery = z.output<typeof calendarQuerySchema>;

export const planListQuerySchema = z.object({
  farm: positiveId("farm"),
  /** Active plans by default; "all" includes deactivated ones. */
  active: z.preprocess(blankToUndefined, z.enum(["active", "inactive", "all"], { error: "active must be active, inactive or all" }).default("active")),
  type: many(MAINTENANCE_TYPES, "maintenance type"),
  page: z.coerce.number({ error: "page must be a number" }).int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number({ error: "pageSize must be a number" }).int().min(1).max(200).default(50),
});
export type PlanListQuery = z.output<typeof planListQuerySchema>;

/** The query back as URL parameters, defaults left out so links stay short. */
export function maintenanceQueryToSearchParams(query: Partial<MaintenanceListQuery>): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: unknown) => {
    if (value === undefined || value === null || value === "") return;
    if (value instanceof Date) return params.set(key, value.toISOString().slice(0, 10));
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  };
  set("farm", query.farm);
  set("type", query.type?.length ? query.type : undefined);
  set("status", query.status?.length ? query.status : undefined);
  set("assignee", query.assignee);
  set("device", query.device);
  set("plan", query.plan);
  set("from", query.from);
  set("to", query.to);
  set("due", query.due);
  set("dir", query.dir === "asc" ? undefined : query.dir);
  set("page", query.page === 1 ? undefined : query.page);
  set("pageSize", query.pageSize === 50 ? undefined : query.pageSize);
  return params;
}

/** A record's or plan's id from a URL path; anything else names nothing (404). */
export function idFromPath(raw: string, what: "maintenance record" | "plan" | "attachment"): number {
  const parsed = maintenanceIdSchema.safeParse(raw);
  if (!parsed.success) throw new NotFoundError(`No ${what} has the id “${raw}”.`);
  return parsed.data;
}
