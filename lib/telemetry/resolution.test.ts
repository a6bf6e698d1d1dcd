import { describe, expect, it } from "vitest";
import { HISTORY_RANGES } from "../health/health-history";
import { resolutionFor } from "./resolution";

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe("resolutionFor", () => {
  it("reads raw samples up to 6 h, 5-minute rollups up to 14 days, hourly ones beyond", () => {
    expect(resolutionFor(HOUR)).toBe("raw");
    expect(resolutionFor(6 * HOUR)).toBe("raw");
    expect(resolutionFor(6 * HOUR + 1)).toBe("5m");
    expect(resolutionFor(DAY)).toBe("5m");
    expect(resolutionFor(14 * DAY)).toBe("5m");
    expect(resolutionFor(30 * DAY)).toBe("1h");
  });

  it("falls back to a finer resolution when the chart's buckets would straddle rollup rows", () => {
    expect(resolutionFor(30 * DAY, 30 * 60_000)).toBe("5m");
    expect(resolutionFor(30 * DAY, 90_000)).toBe("raw");
    expect(resolutionFor(7 * DAY, 7 * 60_000)).toBe("raw");
    expect(resolutionFor(DAY, 60_000)).toBe("raw");
  });

  it("gives the device charts 5-minute rollups for 24 h and 7 days, hourly ones for 30 days", () => {
    expect(Object.fromEntries(Object.entries(HISTORY_RANGES).map(([range, { spanMs, bucketMs }]) => [range, resolutionFor(spanMs, bucketMs)]))).toEqual({
      "24h": "5m",
      "7d": "5m",
      "30d": "1h",
    });
  });
});
