/**
 * The notification engine on a real PostgreSQL, a real SMTP server (smtp-server, read back with
 * mailparser) and a real HTTP receiver: rules, preferences, dedupe, debounce, quiet hours, digest,
 * escalation, retries, SMTP down then up, webhook formats and signatures, the SSRF refusal at send
 * time, two engines racing, and the trigger that wakes the fan-out.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveDatabaseUrl } from "../config/database-url";
import { disconnectDb, getDb } from "../db";
import { createMailer, type Mailer } from "../mail/mailer";
import { sealSecret } from "../security/secret-box";
import { findFreePort } from "../services/free-port";
import { createSqlPool, type SqlPool } from "../telemetry/sql";
import { deliverDue } from "./delivery";
import { sendDigests } from "./digest";
import { escalate } from "./escalation";
import { fanOut } from "./fan-out";
import { NotifyEngine } from "./notify-engine";
import { deleteOldNotifications } from "../jobs/notification-retention";
import { signWebhook } from "./webhook";

process.env.SECRETS_KEY ||= "notify-engine-integration-test-key-0123456789";
const BASE = "https://dairy.test";

const db = getDb();
let pool: SqlPool;
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
let seq = 0;
const uid = () => `${suffix}${++seq}`;

// ---------- a real SMTP server ----------
type Caught = { to: string[]; subject: string; text: string };
let caught: Caught[] = [];
async function startSmtp(port = 0): Promise<{ server: SMTPServer; port: number }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          caught.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: mail.subject ?? "", text: mail.text ?? "" });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, port: (server.server.address() as AddressInfo).port };
}
const stopSmtp = (server: SMTPServer) => new Promise<void>((resolve) => server.close(() => resolve()));

// ---------- a real webhook receiver ----------
type Received = { path: string; headers: http.IncomingHttpHeaders; body: string };
let received: Received[] = [];
let receiverStatus = 200;
let receiver: http.Server;
let receiverUrl: string;

let smtp: { server: SMTPServer; port: number };
let mailer: Mailer;

beforeAll(async () => {
  pool = createSqlPool(resolveDatabaseUrl(), 6);
  smtp = await startSmtp();
  mailer = createMailer({ url: `smtp://127.0.0.1:${smtp.port}` });
  receiver = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      received.push({ path: request.url ?? "", headers: request.headers, body });
      if (request.url === "/redirect") {
        response.writeHead(302, { location: "http://169.254.169.254/" }).end();
        return;
      }
      response.writeHead(receiverStatus).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  mailer.close();
  await stopSmtp(smtp.server);
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await pool.end();
  await disconnectDb();
});

afterEach(() => {
  caught = [];
  received = [];
  receiverStatus = 200;
  vi.restoreAllMocks();
});

/** Fan-out on a connection of its own (its batches are transactions). */
async function runFanOut(now: Date) {
  const client = await pool.connect();
  try {
    return await fanOut(client, now, { base: BASE });
  } finally {
    client.release();
  }
}
async function runEscalation(now: Date) {
  const client = await pool.connect();
  try {
    return await escalate(client, now, { base: BASE });
  } finally {
    client.release();
  }
}
const deliver = (now: Date, options: { backoffMinutes?: number[]; mailer?: Mailer } = {}) =>
  deliverDue(pool, () => now, { mailer: options.mailer ?? mailer, backoffMinutes: options.backoffMinutes });

/** A farm with a group tree (root → barn), devices in the barn, in the root and in no group, and people. */
async function makeFarm(options: { timezone?: string; debounceMinutes?: number; escalationMinutes?: number; digestHour?: number } = {}) {
  const id = uid();
  const farm = await db.farm.create({
    data: { code: `NF${id}`.slice(0, 20), name: `Green Pastures ${id}`, timezone: options.timezone ?? "UTC", debounceMinutes: options.debounceMinutes ?? 5, escalationIntervalMinutes: options.escalationMinutes ?? 15, digestHour: options.digestHour ?? 7 },
  });
  const other = await db.farm.create({ data: { code: `NO${id}`.slice(0, 20), name: `Other ${id}` } });
  const root = await db.deviceGroup.create({ data: { name: "All barns", code: `NR${id}`, farmId: farm.id } });
  const barn = await db.deviceGroup.create({ data: { name: "Barn 1", code: `NB${id}`, farmId: farm.id, parentId: root.id } });
  const device = (code: string, groupId: number | null) =>
    db.device.create({ data: { deviceId: `${code}${id}`.slice(0, 12), name: `Milk meter ${code}`, deviceType: "milk_meter", state: "active", farmId: farm.id, groupId } });
  const devices = { inBarn: await device("MB", barn.id), inRoot: await device("MR", root.id), loose: await device("ML", null), flapper: await device("MF", barn.id) };
  const person = (name: string, data: Record<string, unknown> = {}) =>
    db.user.create({ data: { email: `${name}-${id}@farm.test`, name, role: "manager", farmId: farm.id, passwordHash: "x", ...data } });
  const people = {
    alice: await person("alice"),
    bob: await person("bob", { farmId: null, role: "admin", notifyMinSeverity: "critical" }),
    carol: await person("carol", { farmId: other.id }),
    dave: await person("dave", { active: false, deactivatedAt: new Date() }),
    erin: await person("erin", { notifyDigest: true }),
    frank: await person("frank", { notifyByEmail: false }),
  };
  return { farm, other, root, barn, devices, people };
}
type Farm = Awaited<ReturnType<typeof makeFarm>>;

