"use client";

/**
 * The end of a list's filter bar: on a phone the "Filters (n)" toggle that opens the filter grid,
 * "Clear all" when any filter is set, and a polite "Updating…" while the list reloads.
 */
export function FilterBarActions({
  open,
  onToggle,
  controls,
  activeCount,
  onClear,
  pending,
}: {
  open: boolean;
  onToggle: () => void;
  /** The id of the filter grid the toggle opens. */
  controls: string;
  activeCount: number;
  onClear: () => void;
  pending: boolean;
}) {
  return (
    <>
      <button
        type="button"
        onClick={onToggle}
        aria-expanded={open}
        aria-controls={controls}
        className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50 md:hidden"
      >
        Filters{activeCount ? ` (${activeCount})` : ""}
      </button>
      {activeCount ? (
        <button type="button" onClick={onClear} className="rounded-md px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50">
          Clear all
        </button>
      ) : null}
      <span aria-live="polite" className="text-xs text-stone-500">
        {pending ? "Updating…" : ""}
      </span>
    </>
  );
}
