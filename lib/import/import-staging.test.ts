/**
 * The pure parts of the staged import (issue 20): a value in COPY's text format, the keys a row is
 * staged with (what the SQL checks compare), and the duplicate warnings built from the first rows
 * SQL finds, against DuplicateWatch, the in-memory rule they replace.
 */
import { describe, expect, it } from "vitest";
import { copyValue } from "./import-staging";
import { DuplicateWatch, duplicateInFile, stagingKeys, type Row } from "./row-preparation";

describe("COPY text values", () => {
  it("escapes backslash, tab, newline and return, writes null as \\N, and drops a NUL", () => {
    expect(copyValue("Barn 1, \"north\" side")).toBe('Barn 1, "north" side');
    expect(copyValue("a\tb\nc\rd\\e")).toBe("a\\tb\\nc\\rd\\\\e");
    expect(copyValue("\\N")).toBe("\\\\N");
    expect(copyValue(null)).toBe("\\N");
    expect(copyValue(undefined)).toBe("\\N");
    expect(copyValue("")).toBe("");
    expect(copyValue("x\0y")).toBe("xy");
  });
});

describe("the keys a row is staged with", () => {
  it("keys a usable device id as validateRow reads it, and nothing for an id it refuses", () => {
    expect(stagingKeys({ device_id: "  ac001 " })).toMatchObject({ rowId: "AC001", idKey: "AC001" });
    expect(stagingKeys({ device_id: "'=AC002" }).idKey).toBeNull();
    expect(stagingKeys({ device_id: "A1" })).toMatchObject({ rowId: "A1", idKey: null });
    expect(stagingKeys({ device_id: "<empty>" }).idKey).toBeNull();
    expect(stagingKeys({ device_id: "" })).toMatchObject({ rowId: null, idKey: null });
  });

  it("keys a serial unless Excel damaged it, case-blind within the file, and a MAC as the registry stores it", () => {
    expect(stagingKeys({ serial_number: " sn-12a ", mac_address: "b8-27-eb-00-00-01" })).toMatchObject({ serialText: "sn-12a", serialKey: "SN-12A", macKey: "B8:27:EB:00:00:01" });
    expect(stagingKeys({ serial_number: "1.23457E+11", mac_address: "not a mac" })).toMatchObject({ serialText: null, serialKey: null, macKey: null });
  });
});

describe("duplicate serials and MACs in the file, from SQL's first rows", () => {
  it("warns as DuplicateWatch does, row for row", () => {
    const rows: Row[] = [
      { serial_number: "SN-1", mac_address: "B8:27:EB:00:00:01" },
      { serial_number: "sn-1", mac_address: "b8-27-eb-00-00-02" },
      { serial_number: "SN-2", mac_address: "B8:27:EB:00:00:01" },
      { serial_number: "SN-1", mac_address: "b8:27:eb:00:00:02" },
    ];
    // what the SQL computes: per key, the first row holding it, when it is an earlier row
    const firstOf = (key: (row: Row) => string | null) => (index: number) => {
      const mine = key(rows[index]!);
      const first = rows.findIndex((row) => mine !== null && key(row) === mine);
      return first < index && first >= 0 ? first + 2 : null;
    };
    const serialFirst = firstOf((row) => stagingKeys(row).serialKey);
    const macFirst = firstOf((row) => stagingKeys(row).macKey);
    const watch = new DuplicateWatch();
    rows.forEach((row, index) => {
      expect(duplicateInFile(row, { serialFirst: serialFirst(index), macFirst: macFirst(index) })).toEqual(watch.check(row, index + 2));
    });
    expect(duplicateInFile(rows[3]!, { serialFirst: 2, macFirst: 3 })).toEqual([
      { column: "serial_number", code: "duplicate_in_file", message: "Serial SN-1 is also on row 2" },
      { column: "mac_address", code: "duplicate_in_file", message: "MAC B8:27:EB:00:00:02 is also on row 3" },
    ]);
  });
});
