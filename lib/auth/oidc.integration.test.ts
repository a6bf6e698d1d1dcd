import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "../db";
import { claimsFromProfile, matchOidcSignIn, oidcProviders, ssoButtons, subjectKey, type OidcClaims } from "./oidc";
import { parseConfig } from "../config/env";
import { sessionActor } from "./sessions";
import { loginErrorMessage } from "./sign-in-messages";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 8);
const ISSUER = "https://keycloak.farm.example/realms/dairy";
const invited = `invited-${suffix}@test.example`;
const leaver = `leaver-${suffix}@test.example`;
const bound = `bound-${suffix}@test.example`;
const guarded = `guarded-${suffix}@test.example`;
const emails = [invited, leaver, bound, guarded, `stranger-${suffix}@test.example`, `unverified-${suffix}@test.example`];
const ip = "192.0.2.10";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const ids: number[] = [];

const claims = (email: string | null, sub: string, emailVerified: boolean | null = true): OidcClaims => ({ issuer: ISSUER, sub, email, emailVerified });

beforeAll(async () => {
  // Invited by an admin (no password yet, not joined), a deactivated person, and one already bound to a subject.
  const rows = await Promise.all([
    db.user.create({ data: { email: invited, name: "Invited Ines", role: "technician", passwordHash: "", invitedAt: new Date() } }),
    db.user.create({ data: { email: leaver, name: "Left Lars", role: "manager", passwordHash: "", active: false, deactivatedAt: new Date() } }),
    db.user.create({ data: { email: bound, name: "Bound Bea", role: "viewer", passwordHash: "", oidcSubject: subjectKey({ issuer: ISSUER, sub: "bea-1" }), joinedAt: new Date() } }),
    // Two-factor sign-in on.
    db.user.create({ data: { email: guarded, name: "Guarded Gert", role: "admin", passwordHash: "", totpSecret: "v1.sealed", totpEnabledAt: new Date(), joinedAt: new Date() } }),
  ]);
  ids.push(...rows.map((row) => row.id));
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { entityType: "user", entityId: { in: ids.map(String) } } });
  await db.loginAttempt.deleteMany({ where: { email: { in: emails } } });
  await db.user.deleteMany({ where: { id: { in: ids } } });
  await disconnectDb();
});

