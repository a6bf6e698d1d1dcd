import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { tagCreateSchema } from "@/lib/tags/tag-schemas";
import { createTag, listTags } from "@/lib/tags/tags";

export const GET = withApi(
  async ({ actor }) => {
    const tags = await listTags(getDb(), actor);
    return { data: tags, total: tags.length };
  },
  { permission: "devices.read" },
);

export const POST = withApi(
  async ({ request, actor }) => {
    const input = await readJson(request, tagCreateSchema);
    return NextResponse.json(await createTag(getDb(), actor, input), { status: 201 });
  },
  { permission: "groups.write" },
);
