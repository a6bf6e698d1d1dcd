import { describe, expect, it } from "vitest";
import { computeHealthStatus } from "./device-health";
import { healthReasons } from "./health-reasons";
import { HEALTH_PROFILE_DEFAULTS } from "./health-thresholds";

const now = new Date("2026-12-04T06:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const base = { lastSeen: minutesAgo(1), errorCount: 0, batteryLevel: 80, signalStrength: -55, cpuPercent: 20, memoryPercent: 30 };

describe("healthReasons", () => {
  it("names nothing for a healthy device or one never heard from", () => {
    expect(healthReasons(base, now)).toEqual([]);
    expect(healthReasons({ ...base, lastSeen: null }, now)).toEqual([]);
  });

  it("says why, worst first, with the limit that was crossed", () => {
    expect(healthReasons({ ...base, batteryLevel: 15, errorCount: 12 }, now)).toEqual([
      { severity: "critical", text: "12 errors reported (critical above 10)" },
      { severity: "warning", text: "Battery 15 % (warning below 20 %)" },
    ]);
    expect(healthReasons({ ...base, lastSeen: minutesAgo(45) }, now)[0]).toEqual({ severity: "critical", text: "Offline: not heard from for 45 min (limit 10 min)" });
  });

  it("judges CPU, memory and telemetry age only where the profile names limits (I-013)", () => {
    const i013 = HEALTH_PROFILE_DEFAULTS.i013;
    expect(healthReasons({ ...base, cpuPercent: 95 }, now)).toEqual([]);
    expect(healthReasons({ ...base, cpuPercent: 95, memoryPercent: 85 }, now, i013).map((reason) => reason.text)).toEqual(["CPU 95 % (critical above 90 %)", "Memory 85 % (warning above 80 %)"]);
    expect(healthReasons({ ...base, lastSeen: minutesAgo(7) }, now, i013)).toEqual([{ severity: "warning", text: "Telemetry late: last report 7 min ago (limit 5 min)" }]);
  });

  // The reasons are the status's own rules: whatever the inputs, the worst reason is the status.
  it("agrees with computeHealthStatus over a grid of inputs under both profiles", () => {
    for (const limits of [HEALTH_PROFILE_DEFAULTS.m92, HEALTH_PROFILE_DEFAULTS.i013]) {
      for (const lastSeen of [minutesAgo(1), minutesAgo(6), minutesAgo(12), minutesAgo(600)])
        for (const errorCount of [0, 6, 11])
          for (const batteryLevel of [null, 5, 12, 25, 80])
            for (const cpuPercent of [null, 75, 95])
              for (const memoryPercent of [null, 85, 97]) {
                const device = { ...base, lastSeen, errorCount, batteryLevel, cpuPercent, memoryPercent };
                const status = computeHealthStatus(device, now, limits);
                const reasons = healthReasons(device, now, limits);
                expect(reasons[0]?.severity ?? "healthy", JSON.stringify({ device, profile: limits.profile })).toBe(status);
              }
    }
  });
});
