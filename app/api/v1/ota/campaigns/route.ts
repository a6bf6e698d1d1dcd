import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { scheduleUpdateFromRequest } from "@/lib/ota/schedule-update-route";
import { updateJobListQuerySchema } from "@/lib/ota/update-job-requests";
import { listUpdateJobs } from "@/lib/ota/update-job-views";

export const dynamic = "force-dynamic";

/** Update jobs ("campaigns", I-013 A.1), newest first, optionally of one state, a page at a time. */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = updateJobListQuerySchema.parse(searchParamsToObject(new URL(request.url).searchParams));
    const { items, total } = await listUpdateJobs(getDb(), actor, query);
    return { data: items, total, page: query.page, pageSize: query.pageSize, pages: Math.max(1, Math.ceil(total / query.pageSize)) };
  },
  { permission: "ota.read" },
);

/** Creating a campaign is scheduling an update job; the body is validated once, in lib/ota. */
export const POST = withApi(scheduleUpdateFromRequest, { permission: "ota.schedule" });
