import { withApi } from "@/lib/api/with-api";
import { batchProgress } from "@/lib/commands/bulk-commands";
import { batchIdFromPath } from "@/lib/commands/command-requests";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** A bulk command's progress: counts per status, late answers, first send and latest answer. */
export const GET = withApi<Params>(async ({ actor, params }) => batchProgress(getDb(), actor, batchIdFromPath(params.id)), { permission: "devices.read" });
