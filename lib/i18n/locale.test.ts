import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage, resolveLocale } from "./locale";
import { relativeTime } from "./relative-time";

describe("resolveLocale: person > cookie > Accept-Language > English", () => {
  it("the signed-in person's choice wins over everything", () => {
    expect(resolveLocale({ person: "nl", cookie: "en", acceptLanguage: "en-GB" })).toBe("nl");
    expect(resolveLocale({ person: "en", cookie: "nl", acceptLanguage: "nl-NL" })).toBe("en");
  });

  it("without a person (or one naming a language we do not ship), the login page's cookie", () => {
    expect(resolveLocale({ person: null, cookie: "nl", acceptLanguage: "en" })).toBe("nl");
    expect(resolveLocale({ person: "fr", cookie: "nl", acceptLanguage: "en" })).toBe("nl");
  });

  it("then the browser's languages, by weight", () => {
    expect(resolveLocale({ cookie: "de", acceptLanguage: "nl-BE,nl;q=0.9,en;q=0.8" })).toBe("nl");
    expect(resolveLocale({ acceptLanguage: "fr-FR, de;q=0.9, nl;q=0.5, en;q=0.4" })).toBe("nl");
    expect(resolveLocale({ acceptLanguage: "en;q=0.3, nl;q=0.7" })).toBe("nl");
    expect(resolveLocale({ acceptLanguage: "en-US,en;q=0.9" })).toBe("en");
  });

  it("else English", () => {
    expect(resolveLocale({})).toBe("en");
    expect(resolveLocale({ acceptLanguage: "fr, de" })).toBe("en");
    expect(resolveLocale({ acceptLanguage: "*" })).toBe("en");
    expect(resolveLocale({ acceptLanguage: "nl;q=0" })).toBe("en");
  });

  it("reads odd Accept-Language headers without failing", () => {
    expect(localeFromAcceptLanguage("")).toBeNull();
    expect(localeFromAcceptLanguage(",,;q=,NL")).toBe("nl");
    expect(localeFromAcceptLanguage("nl;q=abc, en")).toBe("en");
  });
});

describe("relativeTime", () => {
  const now = new Date("2026-12-03T12:00:00Z");
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  it("says how long ago in the person's language", () => {
    expect(relativeTime(ago(180), "en", now)).toBe("3 min ago");
    expect(relativeTime(ago(180), "nl", now)).toBe("3 min. geleden");
    expect(relativeTime(ago(5 * 3600), "nl", now)).toBe("5 uur geleden");
    expect(relativeTime(ago(3 * 86400), "en", now)).toBe("3 days ago");
    expect(relativeTime(ago(2), "nl", now)).toBe("zojuist");
    expect(relativeTime(null, "nl", now)).toBe("nooit");
    expect(relativeTime(null, "en", now)).toBe("never");
  });
});
