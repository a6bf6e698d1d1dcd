"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTransition } from "react";

/** The jobs list's one filter, kept in the URL like the other lists' filters. */
export function UpdateJobStateFilter({ value, options }: { value: string; options: { value: string; label: string }[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  const choose = (state: string) => {
    const params = new URLSearchParams(searchParams.toString());
    if (state) params.set("state", state);
    else params.delete("state");
    params.delete("page");
    const query = params.toString();
    startTransition(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  };
  return (
    <section aria-label="Filters" className="mb-3 flex flex-wrap items-end gap-3 rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
      <div className="flex min-w-0 flex-col gap-1">
        <label htmlFor="filter-state" className="text-xs font-medium text-stone-600">
          State
        </label>
        <select id="filter-state" value={value} onChange={(event) => choose(event.target.value)} className="rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm text-stone-900">
          <option value="">Any state</option>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      {pending ? <span className="pb-2 text-xs text-stone-500">Updating…</span> : null}
    </section>
  );
}
