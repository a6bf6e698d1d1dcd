import { describe, expect, it } from "vitest";
import { insideWindow, maintenanceWindowSchema, nextWindowOpening } from "./maintenance-window";

const night = maintenanceWindowSchema.parse({ start: "02:00", end: "06:00", days: ["tue", "wed", "thu"], timeZone: "Europe/Dublin" });

describe("maintenance windows", () => {
  it("is open inside the hours on the listed days, in the window's time zone", () => {
    // Tuesday 24 Nov 2026, 03:00 in Dublin (UTC+0 in winter)
    expect(insideWindow(night, new Date("2026-11-24T03:00:00Z"))).toBe(true);
    expect(insideWindow(night, new Date("2026-11-24T06:00:00Z"))).toBe(false);
    expect(insideWindow(night, new Date("2026-11-23T03:00:00Z"))).toBe(false); // Monday
  });

  it("follows daylight saving time", () => {
    // Tuesday 7 July 2026: Dublin is UTC+1, so 02:30 local is 01:30 UTC
    expect(insideWindow(night, new Date("2026-07-07T01:30:00Z"))).toBe(true);
    expect(insideWindow(night, new Date("2026-07-07T05:30:00Z"))).toBe(false);
  });

  it("handles a window across midnight as belonging to the day it starts", () => {
    const late = maintenanceWindowSchema.parse({ start: "22:00", end: "04:00", days: ["fri"], timeZone: "UTC" });
    expect(insideWindow(late, new Date("2026-11-27T23:00:00Z"))).toBe(true); // Friday night
    expect(insideWindow(late, new Date("2026-11-28T03:00:00Z"))).toBe(true); // Saturday early morning
    expect(insideWindow(late, new Date("2026-11-28T23:00:00Z"))).toBe(false); // Saturday night
  });

  it("finds the next opening, and is always open without a window", () => {
    expect(nextWindowOpening(night, new Date("2026-11-23T12:00:00Z"))).toEqual(new Date("2026-11-24T02:00:00Z"));
    const at = new Date("2026-11-23T12:00:00Z");
    expect(nextWindowOpening(null, at)).toBe(at);
    expect(insideWindow(undefined, at)).toBe(true);
  });

  it("refuses bad times and zones", () => {
    expect(maintenanceWindowSchema.safeParse({ start: "25:00", end: "06:00", timeZone: "UTC" }).success).toBe(false);
    expect(maintenanceWindowSchema.safeParse({ start: "02:00", end: "06:00", timeZone: "Mars/Olympus" }).success).toBe(false);
    expect(maintenanceWindowSchema.safeParse({ start: "02:00", end: "02:00", timeZone: "UTC" }).success).toBe(false);
  });
});
