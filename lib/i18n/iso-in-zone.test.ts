import { describe, expect, it } from "vitest";
import { isoInZone } from "./format";

describe("isoInZone: exports' ISO 8601 with the farm's offset", () => {
  it("writes the farm's wall clock and its offset, summer and winter", () => {
    expect(isoInZone(new Date("2026-12-03T10:00:00.400Z"), "Europe/Amsterdam")).toBe("2026-12-03T11:00:00+01:00");
    expect(isoInZone(new Date("2026-07-03T10:00:00Z"), "Europe/Amsterdam")).toBe("2026-07-03T12:00:00+02:00");
    expect(isoInZone(new Date("2026-12-03T10:00:00Z"), "America/New_York")).toBe("2026-12-03T05:00:00-05:00");
    expect(isoInZone(new Date("2026-12-03T10:00:00Z"), "Asia/Kolkata")).toBe("2026-12-03T15:30:00+05:30");
  });

  it("is the same moment as the UTC reading", () => {
    const at = new Date("2026-03-29T01:30:00Z");
    expect(new Date(isoInZone(at, "Europe/Amsterdam")!).getTime()).toBe(at.getTime());
  });

  it("UTC for no zone or an unknown one; nothing for no date", () => {
    expect(isoInZone(new Date("2026-12-03T10:00:00Z"), null)).toBe("2026-12-03T10:00:00+00:00");
    expect(isoInZone(new Date("2026-12-03T10:00:00Z"), "Mars/Base")).toBe("2026-12-03T10:00:00+00:00");
    expect(isoInZone(null, "UTC")).toBeNull();
  });
});
