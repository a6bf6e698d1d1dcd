import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { updateJobIdFromPath } from "@/lib/ota/update-job-requests";
import { getUpdateJob } from "@/lib/ota/update-job-views";

export const dynamic = "force-dynamic";

type Params = { id: string };

/**
 * One configuration campaign: its change, counts, phases and the actions its state allows. Its
 * actions and per-device logs are the update job's (/api/v1/ota/campaigns/{id}/actions, /logs).
 */
export const GET = withApi<Params>(
  async ({ actor, params }) => {
    const job = await getUpdateJob(getDb(), actor, updateJobIdFromPath(params.id));
    if (job.kind !== "configuration") throw new NotFoundError("No such configuration campaign.");
    return job;
  },
  { permission: "ota.read" },
);