describe("single sign-on matching", () => {
  it("matches an invited, active person by e-mail whatever its case, binds the subject, marks joined, and starts a real session", async () => {
    const before = await db.user.count();
    const match = await matchOidcSignIn(db, claims(invited.toUpperCase(), "ines-1"), ip);
    expect(match.ok).toBe(true);
    if (!match.ok) return;
    expect(match.actor).toMatchObject({ id: ids[0], role: "technician", label: invited });
    const row = await db.user.findUniqueOrThrow({ where: { id: ids[0] } });
    expect(row.oidcSubject).toBe(`${ISSUER}#ines-1`);
    expect(row.joinedAt).not.toBeNull();
    expect(row.lastLoginAt).not.toBeNull();
    expect(await db.user.count()).toBe(before);
    // The session is the same kind the password path starts: the cookie's sid and uid name it.
    expect(await sessionActor(db, { uid: match.actor.id, sid: match.sid })).toMatchObject({ id: ids[0], role: "technician" });
    expect(await db.loginAttempt.count({ where: { email: invited, success: true } })).toBe(1);
    const linked = await db.auditEvent.findFirst({ where: { entityType: "user", entityId: String(ids[0]), action: "single_sign_on_linked" } });
    expect(linked?.after).toEqual({ issuer: ISSUER, joined: true });

    // Next time: same subject, same person; joined_at kept.
    const again = await matchOidcSignIn(db, claims(invited, "ines-1"), ip);
    expect(again.ok).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: ids[0] } })).joinedAt).toEqual(row.joinedAt);
  });

  it("refuses an unknown e-mail, creates nobody and writes only a failed attempt", async () => {
    const stranger = `stranger-${suffix}@test.example`;
    const users = await db.user.count();
    const audits = await db.auditEvent.count();
    expect(await matchOidcSignIn(db, claims(stranger, "x-1"), ip)).toEqual({ ok: false, error: "NoAccount", email: stranger });
    expect(await db.user.count()).toBe(users);
    expect(await db.auditEvent.count()).toBe(audits);
    expect(await db.loginAttempt.findMany({ where: { email: stranger }, select: { success: true, ip: true } })).toEqual([{ success: false, ip }]);
  });

  it("refuses a deactivated person", async () => {
    expect(await matchOidcSignIn(db, claims(leaver, "lars-1"), ip)).toMatchObject({ ok: false, error: "Deactivated" });
    expect((await db.user.findUniqueOrThrow({ where: { id: ids[1] } })).oidcSubject).toBeNull();
  });

  it("refuses an e-mail the provider says is not verified, or does not say is verified, and a profile without e-mail", async () => {
    expect(await matchOidcSignIn(db, claims(invited, "ines-1", false), ip)).toMatchObject({ ok: false, error: "EmailNotVerified" });
    expect(await matchOidcSignIn(db, claims(invited, "ines-1", null), ip)).toMatchObject({ ok: false, error: "EmailNotVerified" });
    expect(await matchOidcSignIn(db, { ...claims(invited, "ines-1"), wrongTenant: true }, ip)).toMatchObject({ ok: false, error: "WrongTenant" });
    expect(await matchOidcSignIn(db, claims(null, "nobody"), ip)).toMatchObject({ ok: false, error: "NoEmail" });
  });

  it("refuses a different subject for an e-mail already bound to another, and a subject bound to someone else", async () => {
    expect(await matchOidcSignIn(db, claims(bound, "impostor-2"), ip)).toMatchObject({ ok: false, error: "SubjectConflict" });
    expect((await db.user.findUniqueOrThrow({ where: { id: ids[2] } })).oidcSubject).toBe(`${ISSUER}#bea-1`);
    // Ines's subject presented with Bea's address (a renamed mailbox at the provider).
    expect(await matchOidcSignIn(db, { ...claims(bound, "ines-1") }, ip)).toMatchObject({ ok: false, error: "SubjectConflict" });
    // The same sub from another issuer is another identity.
    expect(await matchOidcSignIn(db, { issuer: "https://other.example", sub: "bea-1", email: bound, emailVerified: true }, ip)).toMatchObject({ ok: false, error: "SubjectConflict" });
    expect(await matchOidcSignIn(db, claims(bound, "bea-1"), ip)).toMatchObject({ ok: true });
  });
});

describe("single sign-on and two-factor sign-in", () => {
  it("refuses a person with two-factor on unless the provider's token shows it asked for a second factor", async () => {
    const sessions = await db.userSession.count({ where: { userId: ids[3] } });
    expect(await matchOidcSignIn(db, claims(guarded, "gert-1"), ip)).toEqual({ ok: false, error: "TwoFactorRequired", email: guarded });
    expect(await db.userSession.count({ where: { userId: ids[3] } })).toBe(sessions);
    expect((await db.user.findUniqueOrThrow({ where: { id: ids[3] } })).oidcSubject).toBeNull();
    expect(await db.loginAttempt.findMany({ where: { email: guarded }, select: { success: true } })).toEqual([{ success: false }]);
    expect(loginErrorMessage("TwoFactorRequired", guarded)).toBe("Two-factor sign-in is on for this account: sign in with your password and code.");
    // amr: ["pwd", "mfa"] from the provider: its own second factor stands.
    const mfaClaims = claimsFromProfile("oidc", { sub: "gert-1", email: guarded, email_verified: true, amr: ["pwd", "mfa"] }, { OIDC_ISSUER: ISSUER })!;
    expect(mfaClaims.mfa).toBe(true);
    expect(await matchOidcSignIn(db, mfaClaims, ip)).toMatchObject({ ok: true, actor: { id: ids[3] } });
  });
});

