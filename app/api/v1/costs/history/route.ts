import { withApi } from "@/lib/api/with-api";
import { costHistoryQuery } from "@/lib/costs/cost-months";
import { costQuery } from "@/lib/costs/cost-requests";
import { costHistory } from "@/lib/costs/cost-summary";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** The last 12 months (the current one to date) by category. */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = costQuery(request, costHistoryQuery);
    return costHistory(getDb(), actor, { farmId: query.farm });
  },
  { permission: "costs.read" },
);
