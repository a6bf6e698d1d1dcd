import { describe, expect, it } from "vitest";
import { farmCreateSchema, farmIdFromPath, farmUpdateSchema, isFarmTimeZone, TIME_ZONES } from "./farm-schemas";

describe("farm schemas", () => {
  it("offers UTC and the runtime's IANA zones, and accepts a known link but no offset", () => {
    expect(TIME_ZONES[0]).toBe("UTC");
    expect(TIME_ZONES).toContain("Europe/Amsterdam");
    expect(isFarmTimeZone("Asia/Kolkata")).toBe(true);
    expect(isFarmTimeZone("+01:00")).toBe(false);
    expect(isFarmTimeZone("Mars/Olympus")).toBe(false);
  });

  it("reads a form: trimmed text, upper-case code, blank optional fields as none, defaults", () => {
    const parsed = farmCreateSchema.parse({ name: " Farm ", code: " ab-1 ", address: "", latitude: "", longitude: "", timezone: "Europe/Dublin", escalationIntervalMinutes: "15", debounceMinutes: "0", digestHour: "23" });
    expect(parsed).toEqual({ name: "Farm", code: "AB-1", address: null, latitude: null, longitude: null, timezone: "Europe/Dublin", escalationIntervalMinutes: 15, debounceMinutes: 0, digestHour: 23 });
    expect(farmCreateSchema.parse({ name: "x", code: "X" })).toMatchObject({ timezone: "UTC", escalationIntervalMinutes: 15, debounceMinutes: 5, digestHour: 7 });
  });

  it("refuses fractions and out-of-range minutes and hours", () => {
    const result = farmUpdateSchema.safeParse({ escalationIntervalMinutes: 1.5, debounceMinutes: 1441, digestHour: -1 });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path[0]).sort()).toEqual(["debounceMinutes", "digestHour", "escalationIntervalMinutes"]);
    expect(farmUpdateSchema.safeParse({}).success).toBe(true);
  });

  it("takes a farm id from a path, anything else is not found", () => {
    expect(farmIdFromPath("12")).toBe(12);
    for (const raw of ["0", "-1", "1.5", "abc", "99999999999"]) expect(() => farmIdFromPath(raw)).toThrow(/not found/);
  });
});
