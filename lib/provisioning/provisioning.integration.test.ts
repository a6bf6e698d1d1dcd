/**
 * Provisioning against a real PostgreSQL: the wizard's create-with-credentials, regenerate,
 * revoke, one-time tokens and the device's claim, with the roles, farm scope, history and
 * throttling they carry. Each test makes its own devices on two farms of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { retireDevice } from "../devices/device-registry";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, RateLimitedError } from "../errors";
import { clearClaimFailures, FREE_CLAIM_FAILURES_PER_ADDRESS, FREE_CLAIM_FAILURES_PER_DEVICE, FREE_CLAIM_FAILURES_PER_DEVICE_ADDRESS } from "./claim-device";
import { verifyDeviceCredentials } from "./credentials";
import { claimDevice, ClaimRefusedError, generateProvisioningToken, provisionDevice, regenerateCredentials, revokeCredentials } from "./provision-device";
import { createTestPerson } from "../testing/people";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
let sequence = 0;
/** A fresh device id per test: two letters of our own and the run's six digits. */
const nextId = () => {
  const n = sequence++;
  return `${String.fromCharCode(80 + (Math.floor(n / 26) % 11))}${String.fromCharCode(65 + (n % 26))}${suffix}`;
};
let ipSequence = 0;
/** A fresh documentation address per test, so the per-address throttle of one test leaves the others alone. */
const nextIp = () => `198.51.100.${++ipSequence}`;

const farm = { a: 0, b: 0 };
let admin: Actor;
let technicianA: Actor;
let viewer: Actor;

const person = (role: Actor["role"], farmId: number | null) => createTestPerson(db, role, farmId, `${role}-${suffix}@provisioning.test`, `Test ${role}`);

/** A device registered without credentials (as a CSV import leaves it), ready for a token. */
async function registeredDevice(farmId = farm.a, state: "registered" | "manufactured" | "active" = "registered") {
  const deviceId = nextId();
  await db.device.create({ data: { deviceId, name: `Meter ${deviceId}`, deviceType: "milk_meter", farmId, state } });
  return deviceId;
}

async function history(deviceId: string) {
  return db.auditEvent.findMany({
    where: { entityType: "device", entityId: deviceId },
    orderBy: { id: "asc" },
    select: { action: true, actorId: true, actorLabel: true, before: true, after: true },
  });
}

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: `PA${suffix}`, name: "Provisioning farm A" } })).id;
  farm.b = (await db.farm.create({ data: { code: `PB${suffix}`, name: "Provisioning farm B" } })).id;
  admin = await person("admin", null);
  technicianA = await person("technician", farm.a);
  viewer = await person("viewer", null);
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { endsWith: suffix } } });
  await db.device.deleteMany({ where: { farmId: { in: [farm.a, farm.b] } } });
  await db.user.deleteMany({ where: { email: { endsWith: `-${suffix}@provisioning.test` } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b] } } });
  await disconnectDb();
});

