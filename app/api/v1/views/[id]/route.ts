import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { savedViewIdSchema, savedViewUpdateSchema } from "@/lib/list-views/list-view-schemas";
import { assertPerson } from "@/lib/list-views/list-preferences";
import { deleteSavedView, getSavedView, updateSavedView } from "@/lib/list-views/saved-views";

type Params = { id: string };

export const GET = withApi<Params>(
  async ({ actor, params }) => {
    assertPerson(actor);
    return getSavedView(getDb(), actor, savedViewIdSchema.parse(params.id));
  },
  { permission: "devices.read" },
);

export const PUT = withApi<Params>(
  async ({ request, actor, params }) => {
    const id = savedViewIdSchema.parse(params.id);
    return updateSavedView(getDb(), actor, id, await readJson(request, savedViewUpdateSchema));
  },
  { permission: "devices.read" },
);

export const DELETE = withApi<Params>(
  async ({ actor, params }) => {
    await deleteSavedView(getDb(), actor, savedViewIdSchema.parse(params.id));
    return new Response(null, { status: 204 });
  },
  { permission: "devices.read" },
);
