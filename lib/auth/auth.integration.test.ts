import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, disconnectDb } from "../db";
import { RateLimitedError } from "../errors";
import { authenticateApiKey, createApiKey, revokeApiKey } from "./api-keys";
import { hashPassword } from "./password";
import type { Actor } from "./permissions";
import { endSession, sessionActor, startSession } from "./sessions";
import { clearSignInFailures, DeactivatedAccountError, FREE_FAILURES_PER_ACCOUNT, FREE_FAILURES_PER_ACCOUNT_ADDRESS, recentSignInFailures, signInWithPassword } from "./sign-in";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 8);
const email = `farmer-${suffix}@test.example`;
let admin: Actor;

beforeAll(async () => {
  const user = await db.user.create({ data: { email, name: "Test Admin", role: "admin", passwordHash: await hashPassword("correct horse") } });
  admin = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { entityType: "user", entityId: String(admin.id) } });
  await db.apiKey.deleteMany({ where: { createdById: admin.id } });
  await db.loginAttempt.deleteMany({ where: { email } });
  await db.user.deleteMany({ where: { email } });
  await disconnectDb();
});

describe("signing in", () => {
  it("accepts the right password and refuses a wrong one", async () => {
    expect(await signInWithPassword(db, { email, password: "correct horse", ip: "10.0.0.1" })).toMatchObject({ id: admin.id, role: "admin" });
    expect(await signInWithPassword(db, { email, password: "wrong", ip: "10.0.0.1" })).toBeNull();
    expect(await signInWithPassword(db, { email: `nobody-${suffix}@test.example`, password: "x", ip: "10.0.0.1" })).toBeNull();
  });

  it("tells a deactivated person why, only once their password is right", async () => {
    await db.loginAttempt.deleteMany({ where: { email } });
    await db.user.update({ where: { id: admin.id }, data: { active: false } });
    try {
      // A guesser learns nothing: a wrong password reads as for an unknown e-mail.
      expect(await signInWithPassword(db, { email, password: "wrong", ip: "10.0.0.9" })).toBeNull();
      const refused = await signInWithPassword(db, { email, password: "correct horse", ip: "10.0.0.9" }).catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(DeactivatedAccountError);
      expect((refused as Error).message).toBe("This account was deactivated — ask your admin if you still need access.");
      expect(await db.loginAttempt.count({ where: { email, success: true, ip: "10.0.0.9" } })).toBe(0);
    } finally {
      await db.user.update({ where: { id: admin.id }, data: { active: true } });
      await db.loginAttempt.deleteMany({ where: { email } });
    }
  });

  it("stores only a hash of the password", async () => {
    const row = await db.user.findUniqueOrThrow({ where: { email }, omit: { passwordHash: false } });
    expect(row.passwordHash).toMatch(/^\$2[aby]\$11\$/);
    expect(row.passwordHash).not.toContain("correct horse");
  });

  it("slows down an attacker's guesses without locking the owner out of their usual address", async () => {
    await db.loginAttempt.deleteMany({ where: { email } });
    const usual = "10.0.0.2";
    expect(await signInWithPassword(db, { email, password: "correct horse", ip: usual })).not.toBeNull();
    const attacker = "198.51.100.66";
    const outcomes: unknown[] = [];
    for (let i = 0; i < 20; i++) outcomes.push(await signInWithPassword(db, { email, password: `guess-${i}`, ip: attacker }).catch((caught: unknown) => caught));
    // The first delay is seconds long: on a slow machine a late guess may find it over.
    const judged = outcomes.filter((outcome) => outcome === null).length;
    expect(judged).toBeGreaterThanOrEqual(FREE_FAILURES_PER_ACCOUNT_ADDRESS);
    expect(judged).toBeLessThanOrEqual(FREE_FAILURES_PER_ACCOUNT_ADDRESS + 2);
    expect(outcomes.filter((outcome) => outcome instanceof RateLimitedError)).toHaveLength(20 - judged);
    expect(await signInWithPassword(db, { email, password: "correct horse", ip: usual })).toMatchObject({ id: admin.id });
    // The owner's success does not reset the attacker's delay.
    await expect(signInWithPassword(db, { email, password: "correct horse", ip: attacker })).rejects.toBeInstanceOf(RateLimitedError);
  });

  it("judges one guess at a time per account and address: a burst sent at once does not pass the same count", async () => {
    await db.loginAttempt.deleteMany({ where: { email } });
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => signInWithPassword(db, { email, password: `burst-${i}`, ip: "203.0.113.9" }).catch((caught: unknown) => caught)));
    expect(burst.filter((outcome) => outcome === null)).toHaveLength(1);
    expect(burst.filter((outcome) => outcome instanceof RateLimitedError)).toHaveLength(11);
    expect(await db.loginAttempt.count({ where: { email, ip: "203.0.113.9" } })).toBe(1);
    // Another address is judged on its own.
    expect(await signInWithPassword(db, { email, password: "correct horse", ip: "10.0.0.9" })).toMatchObject({ id: admin.id });
  });

  it("delays an account guessed from many addresses, except at an address it signed in from before", async () => {
    await db.loginAttempt.deleteMany({ where: { email } });
    expect(await signInWithPassword(db, { email, password: "correct horse", ip: "10.0.0.3" })).not.toBeNull();
    await db.loginAttempt.createMany({ data: Array.from({ length: FREE_FAILURES_PER_ACCOUNT }, (_, i) => ({ email, ip: `203.0.113.${i}`, success: false })) });
    await expect(signInWithPassword(db, { email, password: "correct horse", ip: "10.9.9.9" })).rejects.toBeInstanceOf(RateLimitedError);
    expect(await signInWithPassword(db, { email, password: "correct horse", ip: "10.0.0.3" })).toMatchObject({ id: admin.id });
  });

  it("lets an admin, and nobody else, clear an account's sign-in delays (audited)", async () => {
    await db.loginAttempt.deleteMany({ where: { email } });
    for (let i = 0; i < FREE_FAILURES_PER_ACCOUNT_ADDRESS; i++) expect(await signInWithPassword(db, { email, password: "wrong", ip: "10.0.0.4" })).toBeNull();
    await expect(signInWithPassword(db, { email, password: "correct horse", ip: "10.0.0.4" })).rejects.toBeInstanceOf(RateLimitedError);
    expect((await recentSignInFailures(db, [email])).get(email)).toBe(FREE_FAILURES_PER_ACCOUNT_ADDRESS);

    await expect(clearSignInFailures(db, { ...admin, role: "manager" }, admin.id)).rejects.toMatchObject({ status: 403 });
    await expect(signInWithPassword(db, { email, password: "correct horse", ip: "10.0.0.4" })).rejects.toBeInstanceOf(RateLimitedError);
    expect(await clearSignInFailures(db, admin, admin.id)).toEqual({ cleared: FREE_FAILURES_PER_ACCOUNT_ADDRESS });
    expect(await db.auditEvent.findFirst({ where: { entityType: "user", entityId: String(admin.id), action: "sign_in_lock_cleared" }, select: { actorLabel: true } })).toEqual({ actorLabel: email });
    expect(await signInWithPassword(db, { email, password: "correct horse", ip: "10.0.0.4" })).not.toBeNull();
  });
});

