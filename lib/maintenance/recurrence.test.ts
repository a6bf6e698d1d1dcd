import { describe, expect, it } from "vitest";
import { datesBetween, firstOnOrAfter, isoDay, nthDate, rhythmLabel, type Recurrence } from "./recurrence";

const day = (value: string) => new Date(`${value}T00:00:00Z`);
const days = (dates: Date[]) => dates.map(isoDay);
const plan = (startsOn: string, everyCount: number | null, everyUnit: Recurrence["everyUnit"], endsOn: string | null = null): Recurrence => ({
  startsOn: day(startsOn),
  endsOn: endsOn ? day(endsOn) : null,
  everyCount,
  everyUnit,
});

describe("recurrence", () => {
  it("steps by days and weeks from the start", () => {
    expect(days(datesBetween(plan("2027-01-01", 10, "days"), day("2027-01-01"), day("2027-02-01")))).toEqual(["2027-01-01", "2027-01-11", "2027-01-21", "2027-01-31"]);
    expect(days(datesBetween(plan("2027-01-04", 2, "weeks"), day("2027-01-01"), day("2027-02-15")))).toEqual(["2027-01-04", "2027-01-18", "2027-02-01", "2027-02-15"]);
  });

  it("clamps months to the month's end without drifting", () => {
    const monthly = plan("2027-01-31", 1, "months");
    expect(days(datesBetween(monthly, day("2027-01-01"), day("2027-06-30")))).toEqual(["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30"]);
    // 2028 is a leap year
    expect(isoDay(nthDate(plan("2028-01-31", 1, "months"), 1))).toBe("2028-02-29");
    expect(days(datesBetween(plan("2026-11-30", 3, "months"), day("2026-11-01"), day("2027-12-31")))).toEqual(["2026-11-30", "2027-02-28", "2027-05-30", "2027-08-30", "2027-11-30"]);
  });

  it("stops at the end date, inclusive", () => {
    expect(days(datesBetween(plan("2027-01-01", 1, "weeks", "2027-01-22"), day("2027-01-01"), day("2027-12-31")))).toEqual(["2027-01-01", "2027-01-08", "2027-01-15", "2027-01-22"]);
    expect(days(datesBetween(plan("2027-01-01", 1, "weeks", "2027-01-21"), day("2027-01-01"), day("2027-12-31")))).toEqual(["2027-01-01", "2027-01-08", "2027-01-15"]);
  });

  it("starts a range in the middle of a long plan", () => {
    const daily = plan("2020-01-01", 1, "days");
    expect(days(datesBetween(daily, day("2027-03-01"), day("2027-03-03")))).toEqual(["2027-03-01", "2027-03-02", "2027-03-03"]);
    expect(isoDay(firstOnOrAfter(plan("2026-01-01", 3, "months"), day("2026-12-03"))!)).toBe("2027-01-01");
    expect(isoDay(firstOnOrAfter(plan("2026-01-31", 1, "months"), day("2026-02-27"))!)).toBe("2026-02-28");
    expect(firstOnOrAfter(plan("2026-01-01", 1, "months", "2026-06-30"), day("2026-07-01"))).toBeNull();
  });

  it("has one date for a one-off plan", () => {
    const once = plan("2027-05-05", null, null);
    expect(days(datesBetween(once, day("2027-01-01"), day("2027-12-31")))).toEqual(["2027-05-05"]);
    expect(datesBetween(once, day("2027-05-06"), day("2027-12-31"))).toEqual([]);
    expect(rhythmLabel(once)).toBe("once");
  });

  it("limits how many dates one call returns", () => {
    expect(datesBetween(plan("2027-01-01", 1, "days"), day("2027-01-01"), day("2027-12-31"), 5)).toHaveLength(5);
  });

  it("names the rhythm", () => {
    expect(rhythmLabel(plan("2027-01-01", 3, "months"))).toBe("every 3 months");
    expect(rhythmLabel(plan("2027-01-01", 1, "days"))).toBe("every day");
    expect(rhythmLabel(plan("2027-01-01", 2, "weeks"))).toBe("every 2 weeks");
  });
});
