/**
 * The signed-in person for server components, server actions and route handlers.
 */
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "../db";
import { clientAddress } from "../http/client-address";
import { ForbiddenError, UnauthorizedError } from "../errors";
import { authOptions } from "./options";
import { allows, type Actor, type Permission } from "./permissions";
import { sessionActor } from "./sessions";
import { twoFactorGateRefusal } from "./two-factor";

/** Where an admin without two-factor is held while REQUIRE_ADMIN_TOTP is on (lib/auth/two-factor.ts). */
export const SECURITY_PAGE = "/profile/security";

/** Why this signed-in person must set up two-factor before anything else, or null. Once per request. */
export const twoFactorGate = cache(async (actor: Actor): Promise<string | null> => twoFactorGateRefusal(getDb(), actor));

/**
 * Loaded once per request (React cache), from the database rather than the token's copy: the
 * server-side session must still be live (lib/auth/sessions.ts).
 */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = (await getServerSession(authOptions)) as { uid?: unknown; sid?: unknown } | null;
  if (!session) return null;
  const actor = await sessionActor(getDb(), session);
  if (!actor) return null;
  // What the audit log keeps of the request: where from, and which session (its id's first 8
  // characters: enough to tell one browser from another, too little to replay it).
  return { ...actor, ip: await requestAddress(), via: "session", credential: typeof session.sid === "string" ? session.sid.slice(0, 8) : undefined };
});

/** The client's address for this request, or undefined outside one (a script, a test). */
export async function requestAddress(): Promise<string | undefined> {
  try {
    return clientAddress(await headers());
  } catch {
    return undefined;
  }
}

/**
 * For pages: the actor, or a redirect to the login page. `twoFactorSetup`: the page (or the shell's
 * layout, which wraps the security page too) is reachable while an admin is held for two-factor.
 */
export async function requirePageActor(permission?: Permission, options: { twoFactorSetup?: boolean } = {}): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect("/login");
  if (!options.twoFactorSetup && (await twoFactorGate(actor))) redirect(`${SECURITY_PAGE}?required=1`);
  // Production hides thrown messages, so a page the role may not see gets its own explanation.
  if (permission && !allows(actor, permission)) redirect("/forbidden");
  return actor;
}

/** For actions and handlers: the actor, or an expected error (401/403). */
export async function requireActor(permission?: Permission): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) throw new UnauthorizedError();
  const gate = await twoFactorGate(actor);
  if (gate) throw new ForbiddenError(gate);
  if (permission && !allows(actor, permission)) throw new ForbiddenError();
  return actor;
}
