import { NextResponse } from "next/server";
import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { createFarm, listFarms } from "@/lib/farms/farm-admin";

export const dynamic = "force-dynamic";

/** The farms the caller may see (a farm-bound caller: its own). */
export const GET = withApi(
  async ({ actor }) => {
    const farms = await listFarms(getDb(), actor);
    return { data: farms, total: farms.length };
  },
  { permission: "devices.read" },
);

/** A new farm; a taken code is a 409 naming it, bad fields a 400 naming each, and nothing is written. */
export const POST = withApi(
  async ({ request, actor }) => {
    const farm = await createFarm(getDb(), actor, await readJson(request, z.unknown()));
    return NextResponse.json(farm, { status: 201, headers: { Location: `/api/v1/farms/${farm.id}` } });
  },
  { permission: "farms.manage" },
);
