import { NextResponse } from "next/server";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { appBaseUrl, originFromHeaders } from "@/lib/users/links";
import { inviteUser, listUsers } from "@/lib/users/user-admin";
import { inviteSchema, userListQuerySchema } from "@/lib/users/user-schemas";

/** Everyone who may sign in, with their status (invited, active, deactivated). */
export const GET = withApi(
  async ({ request, actor }) => {
    const query = userListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const users = await listUsers(getDb(), actor, query);
    return { data: users, total: users.length };
  },
  { permission: "users.manage" },
);

/** Invites a person: the answer carries the one-time link, this once (it is also mailed to them). */
export const POST = withApi(
  async ({ request, actor }) => {
    const input = await readJson(request, inviteSchema);
    const issued = await inviteUser(getDb(), actor, input, appBaseUrl(originFromHeaders(request.headers) ?? new URL(request.url).origin));
    return NextResponse.json(issued, { status: 201, headers: { Location: `/api/v1/users/${issued.user.id}`, "Cache-Control": "no-store" } });
  },
  { permission: "users.manage" },
);