function webhookChannel(farmId: number, url: string, format: "json" | "slack" | "teams" = "json", secret: string | null = null) {
  return db.notificationChannel.create({
    data: { farmId, name: `hook ${format}`, kind: "webhook", urlEncrypted: sealSecret(url), urlHost: new URL(url).host, format, secretEncrypted: secret ? sealSecret(secret) : null },
  });
}
const raise = (deviceId: number, alertType: "low_battery" | "high_errors" | "offline", severity: "warning" | "critical" | "low", createdAt = new Date()) =>
  db.alert.create({ data: { deviceId, alertType, severity, message: alertType === "low_battery" ? "Battery level at 4 %" : null, createdAt } });
const rowsOf = (alertId: number) => db.notification.findMany({ where: { alertId }, orderBy: { dedupeKey: "asc" } });
const keysOf = async (alertId: number, f: Farm) =>
  (await rowsOf(alertId)).map((row) => {
    const who = Object.entries(f.people).find(([, person]) => person.id === row.userId)?.[0] ?? (row.channelId ? "channel" : "nobody");
    return `${who}:${row.kind}:${row.status}`;
  }).sort();

describe("fan-out: rules and people", () => {
  let f: Farm;
  let hookId: number;
  beforeAll(async () => {
    f = await makeFarm();
    const p = f.people;
    const hook = await webhookChannel(f.farm.id, `${receiverUrl}/json`);
    hookId = hook.id;
    const disabledHook = await webhookChannel(f.farm.id, `${receiverUrl}/off`);
    await db.notificationChannel.update({ where: { id: disabledHook.id }, data: { enabled: false } });
    await db.notificationRule.createMany({
      data: [
        // battery alerts of the whole farm, from warning up, to most people and the webhook
        { farmId: f.farm.id, name: "battery", alertTypes: ["low_battery"], minSeverity: "warning", userIds: [p.alice.id, p.bob.id, p.carol.id, p.dave.id, p.frank.id], channelIds: [hook.id, disabledHook.id] },
        // everything critical in the root group (and so its barn) to alice
        { farmId: f.farm.id, name: "root critical", groupId: f.root.id, alertTypes: [], minSeverity: "critical", userIds: [p.alice.id], channelIds: [] },
        // a second rule reaching alice for the same alerts: still one message per kind
        { farmId: f.farm.id, name: "root critical again", groupId: f.barn.id, alertTypes: ["high_errors"], minSeverity: "warning", userIds: [p.alice.id], channelIds: [] },
        // disabled: nobody hears from it
        { farmId: f.farm.id, name: "off", alertTypes: [], minSeverity: "low", userIds: [p.erin.id], channelIds: [], enabled: false },
      ],
    });
  });

  it("matches type, severity, group with sub-groups and people's preferences; in-app is sent at once", async () => {
    const battery = await raise(f.devices.inBarn.id, "low_battery", "warning");
    const errors = await raise(f.devices.inBarn.id, "high_errors", "critical");
    const loose = await raise(f.devices.loose.id, "high_errors", "critical");
    const low = await raise(f.devices.inRoot.id, "low_battery", "low");
    const result = await runFanOut(new Date());
    expect(result.alerts).toBeGreaterThanOrEqual(4);
    // battery warning: alice (mail + bell), frank (bell only: no e-mail), the enabled webhook; not bob
    // (critical only), carol (other farm), dave (deactivated), erin (disabled rule)
    expect(await keysOf(battery.id, f)).toEqual(["alice:email:queued", "alice:in_app:sent", "channel:webhook:queued", "frank:in_app:sent"]);
    // critical errors in the barn: the root group's rule covers its sub-group, two rules → one per kind
    expect(await keysOf(errors.id, f)).toEqual(["alice:email:queued", "alice:in_app:sent"]);
    // a device in no group: no group rule, and the battery rule is for another type
    expect(await keysOf(loose.id, f)).toEqual([]);
    // below the rule's minimum severity
    expect(await keysOf(low.id, f)).toEqual([]);
    for (const alert of [battery, errors, loose, low]) expect((await db.alert.findUniqueOrThrow({ where: { id: alert.id } })).notifiedAt).not.toBeNull();

    const [mail] = (await rowsOf(battery.id)).filter((row) => row.kind === "email");
    expect(mail!.subject).toBe(`WARNING: ${f.devices.inBarn.deviceId} Milk meter MB — Battery level at 4 % at ${f.farm.name}`);
    expect(mail!.body).toContain(`${BASE}/alerts/${battery.id}`);
    expect(mail!.body).toContain(`${BASE}/devices/${f.devices.inBarn.deviceId}`);
    const hookRow = (await rowsOf(battery.id)).find((row) => row.channelId === hookId)!;
    expect(hookRow.payload).toMatchObject({ alert: { id: battery.id, type: "low_battery", severity: "warning" }, device: { device_id: f.devices.inBarn.deviceId }, farm: { id: f.farm.id }, links: { alert: `${BASE}/alerts/${battery.id}` } });
  });

  it("a rerun (even of an alert whose notified_at was lost) queues nothing twice", async () => {
    const alert = await raise(f.devices.flapper.id, "low_battery", "critical");
    await runFanOut(new Date());
    // battery rule: alice, bob (critical reaches him), frank (bell only), the webhook; the root rule: alice again
    expect(await keysOf(alert.id, f)).toEqual(["alice:email:queued", "alice:in_app:sent", "bob:email:queued", "bob:in_app:sent", "channel:webhook:queued", "frank:in_app:sent"]);
    await db.alert.update({ where: { id: alert.id }, data: { notifiedAt: null } });
    const again = await runFanOut(new Date());
    expect(again.alerts).toBeGreaterThanOrEqual(1);
    expect(again.queued + again.inApp).toBe(0);
    expect(await db.notification.count({ where: { alertId: alert.id } })).toBe(6);
  });
});

