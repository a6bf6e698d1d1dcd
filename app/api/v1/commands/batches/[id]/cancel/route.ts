import { withApi } from "@/lib/api/with-api";
import { cancelBatchRest } from "@/lib/commands/bulk-commands";
import { batchIdFromPath } from "@/lib/commands/command-requests";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** "Cancel the rest": every command of the batch still queued is cancelled; those sent run their course. No body. */
export const POST = withApi<Params>(async ({ actor, params }) => cancelBatchRest(getDb(), actor, batchIdFromPath(params.id)), { permission: "devices.command" });
