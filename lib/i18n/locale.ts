/**
 * Which language a request is answered in. No locale in the URL: a link sent by a Dutch manager
 * to an English technician opens in the technician's language. Order: the signed-in person's own
 * choice (users.locale, set on their profile), then the language picked on the login page (a
 * cookie), then the browser's Accept-Language, then English.
 */
import { isLocale, LOCALES, type Locale } from "./format";

export const LOCALE_COOKIE = "sdm_locale";
export const DEFAULT_LOCALE: Locale = "en";

/** "nl-BE,nl;q=0.9,en;q=0.8" → the first supported language by weight ("nl"), or null. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((param) => param.trim()).find((param) => param.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { language: (tag ?? "").trim().toLowerCase().split("-")[0], weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.language && entry.weight > 0)
    // Equal weights keep the browser's order.
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const entry of ranked) if (isLocale(entry.language)) return entry.language;
  return null;
}

export function resolveLocale(input: { person?: string | null; cookie?: string | null; acceptLanguage?: string | null }): Locale {
  if (isLocale(input.person)) return input.person;
  if (isLocale(input.cookie)) return input.cookie;
  return localeFromAcceptLanguage(input.acceptLanguage) ?? DEFAULT_LOCALE;
}

export { LOCALES, type Locale };
