import { getAlert } from "@/lib/alerts/alert-list";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { alertIdFromPath } from "@/lib/alerts/alert-schemas";

type Params = { id: string };

/** One alert with its device (and the device's current health), group, people and history. */
export const GET = withApi<Params>(async ({ actor, params }) => getAlert(getDb(), actor, alertIdFromPath(params.id)), { permission: "alerts.read" });
