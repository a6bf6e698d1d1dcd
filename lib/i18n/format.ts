/**
 * Dates and numbers as a person reads them: in their language's format, and in the farm's clock
 * (the person's own zone where there is no farm, else UTC). Everything the product shows or sends
 * — pages, alert messages, mails, exports — formats through here so one person sees one style.
 */
export const LOCALES = ["en", "nl"] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_LABEL: Record<Locale, string> = { en: "English", nl: "Nederlands" };
/** The BCP 47 tag Intl formats with: British English gives "15 Dec 2026, 14:05" (24-hour clock). */
const INTL_TAG: Record<Locale, string> = { en: "en-GB", nl: "nl-NL" };

export type Clock = { locale: Locale; timeZone: string };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * Remembered per name: building an Intl.DateTimeFormat to test a zone costs ≈ 50–300 µs, and the
 * devices export asks once per row (a million rows: minutes of it, bench:registry).
 */
const zoneValidity = new Map<string, boolean>();

export function isTimeZone(value: string): boolean {
  let valid = zoneValidity.get(value);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: value });
      valid = true;
    } catch {
      valid = false;
    }
    // bounded: zone names come from farms (a few hundred at most), not from each request
    if (zoneValidity.size < 1000) zoneValidity.set(value, valid);
  }
  return valid;
}

/** The farm's zone first (the record belongs to it), then the person's, then UTC. */
export function clockFor(person: { locale?: string | null; timezone?: string | null } | null | undefined, farm?: { timezone?: string | null } | null): Clock {
  const locale = isLocale(person?.locale) ? person.locale : "en";
  const zone = farm?.timezone || person?.timezone || "UTC";
  return { locale, timeZone: isTimeZone(zone) ? zone : "UTC" };
}

const cache = new Map<string, Intl.DateTimeFormat>();
function dateFormat(clock: Clock, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${clock.locale}|${clock.timeZone}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(INTL_TAG[clock.locale], { ...options, timeZone: clock.timeZone });
    cache.set(key, format);
  }
  return format;
}

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

/** "15 Dec 2026, 14:05" (en) / "15 dec 2026, 14:05" (nl); with `zone`, the zone's short name after it. */
export function formatDateTime(value: Date | string | number | null | undefined, clock: Clock, options: { zone?: boolean; seconds?: boolean } = {}): string {
  if (value === null || value === undefined) return "—";
  return dateFormat(clock, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", ...(options.seconds ? { second: "2-digit" } : {}), ...(options.zone ? { timeZoneName: "short" } : {}), hourCycle: "h23" }).format(toDate(value));
}

/** "15 Dec 2026" (en) / "15 dec 2026" (nl). */
export function formatDate(value: Date | string | number | null | undefined, clock: Clock): string {
  if (value === null || value === undefined) return "—";
  return dateFormat(clock, { day: "numeric", month: "short", year: "numeric" }).format(toDate(value));
}

export function formatNumber(value: number | null | undefined, clock: Pick<Clock, "locale">, options: Intl.NumberFormatOptions = {}): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return new Intl.NumberFormat(INTL_TAG[clock.locale], options).format(value);
}

export function formatMoney(amount: number | null | undefined, currency: string, clock: Pick<Clock, "locale">): string {
  return formatNumber(amount, clock, { style: "currency", currency });
}

/**
 * ISO 8601 with the zone's offset, to the second: "2026-12-03T11:00:00+01:00" for Amsterdam. What
 * exports (CSV) write: a spreadsheet or script reads the exact moment, a person the farm's clock.
 */
export function isoInZone(value: Date | string | number | null | undefined, timeZone: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return null;
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : "UTC";
  const parts = Object.fromEntries(
    dateFormat({ locale: "en", timeZone: zone }, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMinutes = Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
