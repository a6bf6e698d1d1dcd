"use client";

import { useState } from "react";
import { FilterBarActions } from "@/components/ui/filter-bar-actions";
import { useUrlFilters } from "@/components/ui/use-url-filters";

export type CommandFilterField = { name: string; label: string; allLabel: string; options: { value: string; label: string }[] };

/** A filter change starts again at the newest page: a cursor of the old result means nothing. */
const FRESH = { cursor: null, prev: null } as const;

/**
 * The command center's filters, all in the URL (device, device type, command, status, sender,
 * time range) so a view can be bookmarked; the server renders the filtered page.
 */
export function CommandFilters({ fields, activeCount }: { fields: CommandFilterField[]; activeCount: number }) {
  const { searchParams, navigate: go, pending, text: device, setText: setDevice, clear } = useUrlFilters("device", 400);
  const navigate = (changes: Record<string, string | null>) => go({ ...changes, ...FRESH });
  const [open, setOpen] = useState(false);
  const [sender, setSender] = useState(searchParams.get("sender") ?? "");

  return (
    <section aria-label="Filters" className="mb-3 rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex min-w-0 flex-1 basis-40 flex-col gap-1 md:max-w-48 md:flex-none">
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
        <FilterBarActions open={open} onToggle={() => setOpen((value) => !value)} controls="command-filters" activeCount={activeCount} onClear={clear} pending={pending} />
      </div>
      <div id="command-filters" className={`mt-3 grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-6 ${open ? "grid" : "hidden md:grid"}`}>
        {fields.map((field) => (
          <div key={field.name} className="flex min-w-0 flex-col gap-1">
            <label htmlFor={`filter-${field.name}`} className="text-xs font-medium text-stone-600">
              {field.label}
            </label>
            <select
              id={`filter-${field.name}`}
              value={searchParams.get(field.name) ?? ""}
              onChange={(event) => navigate({ [field.name]: event.target.value || null })}
              className="w-full min-w-0 rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm text-stone-900"
            >
              <option value="">{field.allLabel}</option>
              {field.options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
        ))}
        <form
          className="flex min-w-0 flex-col gap-1"
          onSubmit={(event) => {
            event.preventDefault();
            navigate({ sender: sender.trim() || null });
          }}
        >
          <label htmlFor="filter-sender" className="text-xs font-medium text-stone-600">
            Sent by
          </label>
          <input
            id="filter-sender"
            type="search"
            value={sender}
            onChange={(event) => setSender(event.target.value)}
            onBlur={() => {
              if ((searchParams.get("sender") ?? "") !== sender.trim()) navigate({ sender: sender.trim() || null });
            }}
            placeholder="e-mail or system"
            className="w-full min-w-0 rounded-md border border-stone-300 px-2 py-1.5 text-sm text-stone-900"
          />
        </form>
        {(["from", "to"] as const).map((name) => (
          <div key={name} className="flex min-w-0 flex-col gap-1">
            <label htmlFor={`filter-${name}`} className="text-xs font-medium text-stone-600">
              {name === "from" ? "Sent from" : "Sent until"}
            </label>
            <input
              id={`filter-${name}`}
              type="date"
              value={(searchParams.get(name) ?? "").slice(0, 10)}
              onChange={(event) => navigate({ [name]: event.target.value || null })}
              className="w-full min-w-0 rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm text-stone-900"
            />
          </div>
        ))}
      </div>
    </section>
  );
}
