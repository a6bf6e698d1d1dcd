import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, disconnectDb } from "../db";
import { RateLimitedError } from "../errors";
import { authenticateApiKey, createApiKey, revokeApiKey } from "./api-keys";
import { hashPassword } from "./password";
import type { Actor } from "./permissions";
import { MAX_FAILURES_PER_EMAIL, signInWithPassword } from "./sign-in";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 8);
const email = `farmer-${suffix}@test.example`;
let admin: Actor;

beforeAll(async () => {
  const user = await db.user.create({ data: { email, name: "Test Admin", role: "admin", passwordHash: await hashPassword("correct horse") } });
  admin = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
});

afterAll(async () => {
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

  it("stores only a hash of the password", async () => {
    const row = await db.user.findUniqueOrThrow({ where: { email }, omit: { passwordHash: false } });
    expect(row.passwordHash).toMatch(/^\$2[aby]\$11\$/);
    expect(row.passwordHash).not.toContain("correct horse");
  });

  it("locks an e-mail after repeated failures, even for the right password", async () => {
    await db.loginAttempt.deleteMany({ where: { email } });
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      expect(await signInWithPassword(db, { email, password: "wrong", ip: "10.0.0.2" })).toBeNull();
    }
    await expect(signInWithPassword(db, { email, password: "correct horse", ip: "10.0.0.2" })).rejects.toBeInstanceOf(RateLimitedError);
    await db.loginAttempt.deleteMany({ where: { email } });
    expect(await signInWithPassword(db, { email, password: "correct horse", ip: "10.0.0.2" })).not.toBeNull();
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
