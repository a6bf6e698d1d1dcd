import { withApi } from "@/lib/api/with-api";
import { generateCostForecast } from "@/lib/costs/cost-forecast";
import { costForecastQuery } from "@/lib/costs/cost-months";
import { costQuery } from "@/lib/costs/cost-requests";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** I-013 §11 `generate_cost_forecast`: the next 3–6 months, each part with how it was forecast. */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = costQuery(request, costForecastQuery);
    return generateCostForecast(getDb(), actor, { farmId: query.farm, months: query.months });
  },
  { permission: "costs.read" },
);
