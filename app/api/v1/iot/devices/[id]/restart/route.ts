import { withApi } from "@/lib/api/with-api";
import { created, deviceIdFromPath, idempotencyKeyFrom, optionalJson } from "@/lib/commands/command-requests";
import { restartRequest } from "@/lib/commands/command-schemas";
import { parseSendInput, sendCommandOnce } from "@/lib/commands/send-command";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string };

/**
 * M92 "Restart": a restart command. On the device form the button is the confirmation; through the
 * API `{"confirm": true}` says it, and without it the answer is a 400 that says so. The restart count
 * goes up when the device confirms, not here.
 */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const { delay_seconds, ...envelope } = parseSendInput(restartRequest, await optionalJson(request));
    const body = { command: "restart", parameters: delay_seconds === undefined ? {} : { delay_seconds }, ...envelope };
    const { command, created: isNew } = await sendCommandOnce(getDb(), actor, deviceIdFromPath(params.id), body, { idempotencyKey: idempotencyKeyFrom(request) });
    return created(command, isNew, `/api/v1/commands/${command.id}`);
  },
  { permission: "devices.command" },
);
