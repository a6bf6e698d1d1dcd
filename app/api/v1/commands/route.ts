import { withApi } from "@/lib/api/with-api";
import { listCommands } from "@/lib/commands/command-queries";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";

export const dynamic = "force-dynamic";

/** The command center: every command of the caller's farms, newest first, with its URL filters. */
export const GET = withApi(
  async ({ request, actor }) => {
    const page = await listCommands(getDb(), actor, searchParamsToObject(new URL(request.url).searchParams));
    return { data: page.items, nextCursor: page.nextCursor };
  },
  { permission: "devices.read" },
);