describe("debounce: a flapping device", () => {
  it("notifies nobody again within the farm's debounce, and records why; after it, notifies again", async () => {
    const f = await makeFarm({ debounceMinutes: 5 });
    await db.notificationRule.create({ data: { farmId: f.farm.id, name: "all", alertTypes: [], minSeverity: "warning", userIds: [f.people.alice.id], channelIds: [] } });
    const t0 = Date.now();
    const first = await raise(f.devices.flapper.id, "offline", "critical", new Date(t0));
    await runFanOut(new Date(t0));
    expect(await keysOf(first.id, f)).toEqual(["alice:email:queued", "alice:in_app:sent"]);
    // it comes back, then goes again 2 minutes later
    await db.alert.update({ where: { id: first.id }, data: { state: "resolved", resolvedAt: new Date(t0 + 60_000) } });
    const second = await raise(f.devices.flapper.id, "offline", "critical", new Date(t0 + 120_000));
    const result = await runFanOut(new Date(t0 + 120_000));
    expect(result.debounced).toBeGreaterThanOrEqual(1);
    const rows = await rowsOf(second.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "cancelled", userId: null, channelId: null });
    expect(rows[0]!.lastError).toMatch(/notified 2 minute\(s\) ago, within the farm's debounce of 5 minute\(s\)/);
    expect((await db.alert.findUniqueOrThrow({ where: { id: second.id } })).notifiedAt).not.toBeNull();
    // and once more, 10 minutes after the last real notification: heard again
    await db.alert.update({ where: { id: second.id }, data: { state: "resolved", resolvedAt: new Date(t0 + 180_000) } });
    const third = await raise(f.devices.flapper.id, "offline", "critical", new Date(t0 + 600_000));
    await runFanOut(new Date(t0 + 600_000));
    expect(await keysOf(third.id, f)).toEqual(["alice:email:queued", "alice:in_app:sent"]);
  });
});

describe("quiet hours", () => {
  it("holds non-critical mail until the end of quiet hours that wrap midnight (farm-local); critical goes now; in-app at once", async () => {
    // Amsterdam is UTC+1 in December: 23:30 local = 22:30 UTC; quiet 22:00 → 06:00 local
    const f = await makeFarm({ timezone: "Europe/Amsterdam" });
    const hook = await webhookChannel(f.farm.id, `${receiverUrl}/quiet`);
    await db.notificationRule.create({ data: { farmId: f.farm.id, name: "night", alertTypes: [], minSeverity: "warning", userIds: [f.people.alice.id], channelIds: [hook.id], quietStart: 22 * 60, quietEnd: 6 * 60 } });
    const now = new Date("2026-12-04T22:30:00Z");
    const warning = await raise(f.devices.inBarn.id, "low_battery", "warning", now);
    const critical = await raise(f.devices.inRoot.id, "offline", "critical", now);
    await runFanOut(now);
    const held = await rowsOf(warning.id);
    expect(held.map((row) => `${row.kind}:${row.status}`).sort()).toEqual(["email:held", "in_app:sent", "webhook:held"]);
    for (const row of held.filter((r) => r.status === "held")) expect(row.nextAttemptAt.toISOString()).toBe("2026-12-05T05:00:00.000Z");
    expect((await rowsOf(critical.id)).map((row) => `${row.kind}:${row.status}`).sort()).toEqual(["email:queued", "in_app:sent", "webhook:queued"]);
    // after midnight, still quiet (01:30 local); and the held rows are not due before 06:00 local
    const night = new Date("2026-12-05T00:30:00Z");
    const later = await raise(f.devices.loose.id, "low_battery", "warning", night);
    await runFanOut(night);
    expect((await rowsOf(later.id)).find((row) => row.kind === "email")).toMatchObject({ status: "held", nextAttemptAt: new Date("2026-12-05T05:00:00Z") });
  });

  it("a quiet period inside one day (12:00–13:00) holds until 13:00; outside it, mail goes now", async () => {
    const f = await makeFarm({ timezone: "UTC" });
    await db.notificationRule.create({ data: { farmId: f.farm.id, name: "lunch", alertTypes: [], minSeverity: "warning", userIds: [f.people.alice.id], channelIds: [], quietStart: 12 * 60, quietEnd: 13 * 60 } });
    const lunch = await raise(f.devices.inBarn.id, "low_battery", "warning");
    await runFanOut(new Date("2026-12-04T12:30:00Z"));
    expect((await rowsOf(lunch.id)).find((row) => row.kind === "email")).toMatchObject({ status: "held", nextAttemptAt: new Date("2026-12-04T13:00:00Z") });
    const afternoon = await raise(f.devices.inRoot.id, "low_battery", "warning");
    await runFanOut(new Date("2026-12-04T14:00:00Z"));
    expect((await rowsOf(afternoon.id)).find((row) => row.kind === "email")).toMatchObject({ status: "queued" });
  });
});

