import { describe, expect, it } from "vitest";
import {
  assessDevice,
  computeConnectionStatus,
  computeHealthScore,
  computeHealthStatus,
  computeNeedsAttention,
  computeSignalQuality,
  DEFAULT_HEALTH_CHECK_INTERVAL_S,
  effectiveHealthCheckInterval,
  isOffline,
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
  it("checks offline first: a device silent for 11 minutes is critical whatever it last reported", () => {
    expect(computeHealthStatus({ ...base, lastSeen: minutesAgo(11), errorCount: 0, batteryLevel: 100 }, now)).toBe("critical");
  });
  it("lets the worse of errors and battery win", () => {
    expect(computeHealthStatus({ ...base, errorCount: 11, batteryLevel: 15 }, now)).toBe("critical");
    expect(computeHealthStatus({ ...base, errorCount: 6, batteryLevel: 5 }, now)).toBe("critical");
    expect(computeHealthStatus({ ...base, errorCount: 10, batteryLevel: 10 }, now)).toBe("warning");
    expect(computeHealthStatus({ ...base, errorCount: 5, batteryLevel: 19.99 }, now)).toBe("warning");
  });
  it("does not look at the signal: M92 lists it as a dependency but never tests it", () => {
    expect(computeHealthStatus({ ...base, signalStrength: -120 }, now)).toBe("healthy");
    expect(computeHealthStatus({ ...base, signalStrength: null }, now)).toBe("healthy");
  });
});