describe("providers from the environment", () => {
  it("offers no Microsoft button, and refuses the configuration, for a shared tenant or one that is not a directory id", () => {
    for (const tenant of ["common", "organizations", "Consumers", "contoso.onmicrosoft.com"]) {
      expect(ssoButtons({ AZURE_AD_CLIENT_ID: "a", AZURE_AD_CLIENT_SECRET: "b", AZURE_AD_TENANT_ID: tenant })).toEqual([]);
      expect(() => parseConfig({ AZURE_AD_TENANT_ID: tenant })).toThrow(/AZURE_AD_TENANT_ID: must be your (own )?directory \(tenant\) ID/);
    }
    expect(() => parseConfig({ AZURE_AD_TENANT_ID: TENANT })).not.toThrow();
  });

  it("trusts an Entra address only from the configured tenant (tid)", () => {
    const env = { AZURE_AD_TENANT_ID: TENANT };
    expect(claimsFromProfile("azure-ad", { sub: "2", tid: TENANT, preferred_username: "c@d.example" }, env)).toMatchObject({ emailVerified: true, wrongTenant: false });
    expect(claimsFromProfile("azure-ad", { sub: "2", tid: "9188040d-6c67-4c5b-b112-36a304b66dad", preferred_username: "c@d.example" }, env)).toMatchObject({ emailVerified: false, wrongTenant: true });
    expect(claimsFromProfile("azure-ad", { sub: "2", preferred_username: "c@d.example" }, env)).toMatchObject({ wrongTenant: true });
  });

  it("shows a button only for a completely configured provider", () => {
    expect(ssoButtons({})).toEqual([]);
    expect(ssoButtons({ OIDC_ISSUER: ISSUER, OIDC_CLIENT_ID: "sdm" })).toEqual([]);
    const env = { OIDC_ISSUER: `${ISSUER}/`, OIDC_CLIENT_ID: "sdm", OIDC_CLIENT_SECRET: "s", OIDC_LABEL: "Keycloak", AZURE_AD_CLIENT_ID: "a", AZURE_AD_CLIENT_SECRET: "b", AZURE_AD_TENANT_ID: TENANT, GOOGLE_CLIENT_ID: "g", GOOGLE_CLIENT_SECRET: "h" };
    expect(ssoButtons(env)).toEqual([
      { id: "oidc", label: "Keycloak" },
      { id: "azure-ad", label: "Microsoft" },
      { id: "google", label: "Google" },
    ]);
    const providers = oidcProviders(env) as unknown as Array<{ id: string; wellKnown?: string; options?: { idToken?: boolean } }>;
    expect(providers.map((provider) => provider.id)).toEqual(["oidc", "azure-ad", "google"]);
    expect(providers[0]!.wellKnown).toBe(`${ISSUER}/.well-known/openid-configuration`);
    expect(providers[1]!.wellKnown).toContain(`login.microsoftonline.com/${TENANT}/v2.0/`);
  });

  it("reads issuer, subject and e-mail from each provider's claims (Entra: email, else preferred_username)", () => {
    expect(claimsFromProfile("google", { iss: "https://accounts.google.com", sub: "1", email: "a@b.example", email_verified: false })).toEqual({ issuer: "https://accounts.google.com", sub: "1", email: "a@b.example", emailVerified: false, mfa: false });
    expect(claimsFromProfile("google", { sub: "1", email: "a@b.example" })).toMatchObject({ emailVerified: null });
    expect(claimsFromProfile("azure-ad", { iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, sub: "2", tid: TENANT, preferred_username: "c@d.example", amr: ["pwd"] }, { AZURE_AD_TENANT_ID: TENANT })).toEqual({ issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`, sub: "2", email: "c@d.example", emailVerified: true, mfa: false, wrongTenant: false });
    expect(claimsFromProfile("oidc", { sub: "3", email: "e@f.example", email_verified: "true", amr: ["otp"] }, { OIDC_ISSUER: ISSUER })).toEqual({ issuer: ISSUER, sub: "3", email: "e@f.example", emailVerified: true, mfa: true });
    expect(claimsFromProfile("oidc", { email: "e@f.example" })).toBeNull();
  });
});
