/**
 * Single sign-on by OpenID Connect, configured by environment only: a generic issuer (Keycloak,
 * Authentik, Okta… OIDC_ISSUER/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET/OIDC_LABEL), Microsoft Entra ID
 * (AZURE_AD_CLIENT_ID/AZURE_AD_CLIENT_SECRET/AZURE_AD_TENANT_ID) and Google
 * (GOOGLE_CLIENT_ID/GOOGLE_CLIENT_SECRET). No variables → no button.
 *
 * The provider only proves an e-mail address: a person is matched to an existing, active user of
 * that address (invited by an admin), never created, so an identity provider alone grants no
 * rights. The first match binds the account to the provider's subject (issuer + sub); a different
 * subject for the same address later is refused (a reused or renamed mailbox at the provider).
 *
 * The matching is here, apart from next-auth, so it is tested without an identity provider;
 * lib/auth/options.ts calls it from next-auth's signIn callback.
 */
import type { Provider } from "next-auth/providers/index";
import AzureADProvider from "next-auth/providers/azure-ad";
import GoogleProvider from "next-auth/providers/google";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import type { Actor, RoleName } from "./permissions";
import { entraTenantProblem } from "./entra-tenant";
import { startSession } from "./sessions";

type Env = Record<string, string | undefined>;

export type SsoButton = { id: string; label: string };

const GOOGLE_ISSUER = "https://accounts.google.com";

/** Authentication methods (RFC 8176 `amr`) that show the provider itself asked for a second factor. */
const MFA_METHODS = new Set(["mfa", "otp", "hwk"]);

function value(env: Env, name: string): string | undefined {
  const text = env[name]?.trim();
  return text ? text : undefined;
}

/** The sign-in buttons the login page shows, in this order; an incompletely configured provider has none. */
export function ssoButtons(env: Env = process.env): SsoButton[] {
  const buttons: SsoButton[] = [];
  if (value(env, "OIDC_ISSUER") && value(env, "OIDC_CLIENT_ID") && value(env, "OIDC_CLIENT_SECRET")) buttons.push({ id: "oidc", label: value(env, "OIDC_LABEL") ?? "Single sign-on" });
  const tenant = value(env, "AZURE_AD_TENANT_ID");
  if (value(env, "AZURE_AD_CLIENT_ID") && value(env, "AZURE_AD_CLIENT_SECRET") && tenant && !entraTenantProblem(tenant)) buttons.push({ id: "azure-ad", label: "Microsoft" });
  if (value(env, "GOOGLE_CLIENT_ID") && value(env, "GOOGLE_CLIENT_SECRET")) buttons.push({ id: "google", label: "Google" });
  return buttons;
}

type RawProfile = Record<string, unknown>;
const profileUser = (profile: RawProfile) => ({ id: String(profile.sub), name: typeof profile.name === "string" ? profile.name : null, email: typeof profile.email === "string" ? profile.email : null, image: null });

/** next-auth providers for what ssoButtons shows. Claims are read from the ID token (idToken: true), checked with PKCE and state. */
export function oidcProviders(env: Env = process.env): Provider[] {
  const providers: Provider[] = [];
  for (const { id, label } of ssoButtons(env)) {
    if (id === "oidc") {
      const issuer = value(env, "OIDC_ISSUER")!.replace(/\/+$/, "");
      providers.push({
        id: "oidc",
        name: label,
        type: "oauth",
        wellKnown: `${issuer}/.well-known/openid-configuration`,
        issuer,
        clientId: value(env, "OIDC_CLIENT_ID"),
        clientSecret: value(env, "OIDC_CLIENT_SECRET"),
        authorization: { params: { scope: "openid email profile" } },
        idToken: true,
        checks: ["pkce", "state"],
        profile: profileUser,
      });
    } else if (id === "azure-ad") {
      providers.push(
        AzureADProvider({
          clientId: value(env, "AZURE_AD_CLIENT_ID")!,
          clientSecret: value(env, "AZURE_AD_CLIENT_SECRET")!,
          tenantId: value(env, "AZURE_AD_TENANT_ID"),
          // The ID token's claims (iss, sub, preferred_username, email), not Graph's userinfo; and
          // no profile-photo fetch from Graph that the default profile() makes.
          idToken: true,
          checks: ["pkce", "state"],
          profile: (profile: RawProfile) => ({ ...profileUser(profile), email: entraEmail(profile) }),
        }),
      );
    } else if (id === "google") {
      providers.push(GoogleProvider({ clientId: value(env, "GOOGLE_CLIENT_ID")!, clientSecret: value(env, "GOOGLE_CLIENT_SECRET")! }));
    }
  }
  return providers;
}

function entraEmail(profile: RawProfile): string | null {
  for (const claim of [profile.email, profile.preferred_username]) if (typeof claim === "string" && claim.includes("@")) return claim;
  return null;
}

export type OidcClaims = {
  issuer: string;
  sub: string;
  email: string | null;
  /** Only `true` lets the address match an account. */
  emailVerified: boolean | null;
  /** The ID token's `amr` names a second factor (mfa, otp, hwk). */
  mfa?: boolean;
  /** Entra: the token's `tid` is not the configured tenant. */
  wrongTenant?: boolean;
};

