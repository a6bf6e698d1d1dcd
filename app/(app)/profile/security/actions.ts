"use server";

/**
 * The security page's actions: each acts on the signed-in person only, so no permission beyond
 * being signed in — and they stay open to an admin held here by REQUIRE_ADMIN_TOTP (which is why
 * they do not go through defineAction, whose gate would refuse them).
 */
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import type { z } from "zod";
import type { ActionResult } from "@/lib/actions/define-action";
import { formDataToObject } from "@/lib/actions/define-action";
import { authOptions } from "@/lib/auth/options";
import { currentActor } from "@/lib/auth/session";
import { beginEnrolment, codeSchema, confirmEnrolment, disableTwoFactor, passwordSchema, proofSchema, regenerateRecoveryCodes, type Enrolment } from "@/lib/auth/two-factor";
import { getDb } from "@/lib/db";
import { ConflictError, fieldErrorsFromIssues, InvalidError, isExpectedError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import type { Actor } from "@/lib/auth/permissions";

function selfAction<S extends z.ZodType, T>(schema: S, run: (input: z.infer<S>, actor: Actor, ip: string) => Promise<T>) {
  return async (_previous: ActionResult<T> | null, input: FormData): Promise<ActionResult<T>> => {
    try {
      const actor = await currentActor();
      if (!actor) return { ok: false, error: "Your session has ended. Sign in again." };
      const parsed = schema.safeParse(formDataToObject(input));
      if (!parsed.success) return { ok: false, error: "Please correct the highlighted fields.", fieldErrors: fieldErrorsFromIssues(parsed.error.issues) };
      // No revalidatePath: re-rendering the page would replace the panel that shows the recovery
      // codes (once) before the person saved them. The panel moves on itself ("Done" reloads).
      return { ok: true, data: await run(parsed.data, actor, clientAddress(await headers())) };
    } catch (error) {
      if (error instanceof InvalidError || error instanceof ConflictError) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
      if (isExpectedError(error)) return { ok: false, error: error.message };
      // The name only: a message from deep down could quote a code or a secret.
      console.error("unexpected error in a two-factor action", error instanceof Error ? error.name : "error");
      return { ok: false, error: "Something went wrong on our side. Nothing was changed." };
    }
  };
}

export const beginEnrolmentAction: (previous: ActionResult<Enrolment> | null, input: FormData) => Promise<ActionResult<Enrolment>> = selfAction(passwordSchema, (input, actor, ip) => beginEnrolment(getDb(), actor, input, ip));
export const confirmEnrolmentAction = selfAction(codeSchema, (input, actor) => confirmEnrolment(getDb(), actor, input));
export const regenerateRecoveryCodesAction = selfAction(proofSchema, (input, actor, ip) => regenerateRecoveryCodes(getDb(), actor, input, ip));
export const disableTwoFactorAction = selfAction(proofSchema, async (input, actor, ip) => {
  // The session in use stays; every other one of the person ends.
  const session = (await getServerSession(authOptions)) as { sid?: unknown } | null;
  const { otherSessionsEnded } = await disableTwoFactor(getDb(), actor, input, ip, typeof session?.sid === "string" ? session.sid : undefined);
  return { disabled: true, otherSessionsEnded };
});
