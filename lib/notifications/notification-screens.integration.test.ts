/**
 * The people-facing side of notifications against a real PostgreSQL: channels (SSRF refusal with
 * nothing written, a secret shown once and stored sealed, the URL never returned), rules (people of
 * another farm refused), farm boundaries, the on-call list replaced atomically, the inbox (only
 * one's own) and "Retry now" in the delivery log — through lib/ and through /api/v1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../auth/api-keys";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { openSecret } from "../security/secret-box";
import { apiRequest, noParams, withParams } from "../testing/api-fixture";
import { createTestPerson, refusal } from "../testing/people";
import { createChannel, deleteChannel, getChannel, listChannels, sendTestNotification, updateChannel } from "./channels";
import { listDeliveries, retryDelivery } from "./deliveries";
import { listInbox, markRead } from "./inbox";
import { getOnCall, replaceOnCall } from "./on-call";
import { createRule, listRules, updateRule } from "./rules";
import * as channelsRoute from "@/app/api/v1/notification-channels/route";
import * as channelRoute from "@/app/api/v1/notification-channels/[id]/route";
import * as rulesRoute from "@/app/api/v1/notification-rules/route";
import * as onCallRoute from "@/app/api/v1/farms/[id]/on-call/route";
import * as deliveriesRoute from "@/app/api/v1/notification-deliveries/route";

process.env.SECRETS_KEY ??= "notify-screens-integration-test-key-0123456789";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const farms = { a: 0, b: 0 };
let admin: Actor, managerA: Actor, managerB: Actor, technicianA: Actor, viewerA: Actor;
let managerKey: string, adminKey: string;
const people: number[] = [];

beforeAll(async () => {
  farms.a = (await db.farm.create({ data: { code: `NSA${suffix}`, name: `Notify farm A ${suffix}` } })).id;
  farms.b = (await db.farm.create({ data: { code: `NSB${suffix}`, name: `Notify farm B ${suffix}` } })).id;
  admin = await createTestPerson(db, "admin", null, `ns-admin-${suffix}@test.example`, "NS admin");
  managerA = await createTestPerson(db, "manager", farms.a, `ns-mgr-a-${suffix}@test.example`, "NS manager A");
  managerB = await createTestPerson(db, "manager", farms.b, `ns-mgr-b-${suffix}@test.example`, "NS manager B");
  technicianA = await createTestPerson(db, "technician", farms.a, `ns-tech-a-${suffix}@test.example`, "NS tech A");
  viewerA = await createTestPerson(db, "viewer", farms.a, `ns-viewer-a-${suffix}@test.example`, "NS viewer A");
  people.push(admin.id, managerA.id, managerB.id, technicianA.id, viewerA.id);
  adminKey = (await createApiKey(db, admin, { name: `ns admin ${suffix}`, role: "admin", farmId: null })).key;
  managerKey = (await createApiKey(db, admin, { name: `ns manager A ${suffix}`, role: "manager", farmId: farms.a })).key;
});

afterAll(async () => {
  await db.notification.deleteMany({ where: { OR: [{ farmId: { in: [farms.a, farms.b] } }, { userId: { in: people } }] } });
  await db.apiKey.deleteMany({ where: { createdById: admin.id } });
  await db.auditEvent.deleteMany({ where: { actorId: { in: people } } });
  await db.auditEvent.deleteMany({ where: { actorLabel: { startsWith: "api-key:" }, entityType: { in: ["notification_channel", "notification_rule", "farm"] }, createdAt: { gte: new Date(Date.now() - 3_600_000) } } });
  await db.notificationChannel.deleteMany({ where: { farmId: { in: [farms.a, farms.b] } } });
  await db.user.deleteMany({ where: { id: { in: people } } });
  await db.farm.deleteMany({ where: { id: { in: [farms.a, farms.b] } } });
  await disconnectDb();
});

describe("channels", () => {
  it("refuses a link-local or metadata webhook URL on the url field and writes nothing", async () => {
    const before = await db.notificationChannel.count();
    for (const url of ["http://169.254.169.254/latest/meta-data", "http://metadata.google.internal/x", "ftp://hooks.example/x", "http://[fe80::1]/hook"]) {
      const error = await refusal(createChannel(db, managerA, { farmId: farms.a, name: "Bad", kind: "webhook", url }));
      expect(error, url).toBeInstanceOf(InvalidError);
      expect((error as InvalidError).fieldErrors.url?.[0], url).toBeTruthy();
    }
    expect(await db.notificationChannel.count()).toBe(before);
  });

  it("shows a signing secret once, stores it and the URL sealed, and never returns the URL", async () => {
    const url = "http://127.0.0.1:9/hooks/farm-a?token=very-secret-token";
    const { channel, secret } = await createChannel(db, managerA, { farmId: farms.a, name: "Farm chat", kind: "webhook", url, format: "slack", generateSecret: true });
    expect(secret).toMatch(/^whsec_/);
    expect(channel).toMatchObject({ urlHost: "127.0.0.1:9", hasSecret: true, format: "slack", farmId: farms.a });
    expect(JSON.stringify(channel)).not.toContain("very-secret-token");
    const row = await db.notificationChannel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(row.secretEncrypted).not.toBe(secret);
    expect(row.secretEncrypted).not.toContain(secret!);
    expect(row.urlEncrypted).not.toContain("very-secret-token");
    expect(openSecret(row.secretEncrypted!)).toBe(secret);
    expect(openSecret(row.urlEncrypted!)).toBe(url);
    // read back: no secret, no URL
    const again = await getChannel(db, managerA, channel.id);
    expect(JSON.stringify(again)).not.toContain("very-secret-token");
    expect(JSON.stringify(again)).not.toContain(secret!);
    // renamed without touching the secret: none in the answer
    const renamed = await updateChannel(db, managerA, channel.id, { name: "Farm chat (parlour)" });
    expect(renamed.secret).toBeNull();
    // the audit trail knows there is a secret, not what it is
    const audit = await db.auditEvent.findMany({ where: { entityType: "notification_channel", entityId: String(channel.id) } });
    expect(audit.map((event) => event.action)).toEqual(expect.arrayContaining(["notification_channel.create", "notification_channel.update"]));
    const trail = JSON.stringify(audit.map((event) => [event.before, event.after]));
    expect(trail).toContain("hasSecret");
    expect(trail).not.toContain(secret!);
    expect(trail).not.toContain("very-secret-token");
    // rotating answers with a new secret, once
    const rotated = await updateChannel(db, managerA, channel.id, { rotateSecret: true });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
  });

  it("keeps farms apart: manager B neither sees nor changes farm A's channel; shared ones need an admin", async () => {
    const { channel } = await createChannel(db, managerA, { farmId: farms.a, name: "Parlour mailbox", kind: "email", address: "parlour@a.example" });
    expect(await refusal(getChannel(db, managerB, channel.id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(updateChannel(db, managerB, channel.id, { enabled: false }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(deleteChannel(db, managerB, channel.id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(createChannel(db, managerB, { farmId: farms.a, name: "x", kind: "email", address: "x@a.example" }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(createChannel(db, managerA, { farmId: null, name: "Everyone", kind: "email", address: "all@x.example" }))).toBeInstanceOf(InvalidError);
    expect(await refusal(listChannels(db, technicianA))).toBeInstanceOf(ForbiddenError);
    expect((await listChannels(db, managerB)).map((c) => c.id)).not.toContain(channel.id);
  });

  it("a test queues one notification for the channel; a disabled channel is refused", async () => {
    const { channel } = await createChannel(db, managerA, { farmId: farms.a, name: "Test box", kind: "email", address: "test@a.example" });
    await sendTestNotification(db, managerA, channel.id);
    expect(await db.notification.count({ where: { channelId: channel.id, kind: "email", status: "queued" } })).toBe(1);
    await updateChannel(db, managerA, channel.id, { enabled: false });
    expect(await refusal(sendTestNotification(db, managerA, channel.id))).toBeInstanceOf(InvalidError);
  });
});

describe("rules", () => {
  it("takes people who can see the farm and refuses people of another farm", async () => {
    const rule = await createRule(db, managerA, { farmId: farms.a, name: "Critical to the manager", minSeverity: "critical", userIds: [managerA.id, admin.id] });
    expect(rule).toMatchObject({ farmId: farms.a, minSeverity: "critical", userIds: [managerA.id, admin.id], enabled: true });
    const before = await db.notificationRule.count({ where: { farmId: farms.a } });
    const error = await refusal(createRule(db, managerA, { farmId: farms.a, name: "Leak", userIds: [managerB.id] }));
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as InvalidError).fieldErrors.userIds?.[0]).toMatch(/cannot see this farm/);
    const otherChannel = await createChannel(db, managerB, { farmId: farms.b, name: "B box", kind: "email", address: "b@b.example" });
    const channelError = await refusal(createRule(db, managerA, { farmId: farms.a, name: "Leak 2", channelIds: [otherChannel.channel.id] }));
    expect((channelError as InvalidError).fieldErrors.channelIds).toBeDefined();
    expect(await refusal(updateRule(db, managerA, rule.id, { userIds: [managerB.id] }))).toBeInstanceOf(InvalidError);
    expect(await db.notificationRule.count({ where: { farmId: farms.a } })).toBe(before);
  });

  it("stores quiet hours as farm-local minutes and shows them as HH:MM; farm B cannot touch it", async () => {
    const rule = await createRule(db, managerA, { farmId: farms.a, name: "Warnings, quiet at night", minSeverity: "warning", userIds: [technicianA.id], quietStart: "22:00", quietEnd: "06:00", alertTypes: ["low_battery", "offline"] });
    const row = await db.notificationRule.findUniqueOrThrow({ where: { id: rule.id } });
    expect([row.quietStart, row.quietEnd]).toEqual([1320, 360]);
    expect(rule).toMatchObject({ quietStart: "22:00", quietEnd: "06:00", alertTypes: ["low_battery", "offline"] });
    expect(await refusal(updateRule(db, managerB, rule.id, { enabled: false }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(createRule(db, managerB, { farmId: farms.a, name: "x", userIds: [managerB.id] }))).toBeInstanceOf(NotFoundError);
    expect((await listRules(db, managerB)).map((r) => r.id)).not.toContain(rule.id);
    const off = await updateRule(db, managerA, rule.id, { quietStart: null, quietEnd: null, enabled: false });
    expect(off).toMatchObject({ quietStart: null, quietEnd: null, enabled: false });
  });
});

describe("on-call list", () => {
  it("replaces the levels and the farm's timing at once, and leaves everything as it was when a level is bad", async () => {
    const { channel } = await createChannel(db, managerA, { farmId: farms.a, name: "On-call phone", kind: "email", address: "oncall@a.example" });
    const saved = await replaceOnCall(db, managerA, farms.a, { escalationIntervalMinutes: 2, debounceMinutes: 5, levels: [{ userIds: [managerA.id] }, { userIds: [admin.id], channelIds: [channel.id] }] });
    expect(saved.escalationIntervalMinutes).toBe(2);
    expect(saved.levels.map((level) => [level.level, level.userIds, level.channelIds])).toEqual([
      [1, [managerA.id], []],
      [2, [admin.id], [channel.id]],
    ]);
    // a person of another farm on level 2: refused, the old list and timing stay
    const error = await refusal(replaceOnCall(db, managerA, farms.a, { escalationIntervalMinutes: 30, debounceMinutes: 1, levels: [{ userIds: [technicianA.id] }, { userIds: [managerB.id] }] }));
    expect((error as InvalidError).fieldErrors["levels.1.userIds"]).toBeDefined();
    const unchanged = await getOnCall(db, managerA, farms.a);
    expect(unchanged.escalationIntervalMinutes).toBe(2);
    expect(unchanged.levels).toHaveLength(2);
    // outside the database's limits: field errors, nothing written
    const bad = await refusal(replaceOnCall(db, managerA, farms.a, { escalationIntervalMinutes: 0, debounceMinutes: 5, levels: [] }));
    expect((bad as InvalidError).fieldErrors.escalationIntervalMinutes).toBeDefined();
    expect(await refusal(getOnCall(db, managerB, farms.a))).toBeInstanceOf(NotFoundError);
    expect(await refusal(replaceOnCall(db, managerB, farms.a, { escalationIntervalMinutes: 5, debounceMinutes: 5, levels: [] }))).toBeInstanceOf(NotFoundError);
    // two saves at once: one whole list wins, never a mix
    await Promise.all([
      replaceOnCall(db, managerA, farms.a, { escalationIntervalMinutes: 3, debounceMinutes: 5, levels: [{ userIds: [managerA.id] }, { userIds: [technicianA.id] }, { userIds: [admin.id] }] }),
      replaceOnCall(db, admin, farms.a, { escalationIntervalMinutes: 4, debounceMinutes: 5, levels: [{ userIds: [admin.id] }] }),
    ]);
    const final = await getOnCall(db, managerA, farms.a);
    expect(final.levels).toHaveLength(final.escalationIntervalMinutes === 3 ? 3 : 1);
  });
});

describe("inbox", () => {
  it("counts and marks only the person's own notifications", async () => {
    const mine = [1, 2, 3].map((n) => ({ dedupeKey: `ns-${suffix}-mine-${n}`, kind: "in_app" as const, userId: managerA.id, farmId: farms.a, subject: `Mine ${n}`, body: "b", status: "sent" as const }));
    await db.notification.createMany({ data: [...mine, { dedupeKey: `ns-${suffix}-theirs`, kind: "in_app", userId: managerB.id, farmId: farms.b, subject: "Theirs", body: "b", status: "sent" }] });
    const inbox = await listInbox(db, managerA.id, {});
    expect(inbox.unread).toBe(3);
    expect(inbox.data.map((item) => item.subject)).toEqual(["Mine 3", "Mine 2", "Mine 1"]);
    const theirs = await db.notification.findUniqueOrThrow({ where: { dedupeKey: `ns-${suffix}-theirs` } });
    // someone else's id matches nothing
    expect(await markRead(db, managerA, { ids: [Number(theirs.id)] })).toEqual({ marked: 0, unread: 3 });
    expect((await db.notification.findUniqueOrThrow({ where: { id: theirs.id } })).readAt).toBeNull();
    expect(await markRead(db, managerA, { ids: [inbox.data[0]!.id] })).toEqual({ marked: 1, unread: 2 });
    expect(await markRead(db, managerA, { all: true })).toEqual({ marked: 2, unread: 0 });
    expect((await listInbox(db, managerB.id, {})).unread).toBe(1);
    expect((await listInbox(db, managerA.id, { limit: 2 })).nextBefore).not.toBeNull();
  });
});

describe("delivery log", () => {
  it("retries a failed notification now; farm B cannot; a sent one is refused", async () => {
    const failed = await db.notification.create({ data: { dedupeKey: `ns-${suffix}-failed`, kind: "email", userId: managerA.id, farmId: farms.a, subject: "Critical: tank", body: "b", status: "failed", attempts: 5, lastError: "SMTP 421 try later", nextAttemptAt: new Date(Date.now() - 3_600_000) } });
    await db.notificationDelivery.create({ data: { notificationId: failed.id, attempt: 5, ok: false, responseCode: 421, error: "SMTP 421 try later", durationMs: 30 } });
    const sent = await db.notification.create({ data: { dedupeKey: `ns-${suffix}-sent`, kind: "email", userId: managerA.id, farmId: farms.a, subject: "Warning", body: "b", status: "sent", sentAt: new Date() } });
    const log = await listDeliveries(db, managerA, { status: "failed" });
    const entry = log.data.find((item) => item.id === Number(failed.id))!;
    expect(entry).toMatchObject({ status: "failed", attempts: 5, lastError: "SMTP 421 try later", recipient: { kind: "user", id: managerA.id } });
    expect(entry.deliveries).toEqual([expect.objectContaining({ attempt: 5, ok: false, responseCode: 421 })]);
    expect((await listDeliveries(db, managerB, {})).data.map((item) => item.id)).not.toContain(Number(failed.id));
    expect(await refusal(retryDelivery(db, managerB, Number(failed.id)))).toBeInstanceOf(NotFoundError);
    expect(await refusal(retryDelivery(db, managerA, Number(sent.id)))).toBeInstanceOf(InvalidError);
    const retried = await retryDelivery(db, managerA, Number(failed.id));
    expect(retried.status).toBe("queued");
    const row = await db.notification.findUniqueOrThrow({ where: { id: failed.id } });
    expect(row.status).toBe("queued");
    expect(Math.abs(row.nextAttemptAt.getTime() - Date.now())).toBeLessThan(10_000);
    expect(await db.auditEvent.count({ where: { entityType: "notification", entityId: String(failed.id), action: "notification.retry" } })).toBe(1);
  });
});

describe("/api/v1", () => {
  it("POST /notification-channels: an SSRF address is a 400 with the reason on url, nothing written", async () => {
    const before = await db.notificationChannel.count();
    const response = await channelsRoute.POST(apiRequest(managerKey, "POST", "/api/v1/notification-channels", { farmId: farms.a, name: "Meta", kind: "webhook", url: "http://169.254.169.254/latest" }), noParams);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { fields: Record<string, string[]> } };
    expect(body.error.fields.url?.[0]).toMatch(/link-local|metadata/);
    expect(await db.notificationChannel.count()).toBe(before);
    const blank = await channelsRoute.POST(apiRequest(managerKey, "POST", "/api/v1/notification-channels", { farmId: farms.a, kind: "carrier-pigeon" }), noParams);
    expect(blank.status).toBe(400);
    expect(Object.keys(((await blank.json()) as { error: { fields: object } }).error.fields)).toEqual(expect.arrayContaining(["name", "kind"]));
  });

  it("the secret is in the create answer only; GET and list give the host, never the URL", async () => {
    const created = await channelsRoute.POST(apiRequest(managerKey, "POST", "/api/v1/notification-channels", { farmId: farms.a, name: "API hook", kind: "webhook", url: "http://127.0.0.1:9/secret-path-xyz", generateSecret: true }), noParams);
    expect(created.status).toBe(201);
    const body = (await created.json()) as { channel: { id: number; urlHost: string }; secret: string };
    expect(body.secret).toMatch(/^whsec_/);
    const got = await channelRoute.GET(apiRequest(managerKey, "GET", `/api/v1/notification-channels/${body.channel.id}`), withParams({ id: String(body.channel.id) }));
    const text = await got.text();
    expect(text).toContain("127.0.0.1:9");
    expect(text).not.toContain("secret-path-xyz");
    expect(text).not.toContain(body.secret);
    const list = await channelsRoute.GET(apiRequest(managerKey, "GET", `/api/v1/notification-channels?farm=${farms.a}`), noParams);
    expect(await list.text()).not.toContain("secret-path-xyz");
  });

  it("a manager key of farm A gets 404 for farm B's on-call list and a 400 for another farm's people", async () => {
    const other = await onCallRoute.GET(apiRequest(managerKey, "GET", `/api/v1/farms/${farms.b}/on-call`), withParams({ id: String(farms.b) }));
    expect(other.status).toBe(404);
    const put = await onCallRoute.PUT(apiRequest(managerKey, "PUT", `/api/v1/farms/${farms.a}/on-call`, { escalationIntervalMinutes: 10, debounceMinutes: 5, levels: [{ userIds: [managerB.id] }] }), withParams({ id: String(farms.a) }));
    expect(put.status).toBe(400);
    const rule = await rulesRoute.POST(apiRequest(managerKey, "POST", "/api/v1/notification-rules", { farmId: farms.a, name: "API rule", userIds: [managerB.id] }), noParams);
    expect(rule.status).toBe(400);
    expect(((await rule.json()) as { error: { fields: Record<string, string[]> } }).error.fields.userIds).toBeDefined();
    const log = await deliveriesRoute.GET(apiRequest(adminKey, "GET", `/api/v1/notification-deliveries?farm=${farms.a}&status=lost`), noParams);
    expect(log.status).toBe(400);
  });
});
