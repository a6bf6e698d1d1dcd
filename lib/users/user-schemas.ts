/**
 * The contracts of user administration and the profile, once: the invite form, the server actions,
 * the /api/v1 route handlers and the OpenAPI document all parse with these. The password policy
 * itself needs the person (their name and e-mail), so it is checked in lib/users, not here.
 */
import { z } from "zod";
import { ROLES } from "../auth/permissions";
import { isTimeZone, LOCALES } from "../i18n/format";
import { optionalId, requiredText } from "../validation/form-values";
import { PASSWORD_MAX_LENGTH } from "./password-policy";

export const USER_STATUSES = ["invited", "active", "deactivated"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const NOTIFY_SEVERITIES = ["low", "warning", "critical"] as const;

export const userIdSchema = z.coerce.number({ error: "A user id is a number" }).int("A user id is a whole number").positive("A user id is a positive number").max(2_147_483_647, "No such user");
export const userIdParamsSchema = z.object({ id: userIdSchema });

const email = z.string({ error: "Enter an e-mail address" }).trim().toLowerCase().max(254, "At most 254 characters").email("Enter an e-mail address such as name@farm.example");
const role = z.enum(ROLES, { error: "Pick a role: admin, manager, technician or viewer" });

/** A form's checkbox ("on", absent) or JSON's true/false. */
const flag = z.preprocess((value) => (value === "on" || value === "true" ? true : value === "false" || value === "" ? false : value), z.boolean({ error: "Must be true or false" }));

export const inviteSchema = z
  .object({
    name: requiredText(120, "Name"),
    email,
    role,
    /** The one farm they are bound to; none = every farm. */
    farmId: optionalId,
  })
  .strict();
export type InviteInput = z.infer<typeof inviteSchema>;

/** An admin's change to a person: any of these, at least one. `active: false` deactivates. */
export const userUpdateSchema = z
  .object({
    name: requiredText(120, "Name").optional(),
    role: role.optional(),
    farmId: optionalId,
    active: flag.optional(),
  })
  .strict()
  .refine((value) => Object.values(value).some((field) => field !== undefined), { message: "Send at least one of name, role, farmId, active" });
export type UserUpdateInput = z.infer<typeof userUpdateSchema>;

/** The role-and-farm form of the users page (both always sent; a blank farm = every farm). */
export const roleFarmFormSchema = z.object({ id: userIdSchema, role, farmId: optionalId }).strict();

export const userActionFormSchema = z.object({ id: userIdSchema }).strict();

export const userListQuerySchema = z
  .object({
    status: z.enum(USER_STATUSES, { error: "Pick invited, active or deactivated" }).optional(),
    role: role.optional(),
  })
  .strict();

const timeZone = z.preprocess(
  (value) => (typeof value === "string" && value.trim() === "" ? null : value),
  z.string().trim().max(64, "At most 64 characters").refine(isTimeZone, "Not a known time zone; use an IANA name such as Europe/Amsterdam").nullable(),
);

/** What a person may change about themselves. Absent = unchanged. */
export const profileSchema = z
  .object({
    name: requiredText(120, "Name").optional(),
    timezone: timeZone.optional().describe("IANA time zone for dates where there is no farm; null = the farm's, else UTC"),
    locale: z.enum(LOCALES, { error: `Pick one of ${LOCALES.join(", ")}` }).optional().describe("Language of dates and numbers"),
    notifyByEmail: flag.optional(),
    notifyInApp: flag.optional(),
    notifyMinSeverity: z.enum(NOTIFY_SEVERITIES, { error: "Pick low, warning or critical" }).optional().describe("The lowest alert severity that reaches you at all"),
    notifyDigest: flag.optional().describe("Gather non-critical notifications into one mail a day"),
  })
  .strict();
export type ProfileInput = z.infer<typeof profileSchema>;

const newPassword = z.string({ error: "Enter a password" }).min(1, "Enter a password").max(PASSWORD_MAX_LENGTH, `At most ${PASSWORD_MAX_LENGTH} characters`);

export const passwordChangeSchema = z
  .object({
    currentPassword: z.string({ error: "Enter your current password" }).min(1, "Enter your current password").max(PASSWORD_MAX_LENGTH),
    newPassword,
    confirmPassword: z.string().max(PASSWORD_MAX_LENGTH),
  })
  .strict()
  .refine((value) => value.newPassword === value.confirmPassword, { path: ["confirmPassword"], message: "The two passwords differ" });
export type PasswordChangeInput = z.infer<typeof passwordChangeSchema>;

/** Setting a password from an invitation or a reset link. */
export const setPasswordSchema = z
  .object({
    token: z.string().min(20, "This link is incomplete").max(100, "This link is not one of ours"),
    password: newPassword,
    confirmPassword: z.string().max(PASSWORD_MAX_LENGTH),
  })
  .strict()
  .refine((value) => value.password === value.confirmPassword, { path: ["confirmPassword"], message: "The two passwords differ" });
export type SetPasswordInput = z.infer<typeof setPasswordSchema>;
