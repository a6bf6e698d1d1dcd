import Link from "next/link";
import { PAGE_SIZES, type DeviceListQuery } from "@/lib/devices/device-schemas";

/** Pages of the list, with the range shown and a choice of page size (all kept in the URL). */
export function DeviceListPagination({ page, pages, pageSize, total, hrefFor }: { page: number; pages: number; pageSize: number; total: number; hrefFor: (changes: Partial<DeviceListQuery>) => string }) {
  if (total === 0) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const button = "rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium text-stone-800 hover:bg-stone-50";
  return (
    <nav className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm" aria-label="Pages">
      <span className="text-stone-600">
        {first.toLocaleString("en")}–{last.toLocaleString("en")} of {total.toLocaleString("en")} · page {page} of {pages.toLocaleString("en")}
      </span>
      <span className="flex flex-wrap items-center gap-2">
        <span className="flex items-center gap-1 text-stone-600">
          Per page
          {PAGE_SIZES.map((size) =>
            size === pageSize ? (
              <span key={size} aria-current="true" className="rounded-md bg-stone-200 px-2 py-1 font-medium text-stone-900">
                {size}
              </span>
            ) : (
              <Link key={size} href={hrefFor({ pageSize: size, page: 1 })} scroll={false} className="rounded-md px-2 py-1 text-brand-700 hover:bg-brand-50">
                {size}
              </Link>
            ),
          )}
        </span>
        {page > 1 ? (
          <>
            <Link className={button} href={hrefFor({ page: 1 })} aria-label="First page">
              «
            </Link>
            <Link className={button} href={hrefFor({ page: page - 1 })} rel="prev">
              Previous
            </Link>
          </>
        ) : null}
        {page < pages ? (
          <Link className={button} href={hrefFor({ page: page + 1 })} rel="next">
            Next
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
