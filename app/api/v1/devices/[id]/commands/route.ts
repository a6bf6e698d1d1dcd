import { withApi } from "@/lib/api/with-api";
import { deviceCommands } from "@/lib/commands/command-queries";
import { deviceCommandsQuery } from "@/lib/commands/command-schemas";
import { created, deviceIdFromPath, idempotencyKeyFrom, optionalJson } from "@/lib/commands/command-requests";
import { sendCommandOnce } from "@/lib/commands/send-command";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** The device's latest commands, newest first (the device page's Commands section). */
export const GET = withApi<Params>(
  async ({ request, actor, params }) => {
    const { limit } = deviceCommandsQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
    return { data: await deviceCommands(getDb(), actor, deviceIdFromPath(params.id), limit) };
  },
  { permission: "devices.read" },
);

/** I-013 A `POST /devices/{id}/commands`: queued now, sent by the worker when the device is reachable. */
export const POST = withApi<Params>(
  async ({ request, actor, params }) => {
    const { command, created: isNew } = await sendCommandOnce(getDb(), actor, deviceIdFromPath(params.id), await optionalJson(request), { idempotencyKey: idempotencyKeyFrom(request) });
    return created(command, isNew, `/api/v1/commands/${command.id}`);
  },
  { permission: "devices.command" },
);
