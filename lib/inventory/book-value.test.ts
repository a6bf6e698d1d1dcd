import { describe, expect, it } from "vitest";
import { assetRecordErrors, mergeAssetRecord } from "./asset-record";
import { bookValueCents, wholeMonthsBetween } from "./book-value";

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe("straight-line book value", () => {
  it("counts whole calendar months as PostgreSQL's age() does", () => {
    expect(wholeMonthsBetween(d("2026-01-31"), d("2026-03-31"))).toBe(2);
    expect(wholeMonthsBetween(d("2026-01-31"), d("2026-02-28"))).toBe(0);
    expect(wholeMonthsBetween(d("2026-01-31"), d("2026-03-30"))).toBe(1);
    expect(wholeMonthsBetween(d("2024-12-03"), d("2026-12-03"))).toBe(24);
    expect(wholeMonthsBetween(d("2026-12-10"), d("2026-12-03"))).toBe(0);
  });

  it("writes the cost down by a month's share each whole month, to zero", () => {
    expect(bookValueCents(50_000, 60, d("2024-12-03"), d("2026-12-03"))).toBe(30_000);
    expect(bookValueCents(33_333, 10, d("2026-06-15"), d("2026-12-03"))).toBe(16_667);
    expect(bookValueCents(10_000, 60, d("2020-01-01"), d("2026-12-03"))).toBe(0);
    // bought later than today (ordered, not delivered): the whole cost
    expect(bookValueCents(10_000, 12, d("2027-03-01"), d("2026-12-03"))).toBe(10_000);
  });
});

describe("the asset record's rules", () => {
  const empty = { supplier: null, purchaseOrder: null, purchaseDate: null, unitCost: null, depreciationMonths: null, warrantyStart: null, warrantyEnd: null, warrantyTerms: null, storageLocation: null };

  it("gives a purchase the seed's 2-year warranty when none is on record or given", () => {
    const next = mergeAssetRecord(empty, { purchaseDate: d("2024-02-29") });
    expect(next).toMatchObject({ warrantyStart: d("2024-02-29"), warrantyEnd: d("2026-02-28"), warrantyTerms: "Standard 2-year manufacturer warranty" });
    // an end given (or cleared) on purpose is kept
    expect(mergeAssetRecord(empty, { purchaseDate: d("2024-01-01"), warrantyEnd: d("2025-01-01") }).warrantyEnd).toEqual(d("2025-01-01"));
    expect(mergeAssetRecord(empty, { purchaseDate: d("2024-01-01"), warrantyEnd: null }).warrantyEnd).toBeNull();
    expect(mergeAssetRecord({ ...empty, warrantyEnd: d("2030-01-01") }, { purchaseDate: d("2024-01-01") }).warrantyEnd).toEqual(d("2030-01-01"));
  });

  it("names the field that put the dates out of order", () => {
    const record = { ...empty, purchaseDate: d("2026-01-15"), warrantyStart: d("2026-01-15"), warrantyEnd: d("2028-01-15") };
    expect(assetRecordErrors({ ...record, warrantyStart: d("2026-01-14") }, { warrantyStart: d("2026-01-14") })).toHaveProperty("warrantyStart");
    expect(assetRecordErrors({ ...record, purchaseDate: d("2026-01-16") }, { purchaseDate: d("2026-01-16") })).toHaveProperty("purchaseDate");
    expect(Object.keys(assetRecordErrors({ ...record, warrantyEnd: d("2026-01-14") }, { warrantyEnd: d("2026-01-14") }))).toEqual(["warrantyEnd"]);
    expect(assetRecordErrors({ ...record, warrantyEnd: d("2026-01-15") }, { warrantyEnd: d("2026-01-15") })).toEqual({});
  });
});
