import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { runBulkAction } from "@/lib/devices/device-bulk";
import { bulkActionSchema } from "@/lib/devices/device-schemas";

/**
 * One change to many devices: `{ action, target: { deviceIds } | { filter }, … }`. All or nothing:
 * when one device cannot take the change, none is changed and the answer says which and why.
 */
export const POST = withApi(async ({ request, actor }) => runBulkAction(getDb(), actor, await readJson(request, bulkActionSchema)), { permission: "devices.write" });