describe("provisionDevice (the wizard's Create)", () => {
  it("registers the device with method, date and person, gives it credentials that work, and records both without the password", async () => {
    const deviceId = nextId();
    const { device, credentials } = await provisionDevice(db, technicianA, { deviceId, name: "Parlour meter 1", deviceType: "milk_meter", farmId: farm.a }, "qr_code");
    expect(device).toMatchObject({ deviceId, name: "Parlour meter 1", deviceType: "milk_meter", farmId: farm.a });
    expect(credentials).toMatchObject({ username: `dev-${deviceId}`, clientId: `sdm-${deviceId}`, brokerUrl: expect.stringMatching(/^(mqtts?|wss?|tcp):\/\//) });
    expect(credentials.password.length).toBeGreaterThanOrEqual(40);
    expect(credentials.topics).toMatchObject({ telemetry: `devices/${deviceId}/telemetry`, commands: `devices/${deviceId}/commands` });
    expect(await verifyDeviceCredentials(db, credentials.username, credentials.password)).toBe(deviceId);

    const row = await db.device.findUniqueOrThrow({ where: { deviceId } });
    expect(row).toMatchObject({ state: "provisioned", provisioningMethod: "qr_code", provisionedById: technicianA.id });
    expect(row.provisioningDate).toBeInstanceOf(Date);
    const stored = await db.deviceCredential.findFirstOrThrow({ where: { device: { deviceId } }, omit: { passwordHash: false } });
    expect(stored.passwordHash).not.toContain(credentials.password);

    const events = await history(deviceId);
    expect(events.map((event) => event.action)).toEqual(["created", "credentials_issued"]);
    expect(JSON.stringify(events)).not.toContain(credentials.password);
  });

  it("keeps a state the caller chose", async () => {
    const deviceId = nextId();
    await provisionDevice(db, admin, { deviceId, name: "Active feeder", deviceType: "feeder", farmId: farm.b, state: "active" }, "manual");
    expect((await db.device.findUniqueOrThrow({ where: { deviceId } })).state).toBe("active");
  });

  it("refuses a viewer and a technician's device on another farm, and creates nothing", async () => {
    const deviceId = nextId();
    await expect(provisionDevice(db, viewer, { deviceId, name: "x", deviceType: "feeder", farmId: farm.a }, "manual")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(provisionDevice(db, technicianA, { deviceId, name: "x", deviceType: "feeder", farmId: farm.b }, "manual")).rejects.toBeInstanceOf(InvalidError);
    expect(await db.device.findUnique({ where: { deviceId } })).toBeNull();
    expect(await db.deviceCredential.count({ where: { username: `dev-${deviceId}` } })).toBe(0);
  });

  it("refuses a device id that is taken, and leaves the first device's credentials alone", async () => {
    const deviceId = nextId();
    const first = await provisionDevice(db, technicianA, { deviceId, name: "First", deviceType: "milk_meter", farmId: farm.a }, "manual");
    await expect(provisionDevice(db, technicianA, { deviceId, name: "Second", deviceType: "milk_meter", farmId: farm.a }, "manual")).rejects.toBeInstanceOf(ConflictError);
    expect(await verifyDeviceCredentials(db, first.credentials.username, first.credentials.password)).toBe(deviceId);
  });
});

describe("regenerateCredentials and revokeCredentials", () => {
  it("makes the old password stop working at once and the new one work", async () => {
    const deviceId = nextId();
    const { credentials: old } = await provisionDevice(db, technicianA, { deviceId, name: "Meter", deviceType: "milk_meter", farmId: farm.a }, "manual");
    const fresh = await regenerateCredentials(db, technicianA, deviceId);
    expect(fresh.username).toBe(old.username);
    expect(fresh.password).not.toBe(old.password);
    expect(await verifyDeviceCredentials(db, old.username, old.password)).toBeNull();
    expect(await verifyDeviceCredentials(db, fresh.username, fresh.password)).toBe(deviceId);
    const events = await history(deviceId);
    expect(events.at(-1)).toMatchObject({ action: "credentials_regenerated", actorId: technicianA.id });
    expect(JSON.stringify(events)).not.toContain(fresh.password);
  });

  it("provisions a registered device that had no credentials yet, and cancels its outstanding token", async () => {
    const deviceId = await registeredDevice();
    const { token } = await generateProvisioningToken(db, technicianA, deviceId);
    const credentials = await regenerateCredentials(db, technicianA, deviceId);
    expect(await verifyDeviceCredentials(db, credentials.username, credentials.password)).toBe(deviceId);
    expect((await db.device.findUniqueOrThrow({ where: { deviceId } })).state).toBe("provisioned");
    await expect(claimDevice(db, { deviceId, token, ip: nextIp() })).rejects.toMatchObject({ reason: "invalid_token", status: 401 });
    expect(await verifyDeviceCredentials(db, credentials.username, credentials.password)).toBe(deviceId);
  });

  it("revokes: the password is refused, a second revoke says there is nothing to revoke", async () => {
    const deviceId = nextId();
    const { credentials } = await provisionDevice(db, technicianA, { deviceId, name: "Meter", deviceType: "milk_meter", farmId: farm.a }, "manual");
    await revokeCredentials(db, technicianA, deviceId);
    expect(await verifyDeviceCredentials(db, credentials.username, credentials.password)).toBeNull();
    expect((await history(deviceId)).at(-1)).toMatchObject({ action: "credentials_revoked" });
    await expect(revokeCredentials(db, technicianA, deviceId)).rejects.toThrow(/no active MQTT credentials/);
  });

  it("keeps to the actor's farms and roles, and leaves retired devices alone", async () => {
    const theirs = await registeredDevice(farm.b);
    await expect(regenerateCredentials(db, technicianA, theirs)).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeCredentials(db, technicianA, theirs)).rejects.toBeInstanceOf(NotFoundError);
    await expect(generateProvisioningToken(db, technicianA, theirs)).rejects.toBeInstanceOf(NotFoundError);
    await expect(regenerateCredentials(db, viewer, theirs)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(regenerateCredentials(db, admin, "ZZ000000")).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.deviceCredential.count({ where: { device: { deviceId: theirs } } })).toBe(0);

    const retired = await registeredDevice();
    await retireDevice(db, admin, retired, "Broken");
    await expect(regenerateCredentials(db, admin, retired)).rejects.toBeInstanceOf(ConflictError);
    await expect(generateProvisioningToken(db, admin, retired)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("provisioning tokens and the claim", () => {
  it("stores only the token's hash for 24 hours and hands the device its credentials once", async () => {
    const deviceId = await registeredDevice();
    const before = Date.now();
    const { token, expiresAt, claimUrl } = await generateProvisioningToken(db, technicianA, deviceId);
    expect(claimUrl).toBe(`smartdairy://claim?d=${deviceId}&t=${token}`);
    expect(expiresAt.getTime() - before).toBeGreaterThan(24 * 3600_000 - 60_000);
    const row = await db.device.findUniqueOrThrow({ where: { deviceId }, omit: { provisioningTokenHash: false } });
    expect(row.provisioningTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.provisioningTokenHash).not.toBe(token);

    const ip = nextIp();
    const credentials = await claimDevice(db, { deviceId, token, ip });
    expect(credentials).toMatchObject({ username: `dev-${deviceId}`, clientId: `sdm-${deviceId}`, topics: { status: `devices/${deviceId}/status` } });
    expect(await verifyDeviceCredentials(db, credentials.username, credentials.password)).toBe(deviceId);
    expect((await db.device.findUniqueOrThrow({ where: { deviceId } })).state).toBe("provisioned");

    const again = claimDevice(db, { deviceId, token, ip });
    await expect(again).rejects.toBeInstanceOf(ClaimRefusedError);
    await expect(claimDevice(db, { deviceId, token, ip })).rejects.toMatchObject({ reason: "token_used", status: 409, message: expect.stringMatching(/already been used/) });
    // The refused claims handed out nothing: the first credentials still work.
    expect(await verifyDeviceCredentials(db, credentials.username, credentials.password)).toBe(deviceId);

    const events = await history(deviceId);
    expect(events.map((event) => event.action)).toEqual(["provisioning_token_generated", "claimed", "claim_refused", "claim_refused"]);
    expect(events[1]).toMatchObject({ actorId: null, actorLabel: `claim:${ip}`, before: { state: "registered" }, after: expect.objectContaining({ state: "provisioned", ip }) });
    expect(events[2]!.after).toEqual({ reason: "token_used", ip });
    expect(JSON.stringify(events)).not.toContain(token);
    expect(JSON.stringify(events)).not.toContain(credentials.password);
  });

  it("leaves an active device's state as it is", async () => {
    const deviceId = await registeredDevice(farm.a, "active");
    const { token } = await generateProvisioningToken(db, admin, deviceId);
    await claimDevice(db, { deviceId, token, ip: nextIp() });
    expect((await db.device.findUniqueOrThrow({ where: { deviceId } })).state).toBe("active");
  });

  it("refuses a wrong token, an unknown device and an expired token, each audited with its reason", async () => {
    const deviceId = await registeredDevice();
    const { token } = await generateProvisioningToken(db, technicianA, deviceId);
    const ip = nextIp();
    await expect(claimDevice(db, { deviceId, token: `${token.slice(0, -2)}xx`, ip })).rejects.toMatchObject({ reason: "invalid_token", status: 401 });
    await expect(claimDevice(db, { deviceId: "ZZ999999", token, ip })).rejects.toMatchObject({ reason: "invalid_token", status: 401 });
    await db.device.update({ where: { deviceId }, data: { provisioningTokenExpiry: new Date(Date.now() - 1000) } });
    await expect(claimDevice(db, { deviceId, token, ip })).rejects.toMatchObject({ reason: "token_expired", status: 410, message: expect.stringMatching(/expired/) });
    expect(await db.deviceCredential.count({ where: { device: { deviceId } } })).toBe(0);
    const refused = await db.auditEvent.findMany({ where: { action: "claim_refused", actorLabel: `claim:${ip}` }, orderBy: { id: "asc" } });
    expect(refused.map((event) => [event.entityId, (event.after as { reason: string }).reason])).toEqual([
      [deviceId, "invalid_token"],
      ["ZZ999999", "invalid_token"],
      [deviceId, "token_expired"],
    ]);
    await db.auditEvent.deleteMany({ where: { entityId: "ZZ999999" } });
  });

  it("refuses malformed input with a message per field and records nothing", async () => {
    const error = await claimDevice(db, { deviceId: "not an id", token: "short", ip: nextIp() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidError);
    expect(Object.keys((error as InvalidError).fieldErrors).sort()).toEqual(["deviceId", "token"]);
  });

  it("a newer token replaces the older one", async () => {
    const deviceId = await registeredDevice();
    const older = await generateProvisioningToken(db, technicianA, deviceId);
    const newer = await generateProvisioningToken(db, technicianA, deviceId);
    await expect(claimDevice(db, { deviceId, token: older.token, ip: nextIp() })).rejects.toMatchObject({ reason: "invalid_token" });
    await expect(claimDevice(db, { deviceId, token: newer.token, ip: nextIp() })).resolves.toMatchObject({ username: `dev-${deviceId}` });
  });

  it("lets exactly one of two concurrent claims win", async () => {
    const deviceId = await registeredDevice();
    const { token } = await generateProvisioningToken(db, technicianA, deviceId);
    const outcomes = await Promise.allSettled([claimDevice(db, { deviceId, token, ip: nextIp() }), claimDevice(db, { deviceId, token, ip: nextIp() })]);
    const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const lost = outcomes.filter((outcome) => outcome.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ reason: "token_used" });
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof claimDevice>>>).value;
    expect(await verifyDeviceCredentials(db, winner.username, winner.password)).toBe(deviceId);
  });

  it("judges one claim of a device from one address at a time: a burst does not pass the same count", async () => {
    const deviceId = await registeredDevice();
    await generateProvisioningToken(db, technicianA, deviceId);
    const ip = nextIp();
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => claimDevice(db, { deviceId, token: `wrong-burst-token-${i}`, ip }).catch((caught: unknown) => caught)));
    expect(burst.filter((outcome) => outcome instanceof ClaimRefusedError)).toHaveLength(1);
    expect(burst.filter((outcome) => outcome instanceof RateLimitedError)).toHaveLength(11);
    expect((await history(deviceId)).filter((event) => event.action === "claim_refused")).toHaveLength(1);
  });

  it("refuses a retired device's outstanding token", async () => {
    const deviceId = await registeredDevice();
    const { token } = await generateProvisioningToken(db, technicianA, deviceId);
    await retireDevice(db, admin, deviceId, "Lost in the field");
    await expect(claimDevice(db, { deviceId, token, ip: nextIp() })).rejects.toMatchObject({ reason: "device_retired", status: 409 });
  });

  it("slows down whoever sends a device wrong tokens, not the installer at another address", async () => {
    const deviceId = await registeredDevice();
    const { token } = await generateProvisioningToken(db, technicianA, deviceId);
    const attacker = nextIp();
    const outcomes: unknown[] = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      outcomes.push(await claimDevice(db, { deviceId, token: `wrong-token-number-${attempt}`, ip: attacker }).catch((caught: unknown) => caught));
    }
    // The first delay is seconds long: on a slow machine a late attempt may find it over.
    const refused = outcomes.filter((outcome) => outcome instanceof ClaimRefusedError).length;
    expect(refused).toBeGreaterThanOrEqual(FREE_CLAIM_FAILURES_PER_DEVICE_ADDRESS);
    expect(refused).toBeLessThanOrEqual(FREE_CLAIM_FAILURES_PER_DEVICE_ADDRESS + 2);
    const slowed = outcomes.filter((outcome) => outcome instanceof RateLimitedError) as RateLimitedError[];
    expect(slowed).toHaveLength(20 - refused);
    expect(slowed[0]!.retryAfterSeconds).toBeGreaterThan(0);
    // Throttled requests are not written down one by one (a flood must not fill the history).
    expect(await db.auditEvent.count({ where: { entityId: deviceId, action: "claim_refused" } })).toBe(refused);
    await expect(claimDevice(db, { deviceId, token, ip: nextIp() })).resolves.toMatchObject({ username: `dev-${deviceId}` });
  });

  /** Refusals of one device from as many addresses as the per-device limit allows for free. */
  async function refusedFromManyAddresses(deviceId: string) {
    for (let attempt = 0; attempt < FREE_CLAIM_FAILURES_PER_DEVICE; attempt++) {
      await expect(claimDevice(db, { deviceId, token: `wrong-token-number-${attempt}`, ip: `fd00::${suffix.slice(0, 3)}:${suffix.slice(3)}:${attempt.toString(16)}` })).rejects.toBeInstanceOf(ClaimRefusedError);
    }
  }

  it("delays a device's claim after refusals from many addresses, except for an address that has claimed before", async () => {
    const installer = nextIp();
    const earlier = await registeredDevice();
    await claimDevice(db, { deviceId: earlier, token: (await generateProvisioningToken(db, technicianA, earlier)).token, ip: installer });

    const deviceId = await registeredDevice();
    const { token } = await generateProvisioningToken(db, technicianA, deviceId);
    await refusedFromManyAddresses(deviceId);
    await expect(claimDevice(db, { deviceId, token, ip: nextIp() })).rejects.toBeInstanceOf(RateLimitedError);
    await expect(claimDevice(db, { deviceId, token, ip: installer })).resolves.toMatchObject({ username: `dev-${deviceId}` });
  });

  it("lets an admin, and nobody else, clear a device's claim delays (audited)", async () => {
    const deviceId = await registeredDevice();
    const { token } = await generateProvisioningToken(db, technicianA, deviceId);
    await refusedFromManyAddresses(deviceId);
    const stranger = nextIp();
    await expect(claimDevice(db, { deviceId, token, ip: stranger })).rejects.toBeInstanceOf(RateLimitedError);
    await expect(clearClaimFailures(db, technicianA, deviceId)).rejects.toMatchObject({ status: 403 });
    await expect(claimDevice(db, { deviceId, token, ip: stranger })).rejects.toBeInstanceOf(RateLimitedError);

    expect(await clearClaimFailures(db, admin, deviceId)).toEqual({ cleared: FREE_CLAIM_FAILURES_PER_DEVICE });
    expect(await db.auditEvent.findFirst({ where: { entityId: deviceId, action: "claim_lock_cleared" }, select: { actorLabel: true } })).toEqual({ actorLabel: admin.label });
    await expect(claimDevice(db, { deviceId, token, ip: stranger })).resolves.toMatchObject({ username: `dev-${deviceId}` });
  });

  it(`slows down an address after ${FREE_CLAIM_FAILURES_PER_ADDRESS} refusals, whatever device it names`, async () => {
    const ip = nextIp();
    const deviceIds = await Promise.all(Array.from({ length: 8 }, () => registeredDevice()));
    for (let attempt = 0; attempt < FREE_CLAIM_FAILURES_PER_ADDRESS; attempt++) {
      await expect(claimDevice(db, { deviceId: deviceIds[attempt % 8]!, token: `wrong-token-number-${attempt}`, ip })).rejects.toBeInstanceOf(ClaimRefusedError);
    }
    const fresh = await registeredDevice();
    const { token } = await generateProvisioningToken(db, technicianA, fresh);
    await expect(claimDevice(db, { deviceId: fresh, token, ip })).rejects.toBeInstanceOf(RateLimitedError);
    await expect(claimDevice(db, { deviceId: fresh, token, ip: nextIp() })).resolves.toMatchObject({ username: `dev-${fresh}` });
  });
});
