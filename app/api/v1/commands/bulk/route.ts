import { withApi } from "@/lib/api/with-api";
import { sendBulkCommandOnce } from "@/lib/commands/bulk-commands";
import { created, idempotencyKeyFrom, optionalJson } from "@/lib/commands/command-requests";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** One command to a selection, a group or a list filter; the answer is the batch's progress. */
export const POST = withApi(
  async ({ request, actor }) => {
    const { batch, created: isNew } = await sendBulkCommandOnce(getDb(), actor, await optionalJson(request), { idempotencyKey: idempotencyKeyFrom(request) });
    return created(batch, isNew, `/api/v1/commands/batches/${batch.id}`);
  },
  { permission: "devices.command" },
);
