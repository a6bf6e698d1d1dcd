import { describe, expect, it } from "vitest";
import { computeHealthScore, computeHealthStatus } from "./device-health";
import { bucketStart, CHART_THRESHOLDS, chartReferenceLines, fillBuckets, HISTORY_RANGES, historyRangeSchema, type HistoryPoint } from "./health-history";

const now = new Date("2026-11-23T12:00:00Z");
const seen = { lastSeen: now, errorCount: 0, batteryLevel: 80, signalStrength: -50 };

describe("the chart thresholds", () => {
  it("are the limits of the M92 health rules, not a copy that could drift", () => {
    const { batteryCritical, batteryWarning, signalFair, signalPoor, errorsWarning, errorsCritical } = CHART_THRESHOLDS;
    expect(computeHealthStatus({ ...seen, batteryLevel: batteryCritical - 0.1 }, now)).toBe("critical");
    expect(computeHealthStatus({ ...seen, batteryLevel: batteryCritical }, now)).toBe("warning");
    expect(computeHealthStatus({ ...seen, batteryLevel: batteryWarning - 0.1 }, now)).toBe("warning");
    expect(computeHealthStatus({ ...seen, batteryLevel: batteryWarning }, now)).toBe("healthy");
    expect(computeHealthStatus({ ...seen, errorCount: errorsWarning }, now)).toBe("healthy");
    expect(computeHealthStatus({ ...seen, errorCount: errorsWarning + 1 }, now)).toBe("warning");
    expect(computeHealthStatus({ ...seen, errorCount: errorsCritical }, now)).toBe("warning");
    expect(computeHealthStatus({ ...seen, errorCount: errorsCritical + 1 }, now)).toBe("critical");
    const score = (signalStrength: number) => computeHealthScore({ ...seen, signalStrength, healthStatus: "healthy" });
    expect(score(signalFair) - score(signalFair - 1)).toBe(10);
    expect(score(signalPoor) - score(signalPoor - 1)).toBe(10);
    expect(score(signalFair + 1)).toBe(100);
  });

  it("add the device's own low-battery threshold, once", () => {
    expect(chartReferenceLines(20).battery.map((line) => line.value)).toEqual([10, 20]);
    expect(chartReferenceLines(35).battery.map((line) => line.value)).toEqual([10, 20, 35]);
    expect(chartReferenceLines(35).battery[2]!.label).toContain("35 %");
    expect(chartReferenceLines(20).signal.map((line) => line.value)).toEqual([-70, -90]);
    expect(chartReferenceLines(20).errors.map((line) => line.value)).toEqual([5, 10]);
  });
});

describe("buckets", () => {
  it("start where date_bin from the epoch puts them", () => {
    expect(bucketStart(Date.parse("2026-11-23T12:07:31Z"), 5 * 60_000)).toBe(Date.parse("2026-11-23T12:05:00Z"));
    expect(bucketStart(Date.parse("2026-11-23T03:59:59Z"), 4 * 3600_000)).toBe(Date.parse("2026-11-23T00:00:00Z"));
  });

  it("cover the whole range, with gaps where there were no samples", () => {
    const step = 60_000;
    const from = Date.parse("2026-11-23T12:00:00Z");
    const point: HistoryPoint = { t: from + step, battery: 50, signal: -60, score: 90, errors: 0, samples: 3 };
    const filled = fillBuckets([point], from, from + 3 * step, step);
    expect(filled.map((p) => p.t - from)).toEqual([0, step, 2 * step, 3 * step]);
    expect(filled[1]).toBe(point);
    expect(filled[0]).toEqual({ t: from, battery: null, signal: null, score: null, errors: null, samples: 0 });
  });

  it("keep 30 days to a few hundred points", () => {
    for (const range of Object.values(HISTORY_RANGES)) expect(range.spanMs / range.bucketMs).toBeLessThanOrEqual(300);
  });

  it("accept only the three ranges", () => {
    expect(historyRangeSchema.parse("7d")).toBe("7d");
    expect(historyRangeSchema.safeParse("1y").error?.issues[0]?.message).toBe("range must be 24h, 7d or 30d");
  });
});
