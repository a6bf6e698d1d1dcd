"use client";

import { useRouter, useSearchParams } from "next/navigation";

/** The month of the cost page, kept in the URL (the farm comes from the shell's farm switcher). */
export function CostFilters({ month, maxMonth }: { month: string; maxMonth: string }) {
  const router = useRouter();
  const search = useSearchParams();
  const choose = (value: string) => {
    if (!value) return;
    const params = new URLSearchParams(search.toString());
    if (value === maxMonth) params.delete("month");
    else params.set("month", value);
    router.push(params.size ? `/costs?${params}` : "/costs");
  };
  return (
    <div>
      <label htmlFor="cost-month" className="mb-1 block text-xs font-medium text-stone-600">
        Month
      </label>
      <input id="cost-month" type="month" value={month} max={maxMonth} min="2000-01" onChange={(event) => choose(event.target.value)} className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm" />
    </div>
  );
}
