import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, RateLimitedError } from "../errors";
import { refusal } from "../testing/people";
import { hashPassword } from "./password";
import { sessionActor, startSession } from "./sessions";
import type { Actor } from "./permissions";
import { FREE_FAILURES_PER_ACCOUNT_ADDRESS, SecondFactorNeededError, signInWithPassword, WrongSecondFactorError } from "./sign-in";
import { totpCodeAt } from "./totp";
import { beginEnrolment, confirmEnrolment, disableTwoFactor, regenerateRecoveryCodes, resetTwoFactor, twoFactorGateRefusal, twoFactorStatus, TWO_FACTOR_REQUIRED_MESSAGE } from "./two-factor";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 8);
const PASSWORD = "milking parlour 7";
let person: Actor;
let admin: Actor;
let otherAdmin: Actor;
let secret: string;
const ip = "10.1.0.1";

async function makeUser(role: Actor["role"], name: string): Promise<Actor> {
  const user = await db.user.create({ data: { email: `${name}-${suffix}@test.example`, name, role, passwordHash: await hashPassword(PASSWORD) } });
  return { kind: "user", id: user.id, label: user.email, name, role, farmId: null };
}

/** Codes of one step can be used once: tests that sign in again start from a clean last step. */
async function forgetLastStep(actor: Actor) {
  await db.user.update({ where: { id: actor.id }, data: { totpLastStep: null } });
}

const text = (value: unknown) => JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? String(item) : item));
const audits = (actor: Actor) => db.auditEvent.findMany({ where: { entityType: "user", entityId: String(actor.id) }, orderBy: { id: "asc" } });

beforeAll(async () => {
  process.env.SECRETS_KEY ??= "two-factor-integration-test-key";
  person = await makeUser("technician", "tech");
  admin = await makeUser("admin", "admin");
  otherAdmin = await makeUser("admin", "admin2");
});

beforeEach(async () => {
  delete process.env.REQUIRE_ADMIN_TOTP;
  await db.loginAttempt.deleteMany({ where: { email: { endsWith: `-${suffix}@test.example` } } });
});

afterAll(async () => {
  const ids = [person, admin, otherAdmin].map((actor) => actor.id);
  await db.auditEvent.deleteMany({ where: { entityType: "user", entityId: { in: ids.map(String) } } });
  await db.loginAttempt.deleteMany({ where: { email: { endsWith: `-${suffix}@test.example` } } });
  await db.user.deleteMany({ where: { id: { in: ids } } });
  await disconnectDb();
});

