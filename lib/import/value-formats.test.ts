import { describe, expect, it } from "vitest";
import { detectDateFormat, detectDecimalSeparator, excelSerialDate, isoDate, parseBoolean, parseDateCell, parseDecimal, SCIENTIFIC } from "./value-formats";

const day = (value: string, format: Parameters<typeof parseDateCell>[1]) => {
  const parsed = parseDateCell(value, format);
  return parsed.ok ? isoDate(parsed.value) : parsed.message;
};

describe("date formats, detected from the whole column", () => {
  it("reads ISO dates, with a time after them", () => {
    expect(detectDateFormat(["2026-03-31", "2025-12-01 00:00:00", ""])).toEqual({ format: "iso", evidence: null });
    expect(day("2026-03-31", "iso")).toBe("2026-03-31");
    expect(day("2026-03-31T14:00:00", "iso")).toBe("2026-03-31");
    expect(day("2026-02-30", "iso")).toMatch(/is not a date/);
  });

  it("settles on day-first when one value has a day above 12 first, and then reads the ambiguous ones that way", () => {
    const column = ["03/04/2026", "25/12/2025", "01-02-2026"];
    expect(detectDateFormat(column)).toEqual({ format: "dmy", evidence: "25/12/2025" });
    expect(day("03/04/2026", "dmy")).toBe("2026-04-03");
    expect(day("25.12.2025", "dmy")).toBe("2025-12-25");
    expect(day("31/02/2026", "dmy")).toMatch(/is not a date/);
  });

  it("settles on month-first when one value has a day above 12 second", () => {
    expect(detectDateFormat(["03/04/2026", "12/25/2025"])).toEqual({ format: "mdy", evidence: "12/25/2025" });
    expect(day("03/04/2026", "mdy")).toBe("2026-03-04");
    expect(day("12/25/25", "mdy")).toBe("2025-12-25");
  });

  it("refuses by row a value the column cannot settle, and takes one that reads the same both ways", () => {
    expect(detectDateFormat(["03/04/2026", "05/05/2026"])).toEqual({ format: "undecided", evidence: null });
    expect(day("03/04/2026", "undecided")).toBe('"03/04/2026" could be 3 April 2026 (day first) or 4 March 2026 (month first); choose the date format');
    expect(day("05/05/2026", "undecided")).toBe("2026-05-05");
  });

  it("calls a column with both kinds mixed, and still refuses only the ambiguous values", () => {
    expect(detectDateFormat(["25/12/2025", "12/25/2025", "03/04/2026"]).format).toBe("mixed");
    expect(day("25/12/2025", "mixed")).toBe("2025-12-25");
    expect(day("12/25/2025", "mixed")).toBe("2025-12-25");
    expect(day("03/04/2026", "mixed")).toMatch(/could be/);
  });

  it("reads Excel serial dates (days since 1899-12-30)", () => {
    expect(detectDateFormat(["46112", "45000"])).toEqual({ format: "excel", evidence: null });
    expect(isoDate(excelSerialDate(46112)!)).toBe("2026-03-31");
    expect(day("46112", "excel")).toBe("2026-03-31");
    expect(day("46112", "dmy")).toMatch(/is a number, not a day-first date/);
  });

  it("refuses a dd/mm date when the admin chose ISO", () => {
    expect(day("31/03/2026", "iso")).toMatch(/not an ISO date/);
  });
});

describe("decimal and thousands separators", () => {
  it("detects the decimal separator from the column", () => {
    expect(detectDecimalSeparator(["52,37", "4,9"])).toBe(",");
    expect(detectDecimalSeparator(["52.37", "4.9"])).toBe(".");
    expect(detectDecimalSeparator(["1.234,5"])).toBe(",");
    expect(detectDecimalSeparator(["1,234.5"])).toBe(".");
  });

  it("reads a decimal comma and thousands points, and the other way round", () => {
    expect(parseDecimal("52,3702", ",")).toBe(52.3702);
    expect(parseDecimal("1.234,5", ",")).toBe(1234.5);
    expect(parseDecimal("1,234.5", ".")).toBe(1234.5);
    expect(parseDecimal("-4.8952", ".")).toBe(-4.8952);
    expect(parseDecimal("1 234,5", ",")).toBe(1234.5);
    expect(parseDecimal("12,34,5", ",")).toBeNull();
    expect(parseDecimal("abc", ".")).toBeNull();
  });
});

describe("booleans", () => {
  it("reads yes/no, true/false, 1/0 and Dutch ja/nee", () => {
    for (const value of ["yes", "Y", "true", "1", "ja", "J", "waar"]) expect(parseBoolean(value), value).toBe(true);
    for (const value of ["no", "N", "false", "0", "nee", "onwaar"]) expect(parseBoolean(value), value).toBe(false);
    expect(parseBoolean("maybe")).toBeNull();
    expect(parseBoolean("")).toBeNull();
  });
});

describe("scientific notation", () => {
  it("recognises what Excel does to long numbers", () => {
    expect(SCIENTIFIC.test("1.23457E+11")).toBe(true);
    expect(SCIENTIFIC.test("1,23457E+11")).toBe(true);
    expect(SCIENTIFIC.test("SN-1E5")).toBe(false);
    expect(SCIENTIFIC.test("123457000000")).toBe(false);
  });
});
