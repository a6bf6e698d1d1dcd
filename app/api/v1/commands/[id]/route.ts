import { withApi } from "@/lib/api/with-api";
import { getCommand } from "@/lib/commands/command-queries";
import { commandIdFromPath } from "@/lib/commands/command-requests";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** One command with its status, result or error; poll it until the status is final. */
export const GET = withApi<Params>(async ({ actor, params }) => getCommand(getDb(), actor, commandIdFromPath(params.id)), { permission: "devices.read" });
