import { withApi } from "@/lib/api/with-api";
import { userIdParam } from "@/lib/auth/auth-openapi";
import { resetTwoFactor } from "@/lib/auth/two-factor";
import { getDb } from "@/lib/db";

/** POST turns off a person's two-factor sign-in (a lost phone): they sign in with the password alone and set it up again. */
export const POST = withApi<{ id: string }>(async ({ actor, params }) => resetTwoFactor(getDb(), actor, userIdParam.parse(params.id)), { permission: "users.manage" });
