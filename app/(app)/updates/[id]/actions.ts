"use server";

/**
 * The job page's buttons (pause, resume, cancel, approve, roll back): the same verb as
 * POST /api/v1/ota/campaigns/{id}/actions. The job id and the action are as untrusted as any form
 * field; applyJobAction checks the role, the farm and the job's state for them.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { applyJobAction, JOB_ACTION_PERMISSION, JOB_ACTIONS, type JobActionResult } from "@/lib/ota/job-actions";
import { optionalText } from "@/lib/validation/form-values";

const jobActionSchema = z.object({ action: z.enum(JOB_ACTIONS, { error: "Unknown action" }), note: optionalText(1000) }).strict();

export async function jobAction(jobId: number, previous: ActionResult<JobActionResult> | null, input: FormData | z.input<typeof jobActionSchema>): Promise<ActionResult<JobActionResult>> {
  const id = z.coerce.number().int().positive().safeParse(jobId);
  if (!id.success) return { ok: false, error: "Unknown update job." };
  const raw = input instanceof FormData ? input.get("action") : input.action;
  const action = z.enum(JOB_ACTIONS).safeParse(raw);
  if (!action.success) return { ok: false, error: "Unknown action." };
  // The permission depends on the action (approve and roll back need ota.approve).
  return defineAction({ permission: JOB_ACTION_PERMISSION[action.data], schema: jobActionSchema }, async (parsed, actor) => {
    const result = await applyJobAction(getDb(), actor, id.data, parsed.action, parsed.note);
    revalidatePath(`/updates/${id.data}`);
    revalidatePath("/updates");
    return result;
  })(previous, input);
}
