import { describe, expect, it } from "vitest";
import { addDays, partitionName, utcDay } from "./partitions";

describe("day partitions' names and days", () => {
  it("names a day's partition after its UTC day", () => {
    expect(partitionName("2026-12-04")).toBe("telemetry_samples_p20261204");
    // A moment late in the evening west of Greenwich is already the next UTC day.
    expect(utcDay(new Date("2026-12-04T23:30:00-05:00"))).toBe("2026-12-05");
  });

  it("counts days across month, year and leap-day boundaries", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });

  it("refuses anything that is not a day (the name goes into SQL)", () => {
    expect(() => partitionName("2026-12-04; DROP TABLE devices")).toThrow(/not a day/);
    expect(() => partitionName("2026-13-45")).toThrow(/not a day/);
  });
});
