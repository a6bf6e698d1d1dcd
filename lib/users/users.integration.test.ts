import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiKey, createApiKey } from "../auth/api-keys";
import { hashPassword } from "../auth/password";
import type { Actor } from "../auth/permissions";
import { sessionActor, startSession } from "../auth/sessions";
import { signInWithPassword } from "../auth/sign-in";
import { disconnectDb, getDb } from "../db";
import { ConflictError, ForbiddenError, InvalidError, RateLimitedError } from "../errors";
import { hashSecret } from "../provisioning/credentials";
import { createTestPerson, refusal } from "../testing/people";
import { changePassword, getProfile, updateProfile } from "./profile";
import { describeLink, setPasswordFromLink } from "./set-password";
import { createPasswordResetLink, inviteUser, listUsers, resendInvitation, updateUser } from "./user-admin";
import { bodyWithLink } from "../notifications/sealed-link";

// invitation and reset links are queued sealed (lib/notifications/sealed-link.ts)
process.env.SECRETS_KEY ||= "users-integration-test-key-0123456789";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 8);
const at = (name: string) => `${name}-${suffix}@users-test.example`;
const BASE = "https://dairy.example";
const GOOD = "copper kettle meadow lantern";
let admin: Actor;
let otherAdmin: Actor;
let manager: Actor;
let farmId: number;

/** The token inside a link the admin was shown. */
const tokenOf = (link: string) => link.split("/").pop()!;

async function invite(name: string, role: Actor["role"] = "technician", farm: number | null = farmId) {
  return inviteUser(db, admin, { name, email: at(name.toLowerCase()), role, farmId: farm }, BASE);
}

/** A session of the person, as signing in makes one. */
async function sessionOf(person: { id: number; email: string; role: Actor["role"]; farmId: number | null }) {
  const actor: Actor = { kind: "user", id: person.id, label: person.email, name: "x", role: person.role, farmId: person.farmId };
  return { uid: person.id, sid: await startSession(db, actor, "10.1.1.1") };
}

beforeAll(async () => {
  farmId = (await db.farm.create({ data: { code: `U${suffix}`.slice(0, 20), name: `Users test farm ${suffix}`, timezone: "Europe/Amsterdam" } })).id;
  admin = await createTestPerson(db, "admin", null, at("admin"), "Ada Admin");
  otherAdmin = await createTestPerson(db, "admin", null, at("admin2"), "Bo Admin");
  manager = await createTestPerson(db, "manager", farmId, at("manager"), "Mia Manager");
});

afterAll(async () => {
  const users = await db.user.findMany({ where: { email: { endsWith: `${suffix}@users-test.example` } }, select: { id: true, email: true } });
  const ids = users.map((user) => user.id);
  await db.auditEvent.deleteMany({ where: { entityType: "user", entityId: { in: ids.map(String) } } });
  await db.notification.deleteMany({ where: { userId: { in: ids } } });
  await db.apiKey.deleteMany({ where: { createdById: { in: ids } } });
  await db.loginAttempt.deleteMany({ where: { email: { in: users.map((user) => user.email) } } });
  await db.user.deleteMany({ where: { id: { in: ids } } });
  await db.farm.deleteMany({ where: { id: farmId } });
  await disconnectDb();
});

