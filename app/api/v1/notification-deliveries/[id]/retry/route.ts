import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { retryDelivery } from "@/lib/notifications/deliveries";
import { idFromPath } from "@/lib/notifications/notification-access";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** A failed notification back in the queue, due now; anything not failed is a 400. */
export const POST = withApi<Params>(async ({ actor, params }) => retryDelivery(getDb(), actor, idFromPath(params.id, "Notification")), { permission: "notifications.manage" });
