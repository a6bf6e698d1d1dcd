/**
 * The OpenAPI operations of user administration and the profile (lib/api/openapi.ts merges them).
 * Request bodies are the schemas the route handlers parse with (lib/users/user-schemas.ts).
 */
import { z } from "zod";
import { CALLER, components, errors, idParameter, json, listOf, ok, operation, queryParameters, ref, timestamp, type OpenApiArea } from "../api/openapi-helpers";
import { ROLES } from "../auth/permissions";
import { LOCALES } from "../i18n/format";
import { inviteSchema, NOTIFY_SEVERITIES, profileSchema, USER_STATUSES, userIdSchema, userListQuerySchema, userUpdateSchema } from "./user-schemas";

const TAG = "Users";
const userId = idParameter("user", userIdSchema);

const account = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  farmId: z.number().int().nullable().describe("The one farm they are bound to; null = every farm"),
  farmName: z.string().nullable(),
  status: z.enum(USER_STATUSES).describe("invited: asked to join, no password set yet; active; deactivated: cannot sign in, sessions and API keys stopped"),
  invitation: z
    .object({ state: z.enum(["pending", "expired"]), expiresAt: timestamp.nullable() })
    .nullable()
    .describe("For an invited person: whether their newest link still works"),
  lastLoginAt: timestamp.nullable(),
  invitedAt: timestamp.nullable(),
  joinedAt: timestamp.nullable(),
  deactivatedAt: timestamp.nullable(),
  createdAt: timestamp,
});
const issued = z.object({
  user: account,
  link: z.string().describe("The one-time link. Returned only in this answer (only its SHA-256 is stored) and mailed to the person"),
  expiresAt: timestamp,
  mailed: z.literal(true).describe("The mail is queued in the notification outbox"),
});
const profile = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  farmId: z.number().int().nullable(),
  farmName: z.string().nullable(),
  farmTimezone: z.string().nullable(),
  timezone: z.string().nullable(),
  locale: z.enum(LOCALES),
  notifyByEmail: z.boolean(),
  notifyInApp: z.boolean(),
  notifyMinSeverity: z.enum(NOTIFY_SEVERITIES),
  notifyDigest: z.boolean(),
});

export const usersOpenApi: OpenApiArea = {
  tags: [
    {
      name: TAG,
      description:
        "People who sign in: invitations (a one-time link, 7 days, mailed and returned once), role and farm, deactivation (ends sessions, API keys and open links at the next request), password reset links (1 day). " +
        "Only an admin of every farm (or such a key). The last active admin of every farm cannot be demoted, bound to a farm or deactivated (409). Every change is audited.",
    },
  ],
  paths: {
    "/users": {
      get: operation("users.manage", {
        operationId: "listUsers",
        summary: "List people",
        tags: [TAG],
        parameters: queryParameters(userListQuerySchema),
        responses: { "200": ok("Everyone, by name", listOf(ref("UserAccount"))), ...errors(400, ...CALLER) },
      }),
      post: operation("users.manage", {
        operationId: "inviteUser",
        summary: "Invite a person",
        description: "Creates the person without a password and mails them a link to set one. The link is in this answer once; it cannot be read again (re-send the invitation for a new one). An e-mail that already has an account is a 409.",
        tags: [TAG],
        requestBody: { required: true, content: json(ref("UserInvite")) },
        responses: { "201": ok("Invited", ref("IssuedUserLink")), ...errors(400, ...CALLER, 409) },
      }),
    },
    "/users/{id}": {
      get: operation("users.manage", {
        operationId: "getUser",
        summary: "One person",
        tags: [TAG],
        parameters: [userId],
        responses: { "200": ok("The person", ref("UserAccount")), ...errors(400, ...CALLER, 404) },
      }),
      patch: operation("users.manage", {
        operationId: "updateUser",
        summary: "Change name, role, farm or active",
        description:
          "A change of role or farm ends the person's sessions; `active: false` deactivates them (sessions, API keys and open links stop; not yourself), `active: true` reactivates. " +
          "Demoting, binding or deactivating the last active admin of every farm is a 409; a manager is refused (403).",
        tags: [TAG],
        parameters: [userId],
        requestBody: { required: true, content: json(ref("UserUpdate")) },
        responses: { "200": ok("The person now", ref("UserAccount")), ...errors(400, ...CALLER, 404, 409) },
      }),
    },
    "/users/{id}/invitation": {
      post: operation("users.manage", {
        operationId: "resendInvitation",
        summary: "Re-send the invitation",
        description: "A new 7-day link, mailed and returned once; the previous link stops working. Only for someone who has not joined yet (else 409).",
        tags: [TAG],
        parameters: [userId],
        responses: { "201": ok("The new link", ref("IssuedUserLink")), ...errors(400, ...CALLER, 404, 409) },
      }),
    },
    "/users/{id}/password-reset": {
      post: operation("users.manage", {
        operationId: "createPasswordResetLink",
        summary: "Make a password reset link",
        description: "A one-day link with which the person sets a new password (which ends their other sessions), mailed and returned once. Not for someone still invited or deactivated (409).",
        tags: [TAG],
        parameters: [userId],
        responses: { "201": ok("The link", ref("IssuedUserLink")), ...errors(400, ...CALLER, 404, 409) },
      }),
    },
    "/me/profile": {
      get: operation("devices.read", {
        operationId: "getProfile",
        summary: "Your profile",
        description: "The signed-in person's own name, time zone, language and notification choices. An API key has no profile (403).",
        tags: [TAG],
        responses: { "200": ok("Your profile", ref("Profile")), ...errors(...CALLER) },
      }),
      patch: operation("devices.read", {
        operationId: "updateProfile",
        summary: "Change your profile",
        description: "Any of the fields; absent ones stay. The time zone must be an IANA name. Changing the password is done on the profile page (it needs the current one).",
        tags: [TAG],
        requestBody: { required: true, content: json(ref("ProfileUpdate")) },
        responses: { "200": ok("Your profile now", ref("Profile")), ...errors(400, ...CALLER) },
      }),
    },
  },
  schemas: {
    ...components({ UserInvite: inviteSchema, UserUpdate: userUpdateSchema, ProfileUpdate: profileSchema }, "input"),
    ...components({ UserAccount: account, IssuedUserLink: issued, Profile: profile }, "output"),
  },
};