describe("inviting a person", () => {
  it("creates them without a password, stores only the link's hash, mails the link and shows it once", async () => {
    const issued = await invite("Tess");
    expect(issued.link).toMatch(/^https:\/\/dairy\.example\/invite\/[A-Za-z0-9_-]{40,}$/);
    expect(issued.user).toMatchObject({ status: "invited", invitation: { state: "pending" }, role: "technician", farmId });
    const row = await db.user.findUniqueOrThrow({ where: { id: issued.user.id }, omit: { passwordHash: false } });
    expect(row.passwordHash).toBe("");
    expect(row.invitedAt).not.toBeNull();
    const tokens = await db.userToken.findMany({ where: { userId: row.id } });
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.tokenHash).toBe(hashSecret(tokenOf(issued.link)));
    expect(tokens[0]!.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    const mails = await db.notification.findMany({ where: { userId: row.id } });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: "email", status: "queued" });
    // the link (its token) is not in the stored body, only sealed in the payload; the delivery puts it in the mail
    expect(mails[0]!.body).not.toContain(tokenOf(issued.link));
    expect(mails[0]!.body).toContain("{link}");
    expect(JSON.stringify(mails[0]!.payload)).not.toContain(tokenOf(issued.link));
    expect(bodyWithLink(mails[0]!.body, mails[0]!.payload as Record<string, unknown>)).toContain(issued.link);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: "user", entityId: String(row.id), action: "invited" } });
    expect(JSON.stringify([audit.before, audit.after])).not.toContain(tokenOf(issued.link));
  });

  it("refuses an e-mail that already has an account, and a farm that does not exist, changing nothing", async () => {
    const before = await db.user.count();
    expect(await refusal(inviteUser(db, admin, { name: "Dup", email: admin.label, role: "viewer", farmId: null }, BASE))).toBeInstanceOf(ConflictError);
    const noFarm = await refusal(inviteUser(db, admin, { name: "Nof", email: at("nofarm"), role: "viewer", farmId: 999_999 }, BASE));
    expect(noFarm).toBeInstanceOf(InvalidError);
    expect((noFarm as InvalidError).fieldErrors.farmId).toBeDefined();
    expect(await db.user.count()).toBe(before);
  });

  it("is refused to a manager (403) and to a farm-bound admin", async () => {
    expect(await refusal(inviteUser(db, manager, { name: "X", email: at("x"), role: "viewer", farmId: null }, BASE))).toBeInstanceOf(ForbiddenError);
    const farmAdmin: Actor = { ...admin, farmId };
    expect(await refusal(inviteUser(db, farmAdmin, { name: "X", email: at("x"), role: "viewer", farmId: null }, BASE))).toBeInstanceOf(ForbiddenError);
  });
});

