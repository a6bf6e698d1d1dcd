import { useLocale, useTimeZone } from "next-intl";
import { clockFor, formatDateTime, isLocale, type Locale } from "@/lib/i18n/format";
import { relativeTime } from "@/lib/i18n/relative-time";

/** "42 sec ago" in English (the default where no language is known); see lib/i18n/relative-time. */
export function timeAgo(date: Date | null, now = new Date(), locale: Locale = "en"): string {
  return relativeTime(date, locale, now);
}

/**
 * How long ago, in the person's language; hovering shows the exact time — in the farm's zone when
 * the caller passes it (a farm's record), else the person's — with the zone named.
 */
export function TimeAgo({ date, timeZone }: { date: Date | null; timeZone?: string | null }) {
  const current = useLocale();
  const personZone = useTimeZone();
  const locale = isLocale(current) ? current : "en";
  const exact = date ? formatDateTime(date, clockFor({ locale, timezone: personZone }, { timezone: timeZone }), { zone: true }) : undefined;
  return (
    <time dateTime={date?.toISOString()} title={exact}>
      {relativeTime(date, locale)}
    </time>
  );
}
