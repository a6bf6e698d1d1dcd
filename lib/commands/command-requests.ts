/**
 * What the command routes share: the device and batch ids of the path, an optional JSON body,
 * the Idempotency-Key header, and 201 (with Location) for a new command versus 200 for a replay.
 */
import { NextResponse } from "next/server";
import { tooLargeCause } from "../api/request-guards";
import { DEVICE_ID_PATTERN } from "../devices/device-id";
import { InvalidError, NotFoundError } from "../errors";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** A malformed %-escape is a path no device has, not a server error. */
function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function deviceIdFromPath(raw: string): string {
  const id = decoded(raw);
  if (!DEVICE_ID_PATTERN.test(id)) throw new NotFoundError(`No device has the id “${id}” (device ids look like MM001).`);
  return id;
}

export function batchIdFromPath(raw: string): number {
  const id = Number(decoded(raw));
  if (!Number.isInteger(id) || id <= 0) throw new NotFoundError("No such batch.");
  return id;
}

export function commandIdFromPath(raw: string): string {
  const id = decoded(raw);
  if (!id || id.length > 64) throw new NotFoundError("No such command.");
  return id;
}

export function idempotencyKeyFrom(request: Request): string | null {
  return request.headers.get(IDEMPOTENCY_HEADER);
}

/** The body as JSON; none at all (the M92 buttons post nothing) is an empty object. */
export async function optionalJson(request: Request): Promise<unknown> {
  let text: string;
  try {
    text = await request.text();
  } catch (error) {
    throw tooLargeCause(error) ?? error;
  }
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidError("The request body must be JSON.");
  }
}

export function created<T>(body: T, isNew: boolean, location: string): Response {
  return NextResponse.json(body, { status: isNew ? 201 : 200, headers: isNew ? { Location: location } : undefined });
}