/**
 * The claims that matter, from a provider's raw profile (the ID token's claims). Google and a
 * generic issuer must say email_verified: true (missing counts as not verified). Entra reports no
 * email_verified: its `email` or `preferred_username` (a UPN) stands only from the configured
 * tenant (the token's `tid`), which manages it.
 */
export function claimsFromProfile(providerId: string, profile: RawProfile, env: Env = process.env): OidcClaims | null {
  const sub = typeof profile.sub === "string" || typeof profile.sub === "number" ? String(profile.sub) : "";
  if (!sub) return null;
  const fallbackIssuer = providerId === "google" ? GOOGLE_ISSUER : providerId === "oidc" ? (value(env, "OIDC_ISSUER") ?? "oidc") : `https://login.microsoftonline.com/${value(env, "AZURE_AD_TENANT_ID") ?? "unknown"}/v2.0`;
  const issuer = typeof profile.iss === "string" && profile.iss ? profile.iss : fallbackIssuer;
  const email = providerId === "azure-ad" ? entraEmail(profile) : typeof profile.email === "string" ? profile.email : null;
  const verified = profile.email_verified;
  // Some providers send "true"/"false" strings.
  const amr = Array.isArray(profile.amr) ? profile.amr.filter((method): method is string => typeof method === "string") : [];
  const mfa = amr.some((method) => MFA_METHODS.has(method.toLowerCase()));
  if (providerId === "azure-ad") {
    const tenant = value(env, "AZURE_AD_TENANT_ID")?.toLowerCase();
    const wrongTenant = !tenant || typeof profile.tid !== "string" || profile.tid.toLowerCase() !== tenant;
    return { issuer, sub, email, emailVerified: !wrongTenant, mfa, wrongTenant };
  }
  const emailVerified = verified === undefined || verified === null ? null : verified === true || verified === "true";
  return { issuer, sub, email, emailVerified, mfa };
}

/** What users.oidc_subject keeps: a sub is unique only within its issuer. */
export function subjectKey(claims: Pick<OidcClaims, "issuer" | "sub">): string {
  return `${claims.issuer.replace(/\/+$/, "")}#${claims.sub}`.slice(0, 300);
}

export type OidcRefusal = "NoEmail" | "EmailNotVerified" | "WrongTenant" | "NoAccount" | "Deactivated" | "SubjectConflict" | "TwoFactorRequired";
export type OidcMatch = { ok: true; actor: Actor; sid: string } | { ok: false; error: OidcRefusal; email: string | null };

/**
 * A person signing in through an identity provider: matched to their existing, active account by
 * e-mail (case-insensitive), bound to the subject on first use, and given a server-side session
 * exactly as a password sign-in gets. A refusal writes only a failed login attempt.
 *
 * A person with two-factor sign-in on is refused unless the provider's ID token shows it asked
 * for a second factor itself (`amr`): single sign-on must not be a way around the codes.
 */
export async function matchOidcSignIn(db: Db, claims: OidcClaims, ip: string): Promise<OidcMatch> {
  const address = ip.slice(0, 64) || "unknown";
  const email = claims.email?.trim().toLowerCase() || null;
  const refuse = async (error: OidcRefusal): Promise<OidcMatch> => {
    if (email) await db.loginAttempt.create({ data: { email: email.slice(0, 254), ip: address, success: false } });
    return { ok: false, error, email };
  };
  if (!email || !email.includes("@")) return refuse("NoEmail");
  if (claims.wrongTenant) return refuse("WrongTenant");
  if (claims.emailVerified !== true) return refuse("EmailNotVerified");
  // Addresses are stored lower-case by every form; `mode: insensitive` also finds an older mixed-case row.
  const user = await db.user.findFirst({ where: { email: { equals: email, mode: "insensitive" } } });
  if (!user) return refuse("NoAccount");
  if (!user.active) return refuse("Deactivated");
  if (user.totpEnabledAt && !claims.mfa) return refuse("TwoFactorRequired");
  const subject = subjectKey(claims);
  if (user.oidcSubject && user.oidcSubject !== subject) return refuse("SubjectConflict");
  const holder = await db.user.findUnique({ where: { oidcSubject: subject }, select: { id: true } });
  if (holder && holder.id !== user.id) return refuse("SubjectConflict");

  const now = new Date();
  const firstTime = !user.oidcSubject;
  await db.$transaction(async (tx) => {
    // Binds only if still unbound (or bound to this subject): two first sign-ins racing cannot bind two subjects.
    const bound = await tx.user.updateMany({
      where: { id: user.id, active: true, OR: [{ oidcSubject: null }, { oidcSubject: subject }] },
      data: { oidcSubject: subject, lastLoginAt: now, ...(user.joinedAt ? {} : { joinedAt: now }) },
    });
    if (bound.count !== 1) throw new Error("The account changed during single sign-on.");
    await tx.loginAttempt.create({ data: { email: user.email, ip: address, success: true } });
    if (firstTime) await recordAudit(tx, { kind: "user", id: user.id, label: user.email }, { entityType: "user", entityId: String(user.id), action: "single_sign_on_linked", after: { issuer: claims.issuer, ...(user.joinedAt ? {} : { joined: true }) } });
  });
  const actor: Actor = { kind: "user", id: user.id, label: user.email, name: user.name, role: user.role as RoleName, farmId: user.farmId };
  return { ok: true, actor, sid: await startSession(db, actor, address) };
}
