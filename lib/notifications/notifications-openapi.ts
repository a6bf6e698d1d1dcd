/**
 * The OpenAPI operations of notification settings and results (lib/api/openapi.ts merges them):
 * channels, rules, a farm's on-call list, the caller's own in-app notifications and the delivery
 * log. Bodies and queries come from notification-schemas.ts, which the routes parse with.
 */
import { z } from "zod";
import { CALLER, components, errors, idParameter, ok, operation, queryParameters, ref, json, timestamp, type OpenApiArea } from "../api/openapi-helpers";
import { ALERT_SEVERITIES, ALERT_STATES, ALERT_TYPES } from "../alerts/alert-fields";
import {
  CHANNEL_KINDS,
  channelCreateSchema,
  channelListQuerySchema,
  channelUpdateSchema,
  deliveryListQuerySchema,
  inboxQuerySchema,
  markReadSchema,
  NOTIFICATION_KINDS,
  NOTIFICATION_STATUSES,
  onCallSchema,
  recordId,
  ruleCreateSchema,
  ruleListQuerySchema,
  ruleUpdateSchema,
  WEBHOOK_FORMATS,
} from "./notification-schemas";

const TAG = "Notifications";
const id = z.number().int();

const channel = z.object({
  id,
  farmId: id.nullable().describe("null: shared by every farm"),
  farmName: z.string().nullable(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  address: z.string().nullable().describe("E-mail channels"),
  urlHost: z.string().nullable().describe("Webhook channels: the URL's host. The URL itself is stored encrypted and never returned."),
  format: z.enum(WEBHOOK_FORMATS),
  hasSecret: z.boolean().describe("Signed with HMAC-SHA256; the secret is shown once, when made"),
  enabled: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
const channelSaved = z.object({ channel, secret: z.string().nullable().describe("The signing secret made by this request (generateSecret / rotateSecret): shown here once, never again") });
const rule = z.object({
  id,
  farmId: id,
  farmName: z.string(),
  groupId: id.nullable(),
  groupName: z.string().nullable(),
  name: z.string(),
  alertTypes: z.array(z.enum(ALERT_TYPES)).describe("Empty: every type"),
  minSeverity: z.enum(ALERT_SEVERITIES),
  userIds: z.array(id),
  channelIds: z.array(id),
  people: z.array(z.object({ id, name: z.string() })),
  channels: z.array(z.object({ id, name: z.string(), kind: z.enum(CHANNEL_KINDS), enabled: z.boolean() })),
  quietStart: z.string().nullable().describe("HH:MM, farm-local"),
  quietEnd: z.string().nullable(),
  digest: z.boolean(),
  enabled: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
const onCall = z.object({
  farmId: id,
  farmName: z.string(),
  escalationIntervalMinutes: z.number().int(),
  debounceMinutes: z.number().int(),
  digestHour: z.number().int(),
  levels: z.array(
    z.object({
      level: z.number().int().describe("1–10"),
      userIds: z.array(id),
      channelIds: z.array(id),
      targets: z.array(z.object({ kind: z.enum(["user", "channel"]), id, name: z.string(), email: z.string().optional(), enabled: z.boolean().optional() })),
    }),
  ),
});
const inbox = z.object({
  unread: z.number().int(),
  nextBefore: id.nullable().describe("Pass as `before` for the next (older) page"),
  data: z.array(
    z.object({
      id,
      subject: z.string(),
      body: z.string(),
      createdAt: timestamp,
      readAt: timestamp.nullable(),
      farmId: id.nullable(),
      alert: z.object({ id, alertType: z.enum(ALERT_TYPES), severity: z.enum(ALERT_SEVERITIES), state: z.enum(ALERT_STATES), device: z.object({ deviceId: z.string(), name: z.string() }).nullable() }).nullable(),
    }),
  ),
});
const delivery = z.object({
  id,
  kind: z.enum(NOTIFICATION_KINDS),
  status: z.enum(NOTIFICATION_STATUSES),
  subject: z.string(),
  farmId: id.nullable(),
  farmName: z.string().nullable(),
  level: z.number().int().describe("0: from a rule; 1…: an escalation level"),
  alertId: id.nullable(),
  ruleName: z.string().nullable(),
  recipient: z.object({ kind: z.enum(["user", "channel"]), id, name: z.string(), email: z.string().optional(), address: z.string().nullable().optional(), urlHost: z.string().nullable().optional() }).nullable(),
  attempts: z.number().int(),
  nextAttemptAt: timestamp,
  lastError: z.string().nullable(),
  sentAt: timestamp.nullable(),
  readAt: timestamp.nullable(),
  createdAt: timestamp,
  deliveries: z.array(z.object({ attempt: z.number().int(), ok: z.boolean(), responseCode: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number().int(), at: timestamp })),
});
const deliveryPage = z.object({ total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), data: z.array(delivery) });
const deleted = z.object({ id, deleted: z.literal(true) });
const listOfRef = (name: string) => ({ type: "object", properties: { data: { type: "array", items: ref(name) }, total: { type: "integer" } }, required: ["data", "total"] });

const channelId = idParameter("channel", recordId);
const ruleId = idParameter("rule", recordId);
const farmId = idParameter("farm", recordId);
const notificationId = idParameter("notification", recordId);
const SCOPE = "A farm-bound manager sees and changes their farm's only (another farm's is a 404); an admin of every farm any farm.";

export const notificationsOpenApi: OpenApiArea = {
  tags: [
    {
      name: TAG,
      description:
        "Alert notifications (issue 18 §3–4): channels (a shared mailbox, or a webhook: signed JSON, Slack or Teams), rules per farm or group (alert types, minimum severity, people and channels, quiet hours, daily digest), " +
        "the farm's on-call list for escalation with its interval and debounce, each person's in-app notifications, and the delivery log with every attempt. Webhook URLs are checked (http(s) only, no link-local or cloud metadata addresses), " +
        "stored encrypted and never returned; signing secrets are shown once.",
    },
  ],
  paths: {
    "/notification-channels": {
      get: operation("notifications.manage", {
        operationId: "listNotificationChannels",
        summary: "Channels",
        description: `The farm's channels and the shared ones (\`farm\`), or every channel the caller sees. ${SCOPE}`,
        tags: [TAG],
        parameters: queryParameters(channelListQuerySchema, { farm: "The farm's id" }),
        responses: { "200": ok("The channels", listOfRef("NotificationChannel")), ...errors(400, ...CALLER, 404) },
      }),
      post: operation("notifications.manage", {
        operationId: "createNotificationChannel",
        summary: "Add a channel",
        description: `\`farmId\` null makes a channel shared by every farm (admins of every farm only). A webhook URL that is not http(s), has credentials, or points to a link-local or cloud metadata address (by shape or by DNS) is a 400 naming the reason on \`url\`; nothing is written. With \`generateSecret\` the answer carries the signing secret — the only time it is shown. ${SCOPE}`,
        tags: [TAG],
        requestBody: { required: true, content: json(ref("NotificationChannelCreate")) },
        responses: { "201": ok("The channel, and the secret made", ref("NotificationChannelSaved")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/notification-channels/{id}": {
      get: operation("notifications.manage", { operationId: "getNotificationChannel", summary: "A channel", tags: [TAG], parameters: [channelId], responses: { "200": ok("The channel", ref("NotificationChannel")), ...errors(...CALLER, 404) } }),
      patch: operation("notifications.manage", {
        operationId: "updateNotificationChannel",
        summary: "Change a channel",
        description: "Only the fields sent change. A new `url` is checked like a new channel's. `rotateSecret` answers with the new secret, once; `removeSecret` stops signing. A shared channel changes only by an admin of every farm.",
        tags: [TAG],
        parameters: [channelId],
        requestBody: { required: true, content: json(ref("NotificationChannelUpdate")) },
        responses: { "200": ok("The channel as saved", ref("NotificationChannelSaved")), ...errors(400, ...CALLER, 404) },
      }),
      delete: operation("notifications.manage", {
        operationId: "deleteNotificationChannel",
        summary: "Delete a channel",
        description: "Also removes it from the farm's rules and on-call list. Its past notifications go with it.",
        tags: [TAG],
        parameters: [channelId],
        responses: { "200": ok("Deleted", ref("NotificationDeleted")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/notification-channels/{id}/test": {
      post: operation("notifications.manage", {
        operationId: "testNotificationChannel",
        summary: "Send a test notification",
        description: "Queues one test message to the channel; the delivery log shows how it went. A disabled channel is a 400.",
        tags: [TAG],
        parameters: [channelId],
        responses: { "202": ok("Queued", ref("NotificationTestQueued")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/notification-rules": {
      get: operation("notifications.manage", {
        operationId: "listNotificationRules",
        summary: "Rules",
        description: SCOPE,
        tags: [TAG],
        parameters: queryParameters(ruleListQuerySchema, { farm: "The farm's id" }),
        responses: { "200": ok("The rules", listOfRef("NotificationRule")), ...errors(400, ...CALLER, 404) },
      }),
      post: operation("notifications.manage", {
        operationId: "createNotificationRule",
        summary: "Add a rule",
        description: `People must be able to see the farm (bound to it, or of every farm) and channels must be the farm's or shared, else a 400 on \`userIds\` / \`channelIds\`; a group must be the farm's. At least one person or channel. Quiet hours are farm-local HH:MM, both or neither. ${SCOPE}`,
        tags: [TAG],
        requestBody: { required: true, content: json(ref("NotificationRuleCreate")) },
        responses: { "201": ok("The rule", ref("NotificationRule")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/notification-rules/{id}": {
      get: operation("notifications.manage", { operationId: "getNotificationRule", summary: "A rule", tags: [TAG], parameters: [ruleId], responses: { "200": ok("The rule", ref("NotificationRule")), ...errors(...CALLER, 404) } }),
      patch: operation("notifications.manage", {
        operationId: "updateNotificationRule",
        summary: "Change a rule",
        description: "Only the fields sent change; checked like a new rule.",
        tags: [TAG],
        parameters: [ruleId],
        requestBody: { required: true, content: json(ref("NotificationRuleUpdate")) },
        responses: { "200": ok("The rule as saved", ref("NotificationRule")), ...errors(400, ...CALLER, 404) },
      }),
      delete: operation("notifications.manage", { operationId: "deleteNotificationRule", summary: "Delete a rule", tags: [TAG], parameters: [ruleId], responses: { "200": ok("Deleted", ref("NotificationDeleted")), ...errors(...CALLER, 404) } }),
    },
    "/farms/{id}/on-call": {
      get: operation("notifications.manage", {
        operationId: "getFarmOnCall",
        summary: "A farm's on-call list",
        description: `Its levels (1–10) with their people and channels, and the farm's escalation interval, debounce and digest hour. ${SCOPE}`,
        tags: [TAG, "Farms"],
        parameters: [farmId],
        responses: { "200": ok("The list", ref("OnCallList")), ...errors(...CALLER, 404) },
      }),
      put: operation("notifications.manage", {
        operationId: "putFarmOnCall",
        summary: "Replace a farm's on-call list",
        description: "The whole list (levels in order: the first is level 1; each needs a person or channel; at most 10), the escalation interval (1–1440 minutes) and the debounce (0–1440), in one transaction. A bad level or person is a 400 naming it; nothing is written.",
        tags: [TAG, "Farms"],
        parameters: [farmId],
        requestBody: { required: true, content: json(ref("OnCallPut")) },
        responses: { "200": ok("The list as saved", ref("OnCallList")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/notifications": {
      get: operation("alerts.read", {
        operationId: "listMyNotifications",
        summary: "My in-app notifications",
        description: "The signed-in person's own, newest first, with the unread count (`limit=0` for the count alone). An API key has no inbox: 403.",
        tags: [TAG],
        parameters: queryParameters(inboxQuerySchema, { limit: "0–100, default 30", unread: "Unread ones only", before: "Older than this notification id" }),
        responses: { "200": ok("The notifications", ref("Inbox")), ...errors(400, ...CALLER) },
      }),
    },
    "/notifications/read": {
      post: operation("alerts.read", {
        operationId: "markMyNotificationsRead",
        summary: "Mark my notifications read",
        description: "`ids`, or `all: true`. Ids of someone else's notifications match nothing.",
        tags: [TAG],
        requestBody: { required: true, content: json(ref("MarkRead")) },
        responses: { "200": ok("How many were marked, and how many are left unread", ref("MarkReadResult")), ...errors(400, ...CALLER) },
      }),
    },
    "/notification-deliveries": {
      get: operation("notifications.manage", {
        operationId: "listNotificationDeliveries",
        summary: "The delivery log",
        description: `Every notification (mail, webhook, in-app) newest first with its status, attempts, last error, sent time and each attempt. Notifications of no farm (invitations, password resets) are shown to admins of every farm only. ${SCOPE}`,
        tags: [TAG],
        parameters: queryParameters(deliveryListQuerySchema, { status: "queued, held, digest, sent, failed or cancelled", kind: "email, webhook or in_app", farm: "The farm's id", from: "Made on or after this day (UTC)", to: "Made on or before this day (UTC)", page: "From 1" }),
        responses: { "200": ok("A page of the log", ref("DeliveryPage")), ...errors(400, ...CALLER, 404) },
      }),
    },
    "/notification-deliveries/{id}/retry": {
      post: operation("notifications.manage", {
        operationId: "retryNotificationDelivery",
        summary: "Retry a failed notification now",
        description: "Back in the queue, due at once; the worker is woken. A notification that has not failed is a 400.",
        tags: [TAG],
        parameters: [notificationId],
        responses: { "200": ok("The notification, queued", ref("Delivery")), ...errors(400, ...CALLER, 404) },
      }),
    },
  },
  schemas: {
    ...components({ NotificationChannelCreate: channelCreateSchema, NotificationChannelUpdate: channelUpdateSchema, NotificationRuleCreate: ruleCreateSchema, NotificationRuleUpdate: ruleUpdateSchema, OnCallPut: onCallSchema, MarkRead: markReadSchema }, "input"),
    ...components(
      {
        NotificationChannel: channel,
        NotificationChannelSaved: channelSaved,
        NotificationTestQueued: z.object({ queued: z.literal(true), notificationKey: z.string() }),
        NotificationRule: rule,
        OnCallList: onCall,
        Inbox: inbox,
        MarkReadResult: z.object({ marked: z.number().int(), unread: z.number().int() }),
        Delivery: delivery,
        DeliveryPage: deliveryPage,
        NotificationDeleted: deleted,
      },
      "output",
    ),
  },
};
