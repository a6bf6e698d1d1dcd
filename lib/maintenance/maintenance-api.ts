/** What the maintenance route handlers share: an optional JSON body, the attachment upload's limits. */
import type { z } from "zod";
import { tooLargeCause } from "../api/request-guards";
import { InvalidError } from "../errors";
import { ATTACHMENT_MAX_BYTES } from "./maintenance-fields";

/** A body that may be empty (POST …/start): nothing sent reads as {}. */
export async function readOptionalJson<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await request.text();
  } catch (error) {
    throw tooLargeCause(error) ?? new InvalidError("The request body could not be read.");
  }
  if (!text.trim()) return schema.parse({});
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidError("The request body must be JSON.");
  }
  return schema.parse(body);
}

/** withApi's body spec of POST …/attachments: the file plus a small multipart envelope. */
export const ATTACHMENT_BODY = { kind: "upload", maxBytes: () => ATTACHMENT_MAX_BYTES, envelope: 256 * 1024, field: "file" } as const;
