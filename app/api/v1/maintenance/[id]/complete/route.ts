import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { readOptionalJson } from "@/lib/maintenance/maintenance-api";
import { completeWorkSchema, idFromPath } from "@/lib/maintenance/maintenance-schemas";
import { completeWork } from "@/lib/maintenance/maintenance-work";

type Params = { id: string };

/** Records the work done (parts, time, cost, calibration readings); 409 when already done. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => completeWork(getDb(), actor, idFromPath(params.id, "maintenance record"), await readOptionalJson(request, completeWorkSchema)),
  { permission: "maintenance.write" },
);
