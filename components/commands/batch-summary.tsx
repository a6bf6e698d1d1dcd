import Link from "next/link";
import { formatDateTime } from "@/components/devices/device-values";
import type { BatchView } from "@/lib/commands/command-schemas";

/** Statuses in the order a bulk command moves through them, with a bar colour and a word each. */
export const BATCH_PARTS = [
  { status: "completed", label: "Completed", className: "bg-green-600" },
  { status: "failed", label: "Failed", className: "bg-red-600" },
  { status: "timeout", label: "Timed out", className: "bg-amber-500" },
  { status: "expired", label: "Expired", className: "bg-stone-500" },
  { status: "cancelled", label: "Cancelled", className: "bg-stone-400" },
  { status: "executing", label: "Executing", className: "bg-sky-500" },
  { status: "sent", label: "Sent", className: "bg-sky-300" },
  { status: "queued", label: "Queued", className: "bg-stone-200" },
] as const;

/** "Get status: Group Milking parlour" — the description names the command unless a person wrote their own. */
export function batchTitle(batch: BatchView) {
  return batch.description.startsWith(batch.label) ? batch.description : `${batch.label} · ${batch.description}`;
}

export function answered(batch: BatchView) {
  return batch.total - batch.open;
}

/** One bar, each status its share of the batch; the counts beside it say the same in words. */
export function BatchBar({ batch }: { batch: BatchView }) {
  const total = Math.max(batch.total, 1);
  return (
    <div className="flex h-2.5 w-full overflow-hidden rounded-full bg-stone-100" role="progressbar" aria-valuemin={0} aria-valuemax={batch.total} aria-valuenow={answered(batch)} aria-label={`${answered(batch)} of ${batch.total} finished`}>
      {BATCH_PARTS.map((part) => {
        const count = batch.counts[part.status] ?? 0;
        return count ? <span key={part.status} className={part.className} style={{ width: `${(count / total) * 100}%` }} /> : null;
      })}
    </div>
  );
}

export function BatchSummaryList({ batches, timeZone }: { batches: BatchView[]; timeZone: string }) {
  return (
    <section aria-labelledby="batches-heading" className="mt-5">
      <h2 id="batches-heading" className="mb-2 text-sm font-semibold text-stone-700">
        Recent bulk commands
      </h2>
      <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm">
        {batches.map((batch) => (
          <li key={batch.id} className="px-3 py-2.5 text-sm">
            <div className="flex flex-wrap items-baseline justify-between gap-x-3">
              <Link href={`/diagnostics/batches/${batch.id}`} className="font-medium text-brand-700 underline">
                {batchTitle(batch)}
              </Link>
              <span className="text-xs text-stone-500">
                {formatDateTime(batch.createdAt, timeZone)}
                {batch.requestedBy ? ` · ${batch.requestedBy}` : ""}
              </span>
            </div>
            <div className="mt-1.5 flex items-center gap-3">
              <BatchBar batch={batch} />
              <span className="text-xs whitespace-nowrap text-stone-700 tabular-nums">
                {answered(batch)}/{batch.total} finished
                {batch.cancelledAt ? " · rest cancelled" : batch.open ? "" : " · done"}
              </span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
