import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { savedViewCreateSchema, savedViewListQuerySchema } from "@/lib/list-views/list-view-schemas";
import { assertPerson } from "@/lib/list-views/list-preferences";
import { createSavedView, listSavedViews } from "@/lib/list-views/saved-views";

export const GET = withApi(
  async ({ request, actor }) => {
    assertPerson(actor);
    const { list } = savedViewListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const views = await listSavedViews(getDb(), actor, list);
    return { data: views, total: views.length };
  },
  { permission: "devices.read" },
);

export const POST = withApi(
  async ({ request, actor }) => {
    const input = await readJson(request, savedViewCreateSchema);
    return NextResponse.json(await createSavedView(getDb(), actor, input), { status: 201 });
  },
  { permission: "devices.read" },
);
