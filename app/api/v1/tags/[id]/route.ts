import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { tagIdParamsSchema, tagUpdateSchema } from "@/lib/tags/tag-schemas";
import { deleteTag, getTag, updateTag } from "@/lib/tags/tags";

export const GET = withApi<{ id: string }>(
  async ({ actor, params }) => {
    const { id } = tagIdParamsSchema.parse(params);
    return getTag(getDb(), actor, id);
  },
  { permission: "devices.read" },
);

/** Rename, recolour or both. */
export const PUT = withApi<{ id: string }>(
  async ({ request, actor, params }) => {
    const { id } = tagIdParamsSchema.parse(params);
    const input = await readJson(request, tagUpdateSchema);
    return updateTag(getDb(), actor, id, input);
  },
  { permission: "groups.write" },
);

/** The tag comes off every device that carries it. */
export const DELETE = withApi<{ id: string }>(
  async ({ actor, params }) => {
    const { id } = tagIdParamsSchema.parse(params);
    return { ...(await deleteTag(getDb(), actor, id)), deleted: true };
  },
  { permission: "groups.write" },
);
