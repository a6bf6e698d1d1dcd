import { describe, expect, it } from "vitest";
import { checkWarrantyEligibility } from "./warranty-eligibility";
import { addMonths, extendedEnd } from "./warranty-coverage";
import { warrantyDaysLeft, warrantyStatus } from "./warranty-status";

const today = new Date("2026-12-03T15:30:00Z");
const end = (days: number) => new Date(Date.UTC(2026, 11, 3 + days));
const dates = (days: number | null, voided = false) => ({ warrantyEnd: days === null ? null : end(days), warrantyVoidedAt: voided ? new Date("2026-11-01T00:00:00Z") : null });

describe("warrantyStatus at the edges", () => {
  it.each([
    [31, "active", 31],
    [30, "active", 30],
    [29, "expiring", 29],
    [1, "expiring", 1],
    [0, "expiring", 0],
    [-1, "expired", -1],
    [-400, "expired", -400],
  ] as const)("%i days before the end: %s", (days, status, left) => {
    expect(warrantyStatus(dates(days), today)).toBe(status);
    expect(warrantyDaysLeft(end(days), today)).toBe(left);
  });

  it("the end day itself is still covered; the day after is not", () => {
    expect(warrantyStatus(dates(0), new Date("2026-12-03T23:59:59Z"))).toBe("expiring");
    expect(warrantyStatus(dates(0), new Date("2026-12-04T00:00:00Z"))).toBe("expired");
  });

  it("void wins over any date; no end date is none", () => {
    expect(warrantyStatus(dates(400, true), today)).toBe("void");
    expect(warrantyStatus(dates(null, true), today)).toBe("void");
    expect(warrantyStatus(dates(null), today)).toBe("none");
  });
});

describe("checkWarrantyEligibility (I-013 §9.2)", () => {
  it("eligible with the days remaining and the terms", () => {
    expect(checkWarrantyEligibility({ ...dates(120), warrantyTerms: "2-year parts and labour" }, "sensor_failure", today)).toEqual({ eligible: true, status: "active", daysRemaining: 120, coverage: "2-year parts and labour" });
    expect(checkWarrantyEligibility(dates(0), "hardware_failure", today)).toMatchObject({ eligible: true, status: "expiring", daysRemaining: 0, coverage: "Standard" });
  });

  it("expired, void and none are not eligible, with a reason and the paid repair", () => {
    expect(checkWarrantyEligibility(dates(-1), "hardware_failure", today)).toEqual({ eligible: false, status: "expired", reason: "Warranty expired on 2026-12-02", alternative: "paid_repair", daysRemaining: -1 });
    expect(checkWarrantyEligibility({ ...dates(200, true), warrantyVoidReason: "Opened by a third party" }, "hardware_failure", today)).toMatchObject({ eligible: false, status: "void", reason: "Warranty void: Opened by a third party", alternative: "paid_repair" });
    expect(checkWarrantyEligibility(dates(null), "hardware_failure", today)).toMatchObject({ eligible: false, status: "none", alternative: "paid_repair", daysRemaining: null });
  });

  it.each(["physical_damage", "water_damage", "misuse"])("%s is excluded even under an active warranty", (issue) => {
    expect(checkWarrantyEligibility(dates(300), issue, today)).toMatchObject({ eligible: false, status: "active", alternative: "paid_repair", reason: expect.stringContaining("not covered") });
  });
});

describe("an extension's new end", () => {
  it("counts from the current end while it runs, from today once it has passed or when there is none", () => {
    expect(extendedEnd(end(10), 12, today).toISOString().slice(0, 10)).toBe("2027-12-13");
    expect(extendedEnd(end(0), 1, today).toISOString().slice(0, 10)).toBe("2027-01-03");
    expect(extendedEnd(end(-50), 6, today).toISOString().slice(0, 10)).toBe("2027-06-03");
    expect(extendedEnd(null, 24, today).toISOString().slice(0, 10)).toBe("2028-12-03");
  });

  it("keeps to the month's last day", () => {
    expect(addMonths(new Date("2027-01-31T00:00:00Z"), 1).toISOString().slice(0, 10)).toBe("2027-02-28");
    expect(addMonths(new Date("2027-08-31T00:00:00Z"), 6).toISOString().slice(0, 10)).toBe("2028-02-29");
  });
});