describe("digest", () => {
  it("gathers a person's non-critical mail into one mail at the farm's digest hour, once", async () => {
    const f = await makeFarm({ timezone: "Europe/Amsterdam", digestHour: 7 });
    await db.notificationRule.create({ data: { farmId: f.farm.id, name: "all", alertTypes: [], minSeverity: "warning", userIds: [f.people.erin.id], channelIds: [] } });
    const evening = new Date("2026-12-04T18:00:00Z");
    const a = await raise(f.devices.inBarn.id, "low_battery", "warning", evening);
    const b = await raise(f.devices.inRoot.id, "low_battery", "warning", evening);
    const c = await raise(f.devices.loose.id, "offline", "critical", evening);
    await runFanOut(evening);
    expect((await rowsOf(a.id)).map((row) => `${row.kind}:${row.status}`).sort()).toEqual(["email:digest", "in_app:sent"]);
    expect((await rowsOf(c.id)).map((row) => `${row.kind}:${row.status}`).sort()).toEqual(["email:queued", "in_app:sent"]); // critical: not in the digest
    const client = await pool.connect();
    try {
      // 05:00 local: not yet
      expect(await sendDigests(client, new Date("2026-12-05T04:00:00Z"), BASE)).toMatchObject({ mails: 0 });
      // 07:10 local (06:10 UTC): one mail listing both
      const sent = await sendDigests(client, new Date("2026-12-05T06:10:00Z"), BASE);
      expect(sent.mails).toBeGreaterThanOrEqual(1);
      const digest = await db.notification.findUniqueOrThrow({ where: { dedupeKey: `digest:${f.farm.id}:user:${f.people.erin.id}:2026-12-05` } });
      expect(digest).toMatchObject({ kind: "email", status: "queued", userId: f.people.erin.id });
      expect(digest.subject).toBe(`Daily digest for ${f.farm.name}: 2 alert notifications`);
      expect(digest.body).toContain("Battery level at 4 %");
      for (const alert of [a, b]) expect((await rowsOf(alert.id)).find((row) => row.kind === "email")).toMatchObject({ status: "sent" });
      // the same hour again: nothing new
      const late = await raise(f.devices.flapper.id, "low_battery", "warning", new Date("2026-12-05T06:20:00Z"));
      await runFanOut(new Date("2026-12-05T06:20:00Z"));
      await sendDigests(client, new Date("2026-12-05T06:40:00Z"), BASE);
      expect((await rowsOf(late.id)).find((row) => row.kind === "email")).toMatchObject({ status: "digest" }); // waits for tomorrow
      expect(await db.notification.count({ where: { dedupeKey: { startsWith: `digest:${f.farm.id}:` } } })).toBe(1);
    } finally {
      client.release();
    }
    // and the digest mail is delivered like any other
    await deliver(new Date("2026-12-05T06:41:00Z"));
    expect(caught.find((mail) => mail.subject.startsWith(`Daily digest for ${f.farm.name}`))).toMatchObject({ to: [f.people.erin.email] });
  });
});

