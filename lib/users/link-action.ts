/**
 * The server side of the public invitation and reset pages, shaped as an action result for their
 * form. There is no session to check: the link's token is the proof, and lib/users/set-password.ts
 * refuses any token that is not valid right now.
 */
import type { UserTokenPurpose } from "@prisma/client";
import type { ActionResult } from "../actions/define-action";
import { formDataToObject } from "../actions/define-action";
import { getDb } from "../db";
import { fieldErrorsFromIssues, InvalidError, isExpectedError } from "../errors";
import { setPasswordFromLink } from "./set-password";
import { setPasswordSchema } from "./user-schemas";

export async function setPasswordWithLink(purpose: UserTokenPurpose, input: FormData): Promise<ActionResult<{ email: string }>> {
  const parsed = setPasswordSchema.safeParse(formDataToObject(input));
  if (!parsed.success) return { ok: false, error: "Please correct the highlighted fields.", fieldErrors: fieldErrorsFromIssues(parsed.error.issues) };
  try {
    return { ok: true, data: await setPasswordFromLink(getDb(), purpose, parsed.data) };
  } catch (error) {
    if (error instanceof InvalidError) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
    if (isExpectedError(error)) return { ok: false, error: error.message };
    console.error(`setting a password from a ${purpose} link failed unexpectedly`, error);
    return { ok: false, error: "Something went wrong on our side. Nothing was changed; try again in a minute." };
  }
}
