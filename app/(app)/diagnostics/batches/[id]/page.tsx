import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BATCH_PARTS, BatchBar, answered, batchTitle } from "@/components/commands/batch-summary";
import { CancelBatchRest } from "@/components/commands/cancel-batch-rest";
import { CommandList, parameterSummary } from "@/components/commands/command-list";
import { LiveRefresh } from "@/components/commands/live-refresh";
import { formatDateTime } from "@/components/devices/device-values";
import { EmptyState } from "@/components/ui/empty-state";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { BULK_COMMAND_ROLE, roleReaches } from "@/lib/commands/catalogue";
import { batchProgress, SKIP_REASONS } from "@/lib/commands/bulk-commands";
import { listCommands } from "@/lib/commands/command-queries";
import type { BatchView } from "@/lib/commands/command-schemas";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { visibleFarms } from "@/lib/farms/farm-scope";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ cursor?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Bulk command ${(await params).id}` };
}

const ROWS = 100;

/** A bulk command's progress: counts per status with a bar, the devices' answers as they arrive, and "cancel the rest". */
export default async function BatchPage({ params, searchParams }: Props) {
  const actor = await requirePageActor("devices.read");
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const cursor = (await searchParams).cursor;
  const db = getDb();
  let batch: BatchView;
  try {
    batch = await batchProgress(db, actor, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const [page, farms] = await Promise.all([listCommands(db, actor, { batch: id, limit: ROWS, ...(cursor ? { cursor } : {}) }), visibleFarms(actor)]);
  const timeZone = farms.find((farm) => farm.id === batch.farmId)?.timezone ?? farms[0]?.timezone ?? "UTC";
  const skipped = Object.entries(batch.skipped).filter(([, count]) => count > 0);
  const skippedTotal = skipped.reduce((sum, [, count]) => sum + count, 0);
  const mayCancel = can(actor.role, "devices.command") && roleReaches(actor.role, BULK_COMMAND_ROLE) && batch.counts.queued > 0;
  const finished = answered(batch);
  // In the order a command moves: waiting, out, acknowledged, then how it ended.
  const shown = ["queued", "sent", "executing", "completed", "failed", "timeout", "cancelled", "expired"].map((status) => BATCH_PARTS.find((part) => part.status === status)!);

  return (
    <div className="space-y-4">
      <Link href="/diagnostics" className="text-sm text-brand-700 hover:underline">
        ← Diagnostics &amp; commands
      </Link>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight text-stone-900">
            {batchTitle(batch)}
          </h1>
          <p className="mt-1 text-sm text-stone-600">
            Bulk command #{batch.id} · sent {formatDateTime(batch.createdAt, timeZone)}
            {batch.requestedBy ? ` by ${batch.requestedBy}` : ""}
            {Object.keys(batch.parameters).length ? ` · ${parameterSummary(batch.parameters)}` : ""}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <LiveRefresh active={batch.open > 0} />
          {mayCancel ? <CancelBatchRest batchId={batch.id} queued={batch.counts.queued} /> : null}
        </div>
      </div>

      <section aria-labelledby="progress-heading" className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="progress-heading" className="text-sm font-semibold text-stone-700">
            Progress
          </h2>
          <p className="text-sm text-stone-800 tabular-nums" data-testid="batch-finished">
            <strong>{finished}</strong> of {batch.total} finished
            {batch.open === 0 ? (batch.cancelledAt ? " · the rest was cancelled" : " · all done") : ` · ${batch.open} under way`}
          </p>
        </div>
        <div className="mt-2">
          <BatchBar batch={batch} />
        </div>
        <dl className="mt-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4 lg:grid-cols-8" data-testid="batch-counts">
          {shown.map((part) => (
            <div key={part.status} className="rounded-md bg-stone-50 px-2 py-1.5" data-status={part.status}>
              <dt className="flex items-center gap-1.5 text-xs text-stone-600">
                <span className={`inline-block size-2 rounded-full ${part.className}`} aria-hidden />
                {part.status === "queued" ? "Waiting" : part.label}
              </dt>
              <dd className="text-lg font-semibold text-stone-900 tabular-nums">{batch.counts[part.status]}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-2 text-xs text-stone-600">
          {batch.late ? `${batch.late} answered after their timeout (kept, marked late). ` : ""}
          {batch.lastAnswerAt ? `Latest answer ${formatDateTime(batch.lastAnswerAt, timeZone)}.` : "No answer yet."}
        </p>
        {skippedTotal ? (
          <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {skippedTotal} device{skippedTotal === 1 ? " was" : "s were"} skipped:{" "}
            {skipped.map(([reason, count]) => `${count} ${SKIP_REASONS[reason as keyof typeof SKIP_REASONS] ?? reason}`).join(", ")}.
          </p>
        ) : null}
      </section>

      <section aria-labelledby="devices-heading">
        <h2 id="devices-heading" className="mb-2 text-sm font-semibold text-stone-700">
          Devices
        </h2>
        {page.items.length ? <CommandList commands={page.items} timeZone={timeZone} /> : <EmptyState title="No device took this command">Every device the selection named was skipped.</EmptyState>}
        {page.nextCursor || cursor ? (
          <nav className="mt-3 flex justify-end gap-2 text-sm" aria-label="Pages">
            {cursor ? (
              <Link className="rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium" href={`/diagnostics/batches/${batch.id}`}>
                First {ROWS}
              </Link>
            ) : null}
            {page.nextCursor ? (
              <Link className="rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium" href={`/diagnostics/batches/${batch.id}?cursor=${page.nextCursor}`}>
                Next {ROWS} →
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
