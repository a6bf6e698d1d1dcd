import { describe, expect, it } from "vitest";
import { clockFor, formatDate, formatDateTime, formatMoney, formatNumber } from "./format";

describe("locale formatting", () => {
  const at = new Date("2026-12-03T01:05:00Z");

  it("shows the farm's clock before the person's, and UTC without either", () => {
    expect(clockFor({ locale: "en", timezone: "America/New_York" }, { timezone: "Europe/Amsterdam" }).timeZone).toBe("Europe/Amsterdam");
    expect(clockFor({ locale: "en", timezone: "America/New_York" }, null).timeZone).toBe("America/New_York");
    expect(clockFor(null).timeZone).toBe("UTC");
    expect(clockFor({ locale: "xx", timezone: "Mars/Base" })).toEqual({ locale: "en", timeZone: "UTC" });
  });

  it("formats in the zone and language asked", () => {
    expect(formatDateTime(at, { locale: "en", timeZone: "Europe/Amsterdam" })).toBe("3 Dec 2026, 02:05");
    expect(formatDateTime(at, { locale: "en", timeZone: "America/New_York" })).toBe("2 Dec 2026, 20:05");
    expect(formatDate(at, { locale: "nl", timeZone: "UTC" })).toBe("3 dec 2026");
    expect(formatNumber(1234.5, { locale: "nl" })).toBe("1.234,5");
    expect(formatNumber(1234.5, { locale: "en" })).toBe("1,234.5");
    expect(formatMoney(12.5, "EUR", { locale: "nl" })).toMatch(/€\s?12,50/);
    expect(formatDateTime(null, clockFor(null))).toBe("—");
  });
});
