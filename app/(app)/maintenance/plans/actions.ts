"use server";

/**
 * Planning maintenance from the plan form, the same verbs as /api/v1/maintenance-plans: create,
 * change, stop. A plan's id is bound by the page; lib/maintenance checks the actor's farm for it.
 */
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { createPlan, deactivatePlan, updatePlan } from "@/lib/maintenance/maintenance-plans";
import { maintenancePlanIdSchema, planInputSchema, planUpdateSchema } from "@/lib/maintenance/maintenance-schemas";

type Saved = { id: number; message: string };

function refresh(id: number) {
  revalidatePath(`/maintenance/plans/${id}`);
  revalidatePath("/maintenance", "layout");
}

export const createPlanAction = defineAction({ permission: "maintenance.plan", schema: planInputSchema }, async (input, actor): Promise<Saved> => {
  const plan = await createPlan(getDb(), actor, input);
  refresh(plan.id);
  return { id: plan.id, message: `Plan “${plan.name}” created.` };
});

const update = (id: number) =>
  defineAction({ permission: "maintenance.plan", schema: planUpdateSchema }, async (input, actor): Promise<Saved> => {
    const plan = await updatePlan(getDb(), actor, id, input);
    refresh(plan.id);
    return { id: plan.id, message: "Changes saved." };
  });

export async function updatePlanAction(id: number, previous: ActionResult<Saved> | null, input: FormData): Promise<ActionResult<Saved>> {
  const parsed = maintenancePlanIdSchema.safeParse(id);
  if (!parsed.success) return { ok: false, error: "Unknown plan." };
  return update(parsed.data)(previous, input);
}

const stop = (id: number) =>
  defineAction({ permission: "maintenance.plan", schema: z.object({}).strict() }, async (_input, actor): Promise<Saved> => {
    const plan = await deactivatePlan(getDb(), actor, id);
    refresh(plan.id);
    return { id: plan.id, message: "The plan is stopped: no more work is made from it, and its scheduled work ahead is cancelled." };
  });

export async function stopPlanAction(id: number, previous: ActionResult<Saved> | null, input: FormData): Promise<ActionResult<Saved>> {
  const parsed = maintenancePlanIdSchema.safeParse(id);
  if (!parsed.success) return { ok: false, error: "Unknown plan." };
  return stop(parsed.data)(previous, input);
}
