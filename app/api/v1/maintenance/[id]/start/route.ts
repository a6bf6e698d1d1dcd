import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { readOptionalJson } from "@/lib/maintenance/maintenance-api";
import { idFromPath, startWorkSchema } from "@/lib/maintenance/maintenance-schemas";
import { startWork } from "@/lib/maintenance/maintenance-work";

type Params = { id: string };

/** scheduled|overdue → in progress; the device goes into maintenance mode if the work uses it. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => startWork(getDb(), actor, idFromPath(params.id, "maintenance record"), await readOptionalJson(request, startWorkSchema)),
  { permission: "maintenance.write" },
);
