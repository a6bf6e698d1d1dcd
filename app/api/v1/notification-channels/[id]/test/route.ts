import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { sendTestNotification } from "@/lib/notifications/channels";
import { idFromPath } from "@/lib/notifications/notification-access";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** Queues a test notification to the channel; the delivery log shows how it went. */
export const POST = withApi<Params>(
  async ({ actor, params }) => NextResponse.json(await sendTestNotification(getDb(), actor, idFromPath(params.id, "Channel")), { status: 202 }),
  { permission: "notifications.manage" },
);
