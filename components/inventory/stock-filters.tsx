"use client";

import { useUrlFilters } from "@/components/ui/use-url-filters";

/** The Stock tab's type and storage-location filters, kept in the URL. */
export function StockFilters({ types }: { types: { value: string; label: string }[] }) {
  const { searchParams, navigate, text, setText } = useUrlFilters("location", 350);
  return (
    <section aria-label="Filters" className="flex flex-wrap items-end gap-2 rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
      <div className="flex min-w-0 flex-1 basis-56 flex-col gap-1">
        <label htmlFor="stock-location" className="text-xs font-medium text-stone-600">
          Storage location
        </label>
        <input id="stock-location" type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder="e.g. shelf B2" className="w-full rounded-md border border-stone-300 px-3 py-1.5 text-sm" />
      </div>
      <div className="flex min-w-0 basis-48 flex-col gap-1">
        <label htmlFor="stock-type" className="text-xs font-medium text-stone-600">
          Type
        </label>
        <select id="stock-type" value={searchParams.get("type") ?? ""} onChange={(event) => navigate({ type: event.target.value || null })} className="rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm">
          <option value="">All types</option>
          {types.map((type) => (
            <option key={type.value} value={type.value}>
              {type.label}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}
