import { describe, expect, it } from "vitest";
import { columnFormats, DuplicateWatch, FormatSurvey, prepareRow } from "./row-preparation";

describe("preparing a row for validation", () => {
  const keys = { serial_number: "Serial no.", purchase_date: "Bought" };

  it("rewrites day-first dates and decimal commas detected from the whole column", () => {
    const rows = [{ purchase_date: "03/04/2026", latitude: "52,37" }, { purchase_date: "25/12/2025", latitude: "4,9" }];
    const formats = columnFormats(rows, {});
    expect(formats.dates.purchase_date).toEqual({ format: "dmy", evidence: "25/12/2025" });
    expect(formats.decimal).toBe(",");
    expect(prepareRow(rows[0]!, formats, keys)).toEqual({ row: { purchase_date: "2026-04-03", latitude: "52.37" }, errors: [], warnings: [] });
  });

  it("refuses an ambiguous date by row, with the column", () => {
    const rows = [{ purchase_date: "03/04/2026" }];
    const prepared = prepareRow(rows[0]!, columnFormats(rows, {}), keys);
    expect(prepared.errors).toEqual([{ column: "purchase_date", message: expect.stringContaining("could be 3 April 2026 (day first) or 4 March 2026 (month first)") }]);
    expect(prepared.row.purchase_date).toBeUndefined();
    // chosen by the admin, it is read that way
    expect(prepareRow(rows[0]!, columnFormats(rows, { dateFormat: "mdy" }), keys).row.purchase_date).toBe("2026-03-04");
  });

  it("settles a column of ambiguous days by the file's other date columns, when they agree", () => {
    const rows = [{ purchase_date: "25/12/2025", warranty_end: "03/04/2027", last_calibration: "" }];
    expect(columnFormats(rows, {}).dates.warranty_end).toEqual({ format: "dmy", evidence: "25/12/2025 in purchase_date" });
    // columns that disagree settle nothing: the ambiguous one stays undecided (refused by row)
    const mixed = [{ purchase_date: "25/12/2025", warranty_start: "12/25/2025", warranty_end: "03/04/2027" }];
    expect(columnFormats(mixed, {}).dates.warranty_end!.format).toBe("undecided");
  });

  it("warns about a serial or MAC in scientific notation and about trimmed values", () => {
    const formats = columnFormats([], {});
    const prepared = prepareRow({ serial_number: "1.23457E+11", name: "  Kuh " }, formats, keys);
    expect(prepared.row).toEqual({ serial_number: "1.23457E+11", name: "Kuh" });
    expect(prepared.warnings.map((warning) => warning.code).sort()).toEqual(["scientific_notation", "value_trimmed"]);
    expect(prepared.warnings.find((warning) => warning.code === "scientific_notation")!.message).toContain("digits are lost");
  });

  it("warns about a serial or MAC seen earlier in the file", () => {
    const watch = new DuplicateWatch();
    expect(watch.check({ serial_number: "SN-1", mac_address: "00-1a-2b-3c-4d-5e" }, 2)).toEqual([]);
    expect(watch.check({ serial_number: "sn-1", mac_address: "00:1A:2B:3C:4D:5E" }, 3)).toEqual([
      { column: "serial_number", code: "duplicate_in_file", message: "Serial sn-1 is also on row 2" },
      { column: "mac_address", code: "duplicate_in_file", message: "MAC 00:1A:2B:3C:4D:5E is also on row 2" },
    ]);
  });
});

describe("the formats surveyed row by row", () => {
  it("settle as columnFormats does on the whole column", () => {
    const rows = [{ purchase_date: "03/04/2026", warranty_end: "01/02/2027", latitude: "52,37" }, { purchase_date: "25/12/2025", unit_cost: "1.234,50" }, { purchase_date: "<empty>" }];
    const survey = new FormatSurvey();
    for (const row of rows) survey.add(row);
    expect(survey.formats({})).toEqual(columnFormats(rows, {}));
    expect(survey.formats({}).dates.warranty_end).toEqual({ format: "dmy", evidence: "25/12/2025 in purchase_date" });
    expect(survey.formats({}).decimal).toBe(",");
    expect(survey.formats({ dateFormat: "mdy", decimal: "." })).toEqual(columnFormats(rows, { dateFormat: "mdy", decimal: "." }));
  });
});
