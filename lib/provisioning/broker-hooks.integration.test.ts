/**
 * The HTTP authentication and authorisation hooks an external broker calls (EMQX 5,
 * mosquitto-go-auth), through their route handlers against a real PostgreSQL: a device logs in
 * with its own credentials and stays inside its own topics, revoked and regenerated-away passwords
 * are refused, the service account is the superuser, and no password reaches a log.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as emqxAuthenticate from "@/app/api/v1/broker/emqx/authenticate/route";
import * as emqxAuthorize from "@/app/api/v1/broker/emqx/authorize/route";
import * as mosquittoAcl from "@/app/api/v1/broker/mosquitto/acl/route";
import * as mosquittoSuperuser from "@/app/api/v1/broker/mosquitto/superuser/route";
import * as mosquittoUser from "@/app/api/v1/broker/mosquitto/user/route";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { newSecret } from "./credentials";
import { provisionDevice, regenerateCredentials, revokeCredentials, type DeviceConnectionDetails } from "./provision-device";

// Read by loadConfig() on the first hook call, which comes after this line.
const hookSecret = newSecret(32);
const previousSecret = process.env.BROKER_HOOK_SECRET;
process.env.BROKER_HOOK_SECRET = hookSecret;
const service = { username: process.env.MQTT_SERVICE_USERNAME ?? "sdm-service", password: process.env.MQTT_SERVICE_PASSWORD ?? "" };

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const ids = { a: `HA${suffix}`, b: `HB${suffix}`, revoked: `HC${suffix}`, regenerated: `HD${suffix}` };
let farmId: number;
let userId: number;
let a: DeviceConnectionDetails;
let b: DeviceConnectionDetails;
let revoked: DeviceConnectionDetails;
let regeneratedAway: DeviceConnectionDetails;
let regenerated: DeviceConnectionDetails;

const passwords = () => [a, b, revoked, regeneratedAway, regenerated].map((credentials) => credentials.password).concat(service.password);
const logged: string[] = [];

function hook(body: unknown, options: { secret?: string | null; form?: boolean } = {}) {
  const secret = options.secret === undefined ? hookSecret : options.secret;
  return new Request("http://localhost/api/v1/broker/hook", {
    method: "POST",
    headers: {
      "Content-Type": options.form ? "application/x-www-form-urlencoded" : "application/json",
      ...(secret === null ? {} : { "X-Broker-Hook-Secret": secret }),
    },
    body: options.form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body),
  });
}

const login = (credentials: Pick<DeviceConnectionDetails, "username" | "password" | "clientId">) => ({ username: credentials.username, password: credentials.password, clientid: credentials.clientId });

async function emqxLogin(body: Record<string, string>) {
  const response = await emqxAuthenticate.POST(hook(body));
  expect(response.status).toBe(200);
  return response.json() as Promise<{ result: string; is_superuser: boolean }>;
}

async function emqxMay(credentials: { username: string; clientId: string }, action: "publish" | "subscribe", topic: string, extra: Record<string, string> = {}) {
  const response = await emqxAuthorize.POST(hook({ username: credentials.username, clientid: credentials.clientId, topic, action, ...extra }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { result: string }).result;
}

async function mosquittoMay(credentials: { username: string; clientId: string }, acc: number, topic: string, form = false) {
  return (await mosquittoAcl.POST(hook({ username: credentials.username, clientid: credentials.clientId, topic, acc: form ? String(acc) : acc }, { form }))).status;
}

beforeAll(async () => {
  farmId = (await db.farm.create({ data: { code: `HK${suffix}`, name: "Broker hook farm" } })).id;
  const user = await db.user.create({ data: { email: `hooks-${suffix}@test.example`, name: "Hook admin", role: "admin", passwordHash: "x" } });
  userId = user.id;
  const admin: Actor = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
  const make = async (deviceId: string) => (await provisionDevice(db, admin, { deviceId, name: `Hook ${deviceId}`, deviceType: "milk_meter", farmId }, "api")).credentials;
  a = await make(ids.a);
  b = await make(ids.b);
  revoked = await make(ids.revoked);
  regeneratedAway = await make(ids.regenerated);
  await revokeCredentials(db, admin, ids.revoked);
  regenerated = await regenerateCredentials(db, admin, ids.regenerated);
});

beforeEach(() => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  // Nothing any hook wrote to the console may carry a password.
  for (const password of passwords().filter(Boolean)) for (const line of logged) expect(line).not.toContain(password);
  process.env.BROKER_HOOK_SECRET = previousSecret;
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: Object.values(ids) } } });
  await db.device.deleteMany({ where: { farmId } });
  await db.auditEvent.deleteMany({ where: { actorId: userId } });
  await db.user.delete({ where: { id: userId } });
  await db.farm.delete({ where: { id: farmId } });
  await disconnectDb();
});

describe("the hooks' shared secret", () => {
  it("refuses a broker without the secret or with a wrong one (401), whatever it asks", async () => {
    for (const secret of [null, "not-the-secret"]) {
      expect((await emqxAuthenticate.POST(hook(login(a), { secret }))).status).toBe(401);
      expect((await emqxAuthorize.POST(hook({ username: a.username, clientid: a.clientId, topic: a.topics.telemetry, action: "publish" }, { secret }))).status).toBe(401);
      expect((await mosquittoUser.POST(hook(login(a), { secret }))).status).toBe(401);
      expect((await mosquittoSuperuser.POST(hook({ username: service.username }, { secret }))).status).toBe(401);
      expect((await mosquittoAcl.POST(hook({ username: a.username, clientid: a.clientId, topic: a.topics.telemetry, acc: 2 }, { secret }))).status).toBe(401);
    }
  });

  it("accepts the secret as HTTP Basic authentication's password (mosquitto-go-auth's user:secret@host)", async () => {
    const request = new Request("http://localhost/api/v1/broker/mosquitto/user", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Basic ${Buffer.from(`mosquitto:${hookSecret}`).toString("base64")}` },
      body: JSON.stringify(login(a)),
    });
    expect((await mosquittoUser.POST(request)).status).toBe(200);
  });
});

describe("EMQX HTTP authentication", () => {
  it("lets a device in with its own credentials, not as a superuser", async () => {
    expect(await emqxLogin(login(a))).toEqual({ result: "allow", is_superuser: false });
    expect(await emqxLogin({ ...login(a), clientid: `${a.clientId}-ota` })).toEqual({ result: "allow", is_superuser: false });
  });

  it("denies a wrong password, a revoked credential, a regenerated-away password and a borrowed client id", async () => {
    expect(await emqxLogin({ ...login(a), password: "guess" })).toMatchObject({ result: "deny" });
    expect(await emqxLogin(login(revoked))).toMatchObject({ result: "deny" });
    expect(await emqxLogin(login(regeneratedAway))).toMatchObject({ result: "deny" });
    expect(await emqxLogin(login(regenerated))).toEqual({ result: "allow", is_superuser: false });
    expect(await emqxLogin({ ...login(a), clientid: b.clientId })).toMatchObject({ result: "deny" });
    expect(await emqxLogin({ ...login(a), password: b.password })).toMatchObject({ result: "deny" });
    expect(await emqxLogin({ username: "", password: "", clientid: "anon" })).toMatchObject({ result: "deny" });
  });

  it("leaves usernames it did not issue to the next authenticator (ignore)", async () => {
    expect(await emqxLogin({ username: "dashboard-viewer", password: "x", clientid: "x" })).toEqual({ result: "ignore", is_superuser: false });
  });

  it("makes the service account the superuser", async () => {
    expect(await emqxLogin({ username: service.username, password: service.password, clientid: "sdm-iot-worker" })).toEqual({ result: "allow", is_superuser: true });
    expect(await emqxLogin({ username: service.username, password: "wrong", clientid: "sdm-iot-worker" })).toMatchObject({ result: "deny", is_superuser: false });
  });

  it("answers a malformed request 400 with a message", async () => {
    const response = await emqxAuthorize.POST(hook({ username: a.username, clientid: a.clientId, topic: "x", action: "delete" }));
    expect(response.status).toBe(400);
    expect((await response.json()).error.fields.action).toEqual(["action must be publish or subscribe"]);
  });
});

describe("EMQX HTTP authorisation", () => {
  it("keeps a device inside its own topics", async () => {
    expect(await emqxMay(a, "publish", a.topics.telemetry)).toBe("allow");
    expect(await emqxMay(a, "publish", a.topics.commandResponse.replace("{command_id}", "c-1"))).toBe("allow");
    expect(await emqxMay(a, "subscribe", a.topics.commands)).toBe("allow");
    expect(await emqxMay(a, "subscribe", `devices/${ids.a}/#`)).toBe("allow");
    // Commands, configuration and update offers come from the cloud alone.
    expect(await emqxMay(a, "publish", a.topics.commands)).toBe("deny");
    expect(await emqxMay(a, "publish", a.topics.config)).toBe("deny");
  });

  it("denies a device another device's topics and wildcards over all devices", async () => {
    expect(await emqxMay(a, "publish", b.topics.telemetry)).toBe("deny");
    expect(await emqxMay(a, "publish", b.topics.status)).toBe("deny");
    expect(await emqxMay(a, "subscribe", b.topics.commands)).toBe("deny");
    expect(await emqxMay(a, "subscribe", "devices/+/telemetry")).toBe("deny");
    expect(await emqxMay(a, "subscribe", "#")).toBe("deny");
    expect(await emqxMay({ username: a.username, clientId: b.clientId }, "publish", b.topics.telemetry)).toBe("deny");
  });

  it("denies a device a retained publish (EMQX's ${retain}), even on its own topics", async () => {
    expect(await emqxMay(a, "publish", a.topics.telemetry, { retain: "true" })).toBe("deny");
    expect(await emqxMay(a, "publish", a.topics.status, { retain: "true" })).toBe("deny");
    expect(await emqxMay(a, "publish", a.topics.telemetry, { retain: "false" })).toBe("allow");
    expect(await emqxMay({ username: service.username, clientId: "sdm-web" }, "publish", b.topics.config, { retain: "true" })).toBe("allow");
  });

  it("takes a revoked device's topics away, even on a connection it already has", async () => {
    expect(await emqxMay(revoked, "publish", revoked.topics.telemetry)).toBe("deny");
  });

  it("lets the service account anywhere", async () => {
    expect(await emqxMay({ username: service.username, clientId: "sdm-iot-worker" }, "subscribe", "$share/iot-workers/devices/+/telemetry")).toBe("allow");
    expect(await emqxMay({ username: service.username, clientId: "sdm-web" }, "publish", b.topics.commands)).toBe("allow");
  });
});

describe("mosquitto-go-auth HTTP backend", () => {
  it("checks users with JSON or form params: 200 allows, 403 denies", async () => {
    expect((await mosquittoUser.POST(hook(login(a)))).status).toBe(200);
    expect((await mosquittoUser.POST(hook(login(a), { form: true }))).status).toBe(200);
    const refused = await mosquittoUser.POST(hook(login(revoked)));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ ok: false, error: "bad username or password" });
    expect((await mosquittoUser.POST(hook(login(regeneratedAway), { form: true }))).status).toBe(403);
    expect((await mosquittoUser.POST(hook({ ...login(a), password: "guess" }))).status).toBe(403);
  });

  it("names the service account the only superuser", async () => {
    expect((await mosquittoSuperuser.POST(hook({ username: service.username }))).status).toBe(200);
    expect((await mosquittoSuperuser.POST(hook({ username: a.username }))).status).toBe(403);
    expect((await mosquittoSuperuser.POST(hook({ username: "" }, { form: true }))).status).toBe(403);
  });

  it("keeps a device to its own topics for read (1), write (2), readwrite (3) and subscribe (4)", async () => {
    for (const acc of [1, 2, 3, 4]) {
      // Its commands: its to read and subscribe to; only the cloud writes them.
      expect(await mosquittoMay(a, acc, a.topics.commands), `own, acc ${acc}`).toBe(acc === 1 || acc === 4 ? 200 : 403);
      expect(await mosquittoMay(a, acc, b.topics.commands), `other, acc ${acc}`).toBe(403);
      expect(await mosquittoMay(a, acc, a.topics.commandResponse.replace("{command_id}", "c-1")), `own response, acc ${acc}`).toBe(200);
    }
    expect(await mosquittoMay(a, 2, a.topics.telemetry, true)).toBe(200);
    expect(await mosquittoMay(a, 2, b.topics.telemetry, true)).toBe(403);
    expect(await mosquittoMay(a, 4, "devices/#")).toBe(403);
    expect(await mosquittoMay(revoked, 2, revoked.topics.telemetry)).toBe(403);
  });
});
