import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { updateJobIdFromPath, updateLogQuerySchema } from "@/lib/ota/update-job-requests";
import { listUpdateJobLogs } from "@/lib/ota/update-job-views";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** The job's per-device logs, a page at a time: pass `nextCursor` back as `cursor` until it is null. */
export const GET = withApi<Params>(
  async ({ request, actor, params }) => {
    const id = updateJobIdFromPath(params.id);
    const query = updateLogQuerySchema.parse(searchParamsToObject(new URL(request.url).searchParams));
    const { items, nextCursor } = await listUpdateJobLogs(getDb(), actor, id, query);
    return { data: items, nextCursor };
  },
  { permission: "ota.read" },
);
