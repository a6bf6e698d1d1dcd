/**
 * The job page's per-device logs, a page at a time (keyset: pass `nextCursor` back as `cursor`),
 * filtered by state and device; polled while the job runs.
 */
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { InvalidError, NotFoundError } from "@/lib/errors";
import { listUpdateJobLogs } from "@/lib/ota/update-job-views";

export const dynamic = "force-dynamic";

export const GET = withApi<{ id: string }>(
  async ({ request, actor, params }) => {
    const id = Number(params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw new NotFoundError("No such update job.");
    const url = new URL(request.url).searchParams;
    const limit = url.get("limit") ? Number(url.get("limit")) : undefined;
    if (limit !== undefined && !Number.isInteger(limit)) throw new InvalidError("limit must be a whole number.", { limit: ["Not a number"] });
    return listUpdateJobLogs(getDb(), actor, id, { state: url.get("state") || undefined, search: url.get("search") || undefined, cursor: url.get("cursor"), limit });
  },
  { permission: "ota.read" },
);
