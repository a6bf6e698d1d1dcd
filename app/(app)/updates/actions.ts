"use server";

/**
 * The scheduling wizard's server side: how many devices a target reaches (asked as the person
 * edits it) and scheduling the job — the same verb as POST /api/v1/ota/campaigns. Both check the
 * role on the server; the wizard's fields are as untrusted as any request's.
 */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { bulkTargetSchema } from "@/lib/devices/device-schemas";
import { scheduleUpdate } from "@/lib/ota/schedule-update";
import { scheduleUpdateSchema } from "@/lib/ota/update-job-schemas";
import { previewUpdateTarget } from "@/lib/ota/update-job-views";
import { createConfigCampaign, previewConfigChange } from "@/lib/configuration/config-campaigns";

export const previewTargetAction = defineAction({ permission: "ota.schedule", schema: z.object({ target: bulkTargetSchema }).strict() }, async ({ target }, actor) =>
  previewUpdateTarget(getDb(), actor, target),
);

/** What a configuration campaign would change on the devices it reaches (their current values), asked as the person edits it. */
export const previewConfigChangeAction = defineAction({ permission: "config.manage", schema: z.record(z.string(), z.unknown()) }, async (input, actor) => previewConfigChange(getDb(), actor, input));

export const scheduleUpdateAction = defineAction({ permission: "ota.schedule", schema: scheduleUpdateSchema }, async (input, actor) => {
  const job = await scheduleUpdate(getDb(), actor, input);
  revalidatePath("/updates");
  revalidatePath("/devices");
  // The job's page opens as part of this action's answer (revalidated and redirected in one
  // response), rather than by a second navigation the browser starts once the answer is in.
  redirect(`/updates/${job.jobId}`);
});

/**
 * The wizard's configuration option (and the devices list's "Change configuration…"): a
 * configuration campaign. The input is parsed by createConfigCampaign with the API's schema.
 */
export const createConfigCampaignAction = defineAction({ permission: "config.manage", schema: z.record(z.string(), z.unknown()) }, async (input, actor) => {
  const created = await createConfigCampaign(getDb(), actor, input);
  revalidatePath("/updates");
  revalidatePath("/devices");
  redirect(`/updates/${created.jobId}`);
});