describe("accepting an invitation", () => {
  it("sets the password and the person can sign in, bound to their farm", async () => {
    const issued = await invite("Joris");
    const view = await describeLink(db, tokenOf(issued.link), "invitation");
    expect(view).toMatchObject({ ok: true, name: "Joris", email: at("joris") });
    expect(await setPasswordFromLink(db, "invitation", { token: tokenOf(issued.link), password: GOOD, confirmPassword: GOOD })).toEqual({ email: at("joris") });
    const signedIn = await signInWithPassword(db, { email: at("joris"), password: GOOD, ip: "10.2.2.2" });
    expect(signedIn).toMatchObject({ id: issued.user.id, role: "technician", farmId });
    const row = await db.user.findUniqueOrThrow({ where: { id: issued.user.id } });
    expect(row.joinedAt).not.toBeNull();
    expect((await listUsers(db, admin)).find((user) => user.id === row.id)?.status).toBe("active");
    expect(await db.auditEvent.count({ where: { entityId: String(row.id), action: "invitation_accepted" } })).toBe(1);
  });

  it("refuses a used, an expired and a replaced link, and a weak password, changing nothing", async () => {
    const used = await invite("Used");
    await setPasswordFromLink(db, "invitation", { token: tokenOf(used.link), password: GOOD, confirmPassword: GOOD });
    const again = await refusal(setPasswordFromLink(db, "invitation", { token: tokenOf(used.link), password: "another long passphrase", confirmPassword: "another long passphrase" }));
    expect((again as Error).message).toMatch("already been used");
    expect(await signInWithPassword(db, { email: at("used"), password: "another long passphrase", ip: "10.2.2.3" })).toBeNull();

    const expired = await invite("Late");
    await db.userToken.updateMany({ where: { userId: expired.user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(((await refusal(setPasswordFromLink(db, "invitation", { token: tokenOf(expired.link), password: GOOD, confirmPassword: GOOD }))) as Error).message).toMatch("expired");
    expect((await listUsers(db, admin)).find((user) => user.id === expired.user.id)?.invitation?.state).toBe("expired");

    const first = await invite("Twice");
    const second = await resendInvitation(db, admin, first.user.id, BASE);
    expect(second.link).not.toBe(first.link);
    expect(((await refusal(setPasswordFromLink(db, "invitation", { token: tokenOf(first.link), password: GOOD, confirmPassword: GOOD }))) as Error).message).toMatch("replaced");
    const weak = await refusal(setPasswordFromLink(db, "invitation", { token: tokenOf(second.link), password: "smartdairy2026", confirmPassword: "smartdairy2026" }));
    expect((weak as InvalidError).fieldErrors.password?.[0]).toMatch("product's name");
    for (const id of [expired.user.id, first.user.id]) {
      const row = await db.user.findUniqueOrThrow({ where: { id }, omit: { passwordHash: false } });
      expect(row.passwordHash).toBe("");
      expect(row.joinedAt).toBeNull();
    }
    // The newest link still works after the refusals.
    await setPasswordFromLink(db, "invitation", { token: tokenOf(second.link), password: GOOD, confirmPassword: GOOD });
    expect(await signInWithPassword(db, { email: at("twice"), password: GOOD, ip: "10.2.2.4" })).not.toBeNull();
  });

  it("lets only one of two simultaneous uses of a link win", async () => {
    const issued = await invite("Race");
    const token = tokenOf(issued.link);
    const outcomes = await Promise.allSettled([1, 2].map((n) => setPasswordFromLink(db, "invitation", { token, password: `${GOOD} ${n}`, confirmPassword: `${GOOD} ${n}` })));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
  });
});

describe("deactivating and reactivating", () => {
  it("ends their sessions and their API keys at once, and kills open links", async () => {
    const person = await createTestPerson(db, "admin", null, at("leaver"), "Lee Leaver");
    const session = await sessionOf({ id: person.id, email: person.label, role: "admin", farmId: null });
    const { key } = await createApiKey(db, person, { name: "leaver's key", role: "viewer", farmId: null });
    expect(await sessionActor(db, session)).not.toBeNull();
    expect(await authenticateApiKey(db, key)).not.toBeNull();
    const link = await createPasswordResetLink(db, admin, person.id, BASE);

    const row = await updateUser(db, admin, person.id, { active: false });
    expect(row).toMatchObject({ status: "deactivated" });
    expect(row.deactivatedAt).not.toBeNull();
    expect(await sessionActor(db, session)).toBeNull();
    expect(await authenticateApiKey(db, key)).toBeNull();
    expect((await db.userSession.findUniqueOrThrow({ where: { id: session.sid } })).endReason).toBe("deactivated");
    expect(((await refusal(setPasswordFromLink(db, "password_reset", { token: tokenOf(link.link), password: GOOD, confirmPassword: GOOD }))) as Error).message).toMatch(/replaced|withdrawn/);
    expect(await db.auditEvent.count({ where: { entityId: String(person.id), action: "deactivated" } })).toBe(1);

    const back = await updateUser(db, admin, person.id, { active: true });
    expect(back).toMatchObject({ status: "active", deactivatedAt: null });
    // The old session stays ended; a new sign-in works again.
    expect(await sessionActor(db, session)).toBeNull();
    expect(await authenticateApiKey(db, key)).not.toBeNull();
    expect(await db.auditEvent.count({ where: { entityId: String(person.id), action: "reactivated" } })).toBe(1);
  });

  it("keeps a deactivation that races another admin's rename (neither writes the other's field back)", async () => {
    for (let round = 0; round < 5; round++) {
      const person = await createTestPerson(db, "technician", null, at(`racer${round}`), "Rae Racer");
      await Promise.all([updateUser(db, admin, person.id, { active: false }), updateUser(db, admin, person.id, { name: `Rae Renamed ${round}` })]);
      const row = await db.user.findUniqueOrThrow({ where: { id: person.id } });
      expect(row).toMatchObject({ active: false, name: `Rae Renamed ${round}` });
      expect(row.deactivatedAt).not.toBeNull();
      expect(await db.auditEvent.count({ where: { entityId: String(person.id), action: "reactivated" } })).toBe(0);
    }
  });

  it("refuses to deactivate yourself", async () => {
    expect(await refusal(updateUser(db, admin, admin.id, { active: false }))).toBeInstanceOf(ConflictError);
    expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).active).toBe(true);
  });
});

describe("roles and farms", () => {
  it("a change of role or farm ends the person's sessions", async () => {
    const person = await createTestPerson(db, "technician", farmId, at("mover"), "Max Mover");
    const session = await sessionOf({ id: person.id, email: person.label, role: "technician", farmId });
    await updateUser(db, admin, person.id, { role: "manager" });
    expect(await sessionActor(db, session)).toBeNull();
    const session2 = await sessionOf({ id: person.id, email: person.label, role: "manager", farmId });
    await updateUser(db, admin, person.id, { farmId: null });
    expect(await sessionActor(db, session2)).toBeNull();
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: String(person.id), action: "access_changed" }, orderBy: { id: "asc" } });
    expect(audit).toMatchObject({ before: { role: "technician" }, after: { role: "manager" } });
  });

  it("a manager's role change is refused with a clear 403 and changes nothing", async () => {
    const person = await createTestPerson(db, "viewer", farmId, at("viewer"), "Vic Viewer");
    const error = await refusal(updateUser(db, manager, person.id, { role: "admin" }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toMatch("Only an admin of every farm");
    expect((await db.user.findUniqueOrThrow({ where: { id: person.id } })).role).toBe("viewer");
  });

  it("keeps the last active admin of every farm, also against two demotions at once", async () => {
    // The database may hold other tests' admins: set them aside for this test.
    const others = await db.user.findMany({ where: { role: "admin", farmId: null, active: true, id: { notIn: [admin.id, otherAdmin.id] } }, select: { id: true } });
    await db.user.updateMany({ where: { id: { in: others.map((other) => other.id) } }, data: { active: false } });
    try {
      const outcomes = await Promise.allSettled([updateUser(db, otherAdmin, admin.id, { role: "manager" }), updateUser(db, admin, otherAdmin.id, { role: "viewer" })]);
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      const refused = outcomes.find((outcome) => outcome.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(ConflictError);
      expect(await db.user.count({ where: { id: { in: [admin.id, otherAdmin.id] }, role: "admin", farmId: null, active: true } })).toBe(1);
      const last = (await db.user.findFirstOrThrow({ where: { id: { in: [admin.id, otherAdmin.id] }, role: "admin" } })).id;
      const lastActor = last === admin.id ? admin : otherAdmin;
      const demoted = last === admin.id ? otherAdmin.id : admin.id;
      expect(((await refusal(updateUser(db, lastActor, last, { role: "manager" }))) as Error).message).toMatch("last active admin");
      expect(await refusal(updateUser(db, lastActor, last, { farmId }))).toBeInstanceOf(ConflictError);
      // Deactivating the last admin: by someone else (an API key of every farm) also refused.
      const key: Actor = { kind: "api_key", id: 1, label: "api-key:test", name: "key", role: "admin", farmId: null };
      expect(((await refusal(updateUser(db, key, last, { active: false }))) as Error).message).toMatch("last active admin");
      await updateUser(db, lastActor, demoted, { role: "admin" });
      await updateUser(db, lastActor, demoted, { farmId: null });
    } finally {
      await db.user.updateMany({ where: { id: { in: others.map((other) => other.id) } }, data: { active: true } });
    }
    expect(await db.user.count({ where: { id: { in: [admin.id, otherAdmin.id] }, role: "admin", farmId: null, active: true } })).toBe(2);
  });
});

describe("password reset link", () => {
  it("sets a new password once and ends the person's sessions", async () => {
    const person = await db.user.create({ data: { email: at("forgetful"), name: "Fay Forgetful", role: "viewer", passwordHash: await hashPassword("old long password here") } });
    const session = await sessionOf({ id: person.id, email: person.email, role: "viewer", farmId: null });
    const issued = await createPasswordResetLink(db, admin, person.id, BASE);
    expect(issued.link).toMatch(/\/reset\//);
    const token = await db.userToken.findFirstOrThrow({ where: { userId: person.id, purpose: "password_reset" } });
    expect(token.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    await setPasswordFromLink(db, "password_reset", { token: tokenOf(issued.link), password: GOOD, confirmPassword: GOOD });
    expect(await sessionActor(db, session)).toBeNull();
    expect(await signInWithPassword(db, { email: person.email, password: GOOD, ip: "10.3.3.3" })).not.toBeNull();
    expect(await signInWithPassword(db, { email: person.email, password: "old long password here", ip: "10.3.3.3" })).toBeNull();
    expect(((await refusal(setPasswordFromLink(db, "password_reset", { token: tokenOf(issued.link), password: "yet another passphrase", confirmPassword: "yet another passphrase" }))) as Error).message).toMatch("already been used");
    // An invitation link is not a reset link.
    const invited = await invite("Newbie");
    expect(await describeLink(db, tokenOf(invited.link), "password_reset")).toMatchObject({ ok: false });
    expect(await refusal(createPasswordResetLink(db, admin, invited.user.id, BASE))).toBeInstanceOf(ConflictError);
  });
});

describe("the profile", () => {
  it("changes only one's own record, audited, with validated time zone and language", async () => {
    const person = await createTestPerson(db, "technician", farmId, at("self"), "Sam Self");
    const profile = await updateProfile(db, person, { name: "Sam Selfridge", timezone: "America/Chicago", locale: "nl", notifyMinSeverity: "critical", notifyDigest: true, notifyByEmail: false });
    expect(profile).toMatchObject({ name: "Sam Selfridge", timezone: "America/Chicago", locale: "nl", notifyMinSeverity: "critical", notifyDigest: true, notifyByEmail: false, notifyInApp: true });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: String(person.id), action: "profile_updated" } });
    expect(audit.before).toMatchObject({ name: "Sam Self", locale: "en" });
    expect(await getProfile(db, person)).toMatchObject({ farmName: `Users test farm ${suffix}` });
    const key: Actor = { kind: "api_key", id: 1, label: "api-key:x", name: "k", role: "admin", farmId: null };
    expect(await refusal(getProfile(db, key))).toBeInstanceOf(ForbiddenError);
  });

  it("changes the password only with the current one, and ends the other sessions", async () => {
    const user = await db.user.create({ data: { email: at("changer"), name: "Cas Changer", role: "viewer", passwordHash: await hashPassword("first long password!") } });
    const actor: Actor = { kind: "user", id: user.id, label: user.email, name: user.name, role: "viewer", farmId: null };
    const here = await sessionOf({ id: user.id, email: user.email, role: "viewer", farmId: null });
    const elsewhere = await sessionOf({ id: user.id, email: user.email, role: "viewer", farmId: null });
    const wrong = await refusal(changePassword(db, actor, { currentPassword: "not it at all", newPassword: GOOD, confirmPassword: GOOD }, here.sid));
    expect((wrong as InvalidError).fieldErrors.currentPassword).toEqual(["This is not your current password"]);
    const weak = await refusal(changePassword(db, actor, { currentPassword: "first long password!", newPassword: "cas changer 2026", confirmPassword: "cas changer 2026" }, here.sid));
    expect((weak as InvalidError).fieldErrors.newPassword?.[0]).toMatch(/name|e-mail/);
    expect(await signInWithPassword(db, { email: user.email, password: "first long password!", ip: "10.4.4.4" })).not.toBeNull();
    expect(await changePassword(db, actor, { currentPassword: "first long password!", newPassword: GOOD, confirmPassword: GOOD }, here.sid)).toEqual({ otherSessionsEnded: 1 });
    expect(await sessionActor(db, here)).not.toBeNull();
    expect(await sessionActor(db, elsewhere)).toBeNull();
    expect(await signInWithPassword(db, { email: user.email, password: GOOD, ip: "10.4.4.4" })).not.toBeNull();
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: String(user.id), action: "password_changed" } });
    expect(JSON.stringify([audit.before, audit.after])).not.toContain(GOOD);
  });

  it("counts wrong current passwords as failed sign-ins and slows them down (a hijacked session cannot guess it)", async () => {
    const user = await db.user.create({ data: { email: at("guessed"), name: "Gus Guessed", role: "viewer", passwordHash: await hashPassword("first long password!") } });
    const actor: Actor = { kind: "user", id: user.id, label: user.email, name: user.name, role: "viewer", farmId: null };
    const guesserIp = "10.4.4.9";
    for (const guess of ["guess one", "guess two", "guess three"]) expect(await refusal(changePassword(db, actor, { currentPassword: guess, newPassword: GOOD, confirmPassword: GOOD }, undefined, guesserIp))).toBeInstanceOf(InvalidError);
    expect(await db.loginAttempt.count({ where: { email: user.email, ip: guesserIp, success: false } })).toBe(3);
    // Even the right password now waits: the delay comes before the check.
    const limited = await refusal(changePassword(db, actor, { currentPassword: "first long password!", newPassword: GOOD, confirmPassword: GOOD }, undefined, guesserIp));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).message).toMatch(/Too many wrong codes or passwords\. Try again in \d+ seconds?\./);
    await db.loginAttempt.deleteMany({ where: { email: user.email } });
    expect(await changePassword(db, actor, { currentPassword: "first long password!", newPassword: GOOD, confirmPassword: GOOD }, undefined, guesserIp)).toEqual({ otherSessionsEnded: 0 });
  });
});
