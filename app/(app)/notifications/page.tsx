import type { Metadata } from "next";
import Link from "next/link";
import { InboxList, type InboxRow } from "@/components/notifications/inbox-list";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { allows } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { clockFor, formatDateTime } from "@/lib/i18n/format";
import { appUrl } from "@/lib/notifications/alert-message";
import { listInbox } from "@/lib/notifications/inbox";
import { inAppText } from "@/lib/notifications/in-app-text";

export const metadata: Metadata = { title: "Notifications" };
export const dynamic = "force-dynamic";

/** The signed-in person's in-app notifications, newest first; older ones page by "Older". */
export default async function NotificationsPage({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  const actor = await requirePageActor();
  const db = getDb();
  const before = Number((await searchParams).before);
  const [inbox, person, farms] = await Promise.all([
    listInbox(db, actor.id, { limit: 50, ...(Number.isInteger(before) && before > 0 ? { before } : {}) }),
    db.user.findUnique({ where: { id: actor.id }, select: { locale: true, timezone: true } }),
    db.farm.findMany({ select: { id: true, timezone: true } }),
  ]);
  const zoneOf = new Map(farms.map((farm) => [farm.id, farm]));
  const rows: InboxRow[] = inbox.data.map((item) => ({
    id: item.id,
    subject: item.subject,
    lines: inAppText(item.body, appUrl()),
    when: formatDateTime(item.createdAt, clockFor(person, item.farmId ? zoneOf.get(item.farmId) : null), { zone: true }),
    whenIso: item.createdAt,
    unread: item.readAt === null,
    severity: item.alert?.severity ?? null,
    alertId: item.alert?.id ?? null,
    alertState: item.alert?.state ?? null,
    device: item.alert?.device ?? null,
  }));
  const manages = allows(actor, "notifications.manage");
  return (
    <>
      <PageHeader
        title="Notifications"
        description="Alerts sent to you in the app, newest first. Mails and webhooks go out as your farm's rules say."
        actions={
          manages ? (
            <>
              <Link href="/notifications/settings" className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
                Notification settings
              </Link>
              <Link href="/notifications/deliveries" className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
                Delivery log
              </Link>
            </>
          ) : undefined
        }
      />
      {rows.length === 0 ? (
        <EmptyState title={before ? "No older notifications" : "No notifications yet"}>When an alert matches a rule that names you, it appears here and the bell at the top counts it.</EmptyState>
      ) : (
        <InboxList rows={rows} unread={inbox.unread} />
      )}
      <nav className="mt-4 flex gap-3 text-sm" aria-label="Pages">
        {before ? (
          <Link href="/notifications" className="font-medium text-brand-700 hover:underline">
            Newest
          </Link>
        ) : null}
        {inbox.nextBefore ? (
          <Link href={`/notifications?before=${inbox.nextBefore}`} className="font-medium text-brand-700 hover:underline">
            Older
          </Link>
        ) : null}
      </nav>
    </>
  );
}
