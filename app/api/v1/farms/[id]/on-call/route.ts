import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { idFromPath } from "@/lib/notifications/notification-access";
import { getOnCall, replaceOnCall } from "@/lib/notifications/on-call";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = withApi<Params>(async ({ actor, params }) => getOnCall(getDb(), actor, idFromPath(params.id, "Farm")), { permission: "notifications.manage" });

/** Replaces the whole list and the farm's escalation interval and debounce, in one transaction. */
export const PUT = withApi<Params>(
  async ({ request, actor, params }) => replaceOnCall(getDb(), actor, idFromPath(params.id, "Farm"), await readJson(request, z.unknown())),
  { permission: "notifications.manage" },
);
