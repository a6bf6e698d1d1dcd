import type { ReactNode } from "react";

/**
 * The one grey placeholder block every loading.tsx is built from. The wrapper says "Loading…" once to
 * screen readers (role status) and aria-busy, so the blocks themselves stay silent.
 */
export function Skeleton({ className = "" }: { className?: string }) {
  return <div aria-hidden className={`rounded bg-stone-200 ${className}`} />;
}

export function SkeletonScreen({ label, className = "", children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div role="status" aria-busy="true" className={`animate-pulse motion-reduce:animate-none ${className}`}>
      <span className="sr-only">{label}</span>
      {children}
    </div>
  );
}

/** PageHeader's shape: a title line and a one-line description, with room for the header's buttons. */
export function HeaderSkeleton({ actions = 1 }: { actions?: number }) {
  return (
    <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
      <div className="space-y-2">
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-4 w-72 max-w-[80vw]" />
      </div>
      {actions > 0 ? (
        <div className="flex gap-2">
          {Array.from({ length: actions }, (_, i) => (
            <Skeleton key={i} className="h-9 w-28 rounded-md" />
          ))}
        </div>
      ) : null}
    </div>
  );
}

/**
 * A list page while it loads: header, the filter bar, then a table (rows the height of a comfortable
 * row) at md and wider or the phone's stacked cards below it — the same break the lists use, so the
 * first real paint does not move the page.
 */
export function ListSkeleton({ label = "Loading the list…", rows = 10, filters = true, actions = 1 }: { label?: string; rows?: number; filters?: boolean; actions?: number }) {
  return (
    <SkeletonScreen label={label}>
      <HeaderSkeleton actions={actions} />
      {filters ? (
        <div className="mb-4 flex flex-wrap gap-2 rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
          <Skeleton className="h-9 w-full sm:w-64" />
          <Skeleton className="h-9 w-32" />
          <Skeleton className="h-9 w-32" />
          <Skeleton className="hidden h-9 w-32 sm:block" />
        </div>
      ) : null}
      <div className="hidden overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm md:block">
        <div className="h-9 border-b border-stone-200 bg-stone-50" />
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="flex h-[49px] items-center gap-4 border-b border-stone-100 px-3 last:border-0">
            <Skeleton className="h-4 w-4" />
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-4 w-24" />
            <Skeleton className="h-4 flex-1" />
            <Skeleton className="h-4 w-20" />
          </div>
        ))}
      </div>
      <div className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm md:hidden">
        {Array.from({ length: Math.min(rows, 8) }, (_, i) => (
          <div key={i} className="space-y-2 px-3 py-3">
            <Skeleton className="h-4 w-3/4" />
            <Skeleton className="h-3 w-1/2" />
          </div>
        ))}
      </div>
    </SkeletonScreen>
  );
}
