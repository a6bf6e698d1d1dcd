import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { updateJobIdFromPath } from "@/lib/ota/update-job-requests";
import { getUpdateJob } from "@/lib/ota/update-job-views";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** One update job: its counts, phases and the actions its state allows. */
export const GET = withApi<Params>(async ({ actor, params }) => getUpdateJob(getDb(), actor, updateJobIdFromPath(params.id)), { permission: "ota.read" });
