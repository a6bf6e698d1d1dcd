import { describe, expect, it } from "vitest";
import { columnKeys, guessField, guessMapping, mappingIssues, mappingToObject, resolveMapping } from "./column-mapping";
import { headerSignature } from "./import-mappings";

describe("the column mapping", () => {
  it("guesses fields from header names, aliases and words inside vendors' headers", () => {
    expect(guessMapping(["Device ID", "Naam", "Type", "Serial no.", "MAC-adres", "Aankoopdatum", "Colour", ""])).toEqual([
      "device_id",
      "name",
      "device_type",
      "serial_number",
      "mac_address",
      "purchase_date",
      "ignore",
      "ignore",
    ]);
    expect(guessField("Device serial (label)")).toBe("serial_number");
    expect(guessField("Warranty until")).toBe("warranty_end");
    expect(guessField("Unit label")).toBeNull();
  });

  it("names blank and repeated headers so a mapping by name stays unambiguous", () => {
    expect(columnKeys(["Serial", "", "Serial"])).toEqual(["Serial", "Column 2", "Serial (2)"]);
  });

  it("reports a required field without a column and a field with two", () => {
    const headers = ["id", "serial_number", "Serial Number"];
    const issues = mappingIssues(headers, guessMapping(headers));
    expect(issues.map((issue) => issue.message)).toEqual([
      "No column is mapped to name (required)",
      "No column is mapped to device_type (required)",
      'Two columns hold serial_number: "serial_number" and "Serial Number"; map all but one to “ignore”',
    ]);
    expect(mappingIssues(headers, ["device_id", "name", "device_type"])).toEqual([]);
  });

  it("accepts a mapping as a list or by column name, and refuses one made for other headers", () => {
    const headers = ["Asset", "Label", "Kind"];
    expect(resolveMapping(headers, ["device_id", "name", "device_type"])).toEqual({ mapping: ["device_id", "name", "device_type"] });
    expect(resolveMapping(headers, { Asset: "device_id", Kind: "device_type" })).toEqual({ mapping: ["device_id", "ignore", "device_type"] });
    expect(resolveMapping(headers, { Serial: "serial_number" })).toEqual({ error: 'The mapping names column the file does not have: "Serial" (it was made for other headers)' });
    expect(resolveMapping(headers, ["device_id", "name"])).toMatchObject({ error: expect.stringContaining("made for other headers") });
    expect(resolveMapping(headers, ["device_id", "name", "colour"])).toEqual({ error: 'Unknown field "colour" in the mapping' });
    expect(mappingToObject(headers, ["device_id", "name", "device_type"])).toEqual({ Asset: "device_id", Label: "name", Kind: "device_type" });
  });

  it("signs headers by their normalised names, in order", () => {
    expect(headerSignature(["Device ID", "Name"])).toBe(headerSignature([" device-id", "NAME "]));
    expect(headerSignature(["Device ID", "Name"])).not.toBe(headerSignature(["Name", "Device ID"]));
    expect(headerSignature(["Device ID", "Name"])).not.toBe(headerSignature(["Device ID", "Name", "Type"]));
    expect(headerSignature(["a"])).toMatch(/^[0-9a-f]{64}$/);
  });
});