describe("escalation", () => {
  it("goes level by level after the interval, up to the last level; acknowledging stops it", async () => {
    const f = await makeFarm({ escalationMinutes: 15 });
    const hook = await webhookChannel(f.farm.id, `${receiverUrl}/oncall`);
    // bob only wants critical, carol's min severity does not matter on call: both reached
    await db.onCallEntry.createMany({
      data: [
        { farmId: f.farm.id, level: 1, userId: f.people.frank.id },
        { farmId: f.farm.id, level: 2, userId: f.people.bob.id },
        { farmId: f.farm.id, level: 2, channelId: hook.id },
      ],
    });
    const t0 = Date.now();
    const alert = await raise(f.devices.inBarn.id, "offline", "critical", new Date(t0));
    const stopped = await raise(f.devices.inRoot.id, "offline", "critical", new Date(t0));
    await runFanOut(new Date(t0));
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    const state = async (id: number) => db.alert.findUniqueOrThrow({ where: { id } });

    expect((await runEscalation(at(10))).escalated).toBe(0);
    await runEscalation(at(16));
    expect(await state(alert.id)).toMatchObject({ escalationLevel: 1, escalatedAt: at(16) });
    // level 1: frank by e-mail and in-app although he chose no e-mail (on call)
    expect((await rowsOf(alert.id)).filter((row) => row.level === 1).map((row) => `${row.kind}:${row.status}:${row.userId === f.people.frank.id}`).sort()).toEqual(["email:queued:true", "in_app:sent:true"]);
    expect((await rowsOf(alert.id)).find((row) => row.level === 1)!.subject).toMatch(/^ESCALATED \(level 1\) CRITICAL: /);

    // the second alert is acknowledged while its level-1 mail still waits
    await db.alert.update({ where: { id: stopped.id }, data: { state: "acknowledged", acknowledgedAt: at(17) } });

    const between = await runEscalation(at(25));
    expect(between.escalated).toBe(0); // 9 minutes since level 1
    expect(between.cancelled).toBe(1); // the acknowledged alert's level-1 mail
    await runEscalation(at(32));
    expect(await state(alert.id)).toMatchObject({ escalationLevel: 2 });
    expect((await rowsOf(alert.id)).filter((row) => row.level === 2).map((row) => `${row.kind}:${row.channelId ? "channel" : row.userId === f.people.bob.id ? "bob" : "?"}`).sort()).toEqual(["email:bob", "in_app:bob", "webhook:channel"]);
    // the last level: nothing more, however long
    await runEscalation(at(120));
    expect(await state(alert.id)).toMatchObject({ escalationLevel: 2 });

    // the acknowledged one: never beyond level 1, its level-1 mail cancelled before it went out
    expect(await state(stopped.id)).toMatchObject({ escalationLevel: 1 });
    const stoppedMail = (await rowsOf(stopped.id)).find((row) => row.level === 1 && row.kind === "email")!;
    expect(stoppedMail).toMatchObject({ status: "cancelled" });
    expect(stoppedMail.lastError).toMatch(/acknowledged .*escalation stopped/);

    // Who was told when, in the audit log: one `escalated` event per level, by the worker.
    const events = await db.auditEvent.findMany({ where: { entityType: "alert", entityId: String(alert.id), action: "escalated" }, orderBy: { id: "asc" } });
    const person = (p: { name: string; email: string }) => `${p.name} <${p.email}>`;
    expect(events.map((event) => ({ at: event.createdAt, who: event.actorLabel, via: event.via, farmId: event.farmId, after: event.after }))).toEqual([
      { at: at(16), who: "worker", via: "worker", farmId: f.farm.id, after: { level: 1, notified: [`${person(f.people.frank)} by e-mail + in-app`] } },
      { at: at(32), who: "worker", via: "worker", farmId: f.farm.id, after: { level: 2, notified: [`${person(f.people.bob)} by e-mail + in-app`, `channel ${hook.name} by webhook`].sort() } },
    ]);
    expect(await db.auditEvent.count({ where: { entityType: "alert", entityId: String(stopped.id), action: "escalated" } })).toBe(1);
  });
});

describe("escalation: only the farm's people", () => {
  it("an on-call entry for a person of another farm reaches nobody; a person of no farm (admin) is reached", async () => {
    const f = await makeFarm({ escalationMinutes: 15 });
    await db.onCallEntry.createMany({
      data: [
        { farmId: f.farm.id, level: 1, userId: f.people.carol.id },
        { farmId: f.farm.id, level: 1, userId: f.people.bob.id },
      ],
    });
    const t0 = Date.now();
    const alert = await raise(f.devices.inBarn.id, "offline", "critical", new Date(t0));
    await runFanOut(new Date(t0));
    await runEscalation(new Date(t0 + 16 * 60_000));
    const level1 = (await rowsOf(alert.id)).filter((row) => row.level === 1);
    expect(level1.some((row) => row.userId === f.people.carol.id)).toBe(false);
    expect(level1.filter((row) => row.userId === f.people.bob.id).map((row) => row.kind).sort()).toEqual(["email", "in_app"]);
  });
});

describe("quiet hours and a resolved alert", () => {
  it("a first message held by quiet hours is cancelled once its alert is resolved; one of an acknowledged alert still goes", async () => {
    const f = await makeFarm();
    const resolved = await raise(f.devices.inBarn.id, "low_battery", "warning");
    const acknowledged = await raise(f.devices.inRoot.id, "low_battery", "warning");
    const later = new Date(Date.now() + 3_600_000);
    const held = (alertId: number) =>
      db.notification.create({ data: { dedupeKey: `test:${uid()}`, alertId, farmId: f.farm.id, level: 0, kind: "email", userId: f.people.alice.id, subject: "s", body: "b", status: "held", nextAttemptAt: later } });
    const a = await held(resolved.id);
    const b = await held(acknowledged.id);
    await db.alert.update({ where: { id: resolved.id }, data: { state: "resolved", resolvedAt: new Date() } });
    await db.alert.update({ where: { id: acknowledged.id }, data: { state: "acknowledged", acknowledgedAt: new Date() } });
    await runEscalation(new Date());
    expect(await db.notification.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: "cancelled", lastError: expect.stringMatching(/resolved while this was held/) });
    expect(await db.notification.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({ status: "held" });
  });
});

