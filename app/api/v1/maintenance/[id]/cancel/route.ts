import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { cancelWorkSchema, idFromPath } from "@/lib/maintenance/maintenance-schemas";
import { cancelWork } from "@/lib/maintenance/maintenance-work";

type Params = { id: string };

/** Cancels open work with a reason. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => cancelWork(getDb(), actor, idFromPath(params.id, "maintenance record"), await readJson(request, cancelWorkSchema)),
  { permission: "maintenance.plan" },
);
