/**
 * The provisioning endpoints through their route handlers: registering with credentials,
 * regenerating and revoking them, provisioning tokens with API keys of each role, and a device's
 * claim without any key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as credentialsRoute from "@/app/api/v1/devices/[id]/credentials/route";
import * as tokenRoute from "@/app/api/v1/devices/[id]/provisioning-token/route";
import * as devicesRoute from "@/app/api/v1/devices/route";
import * as claimRoute from "@/app/api/v1/provisioning/claim/route";
import { disconnectDb, getDb } from "../db";
import { PEER_ADDRESS_HEADER, PEER_ADDRESS_MARKER_ENV } from "../http/client-address";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";
import { FREE_CLAIM_FAILURES_PER_ADDRESS } from "./claim-device";
import { verifyDeviceCredentials } from "./credentials";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const base = 100_000 + Math.floor(Math.random() * 800_000);
const registered = `QA${base}`;
const theirs = `QB${base}`;
const viaApi = `QC${base}`;
let farmA: number;
let farmB: number;
let fixture: ApiFixture;
const keys = {} as Record<"admin" | "viewer" | "technician", string>;

const forDevice = (id: string) => withParams({ id });
/** Device ids that exist nowhere: every claim naming one is refused (401) and counted. */
const strangers = Array.from({ length: FREE_CLAIM_FAILURES_PER_ADDRESS + 6 }, (_, i) => `QF${base + i}`);
const trustedProxy = "192.0.2.250";
const call = apiRequest;

/** A claim as scripts/web-server.ts hands it on: the socket's address in its header. */
const claim = (body: unknown, ip = "203.0.113.10", forwardedFor?: string) =>
  claimRoute.POST(call(null, "POST", "/api/v1/provisioning/claim", body, { [PEER_ADDRESS_HEADER]: ip, ...(forwardedFor ? { "X-Forwarded-For": forwardedFor } : {}) }));

beforeAll(async () => {
  process.env[PEER_ADDRESS_MARKER_ENV] = "1";
  process.env.TRUSTED_PROXIES = trustedProxy;
  fixture = await createApiFixture(db, "QP", suffix);
  ({ farmA, farmB } = fixture);
  Object.assign(keys, fixture.keys);
  await db.device.createMany({
    data: [
      { deviceId: registered, name: "Imported meter", deviceType: "milk_meter", farmId: farmA, state: "registered" },
      { deviceId: theirs, name: "Neighbour's meter", deviceType: "milk_meter", farmId: farmB, state: "active" },
    ],
  });
});

afterAll(async () => {
  await removeApiFixture(db, fixture, [registered, theirs, viaApi, ...strangers]);
  await disconnectDb();
});

describe("POST /api/v1/devices", () => {
  it("registers the device (method api) and answers its credentials once", async () => {
    const response = await devicesRoute.POST(call(keys.technician, "POST", "/api/v1/devices", { deviceId: viaApi, name: "Feeder 9", deviceType: "feeder", farmId: farmA }), noParams);
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body).toMatchObject({ deviceId: viaApi, provisioningMethod: "api", state: "provisioned", farm: { code: `QPA${suffix}` } });
    expect(body.credentials).toMatchObject({
      username: `dev-${viaApi}`,
      clientId: `sdm-${viaApi}`,
      brokerUrl: expect.any(String),
      topics: { telemetry: `devices/${viaApi}/telemetry`, status: `devices/${viaApi}/status`, commands: `devices/${viaApi}/commands` },
    });
    expect(await verifyDeviceCredentials(db, body.credentials.username, body.credentials.password)).toBe(viaApi);

    const read = await (await import("@/app/api/v1/devices/[id]/route")).GET(call(keys.technician, "GET", `/api/v1/devices/${viaApi}`), forDevice(viaApi));
    expect(JSON.stringify(await read.json())).not.toContain(body.credentials.password);
  });
});

describe("POST and DELETE /api/v1/devices/{id}/credentials", () => {
  it("regenerates for a technician of the farm: new password works, the old one does not", async () => {
    const first = await credentialsRoute.POST(call(keys.technician, "POST", `/api/v1/devices/${registered}/credentials`), forDevice(registered));
    expect(first.status).toBe(200);
    const old = await first.json();
    const second = await credentialsRoute.POST(call(keys.technician, "POST", `/api/v1/devices/${registered}/credentials`), forDevice(registered));
    const fresh = await second.json();
    expect(fresh).toMatchObject({ username: `dev-${registered}`, clientId: `sdm-${registered}` });
    expect(await verifyDeviceCredentials(db, old.username, old.password)).toBeNull();
    expect(await verifyDeviceCredentials(db, fresh.username, fresh.password)).toBe(registered);
  });

  it("refuses a viewer (403), hides another farm's device (404) and names a bad id (404)", async () => {
    expect((await credentialsRoute.POST(call(keys.viewer, "POST", `/api/v1/devices/${registered}/credentials`), forDevice(registered))).status).toBe(403);
    expect((await credentialsRoute.DELETE(call(keys.viewer, "DELETE", `/api/v1/devices/${registered}/credentials`), forDevice(registered))).status).toBe(403);
    expect((await credentialsRoute.POST(call(keys.technician, "POST", `/api/v1/devices/${theirs}/credentials`), forDevice(theirs))).status).toBe(404);
    const bad = await credentialsRoute.POST(call(keys.admin, "POST", "/api/v1/devices/nope/credentials"), forDevice("nope"));
    expect(bad.status).toBe(404);
    expect((await bad.json()).error.message).toMatch(/device ids look like MM001/);
  });

  it("revokes, then answers 409 when there is nothing left to revoke", async () => {
    const response = await credentialsRoute.DELETE(call(keys.admin, "DELETE", `/api/v1/devices/${viaApi}/credentials`), forDevice(viaApi));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deviceId: viaApi, revoked: true });
    expect(await db.deviceCredential.count({ where: { username: `dev-${viaApi}`, revokedAt: null } })).toBe(0);
    const again = await credentialsRoute.DELETE(call(keys.admin, "DELETE", `/api/v1/devices/${viaApi}/credentials`), forDevice(viaApi));
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toMatch(/no active MQTT credentials/);
  });
});

