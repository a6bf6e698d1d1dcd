import { describe, expect, it } from "vitest";
import { confidenceOf, estimateBattery, replacementsBetween } from "./battery-estimate";
import { linearProjection, planDate, planDatesBetween } from "./cost-forecast";
import { lastMonths, parseMonth } from "./cost-months";
import { centsOf } from "./money";
import { energyCost } from "./power";

const now = new Date("2026-11-15T12:00:00Z");

describe("battery replacement estimate", () => {
  it("reaches the threshold at the fitted drain", () => {
    const estimate = estimateBattery({ level: 60, threshold: 20, slopePerDay: -2, samples: 30, spanDays: 25 }, now, 50);
    expect(estimate).toMatchObject({ status: "estimated", daysRemaining: 20, estimatedDate: "2026-12-05", drainPerDay: 2, confidence: "high", estimatedCost: 50 });
  });
  it("says due, not draining or no data instead of inventing a date", () => {
    expect(estimateBattery({ level: 15, threshold: 20, slopePerDay: null, samples: 0, spanDays: 0 }, now, 50)).toMatchObject({ status: "due", daysRemaining: 0 });
    expect(estimateBattery({ level: 80, threshold: 20, slopePerDay: 0.1, samples: 10, spanDays: 10 }, now, 50)).toMatchObject({ status: "not_draining", estimatedDate: null });
    expect(estimateBattery({ level: 80, threshold: 20, slopePerDay: null, samples: 1, spanDays: 0 }, now, 50)).toMatchObject({ status: "no_data", confidence: "low" });
  });
  it("grows confidence with the days of readings", () => {
    expect([confidenceOf(3, 50), confidenceOf(7, 5), confidenceOf(21, 10), confidenceOf(30, 2)]).toEqual(["low", "medium", "high", "low"]);
  });
  it("counts replacements in a month, a new battery starting full", () => {
    const estimate = estimateBattery({ level: 30, threshold: 20, slopePerDay: -2, samples: 30, spanDays: 25 }, now, 50);
    // first on 20 November, then every 40 days: 30 December, 8 February
    expect(replacementsBetween(estimate, now, new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"))).toBe(1);
    expect(replacementsBetween(estimate, now, new Date("2026-12-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z"))).toBe(1);
    expect(replacementsBetween(estimate, now, new Date("2027-01-01T00:00:00Z"), new Date("2027-02-01T00:00:00Z"))).toBe(0);
  });
});

describe("forecast rules", () => {
  it("projects the seed's way: average plus trend", () => {
    expect(linearProjection([1, 1.6, 2.2], 2)).toBeCloseTo(2.4);
    expect(linearProjection([5, 7], 3)).toBe(6);
    expect(linearProjection([], 1)).toBe(0);
    expect(linearProjection([10, 5, 0], 4)).toBe(0);
  });
  it("counts plan dates from the start, clamping to the month's end", () => {
    const start = new Date("2026-01-31T00:00:00Z");
    expect(planDate(start, 1, "months", 1).toISOString().slice(0, 10)).toBe("2026-02-28");
    expect(planDate(start, 1, "months", 2).toISOString().slice(0, 10)).toBe("2026-03-31");
    const dates = planDatesBetween({ startsOn: start, endsOn: new Date("2026-05-15T00:00:00Z"), nextOn: new Date("2026-03-01T00:00:00Z"), everyCount: 1, everyUnit: "months" }, new Date("2026-01-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"));
    expect(dates.map((date) => date.toISOString().slice(0, 10))).toEqual(["2026-03-31", "2026-04-30"]);
  });
});

describe("months and money", () => {
  it("reads YYYY-MM and refuses months to come", () => {
    expect(parseMonth("2026-02", now)).toMatchObject({ period: "2026-02", current: false });
    expect(parseMonth("2026-11", now)).toMatchObject({ current: true, until: now });
    expect(parseMonth("2026-12", now)).toMatch(/has not begun/);
    expect(parseMonth("26-1", now)).toMatch(/YYYY-MM/);
    expect(lastMonths(now, 12).map((month) => month.period).slice(0, 2)).toEqual(["2025-12", "2026-01"]);
  });
  it("rounds numeric text to cents half up", () => {
    expect([centsOf("1.005"), centsOf("-12.50"), centsOf("4.2912"), centsOf("0")]).toEqual([101, -1250, 429, 0]);
  });
  it("prices watts × hours per kWh", () => {
    expect(energyCost("milk_meter", 744, 0.3)).toBeCloseTo(1.3392);
  });
});
