/**
 * Every /api/v1 route handler is wrapped once: how large its body may be, who is calling (API key
 * or session; a session only from this app's own pages), may they (permission), and how a failure
 * becomes a response (one mapping of domain errors to status codes).
 */
import { NextResponse } from "next/server";
import { z } from "zod";
import { apiKeyFromHeaders, authenticateApiKey } from "../auth/api-keys";
import { permissionRefusal, type Actor, type Permission } from "../auth/permissions";
import { currentActor, twoFactorGate } from "../auth/session";
import { getDb } from "../db";
import { clientAddress } from "../http/client-address";
import { ConflictError, fieldErrorsFromIssues, ForbiddenError, InvalidError, isExpectedError, PayloadTooLargeError, RateLimitedError, UnauthorizedError } from "../errors";
import { assertSameOriginRequest, bodyLimit, limitBody, SAFE_METHODS, tooLargeCause, type BodySpec } from "./request-guards";

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (input: { request: Request; actor: Actor; params: P }) => Promise<Response | unknown>;

export function errorResponse(error: unknown): Response {
  if (error instanceof z.ZodError) {
    return NextResponse.json({ error: { code: "invalid", message: "Invalid request.", fields: fieldErrorsFromIssues(error.issues) } }, { status: 400 });
  }
  if (isExpectedError(error)) {
    const body: Record<string, unknown> = { code: error.code, message: error.message };
    if (error instanceof InvalidError || (error instanceof PayloadTooLargeError && Object.keys(error.fieldErrors).length) || (error instanceof ConflictError && Object.keys(error.fieldErrors).length)) body.fields = error.fieldErrors;
    const headers = error instanceof RateLimitedError ? { "Retry-After": String(error.retryAfterSeconds) } : undefined;
    return NextResponse.json({ error: body }, { status: error.status, headers });
  }
  console.error("unexpected error in /api/v1", error);
  return NextResponse.json({ error: { code: "internal", message: "Something went wrong on our side." } }, { status: 500 });
}

/** The caller of an /api/v1 request: API key first, else the signed-in session. */
export async function resolveActor(request: Request): Promise<Actor> {
  const key = apiKeyFromHeaders(request.headers);
  if (key) {
    const actor = await authenticateApiKey(getDb(), key);
    if (!actor) throw new UnauthorizedError("The API key is unknown or revoked.");
    // For the audit log: where the call came from and which key made it (its public prefix).
    return { ...actor, ip: clientAddress(request.headers), via: "api_key", credential: actor.label.replace(/^api-key:/, "") };
  }
  const actor = await currentActor();
  if (!actor) throw new UnauthorizedError();
  const gate = await twoFactorGate(actor);
  if (gate) throw new ForbiddenError(gate);
  return actor;
}

/** `body`: JSON (at most JSON_BODY_LIMIT) unless the route says it takes an upload and its limit. */
export function withApi<P = Record<string, never>>(handler: Handler<P>, options: { permission: Permission; body?: BodySpec }) {
  const body = options.body ?? { kind: "json" };
  return async (original: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const { maxBytes, tooLarge } = bodyLimit(body);
      const request = limitBody(original, maxBytes, tooLarge);
      if (!SAFE_METHODS.has(request.method) && !apiKeyFromHeaders(request.headers)) assertSameOriginRequest(request, body);
      const actor = await resolveActor(request);
      const refusal = permissionRefusal(actor, options.permission);
      if (refusal) throw new ForbiddenError(refusal);
      const params = context?.params ? await context.params : ({} as P);
      const result = await handler({ request, actor, params });
      return result instanceof Response ? result : NextResponse.json(result);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** A JSON body parsed with the route's zod schema; a body that isn't JSON is a 400, not a 500. */
export async function readJson<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  let body: unknown;
  try {
    body = await request.json();
  } catch (error) {
    throw tooLargeCause(error) ?? new InvalidError("The request body must be JSON.");
  }
  return schema.parse(body);
}
