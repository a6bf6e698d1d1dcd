import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { deactivatePlan, updatePlan } from "@/lib/maintenance/maintenance-plans";
import { getPlan } from "@/lib/maintenance/maintenance-queries";
import { idFromPath, planUpdateSchema } from "@/lib/maintenance/maintenance-schemas";

type Params = { id: string };

export const GET = withApi<Params>(async ({ actor, params }) => getPlan(getDb(), actor, idFromPath(params.id, "plan")), { permission: "devices.read" });

export const PATCH = withApi<Params>(
  async ({ request, actor, params }) => updatePlan(getDb(), actor, idFromPath(params.id, "plan"), await readJson(request, planUpdateSchema)),
  { permission: "maintenance.plan" },
);

/** Deactivates the plan (kept, with its history): its work not yet started is cancelled. */
export const DELETE = withApi<Params>(async ({ actor, params }) => deactivatePlan(getDb(), actor, idFromPath(params.id, "plan")), { permission: "maintenance.plan" });
