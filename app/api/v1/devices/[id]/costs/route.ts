import { withApi } from "@/lib/api/with-api";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { getDeviceCosts } from "@/lib/costs/cost-summary";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** A device's costs: month to date, the last 12 months, and its battery replacement estimate. */
export const GET = withApi<Params>(
  async ({ actor, params }) => getDeviceCosts(getDb(), actor, deviceIdFromPath(params.id)),
  { permission: "costs.read" },
);
