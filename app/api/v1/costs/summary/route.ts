import { withApi } from "@/lib/api/with-api";
import { costSummaryQuery } from "@/lib/costs/cost-months";
import { costQuery } from "@/lib/costs/cost-requests";
import { getFarmCostSummary } from "@/lib/costs/cost-summary";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** I-013 §11 `get_farm_cost_summary`: one month of a farm (or every farm in scope) by category, type and device. */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = costQuery(request, costSummaryQuery);
    return getFarmCostSummary(getDb(), actor, { farmId: query.farm, month: query.month });
  },
  { permission: "costs.read" },
);
