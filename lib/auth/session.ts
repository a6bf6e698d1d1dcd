/**
 * The signed-in person for server components, server actions and route handlers.
 */
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "../db";
import { ForbiddenError, UnauthorizedError } from "../errors";
import { authOptions } from "./options";
import { allows, type Actor, type Permission } from "./permissions";
import { sessionActor } from "./sessions";

/**
 * Loaded once per request (React cache), from the database rather than the token's copy: the
 * server-side session must still be live (lib/auth/sessions.ts).
 */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = (await getServerSession(authOptions)) as { uid?: unknown; sid?: unknown } | null;
  if (!session) return null;
  return sessionActor(getDb(), session);
});

/** For pages: the actor, or a redirect to the login page. */
export async function requirePageActor(permission?: Permission): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect("/login");
  // Production hides thrown messages, so a page the role may not see gets its own explanation.
  if (permission && !allows(actor, permission)) redirect("/forbidden");
  return actor;
}

/** For actions and handlers: the actor, or an expected error (401/403). */
export async function requireActor(permission?: Permission): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) throw new UnauthorizedError();
  if (permission && !allows(actor, permission)) throw new ForbiddenError();
  return actor;
}
