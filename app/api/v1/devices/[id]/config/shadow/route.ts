import { withApi } from "@/lib/api/with-api";
import { deviceIdFromPath } from "@/lib/commands/command-requests";
import { shadowBody } from "@/lib/configuration/config-api";
import { getDeviceShadow } from "@/lib/configuration/device-config";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** I-013 B.2's device state: desired and reported configuration, delivery, drift and the sync status. */
export const GET = withApi<{ id: string }>(async ({ actor, params }) => shadowBody(await getDeviceShadow(getDb(), actor, deviceIdFromPath(params.id))), { permission: "devices.read" });
