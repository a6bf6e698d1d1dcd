"use client";

import { useTranslations } from "next-intl";
import { FilterBarActions } from "@/components/ui/filter-bar-actions";
import { useUrlFilters } from "@/components/ui/use-url-filters";
import { useState } from "react";

export type AlertFilterOption = { value: string; label: string };
export type AlertFilterField = { name: string; label: string; options: AlertFilterOption[]; allLabel?: string };

/**
 * The alert list's filters. Every choice goes into the URL (a view can be bookmarked and shared,
 * the device page links to its own alerts) and the server renders the filtered page.
 */
export function AlertListFilters({ fields, activeCount }: { fields: AlertFilterField[]; activeCount: number }) {
  const { searchParams, navigate, pending, text: device, setText: setDevice, clear } = useUrlFilters("device", 400);
  const [open, setOpen] = useState(false);
  const t = useTranslations("alerts");

  return (
    <section aria-label={t("filters")} className="mb-3 rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex min-w-0 flex-1 basis-48 flex-col gap-1 md:max-w-xs md:flex-none">
          <label htmlFor="filter-device" className="text-xs font-medium text-stone-600">
            {t("deviceId")}
          </label>
          <input
            id="filter-device"
            type="search"
            value={device}
            onChange={(event) => setDevice(event.target.value)}
            placeholder={t("deviceIdPlaceholder")}
            autoCapitalize="characters"
            className="w-full rounded-md border border-stone-300 px-3 py-1.5 font-mono text-sm text-stone-900"
          />
        </div>
        <FilterBarActions
          open={open}
          onToggle={() => setOpen((value) => !value)}
          controls="alert-filters"
          activeCount={activeCount}
          onClear={clear}
          pending={pending}
        />
      </div>
      <div id="alert-filters" className={`mt-3 grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-5 ${open ? "grid" : "hidden md:grid"}`}>
        {fields.map((field) => (
          <div key={field.name} className="flex min-w-0 flex-col gap-1">
            <label htmlFor={`filter-${field.name}`} className="text-xs font-medium text-stone-600">
              {field.label}
            </label>
            <select
              id={`filter-${field.name}`}
              name={field.name}
              value={searchParams.get(field.name) ?? ""}
              onChange={(event) => navigate({ [field.name]: event.target.value || null })}
              className="w-full min-w-0 rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm text-stone-900"
            >
              {field.allLabel ? <option value="">{field.allLabel}</option> : null}
              {field.options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
    </section>
  );
}
