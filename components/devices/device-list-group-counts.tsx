import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import type { GroupCount } from "@/lib/devices/device-list";

/** Odoo's group-by, as counts: each bar is a link to the list filtered to that value. */
export function GroupCounts({ title, counts, hrefFor }: { title: string; counts: GroupCount[]; hrefFor: (key: string) => string }) {
  const t = useTranslations("devices");
  const format = useFormatter();
  const largest = Math.max(1, ...counts.map((count) => count.count));
  return (
    <section aria-label={title} className="mb-3 rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
      <h2 className="mb-2 text-sm font-semibold text-stone-700">{title}</h2>
      {counts.length === 0 ? (
        <p className="text-sm text-stone-600">{t("nothingToCount")}</p>
      ) : (
        <ul className="grid gap-x-6 gap-y-1 sm:grid-cols-2 lg:grid-cols-3">
          {counts.map((count) => (
            <li key={count.key}>
              <Link href={hrefFor(count.key)} scroll={false} className="group flex items-center gap-2 rounded px-1 py-0.5 text-sm hover:bg-stone-50">
                <span className="w-40 shrink-0 truncate text-stone-800 group-hover:underline">{count.label}</span>
                <span className="h-2 flex-1 rounded-full bg-stone-100">
                  <span className="block h-2 rounded-full bg-brand-600" style={{ width: `${(count.count / largest) * 100}%` }} />
                </span>
                <span className="w-14 text-right text-stone-700 tabular-nums">{format.number(count.count)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
