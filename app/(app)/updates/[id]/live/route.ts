/**
 * The job page's live poll (every few seconds while the job runs): the job with its counts, phases
 * and allowed actions, read by the same function the page renders with.
 */
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { getUpdateJob } from "@/lib/ota/update-job-views";

export const dynamic = "force-dynamic";

export const GET = withApi<{ id: string }>(
  async ({ actor, params }) => {
    const id = Number(params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw new NotFoundError("No such update job.");
    return getUpdateJob(getDb(), actor, id);
  },
  { permission: "ota.read" },
);