describe("delivery", () => {
  async function queuedMail(userId: number, subject: string, now = new Date()) {
    return db.notification.create({ data: { dedupeKey: `test:${uid()}`, kind: "email", userId, subject, body: "body text", status: "queued", nextAttemptAt: now } });
  }

  it("sends mail over SMTP, logs the attempt and marks the row sent", async () => {
    const f = await makeFarm();
    const row = await queuedMail(f.people.alice.id, `hello ${uid()}`);
    await deliver(new Date());
    expect(await db.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(caught.find((mail) => mail.subject === row.subject)).toMatchObject({ to: [f.people.alice.email], text: expect.stringContaining("body text") });
    expect(await db.notificationDelivery.findMany({ where: { notificationId: row.id } })).toMatchObject([{ attempt: 1, ok: true, responseCode: 250 }]);
  });

  it("puts a sealed link into the mail only when sending, and drops it from the row once sent", async () => {
    const f = await makeFarm();
    const link = `https://dairy.test/invite/tok${uid()}`;
    const row = await db.notification.create({
      data: { dedupeKey: `test:${uid()}`, kind: "email", userId: f.people.alice.id, subject: `invite ${uid()}`, body: "Open {link} to join.", payload: { kind: "invitation", sealedLink: sealSecret(link) }, status: "queued", nextAttemptAt: new Date() },
    });
    await deliver(new Date());
    expect(caught.find((mail) => mail.subject === row.subject)).toMatchObject({ text: expect.stringContaining(`Open ${link} to join.`) });
    const after = await db.notification.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({ status: "sent", body: "Open {link} to join.", payload: { kind: "invitation" } });
    expect(after.payload).not.toHaveProperty("sealedLink");
  });

  it("a deactivated person's mail is cancelled, not sent", async () => {
    const f = await makeFarm();
    const row = await queuedMail(f.people.dave.id, `to dave ${uid()}`);
    await deliver(new Date());
    expect(await db.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "cancelled", lastError: "dave is deactivated." });
    expect(caught.find((mail) => mail.subject === row.subject)).toBeUndefined();
  });

  it("SMTP down: the attempt fails with the reason and the mail waits; SMTP back: sent; the alert is untouched", async () => {
    const f = await makeFarm();
    await db.notificationRule.create({ data: { farmId: f.farm.id, name: "all", alertTypes: [], minSeverity: "warning", userIds: [f.people.alice.id], channelIds: [] } });
    const port = await findFreePort();
    const downMailer = createMailer({ url: `smtp://127.0.0.1:${port}` });
    try {
      const t0 = new Date();
      const alert = await raise(f.devices.inBarn.id, "offline", "critical", t0);
      await runFanOut(t0);
      const mailRow = (await rowsOf(alert.id)).find((row) => row.kind === "email")!;
      await deliver(t0, { mailer: downMailer });
      const waiting = await db.notification.findUniqueOrThrow({ where: { id: mailRow.id } });
      expect(waiting).toMatchObject({ status: "queued", attempts: 1, nextAttemptAt: new Date(t0.getTime() + 60_000) });
      expect(waiting.lastError).toMatch(/^Mail not sent: .*ECONNREFUSED/);
      expect(waiting.lastError).not.toContain("smtp://");
      expect(await db.notificationDelivery.findMany({ where: { notificationId: mailRow.id } })).toMatchObject([{ ok: false, attempt: 1 }]);
      expect(await db.alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ state: "active" });
      // not due before its backoff
      expect((await deliver(new Date(t0.getTime() + 30_000), { mailer: downMailer })).claimed).toBe(0);
      const back = await startSmtp(port);
      try {
        await deliver(new Date(t0.getTime() + 61_000), { mailer: downMailer });
        expect(await db.notification.findUniqueOrThrow({ where: { id: mailRow.id } })).toMatchObject({ status: "sent", attempts: 2, lastError: null });
        expect(caught.some((mail) => mail.subject === mailRow.subject)).toBe(true);
      } finally {
        await stopSmtp(back.server);
      }
    } finally {
      downMailer.close();
    }
  });

  it("retries with backoff, then fails after the last attempt with the reason", async () => {
    const f = await makeFarm();
    const hook = await webhookChannel(f.farm.id, `${receiverUrl}/failing`);
    receiverStatus = 503;
    const t0 = new Date();
    const row = await db.notification.create({ data: { dedupeKey: `test:${uid()}`, kind: "webhook", channelId: hook.id, subject: "s", body: "b", nextAttemptAt: t0 } });
    const backoff = [1, 5];
    await deliver(t0, { backoffMinutes: backoff });
    expect(await db.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "queued", attempts: 1, nextAttemptAt: new Date(t0.getTime() + 60_000) });
    await deliver(new Date(t0.getTime() + 60_000), { backoffMinutes: backoff });
    expect(await db.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "queued", attempts: 2, nextAttemptAt: new Date(t0.getTime() + 6 * 60_000) });
    await deliver(new Date(t0.getTime() + 6 * 60_000), { backoffMinutes: backoff });
    const failed = await db.notification.findUniqueOrThrow({ where: { id: row.id } });
    expect(failed).toMatchObject({ status: "failed", attempts: 3 });
    expect(failed.lastError).toBe(`${new URL(receiverUrl).host} answered HTTP 503. (gave up after 3 attempts)`);
    expect(await db.notificationDelivery.findMany({ where: { notificationId: row.id }, orderBy: { attempt: "asc" } })).toMatchObject([
      { attempt: 1, ok: false, responseCode: 503 },
      { attempt: 2, ok: false, responseCode: 503 },
      { attempt: 3, ok: false, responseCode: 503 },
    ]);
  });

  it("signs webhooks so the receiver can verify them; Slack and Teams bodies have their shapes", async () => {
    const f = await makeFarm();
    const secret = "whsec-test-0123456789";
    const json = await webhookChannel(f.farm.id, `${receiverUrl}/signed`, "json", secret);
    const slack = await webhookChannel(f.farm.id, `${receiverUrl}/slack`, "slack");
    const teams = await webhookChannel(f.farm.id, `${receiverUrl}/teams`, "teams");
    await db.notificationRule.create({ data: { farmId: f.farm.id, name: "hooks", alertTypes: [], minSeverity: "warning", userIds: [], channelIds: [json.id, slack.id, teams.id] } });
    const alert = await raise(f.devices.inBarn.id, "low_battery", "critical");
    await runFanOut(new Date());
    await deliver(new Date());

    const signed = received.find((r) => r.path === "/signed")!;
    const timestamp = String(signed.headers["x-sdm-timestamp"]);
    const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${signed.body}`).digest("hex")}`;
    expect(signed.headers["x-sdm-signature"]).toBe(expected);
    expect(signWebhook(secret, timestamp, signed.body)).toBe(expected);
    expect(JSON.parse(signed.body)).toMatchObject({ event: "alert.raised", alert: { id: alert.id, severity: "critical" }, subject: expect.stringMatching(/^CRITICAL: /) });

    const slackBody = JSON.parse(received.find((r) => r.path === "/slack")!.body);
    expect(received.find((r) => r.path === "/slack")!.headers["x-sdm-signature"]).toBeUndefined();
    expect(slackBody).toMatchObject({ text: expect.stringMatching(/^CRITICAL: /), blocks: expect.arrayContaining([{ type: "section", text: { type: "mrkdwn", text: expect.any(String) } }]) });
    expect(slackBody.blocks.at(-1)).toMatchObject({ type: "actions", elements: [{ type: "button", url: `${BASE}/alerts/${alert.id}` }, { type: "button" }] });

    const teamsBody = JSON.parse(received.find((r) => r.path === "/teams")!.body);
    expect(teamsBody).toMatchObject({
      type: "message",
      attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: { type: "AdaptiveCard", body: [{ type: "TextBlock", text: expect.stringMatching(/^CRITICAL: /) }, { type: "TextBlock" }], actions: [{ type: "Action.OpenUrl", url: `${BASE}/alerts/${alert.id}` }, { type: "Action.OpenUrl" }] } }],
    });
    expect(await db.notification.count({ where: { alertId: alert.id, status: "sent" } })).toBe(3);
  });

  it("a result whose claim was taken over meanwhile (lease ran out) does not overwrite the other worker's", async () => {
    const f = await makeFarm();
    const t0 = new Date();
    const row = await queuedMail(f.people.alice.id, `slow ${uid()}`, t0);
    const otherLease = new Date(t0.getTime() + 3_600_000);
    // while this worker still sends, another one claims the row again (attempt 2, its own lease)
    const slowMailer: Mailer = {
      async send() {
        await db.notification.update({ where: { id: row.id }, data: { attempts: { increment: 1 }, nextAttemptAt: otherLease } });
        return { messageId: "<slow@test>", response: "250 OK", responseCode: 250 };
      },
      close() {},
    };
    const result = await deliver(t0, { mailer: slowMailer });
    expect(result).toMatchObject({ claimed: 1, sent: 0 });
    expect(await db.notification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "queued", attempts: 2, nextAttemptAt: otherLease, sentAt: null });
    // the attempt itself is still in the log
    expect(await db.notificationDelivery.findMany({ where: { notificationId: row.id } })).toMatchObject([{ attempt: 1, ok: true }]);
  });

  it("refuses a metadata address at send time without calling it, and a redirect is a failure", async () => {
    const f = await makeFarm();
    const metadata = await webhookChannel(f.farm.id, "http://169.254.169.254/latest/meta-data/");
    const redirect = await webhookChannel(f.farm.id, `${receiverUrl}/redirect`);
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const t0 = new Date();
    const a = await db.notification.create({ data: { dedupeKey: `test:${uid()}`, kind: "webhook", channelId: metadata.id, subject: "s", body: "b", nextAttemptAt: t0 } });
    const b = await db.notification.create({ data: { dedupeKey: `test:${uid()}`, kind: "webhook", channelId: redirect.id, subject: "s", body: "b", nextAttemptAt: t0 } });
    await deliver(t0);
    expect(fetchSpy.mock.calls.some(([url]) => String(url).includes("169.254.169.254"))).toBe(false);
    const refused = await db.notification.findUniqueOrThrow({ where: { id: a.id } });
    expect(refused.lastError).toMatch(/^Refused before calling: 169\.254\.169\.254 is a link-local address/);
    expect(await db.notificationDelivery.findMany({ where: { notificationId: a.id } })).toMatchObject([{ ok: false, responseCode: null }]);
    const redirected = await db.notification.findUniqueOrThrow({ where: { id: b.id } });
    expect(redirected.lastError).toMatch(/answered with a redirect \(HTTP 302\)/);
    expect(redirected.status).toBe("queued");
  });
});

