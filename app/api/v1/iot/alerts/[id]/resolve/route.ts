import { resolveAlert } from "@/lib/alerts/alert-actions";
import { alertIdFromPath, resolveAlertSchema } from "@/lib/alerts/alert-schemas";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";

type Params = { id: string };

/** Active or acknowledged → resolved; the notes are required and resolved is final. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const id = alertIdFromPath(params.id);
    return resolveAlert(getDb(), actor, id, await readJson(request, resolveAlertSchema));
  },
  { permission: "alerts.manage" },
);
