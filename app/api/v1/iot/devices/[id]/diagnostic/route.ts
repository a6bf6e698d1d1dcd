import { withApi } from "@/lib/api/with-api";
import { created, deviceIdFromPath, idempotencyKeyFrom, optionalJson } from "@/lib/commands/command-requests";
import { diagnosticRequest } from "@/lib/commands/command-schemas";
import { parseSendInput, sendCommandOnce } from "@/lib/commands/send-command";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** M92 "Run diagnostic": a run_diagnostics command; its answer becomes a Diagnostic record. The body may be empty. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const { suite, ...envelope } = parseSendInput(diagnosticRequest, await optionalJson(request));
    const body = { command: "run_diagnostics", parameters: suite ? { suite } : {}, ...envelope };
    const { command, created: isNew } = await sendCommandOnce(getDb(), actor, deviceIdFromPath(params.id), body, { idempotencyKey: idempotencyKeyFrom(request) });
    return created(command, isNew, `/api/v1/commands/${command.id}`);
  },
  { permission: "devices.command" },
);
