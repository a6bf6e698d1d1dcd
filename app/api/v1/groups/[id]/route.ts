import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { groupIdParamsSchema, groupUpdateSchema } from "@/lib/groups/group-schemas";
import { deleteGroup, getGroup, updateGroup } from "@/lib/groups/groups";

export const GET = withApi<{ id: string }>(
  async ({ actor, params }) => {
    const { id } = groupIdParamsSchema.parse(params);
    return getGroup(getDb(), actor, id);
  },
  { permission: "devices.read" },
);

/** A partial body: fields left out stay as they are. */
export const PUT = withApi<{ id: string }>(
  async ({ request, actor, params }) => {
    const { id } = groupIdParamsSchema.parse(params);
    const input = await readJson(request, groupUpdateSchema);
    return updateGroup(getDb(), actor, id, input);
  },
  { permission: "groups.write" },
);

/** 409 while the group still holds sub-groups or devices. */
export const DELETE = withApi<{ id: string }>(
  async ({ actor, params }) => {
    const { id } = groupIdParamsSchema.parse(params);
    return { ...(await deleteGroup(getDb(), actor, id)), deleted: true };
  },
  { permission: "groups.write" },
);
