import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { PageSizeChoice } from "./device-list-pagination";

/**
 * The devices list's pages by cursor (lib/devices/device-cursor.ts): First, Previous and Next,
 * the range shown and a choice of page size, all kept in the URL. No numbered pages: jumping to
 * page 4,000 of a million devices is the one thing a keyset cannot do cheaply, and nobody reads
 * a fleet that way (they filter). `totalText` is the count as the list says it ("about 1,000,000").
 */
export function DeviceListCursorPagination({
  offset,
  shown,
  page,
  pages,
  pageSize,
  total,
  totalText,
  exact,
  firstHref,
  prevHref,
  nextHref,
  sizeHref,
}: {
  offset: number;
  shown: number;
  page: number;
  pages: number;
  pageSize: number;
  total: number;
  totalText: string;
  exact: boolean;
  firstHref: string | null;
  prevHref: string | null;
  nextHref: string | null;
  sizeHref: (size: number) => string;
}) {
  const t = useTranslations("pagination");
  const format = useFormatter();
  if (total === 0 || shown === 0) return null;
  const first = format.number(offset + 1);
  const last = format.number(offset + shown);
  const button = "rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium text-stone-800 hover:bg-stone-50";
  return (
    <nav className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm" aria-label={t("label")}>
      <span className="text-stone-600" data-testid="page-range">
        {exact ? t("range", { first, last, total: format.number(total), page: format.number(page), pages: format.number(pages) }) : t("rangeOf", { first, last, total: totalText })}
      </span>
      <span className="flex flex-wrap items-center gap-2">
        <PageSizeChoice pageSize={pageSize} sizeHref={sizeHref} />
        {firstHref ? (
          <Link className={button} href={firstHref} aria-label={t("first")}>
            «
          </Link>
        ) : null}
        {prevHref ? (
          <Link className={button} href={prevHref} rel="prev">
            {t("previous")}
          </Link>
        ) : null}
        {nextHref ? (
          <Link className={button} href={nextHref} rel="next">
            {t("next")}
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
