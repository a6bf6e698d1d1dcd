import { readJson, withApi } from "@/lib/api/with-api";
import { scopeIdFromPath } from "@/lib/configuration/config-requests";
import { getFarmCostRates, updateFarmCostRates } from "@/lib/costs/cost-rates";
import { getDb } from "@/lib/db";
import { z } from "zod";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** The unit prices the farm's cost reports use (its own, or the defaults). */
export const GET = withApi<Params>(
  async ({ actor, params }) => getFarmCostRates(getDb(), actor, scopeIdFromPath(params.id, "farm")),
  { permission: "costs.read" },
);

/** Replaces the farm's unit prices; each bad price is named in `error.fields`, nothing is written. */
export const PUT = withApi<Params>(
  async ({ request, actor, params }) => {
    const farmId = scopeIdFromPath(params.id, "farm");
    return updateFarmCostRates(getDb(), actor, farmId, await readJson(request, z.unknown()));
  },
  { permission: "costs.manage" },
);
