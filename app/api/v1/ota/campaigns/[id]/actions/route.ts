import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { applyJobAction } from "@/lib/ota/job-actions";
import { jobActionRequestSchema, updateJobIdFromPath } from "@/lib/ota/update-job-requests";

export const dynamic = "force-dynamic";

type Params = { id: string };

/**
 * Pause, resume, cancel, approve the next phase, roll back. The gate is ota.schedule, which every
 * action needs at least; applyJobAction checks the action's own permission (approve and rollback:
 * ota.approve) and whether the job's state allows it (409).
 */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const id = updateJobIdFromPath(params.id);
    const { action, note } = await readJson(request, jobActionRequestSchema);
    return applyJobAction(getDb(), actor, id, action, note);
  },
  { permission: "ota.schedule" },
);