describe("enrolling", () => {
  it("needs the current password: a wrong one counts as a failed sign-in and is slowed down after a few", async () => {
    const enrolIp = "10.1.0.9";
    const wrong = await refusal(beginEnrolment(db, person, { password: "not my password" }, enrolIp));
    expect(wrong).toBeInstanceOf(InvalidError);
    expect((wrong as InvalidError).fieldErrors).toEqual({ password: ["This is not your current password"] });
    // A code is no proof here (only the password).
    expect(await refusal(beginEnrolment(db, person, { password: "123456" }, enrolIp))).toBeInstanceOf(InvalidError);
    expect((await db.user.findUniqueOrThrow({ where: { id: person.id }, select: { totpSecret: true } })).totpSecret).toBeNull();
    expect(await db.loginAttempt.count({ where: { email: person.label, ip: enrolIp, success: false } })).toBe(2);
    await refusal(beginEnrolment(db, person, { password: "still not it" }, enrolIp));
    expect(await refusal(beginEnrolment(db, person, { password: PASSWORD }, enrolIp))).toBeInstanceOf(RateLimitedError);
    await db.loginAttempt.deleteMany({ where: { email: person.label } });
  });


  it("keeps the secret sealed until a code from the app confirms it, then shows 10 recovery codes once (stored hashed)", async () => {
    const enrolment = await beginEnrolment(db, person, { password: PASSWORD }, ip);
    secret = enrolment.secret;
    expect(enrolment.uri).toContain(`secret=${secret}`);
    expect(enrolment.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const pending = await db.user.findUniqueOrThrow({ where: { id: person.id }, select: { totpSecret: true, totpEnabledAt: true } });
    expect(pending.totpSecret).toMatch(/^v1\./);
    expect(pending.totpSecret).not.toContain(secret);
    expect(pending.totpEnabledAt).toBeNull();
    // Not on yet: the password alone still signs in.
    expect(await signInWithPassword(db, { email: person.label, password: PASSWORD, ip })).toMatchObject({ id: person.id });

    expect(await refusal(confirmEnrolment(db, person, { code: "000000" === totpCodeAt(secret) ? "111111" : "000000" }))).toBeInstanceOf(InvalidError);
    expect(await refusal(confirmEnrolment(db, person, { code: "12345" }))).toBeInstanceOf(InvalidError);
    const { recoveryCodes } = await confirmEnrolment(db, person, { code: totpCodeAt(secret) });
    expect(recoveryCodes).toHaveLength(10);
    const stored = await db.totpRecoveryCode.findMany({ where: { userId: person.id } });
    expect(stored).toHaveLength(10);
    for (const row of stored) expect(recoveryCodes.some((code) => row.codeHash.includes(code.replace("-", "")))).toBe(false);
    expect(await twoFactorStatus(db, person)).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    expect(await refusal(beginEnrolment(db, person, { password: PASSWORD }, ip))).toBeInstanceOf(ConflictError);

    const events = await audits(person);
    expect(events.map((event) => event.action)).toContain("two_factor_enabled");
    expect(text(events)).not.toContain(secret);
    for (const code of recoveryCodes) expect(text(events)).not.toContain(code);
  });
});

describe("signing in with two-factor on", () => {
  it("asks for the code after a right password, without counting anything, and signs in with it", async () => {
    await forgetLastStep(person);
    expect(await refusal(signInWithPassword(db, { email: person.label, password: PASSWORD, ip }))).toBeInstanceOf(SecondFactorNeededError);
    expect(await db.loginAttempt.count({ where: { email: person.label } })).toBe(0);
    // A wrong password is still just a wrong password: the code step is not revealed.
    expect(await signInWithPassword(db, { email: person.label, password: "wrong", ip, code: totpCodeAt(secret) })).toBeNull();
    expect(await signInWithPassword(db, { email: person.label, password: PASSWORD, ip, code: totpCodeAt(secret) })).toMatchObject({ id: person.id });
  });

  it("refuses a replayed code", async () => {
    await forgetLastStep(person);
    const code = totpCodeAt(secret);
    expect(await signInWithPassword(db, { email: person.label, password: PASSWORD, ip, code })).toMatchObject({ id: person.id });
    expect(await refusal(signInWithPassword(db, { email: person.label, password: PASSWORD, ip: "10.1.0.2", code }))).toBeInstanceOf(WrongSecondFactorError);
    // The next step's code (still in the window) is new, so it passes.
    expect(await signInWithPassword(db, { email: person.label, password: PASSWORD, ip, code: totpCodeAt(secret, Date.now() + 30_000) })).toMatchObject({ id: person.id });
  });

  it("counts wrong codes as failed sign-ins, so guessing codes meets the same delays", async () => {
    await forgetLastStep(person);
    const wrong = ["000000", "111111", "222222", "333333"].filter((code) => ![-1, 0, 1].some((d) => totpCodeAt(secret, Date.now() + d * 30_000) === code));
    for (const code of wrong.slice(0, FREE_FAILURES_PER_ACCOUNT_ADDRESS)) expect(await refusal(signInWithPassword(db, { email: person.label, password: PASSWORD, ip, code }))).toBeInstanceOf(WrongSecondFactorError);
    expect(await db.loginAttempt.count({ where: { email: person.label, ip, success: false } })).toBe(FREE_FAILURES_PER_ACCOUNT_ADDRESS);
    // Now delayed: even the right code waits.
    expect(await refusal(signInWithPassword(db, { email: person.label, password: PASSWORD, ip, code: totpCodeAt(secret) }))).toBeInstanceOf(RateLimitedError);
  });

  it("takes a recovery code once, audited, and never again", async () => {
    const { recoveryCodes } = await regenerateRecoveryCodes(db, person, { proof: PASSWORD }, ip);
    const [code] = recoveryCodes;
    expect(await signInWithPassword(db, { email: person.label, password: PASSWORD, ip: "10.1.0.3", code: code!.toUpperCase() })).toMatchObject({ id: person.id });
    expect(await refusal(signInWithPassword(db, { email: person.label, password: PASSWORD, ip: "10.1.0.3", code: code! }))).toBeInstanceOf(WrongSecondFactorError);
    expect(await twoFactorStatus(db, person)).toMatchObject({ recoveryCodesLeft: 9 });
    const used = (await audits(person)).filter((event) => event.action === "two_factor_recovery_code_used");
    expect(used).toHaveLength(1);
    expect(used[0]!.after).toEqual({ recoveryCodesLeft: 9 });
    expect(text(used)).not.toContain(code!.replace("-", ""));
  });

  it("makes new recovery codes only with a code or the password; the old ones stop working", async () => {
    const before = await regenerateRecoveryCodes(db, person, { proof: PASSWORD }, "10.1.0.4");
    expect(await refusal(regenerateRecoveryCodes(db, person, { proof: "not my password" }, "10.1.0.4"))).toBeInstanceOf(InvalidError);
    await forgetLastStep(person);
    const after = await regenerateRecoveryCodes(db, person, { proof: totpCodeAt(secret) }, "10.1.0.4");
    expect(after.recoveryCodes).not.toEqual(before.recoveryCodes);
    expect(await refusal(signInWithPassword(db, { email: person.label, password: PASSWORD, ip: "10.1.0.4", code: before.recoveryCodes[0]! }))).toBeInstanceOf(WrongSecondFactorError);
  });
});

describe("turning it off", () => {
  it("needs a current code or the password, then the password alone signs in again", async () => {
    expect(await refusal(disableTwoFactor(db, person, { proof: "guess" }, "10.1.0.5"))).toBeInstanceOf(InvalidError);
    expect((await twoFactorStatus(db, person)).enabled).toBe(true);
    const here = await startSession(db, person, "10.1.0.5");
    const elsewhere = await startSession(db, person, "10.1.0.50");
    expect(await disableTwoFactor(db, person, { proof: PASSWORD }, "10.1.0.5", here)).toEqual({ otherSessionsEnded: 1 });
    // The other sessions end; the one in use stays.
    expect(await sessionActor(db, { uid: person.id, sid: elsewhere })).toBeNull();
    expect(await sessionActor(db, { uid: person.id, sid: here })).toMatchObject({ id: person.id });
    const row = await db.user.findUniqueOrThrow({ where: { id: person.id }, select: { totpSecret: true, totpEnabledAt: true } });
    expect(row).toEqual({ totpSecret: null, totpEnabledAt: null });
    expect(await db.totpRecoveryCode.count({ where: { userId: person.id } })).toBe(0);
    expect(await signInWithPassword(db, { email: person.label, password: PASSWORD, ip: "10.1.0.5" })).toMatchObject({ id: person.id });
    expect((await audits(person)).map((event) => event.action)).toContain("two_factor_disabled");
  });
});

describe("an admin resetting someone's two-factor (lost phone)", () => {
  it("turns it off for them, audited; only an admin of every farm, not on themselves", async () => {
    const enrolment = await beginEnrolment(db, person, { password: PASSWORD }, ip);
    await confirmEnrolment(db, person, { code: totpCodeAt(enrolment.secret) });
    expect(await refusal(resetTwoFactor(db, person, admin.id))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(resetTwoFactor(db, { ...admin, farmId: 1 }, person.id))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(resetTwoFactor(db, admin, admin.id))).toBeInstanceOf(InvalidError);
    expect(await refusal(resetTwoFactor(db, admin, 999_999_999))).toBeInstanceOf(NotFoundError);
    const session = await startSession(db, person, "10.1.0.6");
    expect(await resetTwoFactor(db, admin, person.id)).toEqual({ userId: person.id, wasEnabled: true });
    // Every session of theirs ends.
    expect(await sessionActor(db, { uid: person.id, sid: session })).toBeNull();
    expect(await db.userSession.count({ where: { userId: person.id, endedAt: null } })).toBe(0);
    expect((await twoFactorStatus(db, person)).enabled).toBe(false);
    expect(await db.totpRecoveryCode.count({ where: { userId: person.id } })).toBe(0);
    expect(await signInWithPassword(db, { email: person.label, password: PASSWORD, ip: "10.1.0.6" })).toMatchObject({ id: person.id });
    const reset = (await audits(person)).find((event) => event.action === "two_factor_reset");
    expect(reset).toMatchObject({ actorId: admin.id, before: { twoFactor: true, recoveryCodesLeft: 10 }, after: { twoFactor: false } });
  });
});

describe("REQUIRE_ADMIN_TOTP", () => {
  it("holds an admin without two-factor (not other roles, not when off) until they enrol, and forbids turning it off", async () => {
    expect(await twoFactorGateRefusal(db, admin)).toBeNull();
    process.env.REQUIRE_ADMIN_TOTP = "true";
    expect(await twoFactorGateRefusal(db, admin)).toBe(TWO_FACTOR_REQUIRED_MESSAGE);
    expect(await twoFactorGateRefusal(db, person)).toBeNull();
    expect(await twoFactorGateRefusal(db, { ...admin, kind: "api_key" })).toBeNull();
    // The admin can still sign in (to reach the security page).
    expect(await signInWithPassword(db, { email: admin.label, password: PASSWORD, ip: "10.1.0.7" })).toMatchObject({ id: admin.id });
    expect(await twoFactorStatus(db, admin)).toMatchObject({ enabled: false, required: true });

    const enrolment = await beginEnrolment(db, admin, { password: PASSWORD }, ip);
    await confirmEnrolment(db, admin, { code: totpCodeAt(enrolment.secret) });
    expect(await twoFactorGateRefusal(db, admin)).toBeNull();
    expect(await refusal(disableTwoFactor(db, admin, { proof: PASSWORD }, "10.1.0.7"))).toBeInstanceOf(ForbiddenError);
    // Reset by another admin (lost phone): held again until they enrol again.
    await resetTwoFactor(db, otherAdmin, admin.id);
    expect(await twoFactorGateRefusal(db, admin)).toBe(TWO_FACTOR_REQUIRED_MESSAGE);
  });
});