describe("provisioning token and claim", () => {
  it("issues a token (201, once) that the device trades for its credentials exactly once", async () => {
    const issued = await tokenRoute.POST(call(keys.technician, "POST", `/api/v1/devices/${registered}/provisioning-token`), forDevice(registered));
    expect(issued.status).toBe(201);
    expect(issued.headers.get("cache-control")).toBe("no-store");
    const { token, expiresAt, claimUrl } = await issued.json();
    expect(claimUrl).toBe(`smartdairy://claim?d=${registered}&t=${token}`);
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);

    const claimed = await claim({ deviceId: registered, token }, "203.0.113.44");
    expect(claimed.status).toBe(200);
    const credentials = await claimed.json();
    expect(credentials).toMatchObject({ username: `dev-${registered}`, clientId: `sdm-${registered}`, topics: { config: `devices/${registered}/config` } });
    expect(await verifyDeviceCredentials(db, credentials.username, credentials.password)).toBe(registered);
    expect(await db.auditEvent.findFirst({ where: { entityId: registered, action: "claimed" }, select: { actorLabel: true } })).toEqual({ actorLabel: "claim:203.0.113.44" });

    const reused = await claim({ deviceId: registered, token });
    expect(reused.status).toBe(409);
    expect((await reused.json()).error).toMatchObject({ code: "token_used", message: expect.stringMatching(/already been used/) });
  });

  it("answers a wrong token 401, a bad body 400 per field, and a body that is not JSON 400", async () => {
    const wrong = await claim({ deviceId: registered, token: "a-token-that-was-never-issued" });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe("invalid_token");
    const invalid = await claim({ deviceId: "mm1", token: "x", extra: true });
    expect(invalid.status).toBe(400);
    expect(Object.keys((await invalid.json()).error.fields).sort()).toEqual(["deviceId", "extra", "token"]);
    expect((await claim("{deviceId:")).status).toBe(400);
  });

  it("refuses token generation to a viewer and for another farm's device", async () => {
    expect((await tokenRoute.POST(call(keys.viewer, "POST", `/api/v1/devices/${registered}/provisioning-token`), forDevice(registered))).status).toBe(403);
    expect((await tokenRoute.POST(call(keys.technician, "POST", `/api/v1/devices/${theirs}/provisioning-token`), forDevice(theirs))).status).toBe(404);
  });
});

describe("the claim throttle's address", () => {
  it("is the socket's, whatever X-Forwarded-For a client invents, and a trusted proxy's client's behind it", async () => {
    const wrong = (deviceId: string, peer: string, forwardedFor: string) => claim({ deviceId, token: "a-token-that-was-never-issued" }, peer, forwardedFor);
    const forger = "192.0.2.77";
    const statuses: number[] = [];
    for (const [i, deviceId] of strangers.slice(0, FREE_CLAIM_FAILURES_PER_ADDRESS + 1).entries()) {
      statuses.push((await wrong(deviceId, forger, `203.0.113.${i}, 198.51.100.${i}`)).status);
    }
    expect(statuses.slice(0, FREE_CLAIM_FAILURES_PER_ADDRESS).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(await db.auditEvent.count({ where: { action: "claim_refused", actorLabel: `claim:${forger}` } })).toBe(FREE_CLAIM_FAILURES_PER_ADDRESS);

    // Behind the configured proxy, the proxy's clients are told apart and counted one by one.
    for (const [i, deviceId] of strangers.slice(FREE_CLAIM_FAILURES_PER_ADDRESS + 1).entries()) {
      expect((await wrong(deviceId, trustedProxy, `6.6.6.6, 203.0.113.${100 + i}`)).status).toBe(401);
    }
    expect(await db.auditEvent.count({ where: { action: "claim_refused", actorLabel: { in: ["claim:203.0.113.100", "claim:203.0.113.104"] } } })).toBe(2);
    expect(await db.auditEvent.count({ where: { action: "claim_refused", actorLabel: `claim:${trustedProxy}` } })).toBe(0);
  });
});
