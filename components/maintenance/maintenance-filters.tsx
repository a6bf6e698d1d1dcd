"use client";

import { useState } from "react";
import { FilterBarActions } from "@/components/ui/filter-bar-actions";
import { useUrlFilters } from "@/components/ui/use-url-filters";

export type FilterOption = { value: string; label: string };
export type FilterField = { name: string; label: string; options: FilterOption[]; allLabel: string };

/**
 * The maintenance filters (calendar and list). Every choice goes into the URL, so a view can be
 * bookmarked or sent ("my overdue calibrations"), and the server renders the filtered page.
 */
export function MaintenanceFilters({ fields, activeCount, deviceSearch = true }: { fields: FilterField[]; activeCount: number; deviceSearch?: boolean }) {
  const { searchParams, navigate, pending, text: device, setText: setDevice, clear } = useUrlFilters("device", 400);
  const [open, setOpen] = useState(false);
  return (
    <section aria-label="Filters" className="mb-3 rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
      <div className="flex flex-wrap items-end gap-2">
        <div className={`min-w-0 flex-1 basis-40 flex-col gap-1 md:max-w-xs md:flex-none ${deviceSearch ? "flex" : "hidden"}`}>
          <label htmlFor="filter-device" className="text-xs font-medium text-stone-600">
            Device id
          </label>
          <input
            id="filter-device"
            type="search"
            value={device}
            onChange={(event) => setDevice(event.target.value)}
            placeholder="e.g. MM001"
            autoCapitalize="characters"
            className="w-full rounded-md border border-stone-300 px-3 py-1.5 font-mono text-sm text-stone-900"
          />
        </div>
        <FilterBarActions open={open} onToggle={() => setOpen((value) => !value)} controls="maintenance-filters" activeCount={activeCount} onClear={clear} pending={pending} />
      </div>
      <div id="maintenance-filters" className={`mt-3 grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-5 ${open ? "grid" : "hidden md:grid"}`}>
        {fields.map((field) => {
          const current = searchParams.get(field.name) ?? "";
          // A combination from a hand-made URL (type=calibration,cleaning) stays selectable as it is.
          const extra = current && !field.options.some((option) => option.value === current) ? [{ value: current, label: current.split(",").join(" or ") }] : [];
          return (
            <div key={field.name} className="flex min-w-0 flex-col gap-1">
              <label htmlFor={`filter-${field.name}`} className="text-xs font-medium text-stone-600">
                {field.label}
              </label>
              <select
                id={`filter-${field.name}`}
                value={current}
                onChange={(event) => navigate({ [field.name]: event.target.value || null })}
                className="w-full min-w-0 rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm text-stone-900"
              >
                <option value="">{field.allLabel}</option>
                {[...extra, ...field.options].map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            </div>
          );
        })}
      </div>
    </section>
  );
}
