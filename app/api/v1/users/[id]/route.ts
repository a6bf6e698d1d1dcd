import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { getUser, updateUser } from "@/lib/users/user-admin";
import { userIdSchema, userUpdateSchema } from "@/lib/users/user-schemas";

export const GET = withApi<{ id: string }>(async ({ actor, params }) => getUser(getDb(), actor, userIdSchema.parse(params.id)), { permission: "users.manage" });

/** Name, role, farm, active (false = deactivate: their sessions, API keys and open links stop at once). */
export const PATCH = withApi<{ id: string }>(
  async ({ request, actor, params }) => {
    const id = userIdSchema.parse(params.id);
    return updateUser(getDb(), actor, id, await readJson(request, userUpdateSchema));
  },
  { permission: "users.manage" },
);
