"use client";

import { FilterBarActions } from "@/components/ui/filter-bar-actions";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";

export type AlertFilterOption = { value: string; label: string };
export type AlertFilterField = { name: string; label: string; options: AlertFilterOption[]; allLabel?: string };

/**
 * The alert list's filters. Every choice goes into the URL (a view can be bookmarked and shared,
 * the device page links to its own alerts) and the server renders the filtered page.
 */
export function AlertListFilters({ fields, activeCount }: { fields: AlertFilterField[]; activeCount: number }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [device, setDevice] = useState(searchParams.get("device") ?? "");
  const [open, setOpen] = useState(false);
  const typed = useRef(false);

  function navigate(changes: Record<string, string | null>) {
    const params = new URLSearchParams(searchParams.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") params.delete(key);
      else params.set(key, value);
    }
    // A new filter starts again at the first page; a page number of the old result means nothing.
    params.delete("page");
    const query = params.toString();
    startTransition(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  }

  // The device id is typed: look it up once the person pauses.
  useEffect(() => {
    if (!typed.current) return;
    const timer = setTimeout(() => navigate({ device: device.trim() || null }), 400);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- navigate reads the latest URL itself
  }, [device]);

  return (
    <section aria-label="Filters" className="mb-3 rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex min-w-0 flex-1 basis-48 flex-col gap-1 md:max-w-xs md:flex-none">
          <label htmlFor="filter-device" className="text-xs font-medium text-stone-600">
            Device id
          </label>
          <input
            id="filter-device"
            type="search"
            value={device}
            onChange={(event) => {
              typed.current = true;
              setDevice(event.target.value);
            }}
            placeholder="e.g. MM001"
            autoCapitalize="characters"
            className="w-full rounded-md border border-stone-300 px-3 py-1.5 font-mono text-sm text-stone-900"
          />
        </div>
        <FilterBarActions
          open={open}
          onToggle={() => setOpen((value) => !value)}
          controls="alert-filters"
          activeCount={activeCount}
          onClear={() => {
            setDevice("");
            typed.current = false;
            startTransition(() => router.replace(pathname, { scroll: false }));
          }}
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
