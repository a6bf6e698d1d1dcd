/**
 * The one definition of what a device group (M92 `iot.device.group`) may be written with: the
 * group form, the server actions, /api/v1/groups and the OpenAPI document all use these.
 */
import { z } from "zod";
import { DEVICE_TYPES } from "../devices/device-id";
import { TAG_PALETTE } from "../tags/tag-colors";
import { booleanish, keepWhenBlank, optionalId, optionalNumber, optionalText, requiredText } from "../validation/form-values";

/** Letters, digits, "-" and "_", e.g. GVD-PARLOUR. Stored upper-case, so "gvd-parlour" is the same code. */
export const GROUP_CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]*$/;

export const groupCodeSchema = z
  .string({ error: "Code is required" })
  .trim()
  .min(1, "Code is required")
  .max(50, "At most 50 characters")
  .transform((value) => value.toUpperCase())
  .pipe(z.string().regex(GROUP_CODE_PATTERN, "Use letters, digits, - and _ only (e.g. GVD-PARLOUR)"));

/** M92 offers "All Types" as a value; here "all", "" and null all mean no type filter. */
const deviceTypeFilter = z.preprocess(
  (value) => (value === "" || value === "all" ? null : value),
  z.enum(DEVICE_TYPES, { error: "Unknown device type" }).nullable().optional(),
);

/** M92 health_check_interval: seconds between health checks, 10 s to a day. */
export const HEALTH_CHECK_INTERVAL = { min: 10, max: 86_400, default: 60 } as const;

const groupFields = {
  name: requiredText(120, "Name"),
  code: groupCodeSchema,
  description: optionalText(2000),
  /** null (or blank) = a cross-farm group. Left out on create: the creator's farm (cross-farm for an admin). */
  farmId: optionalId,
  deviceTypeFilter,
  /** null (or blank) = a top-level group. */
  parentId: optionalId,
  sequence: keepWhenBlank(optionalNumber({ min: 0, max: 100_000, int: true })),
  color: keepWhenBlank(optionalNumber({ min: 0, max: TAG_PALETTE.length - 1, int: true })),
  active: booleanish,
  healthCheckInterval: keepWhenBlank(optionalNumber({ min: HEALTH_CHECK_INTERVAL.min, max: HEALTH_CHECK_INTERVAL.max, int: true })),
  /** M92 alert_threshold: this many offline devices in the group raise a group alert. */
  offlineAlertThreshold: keepWhenBlank(optionalNumber({ min: 1, max: 100_000, int: true })),
};

/** POST /api/v1/groups and the "New group" form. */
export const groupCreateSchema = z.object(groupFields).strict();
export type GroupCreateInput = z.infer<typeof groupCreateSchema>;

/** PUT /api/v1/groups/{id}: any subset; a field left out is left as it is. */
export const groupUpdateSchema = z
  .object(groupFields)
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, "Send at least one field to change");
export type GroupUpdateInput = z.infer<typeof groupUpdateSchema>;

/** A group's id in a URL or a form: `/api/v1/groups/abc` is a clear 400, not a 500. */
export const groupIdSchema = z.coerce.number({ error: "A group id is a number" }).int("A group id is a whole number").positive("A group id is a positive number");
export const groupIdParamsSchema = z.object({ id: groupIdSchema });

/** The edit form sends the group's id with every field. */
export const groupEditFormSchema = z.object({ id: groupIdSchema, ...groupFields }).strict();

/** The delete button. */
export const groupDeleteFormSchema = z.object({ id: groupIdSchema }).strict();

/** GET /api/v1/groups?farmId=…&active=…: one farm's groups together with the cross-farm ones. */
export const groupListQuerySchema = z
  .object({
    farmId: optionalId,
    active: booleanish,
  })
  .strict();
export type GroupListQuery = z.infer<typeof groupListQuerySchema>;
