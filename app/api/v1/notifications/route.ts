import { withApi } from "@/lib/api/with-api";
import { getDb } from "@/lib/db";
import { searchParamsToObject } from "@/lib/devices/device-schemas";
import { inboxOwner, listInbox } from "@/lib/notifications/inbox";

export const dynamic = "force-dynamic";

/** The caller's own in-app notifications, newest first, and the unread count (the bell asks `limit=0`). */
export const GET = withApi(
  async ({ request, actor }) => listInbox(getDb(), inboxOwner(actor), searchParamsToObject(new URL(request.url).searchParams)),
  { permission: "alerts.read" },
);