describe("computeHealthScore (M92 _compute_health_score)", () => {
  it("starts at 100 for a healthy device on mains with good signal", () => {
    expect(computeHealthScore({ ...base, healthStatus: "healthy" })).toBe(100);
  });
  it("deducts 50 for critical, 25 for warning, nothing for unknown", () => {
    expect(computeHealthScore({ ...base, healthStatus: "critical" })).toBe(50);
    expect(computeHealthScore({ ...base, healthStatus: "warning" })).toBe(75);
    expect(computeHealthScore({ ...base, healthStatus: "unknown" })).toBe(100);
  });
  it("deducts 20 below 20 % battery and 10 below 50 %", () => {
    expect(computeHealthScore({ ...base, batteryLevel: 19, healthStatus: "healthy" })).toBe(80);
    expect(computeHealthScore({ ...base, batteryLevel: 20, healthStatus: "healthy" })).toBe(90);
    expect(computeHealthScore({ ...base, batteryLevel: 49, healthStatus: "healthy" })).toBe(90);
    expect(computeHealthScore({ ...base, batteryLevel: 50, healthStatus: "healthy" })).toBe(100);
  });
  it("deducts the same 20 at 19 % and at 5 % (the battery bands are not cumulative)", () => {
    expect(computeHealthScore({ ...base, batteryLevel: 5, healthStatus: "healthy" })).toBe(80);
    expect(computeHealthScore({ ...base, batteryLevel: 19.99, healthStatus: "healthy" })).toBe(80);
    expect(computeHealthScore({ ...base, batteryLevel: 49.99, healthStatus: "healthy" })).toBe(90);
  });
  it("deducts nothing for a battery not reported, but 20 for a flat one (see the note in device-health.ts)", () => {
    expect(computeHealthScore({ ...base, batteryLevel: null, healthStatus: "healthy" })).toBe(100);
    expect(computeHealthScore({ ...base, batteryLevel: 0, healthStatus: "healthy" })).toBe(80);
  });
  it("deducts 20 below -90 dBm and 10 below -70 dBm", () => {
    expect(computeHealthScore({ ...base, signalStrength: -91, healthStatus: "healthy" })).toBe(80);
    expect(computeHealthScore({ ...base, signalStrength: -90, healthStatus: "healthy" })).toBe(90);
    expect(computeHealthScore({ ...base, signalStrength: -71, healthStatus: "healthy" })).toBe(90);
    expect(computeHealthScore({ ...base, signalStrength: -70, healthStatus: "healthy" })).toBe(100);
  });
  it("deducts nothing for a signal not reported or a strong one", () => {
    expect(computeHealthScore({ ...base, signalStrength: null, healthStatus: "healthy" })).toBe(100);
    expect(computeHealthScore({ ...base, signalStrength: -30, healthStatus: "healthy" })).toBe(100);
    expect(computeHealthScore({ ...base, signalStrength: -120, healthStatus: "healthy" })).toBe(80);
  });
  it("deducts 2 per error up to 30 and never goes below 0", () => {
    expect(computeHealthScore({ ...base, errorCount: 0, healthStatus: "healthy" })).toBe(100);
    expect(computeHealthScore({ ...base, errorCount: 1, healthStatus: "healthy" })).toBe(98);
    expect(computeHealthScore({ ...base, errorCount: 3, healthStatus: "healthy" })).toBe(94);
    expect(computeHealthScore({ ...base, errorCount: 14, healthStatus: "healthy" })).toBe(72);
    expect(computeHealthScore({ ...base, errorCount: 15, healthStatus: "healthy" })).toBe(70);
    expect(computeHealthScore({ ...base, errorCount: 16, healthStatus: "healthy" })).toBe(70);
    expect(computeHealthScore({ ...base, errorCount: 500, healthStatus: "healthy" })).toBe(70);
    expect(computeHealthScore({ lastSeen: null, errorCount: 50, batteryLevel: 5, signalStrength: -100, healthStatus: "critical" })).toBe(0);
  });
  it("adds the deductions up: warning 25 + battery 20 + signal 20 + 6 errors 12", () => {
    expect(computeHealthScore({ ...base, errorCount: 6, batteryLevel: 15, signalStrength: -95, healthStatus: "warning" })).toBe(23);
    expect(computeHealthScore({ ...base, errorCount: 10, batteryLevel: 40, signalStrength: -80, healthStatus: "critical" })).toBe(10);
  });
  it("floors at exactly 0 rather than going negative", () => {
    // critical 50 + battery 20 + signal 20 + errors 30 = 120 > 100
    expect(computeHealthScore({ ...base, errorCount: 15, batteryLevel: 1, signalStrength: -91, healthStatus: "critical" })).toBe(0);
    // critical 50 + battery 20 + signal 20 + errors 10 = 100: exactly 0
    expect(computeHealthScore({ ...base, errorCount: 5, batteryLevel: 1, signalStrength: -91, healthStatus: "critical" })).toBe(0);
    expect(computeHealthScore({ ...base, errorCount: 4, batteryLevel: 1, signalStrength: -91, healthStatus: "critical" })).toBe(2);
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
  it("reads 0 dBm as a (very strong) reading, not as 'no signal' as the Python's falsy test would", () => {
    expect(computeSignalQuality(0)).toBe("excellent");
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
  it("is true when calibration is due or overdue, not when ok or not required", () => {
    expect(computeNeedsAttention({ ...fine, calibrationStatus: "due" })).toBe(true);
    expect(computeNeedsAttention({ ...fine, calibrationStatus: "overdue" })).toBe(true);
    expect(computeNeedsAttention({ ...fine, calibrationStatus: "ok" })).toBe(false);
    expect(computeNeedsAttention({ ...fine, calibrationStatus: "not_required" })).toBe(false);
  });
  it("is true after a failed firmware update, and for no other update status", () => {
    expect(computeNeedsAttention({ ...fine, firmwareUpdateStatus: "failed" })).toBe(true);
    for (const status of ["none", "scheduled", "downloading", "installing", "completed", "rolled_back"]) {
      expect(computeNeedsAttention({ ...fine, firmwareUpdateStatus: status })).toBe(false);
    }
  });
  it("is true below the device's own low-battery threshold", () => {
    expect(computeNeedsAttention({ ...fine, batteryLevel: 29, lowBatteryThreshold: 30 })).toBe(true);
    expect(computeNeedsAttention({ ...fine, batteryLevel: 30, lowBatteryThreshold: 30 })).toBe(false);
  });
  it("uses the default threshold of 20 % on both sides", () => {
    expect(computeNeedsAttention({ ...fine, batteryLevel: 19.9, lowBatteryThreshold: 20 })).toBe(true);
    expect(computeNeedsAttention({ ...fine, batteryLevel: 20, lowBatteryThreshold: 20 })).toBe(false);
  });
  it("reads the threshold per device: 35 % is low for a device set to 40 %, fine for one set to 20 %", () => {
    expect(computeNeedsAttention({ ...fine, batteryLevel: 35, lowBatteryThreshold: 40 })).toBe(true);
    expect(computeNeedsAttention({ ...fine, batteryLevel: 35, lowBatteryThreshold: 20 })).toBe(false);
  });
  it("never flags a battery not reported (mains, PoE), and flags a flat one", () => {
    expect(computeNeedsAttention({ ...fine, batteryLevel: null })).toBe(false);
    expect(computeNeedsAttention({ ...fine, batteryLevel: 0 })).toBe(true);
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
  it("scores a device never seen 100 with unknown health and no attention needed (M92 as written)", () => {
    const result = assessDevice({ lastSeen: null, errorCount: 0, batteryLevel: null, signalStrength: null, calibrationStatus: "ok", firmwareUpdateStatus: "none", lowBatteryThreshold: 20 }, now);
    expect(result).toEqual({ healthStatus: "unknown", healthScore: 100, signalQuality: "none", connectionStatus: "unknown", needsAttention: false });
  });
  it("feeds the status it computed into the score and the attention flag", () => {
    const result = assessDevice({ ...base, lastSeen: minutesAgo(30), calibrationStatus: "ok", firmwareUpdateStatus: "none", lowBatteryThreshold: 20 }, now);
    expect(result).toEqual({ healthStatus: "critical", healthScore: 50, signalQuality: "good", connectionStatus: "offline", needsAttention: true });
  });
});

describe("isOffline (M92: not seen for more than 10 minutes)", () => {
  it("is offline only past the threshold, never for a device never seen", () => {
    expect(isOffline(minutesAgo(10), now)).toBe(false);
    expect(isOffline(new Date(minutesAgo(10).getTime() - 1), now)).toBe(true);
    expect(isOffline(null, now)).toBe(false);
  });
});

describe("effectiveHealthCheckInterval", () => {
  it("takes the device's own interval over its group's, either way, then the default", () => {
    expect(effectiveHealthCheckInterval(60, 3600)).toBe(60);
    expect(effectiveHealthCheckInterval(600, 60)).toBe(600);
    expect(effectiveHealthCheckInterval(null, 300)).toBe(300);
    expect(effectiveHealthCheckInterval(null, null)).toBe(DEFAULT_HEALTH_CHECK_INTERVAL_S);
    expect(effectiveHealthCheckInterval(null, undefined)).toBe(DEFAULT_HEALTH_CHECK_INTERVAL_S);
  });
});
