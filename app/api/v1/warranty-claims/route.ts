import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { claimJson, fileWarrantyClaim, getWarrantyClaim, listWarrantyClaims } from "@/lib/warranty/warranty-claims";
import { claimFileSchema, claimListQuery } from "@/lib/warranty/warranty-schemas";

export const dynamic = "force-dynamic";

/** Warranty claims on the caller's farms, newest first, with counts per status. */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = claimListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
    const list = await listWarrantyClaims(getDb(), actor, query);
    return { ...list, data: list.data.map(claimJson) };
  },
  { permission: "devices.read" },
);

/** Files a claim; a device that is not eligible takes an override reason. */
export const POST = withApi(
  async ({ request, actor }) => {
    const input = await readJson(request, claimFileSchema);
    const { claim, eligibility } = await fileWarrantyClaim(getDb(), actor, input);
    const full = await getWarrantyClaim(getDb(), actor, claim.id);
    return NextResponse.json({ claim: claimJson(full), eligibility }, { status: 201, headers: { Location: `/api/v1/warranty-claims/${claim.id}` } });
  },
  { permission: "assets.manage" },
);
