import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { listDeliveries } from "@/lib/notifications/deliveries";

export const dynamic = "force-dynamic";

/** The delivery log: notifications newest first with every attempt; filters status, kind, farm, from, to. */
export const GET = withApi(async ({ request, actor }) => listDeliveries(getDb(), actor, searchParamsToObject(new URL(request.url).searchParams)), { permission: "notifications.manage" });
