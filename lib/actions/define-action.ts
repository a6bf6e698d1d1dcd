/**
 * Every server action is built here: it authenticates, checks the permission on the server,
 * parses its input with the zod schema, and turns expected failures into a result the form shows
 * beside its fields. A viewer who forges the POST gets "forbidden", whatever the page showed.
 */
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { can, permissionRefusal, type Actor, type Permission } from "../auth/permissions";
import { currentActor, twoFactorGate } from "../auth/session";
import { ConflictError, fieldErrorsFromIssues, type FieldErrors, InvalidError, isExpectedError } from "../errors";

export type ActionResult<T> = { ok: true; data: T; message?: string } | { ok: false; error: string; fieldErrors?: FieldErrors };

/**
 * Form fields as an object for the zod schema, without React's own `$ACTION_…` fields. A name
 * sent more than once (checkboxes of tags) becomes a list.
 */
export function formDataToObject(formData: FormData): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const values = formData.getAll(key);
    object[key] = values.length > 1 ? values : values[0];
  }
  return object;
}

export function defineAction<S extends z.ZodType, T>(
  options: { permission: Permission; schema: S },
  run: (input: z.infer<S>, actor: Actor) => Promise<T>,
) {
  return async (_previous: ActionResult<T> | null, input: FormData | z.input<S>): Promise<ActionResult<T>> => {
    try {
      const actor = await currentActor();
      if (!actor) return { ok: false, error: "Your session has ended. Sign in again." };
      const gate = await twoFactorGate(actor);
      if (gate) return { ok: false, error: gate };
      if (!can(actor.role, options.permission)) return { ok: false, error: `Your role (${actor.role}) does not allow this.` };
      const refusal = permissionRefusal(actor, options.permission);
      if (refusal) return { ok: false, error: refusal };
      const raw = input instanceof FormData ? formDataToObject(input) : input;
      const parsed = options.schema.safeParse(raw);
      if (!parsed.success) return { ok: false, error: "Please correct the highlighted fields.", fieldErrors: fieldErrorsFromIssues(parsed.error.issues) };
      return { ok: true, data: await run(parsed.data, actor) };
    } catch (error) {
      // A redirect after the mutation is Next's control flow, not a failure: let the router have it.
      unstable_rethrow(error);
      if (error instanceof InvalidError || error instanceof ConflictError) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
      if (isExpectedError(error)) return { ok: false, error: error.message };
      console.error("unexpected error in a server action", error);
      return { ok: false, error: "Something went wrong on our side. Nothing was changed." };
    }
  };
}
