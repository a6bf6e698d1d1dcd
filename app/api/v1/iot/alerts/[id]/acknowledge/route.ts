import { acknowledgeAlert } from "@/lib/alerts/alert-actions";
import { acknowledgeAlertSchema, alertIdFromPath } from "@/lib/alerts/alert-schemas";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";

type Params = { id: string };

/** Active → acknowledged, with optional notes. An empty body is an acknowledgement without notes. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const id = alertIdFromPath(params.id);
    const text = await request.text();
    const input = text.trim() ? await readJson(new Request(request.url, { method: "POST", body: text }), acknowledgeAlertSchema) : acknowledgeAlertSchema.parse({});
    return acknowledgeAlert(getDb(), actor, id, input);
  },
  { permission: "alerts.manage" },
);
