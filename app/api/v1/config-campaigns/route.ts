import { NextResponse } from "next/server";
import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { createConfigCampaign } from "@/lib/configuration/config-campaigns";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { updateJobListQuerySchema } from "@/lib/ota/update-job-requests";
import { listUpdateJobs } from "@/lib/ota/update-job-views";

export const dynamic = "force-dynamic";

/** Configuration campaigns (update jobs of kind configuration), newest first, a page at a time. */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = updateJobListQuerySchema.parse(searchParamsToObject(new URL(request.url).searchParams));
    const { items, total } = await listUpdateJobs(getDb(), actor, { ...query, kind: "configuration" });
    return { data: items, total, page: query.page, pageSize: query.pageSize, pages: Math.max(1, Math.ceil(total / query.pageSize)) };
  },
  { permission: "ota.read" },
);

/** A new campaign; the body is validated once, in lib/configuration (roles config.manage and ota.schedule). */
export const POST = withApi(
  async ({ request, actor }) => {
    const campaign = await createConfigCampaign(getDb(), actor, await readJson(request, z.unknown()));
    return NextResponse.json(campaign, { status: 201, headers: { Location: `/api/v1/config-campaigns/${campaign.jobId}` } });
  },
  { permission: "config.manage" },
);
