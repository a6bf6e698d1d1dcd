import { describe, expect, it } from "vitest";
import { EXPORT_COLUMNS, spreadsheetSafe } from "./device-export";

describe("spreadsheetSafe", () => {
  it("defuses a cell a spreadsheet would run as a formula, whoever typed it", () => {
    for (const formula of ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]) {
      expect(spreadsheetSafe(formula), JSON.stringify(formula)).toBe(`'${formula}`);
    }
  });

  it("leaves ordinary text, numbers (negative ones too) and empty cells as they are", () => {
    expect(spreadsheetSafe("Meter 1 = north")).toBe("Meter 1 = north");
    expect(spreadsheetSafe("")).toBe("");
    expect(spreadsheetSafe(-40)).toBe(-40);
    expect(spreadsheetSafe(null)).toBeNull();
  });

  it("names each column once, the device id first", () => {
    expect(EXPORT_COLUMNS[0]).toBe("device_id");
    expect(new Set(EXPORT_COLUMNS).size).toBe(EXPORT_COLUMNS.length);
  });
});
