import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { listPreferenceInputSchema } from "@/lib/list-views/list-view-schemas";
import { assertPerson, readPreferences, saveListPreference } from "@/lib/list-views/list-preferences";

export const GET = withApi(
  async ({ actor }) => {
    assertPerson(actor);
    return readPreferences(getDb(), actor);
  },
  { permission: "devices.read" },
);

export const PUT = withApi(
  async ({ request, actor }) => saveListPreference(getDb(), actor, await readJson(request, listPreferenceInputSchema)),
  { permission: "devices.read" },
);