describe("two engines racing", () => {
  it("fan out and deliver 300 alerts without a duplicate", async () => {
    const f = await makeFarm({ debounceMinutes: 0 });
    const hook = await webhookChannel(f.farm.id, `${receiverUrl}/race`);
    await db.notificationRule.create({ data: { farmId: f.farm.id, name: "all", alertTypes: [], minSeverity: "warning", userIds: [f.people.frank.id], channelIds: [hook.id] } });
    const devices = await db.device.createManyAndReturn({
      data: Array.from({ length: 300 }, (_, i) => ({ deviceId: `RC${uid()}${i}`.slice(0, 14), name: `Race ${i}`, deviceType: "milk_meter" as const, state: "active" as const, farmId: f.farm.id })),
    });
    await db.alert.createMany({ data: devices.map((device) => ({ deviceId: device.id, alertType: "offline" as const, severity: "critical" as const })) });
    const now = new Date();
    const clients = await Promise.all([pool.connect(), pool.connect()]);
    try {
      const [one, two] = await Promise.all(clients.map((client) => fanOut(client, now, { batch: 50, base: BASE })));
      expect(one!.alerts + two!.alerts).toBeGreaterThanOrEqual(300);
    } finally {
      for (const client of clients) client.release();
    }
    const ids = devices.map((device) => device.id);
    const rows = await db.notification.findMany({ where: { alert: { deviceId: { in: ids } } } });
    // frank's in-app and the webhook: 2 per alert, none twice
    expect(rows).toHaveLength(600);
    // two deliveries racing: every webhook called exactly once
    const otherMailer = createMailer({ url: `smtp://127.0.0.1:${smtp.port}` });
    try {
      await Promise.all([deliver(now), deliver(now, { mailer: otherMailer })]);
    } finally {
      otherMailer.close();
    }
    const calls = received.filter((r) => r.path === "/race").map((r) => (JSON.parse(r.body) as { alert: { id: number } }).alert.id);
    expect(calls).toHaveLength(300);
    expect(new Set(calls).size).toBe(300);
    const unsent = await db.notification.findMany({ where: { alert: { deviceId: { in: ids } }, status: { not: "sent" } }, select: { status: true, lastError: true, attempts: true, kind: true } });
    expect(unsent).toEqual([]);
    expect(await db.notificationDelivery.count({ where: { notification: { alert: { deviceId: { in: ids } } } } })).toBe(300);
  });
});

