/**
 * The answers to an external broker's HTTP authentication and authorisation requests, from the
 * same decisions the embedded broker makes (lib/mqtt/broker-access.ts).
 */
import type { z } from "zod";
import type { Db } from "../db";
import { authenticateBrokerClient, authorizeBrokerAccess, serviceAccountFromConfig, type BrokerAction, type ServiceAccount } from "../mqtt/broker-access";
import type {
  emqxAuthenticationRequestSchema,
  emqxAuthenticationResponseSchema,
  emqxAuthorizationRequestSchema,
  emqxAuthorizationResponseSchema,
  mosquittoAclRequestSchema,
  mosquittoSuperuserRequestSchema,
  mosquittoUserRequestSchema,
} from "./broker-hook-schemas";

type EmqxAuthentication = z.output<typeof emqxAuthenticationResponseSchema>;

/**
 * A username this product did not issue is "ignore", so an EMQX chain can hold other
 * authenticators (dashboards, other applications); EMQX refuses a client no authenticator allows.
 */
export async function emqxAuthenticate(db: Db, request: z.output<typeof emqxAuthenticationRequestSchema>, service: ServiceAccount = serviceAccountFromConfig()): Promise<EmqxAuthentication> {
  const login = await authenticateBrokerClient(db, { username: request.username, password: request.password, clientId: request.clientid }, service);
  if (login.ok) return { result: "allow", is_superuser: login.identity.kind === "service" };
  return { result: login.reason === "unknown_user" ? "ignore" : "deny", is_superuser: false };
}

/** Anything not positively allowed is "deny" (EMQX's no_match default is allow). */
export async function emqxAuthorize(db: Db, request: z.output<typeof emqxAuthorizationRequestSchema>, service: ServiceAccount = serviceAccountFromConfig()): Promise<z.output<typeof emqxAuthorizationResponseSchema>> {
  const allowed = await authorizeBrokerAccess(db, { username: request.username, clientId: request.clientid, topic: request.topic, action: request.action, retain: request.retain }, service);
  return { result: allowed ? "allow" : "deny" };
}

export async function mosquittoUser(db: Db, request: z.output<typeof mosquittoUserRequestSchema>, service: ServiceAccount = serviceAccountFromConfig()): Promise<boolean> {
  const login = await authenticateBrokerClient(db, { username: request.username, password: request.password, clientId: request.clientid }, service);
  return login.ok;
}

/** mosquitto-go-auth asks with the username only; the service account is the one superuser. */
export function mosquittoSuperuser(request: z.output<typeof mosquittoSuperuserRequestSchema>, service: ServiceAccount = serviceAccountFromConfig()): boolean {
  return Boolean(request.username) && request.username === service.username && Boolean(service.password);
}

const ACC_ACTION: Record<number, BrokerAction> = { 1: "read", 2: "publish", 3: "publish", 4: "subscribe" };

export async function mosquittoAcl(db: Db, request: z.output<typeof mosquittoAclRequestSchema>, service: ServiceAccount = serviceAccountFromConfig()): Promise<boolean> {
  return authorizeBrokerAccess(db, { username: request.username, clientId: request.clientid, topic: request.topic, action: ACC_ACTION[request.acc] ?? "publish" }, service);
}

/**
 * mosquitto-go-auth reads the status in `http_response_mode status` (200 allows, 403 denies) and
 * `{ ok, error }` in `json` mode: this answer suits both.
 */
export function mosquittoAnswer(allowed: boolean, refusal: string): Response {
  return Response.json({ ok: allowed, error: allowed ? "" : refusal }, { status: allowed ? 200 : 403 });
}
