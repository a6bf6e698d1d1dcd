import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { TimeAgo } from "@/components/ui/time-ago";
import type { ImportBatchSummary } from "@/lib/import/device-import";
import { MODE_LABEL } from "./import-types";

const STATE_TONE: Record<ImportBatchSummary["state"], string> = {
  done: "bg-brand-50 text-brand-800",
  failed: "bg-red-50 text-red-800",
  importing: "bg-sky-50 text-sky-800",
  previewed: "bg-stone-100 text-stone-700",
  refused: "bg-red-50 text-red-800",
  dry_run: "bg-stone-100 text-stone-700",
};

const STATE_LABEL: Record<ImportBatchSummary["state"], string> = { done: "done", failed: "failed", importing: "importing", previewed: "previewed", refused: "refused", dry_run: "dry run" };

/** What the attempt did (or, for a dry run, would have done), in a line. */
function Outcome({ batch }: { batch: ImportBatchSummary }) {
  if (batch.state === "refused") return <span className="text-red-800">{batch.failureReason ?? "The file was refused"}</span>;
  const counts =
    batch.state === "dry_run" ? (
      <>
        would create <span className="tabular-nums">{batch.createdCount}</span>, update <span className="tabular-nums">{batch.updatedCount}</span>, <span className="tabular-nums">{batch.skippedCount}</span> unchanged
      </>
    ) : (
      <>
        <span className="tabular-nums">{batch.createdCount}</span> created, <span className="tabular-nums">{batch.updatedCount}</span> updated, <span className="tabular-nums">{batch.skippedCount}</span> unchanged
      </>
    );
  return (
    <>
      {counts}
      {batch.errorCount ? (
        <span className="block text-xs text-red-700">
          {batch.errorCount} error{batch.errorCount === 1 ? "" : "s"}
        </span>
      ) : null}
      {batch.warningCount ? (
        <span className="block text-xs text-amber-800">
          {batch.warningCount} warning{batch.warningCount === 1 ? "" : "s"}
        </span>
      ) : null}
    </>
  );
}

/** Every import batch, newest first, each with its error report. */
export function BatchList({ batches }: { batches: ImportBatchSummary[] }) {
  if (!batches.length) return <EmptyState title="No imports yet">Batches appear here once a file is imported.</EmptyState>;
  return (
    <>
      <ul className="space-y-3 sm:hidden" aria-label="Import batches">
        {batches.map((batch) => (
          <li key={batch.id} className="rounded-xl border border-stone-200 bg-white p-3 text-sm shadow-sm">
            <div className="flex items-start justify-between gap-2">
              <p className="min-w-0 font-medium break-all text-stone-900">{batch.fileName}</p>
              <span className={`shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ${STATE_TONE[batch.state]}`}>{STATE_LABEL[batch.state]}</span>
            </div>
            <p className="mt-0.5 truncate text-xs text-stone-500">
              <TimeAgo date={batch.createdAt} /> · {batch.createdBy ?? "API key"}
            </p>
            <p className="mt-1 text-stone-700">
              {MODE_LABEL[batch.mode]} ({batch.skipErrors ? "skip bad rows" : "all or nothing"}) · {batch.totalRows} rows
            </p>
            <p className="text-stone-700">
              <Outcome batch={batch} />
            </p>
            {batch.errorCount ? (
              <a href={`/api/v1/import-batches/${batch.id}/errors`} download className="mt-1 inline-block font-medium text-brand-700 underline">
                Error report CSV
              </a>
            ) : null}
          </li>
        ))}
      </ul>
      <DataTable
        className="hidden sm:block"
        minWidth={900}
        columns={[{ label: "When" }, { label: "Who" }, { label: "File" }, { label: "Mode" }, { label: "Rows", align: "right" }, { label: "Result" }, { label: "State" }, { label: "Report" }]}
      >
        {batches.map((batch) => (
          <tr key={batch.id} data-batch-id={batch.id}>
            <td className="px-3 py-2 whitespace-nowrap text-stone-600">
              <TimeAgo date={batch.createdAt} />
            </td>
            <td className="max-w-40 truncate px-3 py-2 text-stone-700" title={batch.createdBy ?? ""}>
              {batch.createdBy ?? "API key"}
            </td>
            <td className="max-w-48 truncate px-3 py-2 font-medium text-stone-900" title={batch.fileName}>
              {batch.fileName}
            </td>
            <td className="px-3 py-2 whitespace-nowrap text-stone-700">
              {MODE_LABEL[batch.mode]}
              <span className="block text-xs text-stone-500">{batch.skipErrors ? "skip bad rows" : "all or nothing"}</span>
            </td>
            <td className="px-3 py-2 text-right tabular-nums">{batch.totalRows}</td>
            <td className="max-w-72 px-3 py-2 text-stone-700">
              <Outcome batch={batch} />
            </td>
            <td className="px-3 py-2">
              <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATE_TONE[batch.state]}`}>{STATE_LABEL[batch.state]}</span>
            </td>
            <td className="px-3 py-2 whitespace-nowrap">
              {batch.errorCount ? (
                <a href={`/api/v1/import-batches/${batch.id}/errors`} download className="font-medium text-brand-700 underline" aria-label={`Error report CSV for batch ${batch.id} (${batch.fileName})`}>
                  Error report CSV
                </a>
              ) : (
                <span className="text-stone-500">—</span>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