describe("sessions", () => {
  it("ends at sign-out, and at a change of role or farm for good", async () => {
    const signedOut = await startSession(db, admin, "10.0.0.5");
    expect(await sessionActor(db, { uid: admin.id, sid: signedOut })).toMatchObject({ id: admin.id, role: "admin" });
    expect(await sessionActor(db, { uid: admin.id + 1, sid: signedOut })).toBeNull();
    await endSession(db, signedOut, "signed_out");
    expect(await sessionActor(db, { uid: admin.id, sid: signedOut })).toBeNull();

    const demoted = await startSession(db, admin, "10.0.0.5");
    await db.user.update({ where: { id: admin.id }, data: { role: "viewer" } });
    expect(await sessionActor(db, { uid: admin.id, sid: demoted })).toBeNull();
    await db.user.update({ where: { id: admin.id }, data: { role: "admin" } });
    expect(await sessionActor(db, { uid: admin.id, sid: demoted })).toBeNull();
    expect(await db.userSession.findUnique({ where: { id: demoted }, select: { endReason: true } })).toEqual({ endReason: "role_changed" });
    // A cookie from before server-side sessions names no session.
    expect(await sessionActor(db, { uid: admin.id })).toBeNull();
  });

  it("ends a deactivated person's sessions and stops the API keys they created", async () => {
    const session = await startSession(db, admin, "10.0.0.6");
    const { key } = await createApiKey(db, admin, { name: "Made by someone who leaves", role: "viewer" });
    expect(await authenticateApiKey(db, key)).not.toBeNull();
    await db.user.update({ where: { id: admin.id }, data: { active: false } });
    try {
      expect(await sessionActor(db, { uid: admin.id, sid: session })).toBeNull();
      expect(await authenticateApiKey(db, key)).toBeNull();
    } finally {
      await db.user.update({ where: { id: admin.id }, data: { active: true } });
    }
    expect(await sessionActor(db, { uid: admin.id, sid: session })).toBeNull();
  });

  it("stops the API keys of a creator who is no longer an admin of every farm, and only while so", async () => {
    const { key } = await createApiKey(db, admin, { name: "Made by someone demoted", role: "admin" });
    const farm = await db.farm.upsert({ where: { code: "AUTHDEMOTE" }, update: {}, create: { code: "AUTHDEMOTE", name: "Demotion test farm" }, select: { id: true } });
    for (const change of [{ role: "manager" as const }, { farmId: farm.id }]) {
      await db.user.update({ where: { id: admin.id }, data: change });
      try {
        expect(await authenticateApiKey(db, key)).toBeNull();
      } finally {
        await db.user.update({ where: { id: admin.id }, data: { role: "admin", farmId: null } });
      }
    }
    expect(await authenticateApiKey(db, key)).toMatchObject({ kind: "api_key", role: "admin" });
  });
});

describe("API keys", () => {
  it("authenticates with a key shown once and stored hashed, until revoked", async () => {
    const { key, record } = await createApiKey(db, admin, { name: "ERP sync", role: "viewer" });
    expect(key).toMatch(/^sdm_/);
    const stored = await db.apiKey.findUniqueOrThrow({ where: { id: record.id }, omit: { keyHash: false } });
    expect(stored.keyHash).toHaveLength(64);
    expect(stored.keyHash).not.toContain(key.slice(4));

    expect(await authenticateApiKey(db, key)).toMatchObject({ kind: "api_key", role: "viewer" });
    expect(await authenticateApiKey(db, `${key}x`)).toBeNull();

    await revokeApiKey(db, admin, record.id);
    expect(await authenticateApiKey(db, key)).toBeNull();
    const history = await db.auditEvent.findMany({ where: { entityType: "api_key", entityId: String(record.id) }, orderBy: { id: "asc" } });
    expect(history.map((event) => event.action)).toEqual(["created", "revoked"]);
  });

  it("refuses to let a viewer create or revoke keys", async () => {
    const viewer: Actor = { ...admin, role: "viewer" };
    await expect(createApiKey(db, viewer, { name: "sneaky", role: "admin" })).rejects.toThrow(/Only admins/);
  });
});
