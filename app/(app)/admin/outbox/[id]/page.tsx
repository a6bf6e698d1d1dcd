import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OutboxBanner } from "@/components/mail/outbox-banner";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { actorClock } from "@/lib/auth/actor-clock";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/i18n/format";
import { getCaughtMail, linkifyText, mailHtmlDocument } from "@/lib/mail/outbox";

export const metadata: Metadata = { title: "Mail" };
export const dynamic = "force-dynamic";

/**
 * One caught mail: its text with clickable links, and its HTML in a sandboxed frame — no scripts,
 * no same-origin access, nothing loaded from outside (lib/mail/outbox.ts) — whose links open in a
 * new tab.
 */
export default async function CaughtMailPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("outbox.read");
  const db = getDb();
  const mail = await getCaughtMail(db, Number((await params).id));
  if (!mail) notFound();
  const clock = await actorClock(db, actor);
  return (
    <div className="space-y-4">
      <PageHeader
        title={mail.subject}
        actions={
          <Link href="/admin/outbox" className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
            Back to the outbox
          </Link>
        }
      />
      <OutboxBanner />
      <Card>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-stone-500">From</dt>
          <dd className="break-all text-stone-900">{mail.fromAddr}</dd>
          <dt className="text-stone-500">To</dt>
          <dd className="break-all text-stone-900">{mail.toAddrs.join(", ") || "—"}</dd>
          <dt className="text-stone-500">Received</dt>
          <dd className="text-stone-900 tabular-nums">{formatDateTime(mail.receivedAt, clock, { zone: true, seconds: true })}</dd>
          {mail.messageId ? (
            <>
              <dt className="text-stone-500">Message id</dt>
              <dd className="break-all text-xs text-stone-600">{mail.messageId}</dd>
            </>
          ) : null}
        </dl>
      </Card>
      {mail.html ? (
        <Card title="HTML">
          <iframe
            title={`HTML of “${mail.subject}”`}
            srcDoc={mailHtmlDocument(mail.html)}
            // no allow-scripts, no allow-same-origin: the mail runs nothing and reaches nothing of the app
            sandbox="allow-popups allow-popups-to-escape-sandbox"
            referrerPolicy="no-referrer"
            className="h-[60vh] min-h-64 w-full resize-y rounded-md border border-stone-200 bg-white"
          />
        </Card>
      ) : null}
      <Card title="Text">
        {mail.text ? (
          <pre className="font-sans text-sm break-words whitespace-pre-wrap text-stone-900">
            {linkifyText(mail.text).map((part, index) =>
              part.kind === "link" ? (
                <a key={index} href={part.href} target="_blank" rel="noopener noreferrer" className="font-medium break-all text-brand-700 underline">
                  {part.href}
                </a>
              ) : (
                <span key={index}>{part.text}</span>
              ),
            )}
          </pre>
        ) : (
          <p className="text-sm text-stone-500">This mail has no text part{mail.html ? "; its HTML is above" : ""}.</p>
        )}
      </Card>
    </div>
  );
}
