import { parseAlertListQuery, listAlerts } from "@/lib/alerts/alert-list";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";

/** The alerts list: the same filters and pages as /alerts (open alerts unless `state` says otherwise). */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = parseAlertListQuery(searchParamsToObject(new URL(request.url).searchParams));
    const page = await listAlerts(getDb(), actor, query);
    return { data: page.items, total: page.total, page: page.page, pageSize: page.pageSize, pages: page.pages };
  },
  { permission: "alerts.read" },
);
