import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { PAGE_SIZES, type DeviceListQuery } from "@/lib/devices/device-schemas";

/** Pages of the list, with the range shown and a choice of page size (all kept in the URL). */
export function DeviceListPagination({ page, pages, pageSize, total, hrefFor }: { page: number; pages: number; pageSize: number; total: number; hrefFor: (changes: Partial<DeviceListQuery>) => string }) {
  const t = useTranslations("pagination");
  const format = useFormatter();
  if (total === 0) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const button = "rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium text-stone-800 hover:bg-stone-50";
  return (
    <nav className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm" aria-label={t("label")}>
      <span className="text-stone-600">
        {t("range", { first: format.number(first), last: format.number(last), total: format.number(total), page: format.number(page), pages: format.number(pages) })}
      </span>
      <span className="flex flex-wrap items-center gap-2">
        <PageSizeChoice pageSize={pageSize} sizeHref={(size) => hrefFor({ pageSize: size, page: 1 })} />
        {page > 1 ? (
          <>
            <Link className={button} href={hrefFor({ page: 1 })} aria-label={t("first")}>
              «
            </Link>
            <Link className={button} href={hrefFor({ page: page - 1 })} rel="prev">
              {t("previous")}
            </Link>
          </>
        ) : null}
        {page < pages ? (
          <Link className={button} href={hrefFor({ page: page + 1 })} rel="next">
            {t("next")}
          </Link>
        ) : null}
      </span>
    </nav>
  );
}

/** The page sizes, the current one marked: shared by the numbered and the cursor pagination. */
export function PageSizeChoice({ pageSize, sizeHref }: { pageSize: number; sizeHref: (size: number) => string }) {
  const t = useTranslations("pagination");
  return (
    <span className="flex items-center gap-1 text-stone-600">
      {t("perPage")}
      {PAGE_SIZES.map((size) =>
        size === pageSize ? (
          <span key={size} aria-current="true" className="rounded-md bg-stone-200 px-2 py-1 font-medium text-stone-900">
            {size}
          </span>
        ) : (
          <Link key={size} href={sizeHref(size)} scroll={false} className="rounded-md px-2 py-1 text-brand-700 hover:bg-brand-50">
            {size}
          </Link>
        ),
      )}
    </span>
  );
}
