import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { markRead } from "@/lib/notifications/inbox";

export const dynamic = "force-dynamic";

/** Marks the caller's own notifications read (`ids`, or `all: true`); others' ids match nothing. */
export const POST = withApi(async ({ request, actor }) => markRead(getDb(), actor, await readJson(request, z.unknown())), { permission: "alerts.read" });
