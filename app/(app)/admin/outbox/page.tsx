import type { Metadata } from "next";
import Link from "next/link";
import { OutboxBanner } from "@/components/mail/outbox-banner";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { actorClock } from "@/lib/auth/actor-clock";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/i18n/format";
import { CAUGHT_MAILS_KEPT } from "@/lib/mail/mail-catcher";
import { listCaughtMails } from "@/lib/mail/outbox";

export const metadata: Metadata = { title: "Outbox" };
export const dynamic = "force-dynamic";

/** The mails the local catcher kept, newest first, in the viewer's clock. */
export default async function OutboxPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const actor = await requirePageActor("outbox.read");
  const db = getDb();
  const [list, clock] = await Promise.all([listCaughtMails(db, Number((await searchParams).page ?? 1)), actorClock(db, actor)]);
  return (
    <>
      <PageHeader title="Outbox" description={`The mails the app sent, as the local mail catcher received them (the newest ${CAUGHT_MAILS_KEPT.toLocaleString("en")} are kept). Open one to read it and follow its links.`} />
      <OutboxBanner />
      {list.items.length ? (
        <>
          <DataTable columns={[{ label: "To" }, { label: "Subject" }, { label: "Received" }]} minWidth={640}>
            {list.items.map((mail) => (
              <tr key={mail.id} className="hover:bg-stone-50">
                <td className="max-w-56 truncate px-3 py-2 text-stone-700" title={mail.toAddrs.join(", ")}>
                  {mail.toAddrs.join(", ") || "—"}
                </td>
                <td className="px-3 py-2">
                  <Link href={`/admin/outbox/${mail.id}`} className="font-medium text-brand-700 hover:underline">
                    {mail.subject}
                  </Link>
                </td>
                <td className="px-3 py-2 whitespace-nowrap text-stone-600 tabular-nums">
                  <time dateTime={mail.receivedAt.toISOString()}>{formatDateTime(mail.receivedAt, clock)}</time>
                </td>
              </tr>
            ))}
          </DataTable>
          <nav aria-label="Pages" className="mt-3 flex items-center justify-between text-sm text-stone-600">
            <span>
              {list.total.toLocaleString("en")} {list.total === 1 ? "mail" : "mails"} · page {list.page} of {list.pages}
            </span>
            <span className="flex gap-3">
              {list.page > 1 ? (
                <Link href={`/admin/outbox?page=${list.page - 1}`} className="font-medium text-brand-700 hover:underline">
                  Newer
                </Link>
              ) : null}
              {list.page < list.pages ? (
                <Link href={`/admin/outbox?page=${list.page + 1}`} className="font-medium text-brand-700 hover:underline">
                  Older
                </Link>
              ) : null}
            </span>
          </nav>
        </>
      ) : (
        <EmptyState title={list.page > 1 ? "No mails on this page" : "No mails yet"}>
          Invitations, password reset links and alert notifications land here as soon as the app sends one — invite someone under Users, or wait for a critical alert that a notification rule sends by e-mail.
        </EmptyState>
      )}
    </>
  );
}
