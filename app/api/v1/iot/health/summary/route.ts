import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { farmHealthSummary } from "@/lib/health/health-summary";

const querySchema = z.object({ farm: z.string().trim().max(20, "farm is a farm code (GVD) or id").optional() });

/**
 * I-013 `get_farm_health_summary`: `?farm=GVD` (code or id) for one farm; without it, every farm
 * the caller may see (a farm-bound key always gets its own farm, another farm is a 404).
 */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    return farmHealthSummary(getDb(), actor, query.farm ?? null);
  },
  { permission: "devices.read" },
);
