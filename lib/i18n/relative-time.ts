/**
 * "3 min ago" / "3 min. geleden": how long ago, in the person's language (Intl.RelativeTimeFormat,
 * short style). Computed when the page renders; AutoRefresh keeps it moving.
 */
import type { Locale } from "./format";

const INTL_TAG: Record<Locale, string> = { en: "en-GB", nl: "nl-NL" };
const WORDS: Record<Locale, { never: string; justNow: string }> = {
  en: { never: "never", justNow: "just now" },
  nl: { never: "nooit", justNow: "zojuist" },
};

const formats = new Map<Locale, Intl.RelativeTimeFormat>();
function relativeFormat(locale: Locale) {
  let format = formats.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(INTL_TAG[locale], { style: "short", numeric: "always" });
    formats.set(locale, format);
  }
  return format;
}

export function relativeTime(date: Date | null, locale: Locale = "en", now: Date = new Date()): string {
  if (!date) return WORDS[locale].never;
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  // A clock a little ahead of ours (a device's) still reads as "just now", not "in 2 s".
  if (seconds < 5) return WORDS[locale].justNow;
  const format = relativeFormat(locale);
  if (seconds < 60) return format.format(-seconds, "second");
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return format.format(-minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (hours < 48) return format.format(-hours, "hour");
  return format.format(-Math.round(hours / 24), "day");
}
