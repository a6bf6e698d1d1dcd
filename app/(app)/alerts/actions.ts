"use server";

/**
 * The alert page's mutations, the same verbs as POST /api/v1/iot/alerts/{id}/acknowledge and
 * /resolve. The alert id is bound by the page (`action.bind(null, id)`); it is as untrusted as any
 * form field, and lib/alerts checks the actor's role and farm for it.
 */
import { revalidatePath } from "next/cache";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { acknowledgeAlert, resolveAlert } from "@/lib/alerts/alert-actions";
import { acknowledgeAlertSchema, alertIdSchema, resolveAlertSchema } from "@/lib/alerts/alert-schemas";
import { getDb } from "@/lib/db";

type Done = { id: number; message: string };

function refresh(id: number) {
  revalidatePath(`/alerts/${id}`);
  // the list, the shell's badge (every page's layout) and the dashboard's alert counts
  revalidatePath("/", "layout");
}

const acknowledge = (id: number) =>
  defineAction({ permission: "alerts.manage", schema: acknowledgeAlertSchema }, async (input, actor): Promise<Done> => {
    await acknowledgeAlert(getDb(), actor, id, input);
    refresh(id);
    return { id, message: "Alert acknowledged." };
  });

const resolve = (id: number) =>
  defineAction({ permission: "alerts.manage", schema: resolveAlertSchema }, async (input, actor): Promise<Done> => {
    await resolveAlert(getDb(), actor, id, input);
    refresh(id);
    return { id, message: "Alert resolved." };
  });

export async function acknowledgeAlertAction(id: number, previous: ActionResult<Done> | null, input: FormData): Promise<ActionResult<Done>> {
  const parsed = alertIdSchema.safeParse(id);
  if (!parsed.success) return { ok: false, error: "Unknown alert." };
  return acknowledge(parsed.data)(previous, input);
}

export async function resolveAlertAction(id: number, previous: ActionResult<Done> | null, input: FormData): Promise<ActionResult<Done>> {
  const parsed = alertIdSchema.safeParse(id);
  if (!parsed.success) return { ok: false, error: "Unknown alert." };
  return resolve(parsed.data)(previous, input);
}
