"use client";

import { useUrlFilters } from "@/components/ui/use-url-filters";

const LEVELS = [
  { value: "", label: "Every level" },
  { value: "error", label: "Errors" },
  { value: "warn", label: "Warnings and errors" },
  { value: "info", label: "Info and above" },
  { value: "debug", label: "Debug and above" },
  { value: "=debug", label: "Debug only" },
  { value: "=trace", label: "Trace only" },
];

/** The log viewer's search box and level filter, kept in the URL (a view can be shared). */
export function LogViewerFilters({ level }: { level: string }) {
  const filters = useUrlFilters("search", 350);
  return (
    <section aria-label="Filters" className="mb-3 flex flex-wrap items-end gap-3 rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
      <div className="flex min-w-0 flex-1 basis-48 flex-col gap-1">
        <label htmlFor="log-search" className="text-xs font-medium text-stone-600">
          Search
        </label>
        <input
          id="log-search"
          type="search"
          value={filters.text}
          onChange={(event) => filters.setText(event.target.value)}
          placeholder="flow, E42, timeout…"
          className="rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm text-stone-900"
        />
      </div>
      <div className="flex min-w-0 flex-col gap-1">
        <label htmlFor="log-level" className="text-xs font-medium text-stone-600">
          Level
        </label>
        <select id="log-level" value={level} onChange={(event) => filters.navigate({ level: event.target.value || null })} className="rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm text-stone-900">
          {LEVELS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      {filters.searchParams.toString() ? (
        <button type="button" onClick={filters.clear} className="rounded-md px-2 py-1.5 text-sm text-stone-700 underline hover:text-stone-900">
          Clear
        </button>
      ) : null}
      {filters.pending ? <span className="pb-2 text-xs text-stone-500">Updating…</span> : null}
    </section>
  );
}
