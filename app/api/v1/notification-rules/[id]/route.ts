import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { idFromPath } from "@/lib/notifications/notification-access";
import { deleteRule, getRule, updateRule } from "@/lib/notifications/rules";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = withApi<Params>(async ({ actor, params }) => getRule(getDb(), actor, idFromPath(params.id, "Rule")), { permission: "notifications.manage" });

export const PATCH = withApi<Params>(
  async ({ request, actor, params }) => updateRule(getDb(), actor, idFromPath(params.id, "Rule"), await readJson(request, z.unknown())),
  { permission: "notifications.manage" },
);

export const DELETE = withApi<Params>(async ({ actor, params }) => deleteRule(getDb(), actor, idFromPath(params.id, "Rule")), { permission: "notifications.manage" });
