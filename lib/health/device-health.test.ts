import { describe, expect, it } from "vitest";
import {
  assessDevice,
  computeConnectionStatus,
  computeHealthScore,
  computeHealthStatus,
  computeNeedsAttention,
  computeSignalQuality,
} from "./device-health";

const now = new Date("2026-11-23T06:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const base = { lastSeen: minutesAgo(1), errorCount: 0, batteryLevel: 80, signalStrength: -55 };

describe("computeHealthStatus (M92 _compute_health_status)", () => {
  it("is unknown for a device never seen", () => {
    expect(computeHealthStatus({ ...base, lastSeen: null }, now)).toBe("unknown");
  });
  it("is critical once last seen more than 10 minutes ago, not at exactly 10", () => {
    expect(computeHealthStatus({ ...base, lastSeen: minutesAgo(10) }, now)).toBe("healthy");
    expect(computeHealthStatus({ ...base, lastSeen: new Date(minutesAgo(10).getTime() - 1) }, now)).toBe("critical");
  });
  it("is critical above 10 errors, warning above 5", () => {
    expect(computeHealthStatus({ ...base, errorCount: 11 }, now)).toBe("critical");
    expect(computeHealthStatus({ ...base, errorCount: 10 }, now)).toBe("warning");
    expect(computeHealthStatus({ ...base, errorCount: 6 }, now)).toBe("warning");
    expect(computeHealthStatus({ ...base, errorCount: 5 }, now)).toBe("healthy");
  });
  it("is critical below 10 % battery, warning below 20 %", () => {
    expect(computeHealthStatus({ ...base, batteryLevel: 9.9 }, now)).toBe("critical");
    expect(computeHealthStatus({ ...base, batteryLevel: 10 }, now)).toBe("warning");
    expect(computeHealthStatus({ ...base, batteryLevel: 19.9 }, now)).toBe("warning");
    expect(computeHealthStatus({ ...base, batteryLevel: 20 }, now)).toBe("healthy");
  });
  it("treats a flat battery as critical and a missing one as not reported", () => {
    expect(computeHealthStatus({ ...base, batteryLevel: 0 }, now)).toBe("critical");
    expect(computeHealthStatus({ ...base, batteryLevel: null }, now)).toBe("healthy");
  });
});

describe("computeHealthScore (M92 _compute_health_score)", () => {
  it("starts at 100 for a healthy device on mains with good signal", () => {
    expect(computeHealthScore({ ...base, healthStatus: "healthy" })).toBe(100);
  });
  it("deducts 50 for critical, 25 for warning", () => {
    expect(computeHealthScore({ ...base, healthStatus: "critical" })).toBe(50);
    expect(computeHealthScore({ ...base, healthStatus: "warning" })).toBe(75);
  });
  it("deducts 20 below 20 % battery and 10 below 50 %", () => {
    expect(computeHealthScore({ ...base, batteryLevel: 19, healthStatus: "healthy" })).toBe(80);
    expect(computeHealthScore({ ...base, batteryLevel: 20, healthStatus: "healthy" })).toBe(90);
    expect(computeHealthScore({ ...base, batteryLevel: 49, healthStatus: "healthy" })).toBe(90);
    expect(computeHealthScore({ ...base, batteryLevel: 50, healthStatus: "healthy" })).toBe(100);
  });
  it("deducts 20 below -90 dBm and 10 below -70 dBm", () => {
    expect(computeHealthScore({ ...base, signalStrength: -91, healthStatus: "healthy" })).toBe(80);
    expect(computeHealthScore({ ...base, signalStrength: -90, healthStatus: "healthy" })).toBe(90);
    expect(computeHealthScore({ ...base, signalStrength: -71, healthStatus: "healthy" })).toBe(90);
    expect(computeHealthScore({ ...base, signalStrength: -70, healthStatus: "healthy" })).toBe(100);
  });
  it("deducts 2 per error up to 30 and never goes below 0", () => {
    expect(computeHealthScore({ ...base, errorCount: 3, healthStatus: "healthy" })).toBe(94);
    expect(computeHealthScore({ ...base, errorCount: 15, healthStatus: "healthy" })).toBe(70);
    expect(computeHealthScore({ ...base, errorCount: 500, healthStatus: "healthy" })).toBe(70);
    expect(computeHealthScore({ lastSeen: null, errorCount: 50, batteryLevel: 5, signalStrength: -100, healthStatus: "critical" })).toBe(0);
  });
});

describe("computeSignalQuality (M92 _compute_signal_quality)", () => {
  it.each([
    [null, "none"],
    [-50, "excellent"],
    [-51, "good"],
    [-60, "good"],
    [-61, "fair"],
    [-70, "fair"],
    [-71, "poor"],
    [-110, "poor"],
  ] as const)("%s dBm is %s", (dbm, quality) => {
    expect(computeSignalQuality(dbm)).toBe(quality);
  });
});

describe("computeNeedsAttention (M92 _compute_needs_attention)", () => {
  const fine = { healthStatus: "healthy", calibrationStatus: "ok", firmwareUpdateStatus: "none", batteryLevel: 80, lowBatteryThreshold: 20 } as const;
  it("is false for a fine device", () => expect(computeNeedsAttention(fine)).toBe(false));
  it("is true for warning or critical health", () => {
    expect(computeNeedsAttention({ ...fine, healthStatus: "warning" })).toBe(true);
    expect(computeNeedsAttention({ ...fine, healthStatus: "critical" })).toBe(true);
    expect(computeNeedsAttention({ ...fine, healthStatus: "unknown" })).toBe(false);
  });
  it("is true when calibration is due or overdue", () => {
    expect(computeNeedsAttention({ ...fine, calibrationStatus: "due" })).toBe(true);
    expect(computeNeedsAttention({ ...fine, calibrationStatus: "overdue" })).toBe(true);
  });
  it("is true after a failed firmware update", () => {
    expect(computeNeedsAttention({ ...fine, firmwareUpdateStatus: "failed" })).toBe(true);
  });
  it("is true below the device's own low-battery threshold", () => {
    expect(computeNeedsAttention({ ...fine, batteryLevel: 29, lowBatteryThreshold: 30 })).toBe(true);
    expect(computeNeedsAttention({ ...fine, batteryLevel: 30, lowBatteryThreshold: 30 })).toBe(false);
  });
});

describe("computeConnectionStatus (I-013 §6.2)", () => {
  it("is online under 5 minutes, degraded under 15, offline after", () => {
    expect(computeConnectionStatus(null, now)).toBe("unknown");
    expect(computeConnectionStatus(minutesAgo(4.9), now)).toBe("online");
    expect(computeConnectionStatus(minutesAgo(5), now)).toBe("degraded");
    expect(computeConnectionStatus(minutesAgo(14.9), now)).toBe("degraded");
    expect(computeConnectionStatus(minutesAgo(15), now)).toBe("offline");
  });
});

describe("assessDevice", () => {
  it("computes every stored health field together", () => {
    const result = assessDevice({ ...base, batteryLevel: 15, calibrationStatus: "ok", firmwareUpdateStatus: "none", lowBatteryThreshold: 20 }, now);
    expect(result).toEqual({ healthStatus: "warning", healthScore: 55, signalQuality: "good", connectionStatus: "online", needsAttention: true });
  });
});
