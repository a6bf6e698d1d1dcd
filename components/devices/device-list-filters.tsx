"use client";

import { FilterBarActions } from "@/components/ui/filter-bar-actions";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";

export type FilterOption = { value: string; label: string };
export type FilterField = { name: string; label: string; options: FilterOption[]; allLabel: string };

/**
 * The list's search box and filters. Every choice goes into the URL (so a view can be bookmarked
 * and shared) and the server renders the filtered page; nothing is filtered in the browser.
 */
export function DeviceListFilters({ fields, groupByOptions, activeCount }: { fields: FilterField[]; groupByOptions: FilterOption[]; activeCount: number }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [search, setSearch] = useState(searchParams.get("q") ?? "");
  const [open, setOpen] = useState(false);
  const typed = useRef(false);

  function navigate(changes: Record<string, string | null>) {
    const params = new URLSearchParams(searchParams.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") params.delete(key);
      else params.set(key, value);
    }
    // A new filter starts again at the first page; a page number of the old result means nothing.
    if (!("page" in changes)) params.delete("page");
    const query = params.toString();
    startTransition(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  }

  // Search as the person types, once they pause.
  useEffect(() => {
    if (!typed.current) return;
    const timer = setTimeout(() => navigate({ q: search.trim() || null }), 350);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- navigate reads the latest URL itself
  }, [search]);

  const select = (field: FilterField) => (
    <div key={field.name} className="flex min-w-0 flex-col gap-1">
      <label htmlFor={`filter-${field.name}`} className="text-xs font-medium text-stone-600">
        {field.label}
      </label>
      <select
        id={`filter-${field.name}`}
        name={field.name}
        value={searchParams.get(field.name) ?? ""}
        onChange={(event) => navigate({ [field.name]: event.target.value || null })}
        className="w-full min-w-0 rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm font-normal text-stone-900"
      >
        <option value="">{field.allLabel}</option>
        {field.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <section aria-label="Search and filters" className="mb-3 rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex min-w-0 flex-1 basis-64 flex-col gap-1">
          <label htmlFor="filter-q" className="text-xs font-medium text-stone-600">
            Search
          </label>
          <input
            id="filter-q"
            type="search"
            value={search}
            onChange={(event) => {
              typed.current = true;
              setSearch(event.target.value);
            }}
            placeholder="Device id, name, serial or MAC"
            className="w-full rounded-md border border-stone-300 px-3 py-1.5 text-sm font-normal text-stone-900"
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="filter-group-by" className="text-xs font-medium text-stone-600">
            Group by
          </label>
          <select
            id="filter-group-by"
            value={searchParams.get("groupBy") ?? ""}
            onChange={(event) => navigate({ groupBy: event.target.value || null, page: searchParams.get("page") })}
            className="rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm font-normal text-stone-900"
          >
            <option value="">No grouping</option>
            {groupByOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <FilterBarActions
          open={open}
          onToggle={() => setOpen((value) => !value)}
          controls="device-filters"
          activeCount={activeCount}
          onClear={() => {
            setSearch("");
            typed.current = false;
            startTransition(() => router.replace(pathname, { scroll: false }));
          }}
          pending={pending}
        />
      </div>
      <div id="device-filters" className={`mt-3 grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-5 xl:grid-cols-6 ${open ? "grid" : "hidden md:grid"}`}>
        {fields.map(select)}
      </div>
    </section>
  );
}
