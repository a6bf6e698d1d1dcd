import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { appBaseUrl, originFromHeaders } from "@/lib/users/links";
import { createPasswordResetLink } from "@/lib/users/user-admin";
import { userIdSchema } from "@/lib/users/user-schemas";

/** A one-day password reset link (mailed, and returned this once). */
export const POST = withApi<{ id: string }>(
  async ({ request, actor, params }) => {
    const issued = await createPasswordResetLink(getDb(), actor, userIdSchema.parse(params.id), appBaseUrl(originFromHeaders(request.headers) ?? new URL(request.url).origin));
    return NextResponse.json(issued, { status: 201, headers: { "Cache-Control": "no-store" } });
  },
  { permission: "users.manage" },
);
