import { withApi } from "@/lib/api/with-api";
import { cancelCommand } from "@/lib/commands/command-queries";
import { commandIdFromPath } from "@/lib/commands/command-requests";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** Takes back a command not sent yet; once sent it is the device's (409). No body. */
export const POST = withApi<Params>(async ({ actor, params }) => cancelCommand(getDb(), actor, commandIdFromPath(params.id)), { permission: "devices.command" });
