"use client";

import { useTranslations } from "next-intl";

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
  collapsible = false,
}: {
  open: boolean;
  onToggle: () => void;
  /** The id of the filter grid the toggle opens. */
  controls: string;
  activeCount: number;
  onClear: () => void;
  pending: boolean;
  /** The filter grid folds away on a desktop too (its active filters show as chips). */
  collapsible?: boolean;
}) {
  const t = useTranslations("common");
  return (
    <>
      <button
        type="button"
        onClick={onToggle}
        aria-expanded={open}
        aria-controls={controls}
        className={`rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50 ${collapsible ? "" : "md:hidden"}`}
      >
        {activeCount ? t("filtersCount", { count: activeCount }) : t("filters")}
      </button>
      {activeCount ? (
        <button type="button" onClick={onClear} className="rounded-md px-3 py-1.5 text-sm font-medium text-brand-700 hover:bg-brand-50">
          {t("clearAll")}
        </button>
      ) : null}
      <span aria-live="polite" className="text-xs text-stone-500">
        {pending ? t("updating") : ""}
      </span>
    </>
  );
}
