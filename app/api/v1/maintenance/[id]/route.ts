import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { getOccurrence } from "@/lib/maintenance/maintenance-queries";
import { idFromPath, rescheduleWorkSchema } from "@/lib/maintenance/maintenance-schemas";
import { rescheduleWork } from "@/lib/maintenance/maintenance-work";

type Params = { id: string };

export const GET = withApi<Params>(async ({ actor, params }) => getOccurrence(getDb(), actor, idFromPath(params.id, "maintenance record")), { permission: "devices.read" });

/** Moves the work to another day and/or gives it to someone else. */
export const PATCH = withApi<Params>(
  async ({ request, actor, params }) => rescheduleWork(getDb(), actor, idFromPath(params.id, "maintenance record"), await readJson(request, rescheduleWorkSchema)),
  { permission: "maintenance.plan" },
);
