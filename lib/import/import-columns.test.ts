import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { DEVICE_TYPES } from "../devices/device-id";
import { EXPORT_COLUMNS, IMPORTABLE_EXPORT_COLUMNS, READ_ONLY_EXPORT_COLUMNS } from "../devices/device-export";
import { guessMapping, IGNORE } from "./column-mapping";
import { columnFor, IMPORT_COLUMNS, isEmptyMarker, mapHeader, normaliseHeader, readOnlyReason, recordToRow, templateCsv } from "./import-columns";

describe("import columns", () => {
  it("matches headers case- and space-insensitively, with aliases", () => {
    expect(normaliseHeader("  Device ID ")).toBe("device_id");
    expect(columnFor("Device ID")).toBe("device_id");
    expect(columnFor("DEVICE-TYPE")).toBe("device_type");
    expect(columnFor("Serial Number")).toBe("serial_number");
    expect(columnFor("location")).toBe("location_description");
    expect(columnFor("MAC")).toBe("mac_address");
    expect(columnFor("colour")).toBeNull();
  });

  it("lists unknown columns and missing required ones", () => {
    const header = mapHeader(["Device ID", "Colour", "name", "Name", ""]);
    expect(header.columns).toEqual(["device_id", "name"]);
    expect(header.unknownColumns).toEqual(["Colour"]);
    expect(header.duplicateColumns).toEqual([{ column: "name", headers: ["name", "Name"] }]);
    expect(header.missingRequired).toEqual(["device_type"]);
    expect(recordToRow(header.positions, ["AC001", "red", "Collar", "ignored", ""])).toEqual({ device_id: "AC001", name: "Collar" });
  });

  it("reads the export's template columns", () => {
    const header = mapHeader([...EXPORT_COLUMNS]);
    expect(header.missingRequired).toEqual([]);
    expect(header.columns.slice(0, 9)).toEqual(["device_id", "name", "device_type", "farm_code", "manufacturer", "model", "serial_number", "mac_address", "location_description"]);
  });

  it("maps every importable column of the export to a field, each once, and every import field is exported", () => {
    const mapping = guessMapping([...EXPORT_COLUMNS]);
    const fields = mapping.slice(0, IMPORTABLE_EXPORT_COLUMNS.length);
    expect(fields).not.toContain(IGNORE);
    expect(new Set(fields).size).toBe(fields.length);
    expect([...fields].sort()).toEqual([...IMPORT_COLUMNS].sort());
  });

  it("recognises the export's read-only columns and ignores them with the reason", () => {
    const mapping = guessMapping([...EXPORT_COLUMNS]);
    expect(mapping.slice(IMPORTABLE_EXPORT_COLUMNS.length)).toEqual(READ_ONLY_EXPORT_COLUMNS.map(() => IGNORE));
    for (const column of READ_ONLY_EXPORT_COLUMNS) expect(readOnlyReason(column), column).toMatch(/^read-only: /);
    expect(readOnlyReason("Battery Level")).toBe("read-only: reported by the device");
    expect(readOnlyReason("colour")).toBeNull();
  });

  it("knows the <empty> marker in any case and with spaces around", () => {
    expect(isEmptyMarker("<empty>")).toBe(true);
    expect(isEmptyMarker(" <EMPTY> ")).toBe(true);
    expect(isEmptyMarker("")).toBe(false);
    expect(isEmptyMarker("empty")).toBe(false);
  });

  it("offers a template with the header and one example row per device type", () => {
    const rows = parse(templateCsv()) as string[][];
    expect(rows[0]).toEqual([...IMPORT_COLUMNS]);
    expect(rows.slice(1).map((row) => row[2])).toEqual([...DEVICE_TYPES]);
  });
});
