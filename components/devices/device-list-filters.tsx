"use client";

import { useTranslations } from "next-intl";
import { FilterBarActions } from "@/components/ui/filter-bar-actions";
import { useUrlFilters } from "@/components/ui/use-url-filters";
import { useState, type ReactNode } from "react";

export type FilterOption = { value: string; label: string };
export type FilterField = { name: string; label: string; options: FilterOption[]; allLabel: string };

/**
 * The list's search box and filters. Every choice goes into the URL (so a view can be bookmarked
 * and shared) and the server renders the filtered page; nothing is filtered in the browser.
 */
export function DeviceListFilters({ fields, groupByOptions, activeCount, children }: { fields: FilterField[]; groupByOptions: FilterOption[]; activeCount: number; children?: ReactNode }) {
  const { searchParams, navigate, pending, text: search, setText: setSearch, clear } = useUrlFilters("q", 350);
  const [open, setOpen] = useState(false);
  const t = useTranslations("devices");
  const tCommon = useTranslations("common");

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
    <section aria-label={tCommon("searchAndFilters")} className="mb-2 rounded-xl border border-stone-200 bg-white p-2 shadow-sm">
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex min-w-0 flex-1 basis-64 flex-col gap-1">
          <label htmlFor="filter-q" className="text-xs font-medium text-stone-600">
            {t("search")}
          </label>
          <input
            id="filter-q"
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder={t("searchPlaceholder")}
            className="w-full rounded-md border border-stone-300 px-3 py-1.5 text-sm font-normal text-stone-900"
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="filter-group-by" className="text-xs font-medium text-stone-600">
            {t("groupBy")}
          </label>
          <select
            id="filter-group-by"
            value={searchParams.get("groupBy") ?? ""}
            onChange={(event) => navigate({ groupBy: event.target.value || null, page: searchParams.get("page"), cursor: searchParams.get("cursor") })}
            className="rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm font-normal text-stone-900"
          >
            <option value="">{t("noGrouping")}</option>
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
          onClear={clear}
          pending={pending}
          collapsible
        />
        {children}
      </div>
      <div id="device-filters" className={`mt-3 grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-5 xl:grid-cols-6 ${open ? "grid" : "hidden"}`}>
        {fields.map(select)}
      </div>
    </section>
  );
}
