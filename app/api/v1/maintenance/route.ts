import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { listMaintenance } from "@/lib/maintenance/maintenance-queries";
import { maintenanceListQuerySchema, workInputSchema } from "@/lib/maintenance/maintenance-schemas";
import { createWork } from "@/lib/maintenance/maintenance-work";

/** The maintenance list: the same filters as /maintenance/list, soonest first. */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = maintenanceListQuerySchema.parse(searchParamsToObject(new URL(request.url).searchParams));
    const page = await listMaintenance(getDb(), actor, query);
    return { data: page.rows, total: page.total, totalCapped: page.totalCapped, page: page.page, pageSize: page.pageSize, hasNext: page.hasNext };
  },
  { permission: "devices.read" },
);

/** One-off work on one device. */
export const POST = withApi(
  async ({ request, actor }) => {
    const work = await createWork(getDb(), actor, await readJson(request, workInputSchema));
    return NextResponse.json(work, { status: 201, headers: { location: `/api/v1/maintenance/${work.id}` } });
  },
  { permission: "maintenance.plan" },
);
