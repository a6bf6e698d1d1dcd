import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { deleteChannel, getChannel, updateChannel } from "@/lib/notifications/channels";
import { idFromPath } from "@/lib/notifications/notification-access";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = withApi<Params>(async ({ actor, params }) => getChannel(getDb(), actor, idFromPath(params.id, "Channel")), { permission: "notifications.manage" });

/** Changes what is sent; `rotateSecret` answers with the new secret, once. */
export const PATCH = withApi<Params>(
  async ({ request, actor, params }) => updateChannel(getDb(), actor, idFromPath(params.id, "Channel"), await readJson(request, z.unknown())),
  { permission: "notifications.manage" },
);

/** Also takes the channel out of the farm's rules and on-call list. */
export const DELETE = withApi<Params>(async ({ actor, params }) => deleteChannel(getDb(), actor, idFromPath(params.id, "Channel")), { permission: "notifications.manage" });
