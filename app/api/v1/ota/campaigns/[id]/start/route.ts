import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { startJobNow } from "@/lib/ota/job-start";
import { updateJobIdFromPath } from "@/lib/ota/update-job-requests";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** A scheduled job starts now instead of at its time; any other state is a 409. No body. */
export const POST = withApi<Params>(async ({ actor, params }) => startJobNow(getDb(), actor, updateJobIdFromPath(params.id)), { permission: "ota.schedule" });
