import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { createPlan } from "@/lib/maintenance/maintenance-plans";
import { listPlans } from "@/lib/maintenance/maintenance-queries";
import { planInputSchema, planListQuerySchema } from "@/lib/maintenance/maintenance-schemas";

export const GET = withApi(
  async ({ request, actor }) => {
    const page = await listPlans(getDb(), actor, planListQuerySchema.parse(searchParamsToObject(new URL(request.url).searchParams)));
    return { data: page.rows, total: page.total, page: page.page, pageSize: page.pageSize, hasNext: page.hasNext };
  },
  { permission: "devices.read" },
);

/** A plan; its occurrences up to the horizon are made at once. */
export const POST = withApi(
  async ({ request, actor }) => {
    const plan = await createPlan(getDb(), actor, await readJson(request, planInputSchema));
    return NextResponse.json(plan, { status: 201, headers: { location: `/api/v1/maintenance-plans/${plan.id}` } });
  },
  { permission: "maintenance.plan" },
);