describe("the engine in the worker", () => {
  it("a raised alert fans out within a second (trigger + LISTEN) and its mail is delivered", async () => {
    const f = await makeFarm();
    await db.notificationRule.create({ data: { farmId: f.farm.id, name: "all", alertTypes: [], minSeverity: "warning", userIds: [f.people.alice.id], channelIds: [] } });
    const engine = new NotifyEngine(pool, { databaseUrl: resolveDatabaseUrl(), mailer, tickMs: 0, escalationEveryMs: 0, digestEveryMs: 0, appUrl: BASE, log: () => undefined }).start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 500)); // LISTEN is open
      const raisedAt = Date.now();
      // raised by plain SQL, as the health sweep does
      const { rows } = await pool.query<{ id: number }>(`INSERT INTO alerts (device_id, alert_type, severity, message) VALUES ($1, 'offline', 'critical', 'Device offline') RETURNING id`, [f.devices.inBarn.id]);
      const alertId = rows[0]!.id;
      let inApp = null;
      while (!inApp && Date.now() - raisedAt < 5_000) {
        inApp = await db.notification.findFirst({ where: { alertId, kind: "in_app" } });
        if (!inApp) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(inApp).not.toBeNull();
      expect(Date.now() - raisedAt).toBeLessThan(1_000);
      let mail = null;
      while (!mail && Date.now() - raisedAt < 10_000) {
        mail = await db.notification.findFirst({ where: { alertId, kind: "email", status: "sent" } });
        if (!mail) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(mail).not.toBeNull();
    } finally {
      await engine.stop();
    }
  });
});

describe("retention", () => {
  it("deletes finished notifications past the retention with their delivery log, never what is still to go", async () => {
    const old = new Date(Date.now() - 100 * 24 * 60 * 60 * 1000);
    const sent = await db.notification.create({ data: { dedupeKey: `test:${uid()}`, kind: "email", subject: "old", body: "b", status: "sent", createdAt: old, deliveries: { create: { attempt: 1, ok: true, durationMs: 3 } } } });
    const waiting = await db.notification.create({ data: { dedupeKey: `test:${uid()}`, kind: "email", subject: "old but queued", body: "b", status: "queued", createdAt: old, nextAttemptAt: new Date(Date.now() + 3_600_000) } });
    const recent = await db.notification.create({ data: { dedupeKey: `test:${uid()}`, kind: "email", subject: "recent", body: "b", status: "sent" } });
    expect(await deleteOldNotifications(pool, new Date(Date.now() - 90 * 24 * 60 * 60 * 1000))).toBeGreaterThanOrEqual(1);
    expect(await db.notification.findUnique({ where: { id: sent.id } })).toBeNull();
    expect(await db.notificationDelivery.count({ where: { notificationId: sent.id } })).toBe(0);
    expect(await db.notification.findUnique({ where: { id: waiting.id } })).not.toBeNull();
    expect(await db.notification.findUnique({ where: { id: recent.id } })).not.toBeNull();
  });
});
