import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { pinSchema, savedViewIdSchema } from "@/lib/list-views/list-view-schemas";
import { pinSavedView } from "@/lib/list-views/saved-views";

export const PUT = withApi<{ id: string }>(
  async ({ request, actor, params }) => {
    const id = savedViewIdSchema.parse(params.id);
    const { pinned } = await readJson(request, pinSchema);
    return pinSavedView(getDb(), actor, id, pinned);
  },
  { permission: "devices.read" },
);
