"use server";

import { cookies } from "next/headers";
import { isLocale } from "@/lib/i18n/format";
import { LOCALE_COOKIE } from "@/lib/i18n/locale";

/**
 * The language picked before signing in (or by someone whose profile names none we know). A signed-
 * in person's own choice (users.locale) still wins; this only answers for the browser.
 */
export async function chooseLocale(locale: string) {
  if (!isLocale(locale)) return;
  const store = await cookies();
  store.set(LOCALE_COOKIE, locale, { sameSite: "lax", path: "/", maxAge: 60 * 60 * 24 * 365 });
}
