/**
 * next-intl's request configuration (named in next.config.mjs): the language, the messages and the
 * person's clock for every server render. Pages formatting a farm's record use lib/i18n/format.ts
 * with the farm's zone; next-intl's own `timeZone` is the person's (or UTC) for everything else.
 */
import { getRequestConfig } from "next-intl/server";
import { cookies, headers } from "next/headers";
import { currentActor } from "../auth/session";
import { isTimeZone } from "./format";
import { LOCALE_COOKIE, resolveLocale } from "./locale";

export default getRequestConfig(async () => {
  const [actor, cookieStore, headerStore] = await Promise.all([currentActor().catch(() => null), cookies(), headers()]);
  const locale = resolveLocale({ person: actor?.locale, cookie: cookieStore.get(LOCALE_COOKIE)?.value, acceptLanguage: headerStore.get("accept-language") });
  const timeZone = actor?.timezone && isTimeZone(actor.timezone) ? actor.timezone : "UTC";
  return {
    locale,
    timeZone,
    messages: (await import(`../../messages/${locale}.json`)).default,
  };
});
