/**
 * Requests made by machines, not people: a device claiming itself and an external MQTT broker
 * asking whether a client may log in or use a topic. They carry no session or API key, so they do
 * not go through withApi; they share its error mapping (errorResponse) and never log a body, as
 * bodies hold passwords and tokens.
 */
import { z } from "zod";
import { MACHINE_BODY_LIMIT, limitBody, tooLargeCause } from "../api/request-guards";
import { errorResponse } from "../api/with-api";
import { loadConfig } from "../config/env";
import { sameSecret } from "../mqtt/broker-access";
import { DomainError, InvalidError, UnauthorizedError } from "../errors";

export const BROKER_HOOK_SECRET_HEADER = "x-broker-hook-secret";

class BrokerHooksDisabledError extends DomainError {
  constructor() {
    super("The broker hooks are off: set BROKER_HOOK_SECRET on the web app and send it from the broker in the X-Broker-Hook-Secret header.", 503, "broker_hooks_disabled");
  }
}

/**
 * The shared secret a broker proves itself with: the X-Broker-Hook-Secret header (EMQX's request
 * headers), or the password of HTTP Basic authentication (mosquitto-go-auth sends none of its own
 * headers, but Go's HTTP client turns `user:secret@host` in its URL into Basic authentication).
 */
export function presentedHookSecret(headers: Headers): string | null {
  const explicit = headers.get(BROKER_HOOK_SECRET_HEADER);
  if (explicit) return explicit.trim();
  const basic = headers.get("authorization")?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1];
  if (!basic) return null;
  const decoded = Buffer.from(basic, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 ? decoded.slice(colon + 1) : null;
}

/** Throws unless the request carries the configured hook secret; 503 while none is configured. */
export function assertBrokerHookSecret(headers: Headers, expected: string | undefined) {
  if (!expected) throw new BrokerHooksDisabledError();
  const presented = presentedHookSecret(headers);
  if (!presented || !sameSecret(presented, expected)) throw new UnauthorizedError("The broker hook secret is missing or wrong.");
}

/**
 * A route handler for a machine: its body capped at MACHINE_BODY_LIMIT before anyone (even an
 * unauthenticated caller) gets it parsed, its failures the same JSON errors as /api/v1's.
 */
export function machineRoute(handler: (request: Request) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    try {
      return await handler(limitBody(request, MACHINE_BODY_LIMIT));
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** A broker hook: checks the shared secret first, then runs the handler. */
export function brokerHook(handler: (request: Request) => Promise<Response>) {
  return machineRoute(async (request) => {
    assertBrokerHookSecret(request.headers, loadConfig().BROKER_HOOK_SECRET);
    return handler(request);
  });
}

/**
 * A hook body as JSON (EMQX, mosquitto-go-auth `params_mode json`) or as a form
 * (mosquitto-go-auth `params_mode form`), parsed with the hook's schema.
 */
export async function readHookBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const type = request.headers.get("content-type") ?? "";
  let body: unknown;
  try {
    body = type.includes("application/x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(await request.text())) : await request.json();
  } catch (error) {
    throw tooLargeCause(error) ?? new InvalidError("The request body must be JSON or a URL-encoded form.");
  }
  return schema.parse(body);
}
