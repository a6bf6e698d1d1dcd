import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { groupCreateSchema, groupListQuerySchema } from "@/lib/groups/group-schemas";
import { createGroup, listGroups } from "@/lib/groups/groups";

/** The whole tree a caller may see (groups are tens, not thousands): each with parentId and counts. */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = groupListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const groups = await listGroups(getDb(), actor, query);
    return { data: groups, total: groups.length };
  },
  { permission: "devices.read" },
);

export const POST = withApi(
  async ({ request, actor }) => {
    const input = await readJson(request, groupCreateSchema);
    return NextResponse.json(await createGroup(getDb(), actor, input), { status: 201 });
  },
  { permission: "groups.write" },
);
