import { NextResponse } from "next/server";
import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { scheduleUpdate } from "@/lib/ota/schedule-update";

export const dynamic = "force-dynamic";

/**
 * M92 "Schedule firmware update": the same job as POST /api/v1/ota/campaigns. The body is
 * scheduleUpdateSchema's, validated once in lib/ota (the M92 `device_ids` of Odoo record ids has no
 * counterpart here: devices are named by their device id, or picked by a filter).
 */
export const POST = withApi(
  async ({ request, actor }) => {
    const job = await scheduleUpdate(getDb(), actor, await readJson(request, z.unknown()));
    return NextResponse.json(job, { status: 201, headers: { Location: `/api/v1/ota/campaigns/${job.jobId}` } });
  },
  { permission: "ota.schedule" },
);
