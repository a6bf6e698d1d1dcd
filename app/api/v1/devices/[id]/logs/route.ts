import { withApi } from "@/lib/api/with-api";
import { listLogBundles } from "@/lib/commands/log-bundles";
import { getDb } from "@/lib/db";
import { deviceIdFromPath } from "@/lib/commands/command-requests";

type Params = { id: string };

/** The device's log bundles (collected with get_logs), newest first. */
export const GET = withApi<Params>(async ({ actor, params }) => ({ data: await listLogBundles(getDb(), actor, deviceIdFromPath(params.id)) }), { permission: "devices.read" });
