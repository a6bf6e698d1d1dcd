import Link from "next/link";
import { getTranslations } from "next-intl/server";

import type { FilterChip } from "@/lib/list-views/filter-chips";

export { filterChipsFor, hrefWithout, type ChipField, type FilterChip } from "@/lib/list-views/filter-chips";

/** The active filters as chips, each a link to the same list without it: one click clears one. */
export async function FilterChips({ chips }: { chips: FilterChip[] }) {
  if (!chips.length) return null;
  const t = await getTranslations("lists");
  return (
    <ul aria-label={t("activeFilters")} className="mb-2 flex flex-wrap gap-1.5" data-testid="filter-chips">
      {chips.map((chip) => (
        <li key={chip.name}>
          <Link
            href={chip.href}
            scroll={false}
            aria-label={t("removeFilter", { label: chip.label, value: chip.value })}
            className="inline-flex max-w-[18rem] items-center gap-1 rounded-full border border-brand-100 bg-brand-50 py-0.5 pr-1.5 pl-2.5 text-xs text-brand-900 hover:bg-brand-100"
          >
            <span className="truncate">
              <span className="text-brand-700">{chip.label}:</span> {chip.value}
            </span>
            <span aria-hidden className="text-sm leading-none">
              ×
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
