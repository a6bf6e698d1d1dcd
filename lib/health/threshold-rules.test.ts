import { describe, expect, it } from "vitest";
import { deviceIssues, type IssueInputs } from "../alerts/alert-rules";
import { LayerBook, type LayerRow } from "../configuration/layer-book";
import {
  assessDevice,
  BATTERY_WARNING_BELOW,
  computeConnectionStatus,
  computeHealthScore,
  computeHealthStatus,
  computeNeedsAttention,
  ERRORS_CRITICAL_ABOVE,
  isOffline,
  lowBatteryLimit,
  OFFLINE_AFTER_MS,
  SIGNAL_POOR_BELOW_DBM,
} from "./device-health";
import { chartReferenceLines } from "./health-history";
import { HEALTH_PROFILE_DEFAULTS, resolveHealthThresholds, type HealthThresholds } from "./health-thresholds";
import { ThresholdBook, ThresholdCache } from "./threshold-book";

const now = new Date("2026-12-03T12:00:00Z");
const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000);
const M92 = HEALTH_PROFILE_DEFAULTS.m92;
const I013 = HEALTH_PROFILE_DEFAULTS.i013;
const seen = { lastSeen: secondsAgo(30), errorCount: 0, batteryLevel: 80, signalStrength: -55, cpuPercent: 20, memoryPercent: 30 };
const status = (change: Partial<typeof seen>, limits: HealthThresholds) => computeHealthStatus({ ...seen, ...change }, now, limits);

const healthy: IssueInputs = {
  lastSeen: secondsAgo(30),
  batteryLevel: 80,
  lowBatteryThreshold: 20,
  signalStrength: -60,
  errorCount: 0,
  calibrationStatus: "ok",
  firmwareUpdateStatus: "none",
  cpuPercent: 20,
  memoryPercent: 30,
};
const issues = (change: Partial<IssueInputs>, limits: HealthThresholds) => deviceIssues({ ...healthy, ...change }, now, limits);
const types = (change: Partial<IssueInputs>, limits: HealthThresholds) => issues(change, limits).map((issue) => issue.type);

describe("one source: the named constants are the M92 profile's values", () => {
  it("match the profile", () => {
    expect(BATTERY_WARNING_BELOW).toBe(M92.battery_warning_below_pct);
    expect(ERRORS_CRITICAL_ABOVE).toBe(M92.errors_critical_above);
    expect(SIGNAL_POOR_BELOW_DBM).toBe(M92.signal_poor_below_dbm);
    expect(OFFLINE_AFTER_MS).toBe(M92.telemetry_age_critical_sec * 1000);
  });
});

describe("health status on both sides of every limit", () => {
  it("M92: CPU, memory and telemetry age are not judged short of offline", () => {
    expect(status({ cpuPercent: 100, memoryPercent: 100 }, M92)).toBe("healthy");
    expect(status({ lastSeen: secondsAgo(599) }, M92)).toBe("healthy");
    expect(status({ lastSeen: secondsAgo(601) }, M92)).toBe("critical");
    expect(status({ batteryLevel: 25 }, M92)).toBe("healthy");
    expect(status({ batteryLevel: 19.9 }, M92)).toBe("warning");
    expect(status({ batteryLevel: 9.9 }, M92)).toBe("critical");
  });

  it("I-013: battery 30/15", () => {
    expect(status({ batteryLevel: 30 }, I013)).toBe("healthy");
    expect(status({ batteryLevel: 29.9 }, I013)).toBe("warning");
    expect(status({ batteryLevel: 15 }, I013)).toBe("warning");
    expect(status({ batteryLevel: 14.9 }, I013)).toBe("critical");
  });

  it("I-013: CPU 70/90 and memory 80/95 (above the limit, not at it)", () => {
    expect(status({ cpuPercent: 70 }, I013)).toBe("healthy");
    expect(status({ cpuPercent: 70.1 }, I013)).toBe("warning");
    expect(status({ cpuPercent: 90 }, I013)).toBe("warning");
    expect(status({ cpuPercent: 90.1 }, I013)).toBe("critical");
    expect(status({ memoryPercent: 80 }, I013)).toBe("healthy");
    expect(status({ memoryPercent: 80.5 }, I013)).toBe("warning");
    expect(status({ memoryPercent: 95 }, I013)).toBe("warning");
    expect(status({ memoryPercent: 95.5 }, I013)).toBe("critical");
  });

  it("I-013: telemetry age 300/600 s; a device not reporting CPU (null, missing) is not judged on it", () => {
    expect(status({ lastSeen: secondsAgo(300) }, I013)).toBe("healthy");
    expect(status({ lastSeen: secondsAgo(301) }, I013)).toBe("warning");
    expect(status({ lastSeen: secondsAgo(600) }, I013)).toBe("warning");
    expect(status({ lastSeen: secondsAgo(601) }, I013)).toBe("critical");
    expect(computeHealthStatus({ lastSeen: secondsAgo(30), errorCount: 0, batteryLevel: 80, signalStrength: -55 }, now, I013)).toBe("healthy");
    expect(status({ cpuPercent: null as unknown as number }, I013)).toBe("healthy");
  });

  it("the score follows the limits: the battery warning limit and the signal limits", () => {
    const score = (change: Partial<typeof seen>, limits: HealthThresholds) => computeHealthScore({ ...seen, ...change, healthStatus: "healthy" }, limits);
    expect(score({ batteryLevel: 25 }, M92)).toBe(90);
    expect(score({ batteryLevel: 25 }, I013)).toBe(80);
    const tuned = resolveHealthThresholds([{ signal_poor_below_dbm: -80 }]);
    expect(score({ signalStrength: -85 }, M92)).toBe(90);
    expect(score({ signalStrength: -85 }, tuned)).toBe(80);
  });

  it("isOffline and the connection ages follow the critical and warning ages, stretched never shortened", () => {
    const slow = resolveHealthThresholds([{ telemetry_age_warning_sec: 1800, telemetry_age_critical_sec: 3600 }]);
    expect(isOffline(secondsAgo(1200), now, M92)).toBe(true);
    expect(isOffline(secondsAgo(1200), now, slow)).toBe(false);
    expect(isOffline(secondsAgo(3601), now, slow)).toBe(true);
    expect(computeConnectionStatus(secondsAgo(1200), now, M92)).toBe("offline");
    expect(computeConnectionStatus(secondsAgo(1200), now, slow)).toBe("online");
    expect(computeConnectionStatus(secondsAgo(1801), now, slow)).toBe("degraded");
    expect(computeConnectionStatus(secondsAgo(3600), now, slow)).toBe("offline");
    // I-013's ages are within §6.2's 5/15 minutes: connection status as before.
    expect(computeConnectionStatus(secondsAgo(299), now, I013)).toBe("online");
    expect(computeConnectionStatus(secondsAgo(300), now, I013)).toBe("degraded");
    expect(computeConnectionStatus(secondsAgo(899), now, I013)).toBe("degraded");
    expect(computeConnectionStatus(secondsAgo(900), now, I013)).toBe("offline");
  });
});

describe("alerts on both sides of every limit", () => {
  it("M92 (the default argument) raises none of the I-013 checks", () => {
    expect(types({ cpuPercent: 100, memoryPercent: 100, lastSeen: secondsAgo(590) }, M92)).toEqual([]);
    expect(deviceIssues({ ...healthy, cpuPercent: 100 }, now)).toEqual([]);
  });

  it("I-013: high_cpu warning above 70, critical above 90", () => {
    expect(types({ cpuPercent: 70 }, I013)).toEqual([]);
    expect(issues({ cpuPercent: 70.1 }, I013)).toEqual([{ type: "high_cpu", severity: "warning", message: "CPU usage at 70.1%" }]);
    expect(issues({ cpuPercent: 90 }, I013)[0]).toMatchObject({ severity: "warning" });
    expect(issues({ cpuPercent: 95 }, I013)).toEqual([{ type: "high_cpu", severity: "critical", message: "CPU usage at 95%" }]);
    expect(types({ cpuPercent: null }, I013)).toEqual([]);
  });

  it("I-013: high_memory warning above 80, critical above 95", () => {
    expect(types({ memoryPercent: 80 }, I013)).toEqual([]);
    expect(issues({ memoryPercent: 81 }, I013)).toEqual([{ type: "high_memory", severity: "warning", message: "Memory usage at 81%" }]);
    expect(issues({ memoryPercent: 95 }, I013)[0]).toMatchObject({ severity: "warning" });
    expect(issues({ memoryPercent: 95.1 }, I013)[0]).toMatchObject({ type: "high_memory", severity: "critical" });
  });

  it("I-013: telemetry_late past 300 s, and beside offline past 600 s", () => {
    expect(types({ lastSeen: secondsAgo(300) }, I013)).toEqual([]);
    expect(issues({ lastSeen: secondsAgo(420) }, I013)).toEqual([
      { type: "telemetry_late", severity: "warning", message: "No telemetry for 7 min (since 2026-12-03 11:53 UTC)" },
    ]);
    expect(types({ lastSeen: secondsAgo(600) }, I013)).toEqual(["telemetry_late"]);
    expect(types({ lastSeen: secondsAgo(601) }, I013)).toEqual(["offline", "telemetry_late"]);
    expect(types({ lastSeen: null }, I013)).toEqual([]);
  });

  it("I-013: low battery below 30 (critical below 15) for a device without a threshold of its own", () => {
    expect(types({ batteryLevel: 30 }, I013)).toEqual([]);
    expect(issues({ batteryLevel: 29 }, I013)).toEqual([{ type: "low_battery", severity: "warning", message: "Battery level at 29%" }]);
    expect(issues({ batteryLevel: 15 }, I013)[0]).toMatchObject({ severity: "warning" });
    expect(issues({ batteryLevel: 14.9 }, I013)[0]).toMatchObject({ severity: "critical" });
  });

  it("a device's own low-battery threshold (anything but the column default) wins over its limits, either way", () => {
    expect(lowBatteryLimit(20, I013)).toBe(30);
    expect(lowBatteryLimit(10, I013)).toBe(10);
    expect(lowBatteryLimit(45, I013)).toBe(45);
    expect(types({ batteryLevel: 25, lowBatteryThreshold: 10 }, I013)).toEqual([]);
    expect(types({ batteryLevel: 40, lowBatteryThreshold: 45 }, I013)).toEqual(["low_battery"]);
    const fine = { healthStatus: "healthy", calibrationStatus: "ok", firmwareUpdateStatus: "none", lowBatteryThreshold: 20 } as const;
    expect(computeNeedsAttention({ ...fine, batteryLevel: 25 }, I013)).toBe(true);
    expect(computeNeedsAttention({ ...fine, batteryLevel: 25 }, M92)).toBe(false);
  });
});

describe("overrides on a profile", () => {
  it("a farm's battery warning of 40 % makes 35 % low; the default does not", () => {
    const farm = resolveHealthThresholds([{ battery_warning_below_pct: 40 }]);
    expect(farm.profile).toBe("m92");
    expect(types({ batteryLevel: 35 }, farm)).toEqual(["low_battery"]);
    expect(types({ batteryLevel: 40 }, farm)).toEqual([]);
    expect(types({ batteryLevel: 35 }, M92)).toEqual([]);
    expect(status({ batteryLevel: 35 }, farm)).toBe("warning");
  });

  it("a group overrides one limit of the profile its farm chose; the rest stays the profile's", () => {
    const limits = resolveHealthThresholds([{ profile: "i013" }, { cpu_critical_above_pct: 80 }]);
    expect(issues({ cpuPercent: 75 }, limits)[0]).toMatchObject({ type: "high_cpu", severity: "warning" });
    expect(issues({ cpuPercent: 85 }, limits)[0]).toMatchObject({ type: "high_cpu", severity: "critical" });
    expect(types({ memoryPercent: 90 }, limits)).toEqual(["high_memory"]);
  });

  it("errors and signal limits tuned per farm", () => {
    const limits = resolveHealthThresholds([{ errors_warning_above: 2, errors_critical_above: 4, signal_poor_below_dbm: -80 }]);
    expect(types({ errorCount: 2 }, limits)).toEqual([]);
    expect(types({ errorCount: 3 }, limits)).toEqual(["elevated_errors"]);
    expect(types({ errorCount: 5 }, limits)).toEqual(["high_errors"]);
    expect(types({ signalStrength: -80 }, limits)).toEqual([]);
    expect(types({ signalStrength: -81 }, limits)).toEqual(["poor_signal"]);
  });

  it("the charts draw the device's limits", () => {
    const limits = resolveHealthThresholds([{ profile: "i013" }]);
    expect(chartReferenceLines(20, limits).battery.map((line) => line.value)).toEqual([15, 30]);
    expect(chartReferenceLines(10, limits).battery.map((line) => line.value)).toEqual([15, 30, 10]);
    expect(chartReferenceLines(20).battery.map((line) => line.value)).toEqual([10, 20]);
  });

  it("assessDevice judges with the limits it is given", () => {
    const device = { ...seen, cpuPercent: 95, calibrationStatus: "ok", firmwareUpdateStatus: "none", lowBatteryThreshold: 20 } as const;
    expect(assessDevice(device, now).healthStatus).toBe("healthy");
    expect(assessDevice(device, now, I013)).toMatchObject({ healthStatus: "critical", needsAttention: true });
  });
});

const layer = (id: number, scope: "farm" | "group", scopeId: number, health: Record<string, unknown>): LayerRow => ({
  id,
  scope,
  farm_id: scope === "farm" ? scopeId : null,
  group_id: scope === "group" ? scopeId : null,
  device_type: "collar",
  values: {},
  health: health as LayerRow["health"],
  version: 1,
});

describe("ThresholdBook", () => {
  const layers = [
    layer(1, "farm", 1, { profile: "i013" }),
    layer(2, "group", 11, { cpu_warning_above_pct: 60, battery_warning_below_pct: 45 }),
    layer(3, "farm", 2, { errors_warning_above: 1 }),
    layer(4, "farm", 3, { battery_warning_below_pct: 500 }),
  ];
  const groups = new Map([
    [10, { name: "Barns", parentId: null }],
    [11, { name: "Barn 1", parentId: 10 }],
  ]);
  const book = ThresholdBook.from(new LayerBook(layers, groups, new Map([[1, "A"], [2, "B"], [3, "C"]])), layers.map((l) => l.health));

  it("resolves each place from its layers: farm profile, group overrides; other types and farms keep M92", () => {
    expect(book.thresholds({ deviceType: "collar", farmId: 1, groupId: null })).toEqual(I013);
    expect(book.thresholds({ deviceType: "collar", farmId: 1, groupId: 11 })).toEqual({ ...I013, cpu_warning_above_pct: 60, battery_warning_below_pct: 45 });
    expect(book.thresholds({ deviceType: "feeder", farmId: 1, groupId: 11 })).toEqual(M92);
    expect(book.thresholds({ deviceType: "collar", farmId: 9, groupId: null })).toEqual(M92);
    expect(book.thresholds({ deviceType: "collar", farmId: null, groupId: null })).toEqual(M92);
  });

  it("memoises per place", () => {
    const place = { deviceType: "collar", farmId: 1, groupId: 11 };
    expect(book.thresholds(place)).toBe(book.thresholds({ ...place }));
  });

  it("ignores a health part that is not a valid patch (counted), for places and the screen", () => {
    expect(book.invalidLayers).toBe(1);
    expect(book.thresholds({ deviceType: "collar", farmId: 3, groupId: null })).toEqual(M92);
  });

  it("gives the screen the loosest limit any device can have", () => {
    expect(book.loosest()).toEqual({
      batteryWarningBelowPct: 45,
      signalPoorBelowDbm: -90,
      errorsWarningAbove: 1,
      cpuWarningAbovePct: 60,
      memoryWarningAbovePct: 80,
      shortestAgeMs: 300_000,
    });
    const none = ThresholdBook.defaults.loosest();
    expect(none).toMatchObject({ batteryWarningBelowPct: 20, errorsWarningAbove: 5, cpuWarningAbovePct: null, memoryWarningAbovePct: null, shortestAgeMs: 300_000 });
  });
});

describe("ThresholdCache", () => {
  const fakeSql = () => {
    let calls = 0;
    let fail = false;
    const sql = {
      get calls() {
        return calls;
      },
      set fail(value: boolean) {
        fail = value;
      },
      async query(text: string) {
        if (fail) throw new Error("database down");
        if (text.includes("FROM config_layers") && !text.includes("WHERE")) calls += 1;
        return { rows: [], command: "SELECT", rowCount: 0, oid: 0, fields: [] };
      },
    };
    return sql;
  };

  it("loads once, shares a load in flight, reloads after maxAge or when invalidated, keeps the last book when a reload fails", async () => {
    const sql = fakeSql();
    let clock = 0;
    const cache = new ThresholdCache(sql, 1_000, () => clock);
    const [a, b] = await Promise.all([cache.current(), cache.current()]);
    expect(a).toBe(b);
    expect(sql.calls).toBe(1);
    clock = 999;
    expect(await cache.current()).toBe(a);
    expect(sql.calls).toBe(1);
    clock = 1_000;
    const c = await cache.current();
    expect(c).not.toBe(a);
    expect(sql.calls).toBe(2);
    cache.invalidate();
    const d = await cache.current();
    expect(d).not.toBe(c);
    expect(sql.calls).toBe(3);
    sql.fail = true;
    cache.invalidate();
    expect(await cache.current()).toBe(d);
  });

  it("fails when the first load fails (nothing to fall back on)", async () => {
    const sql = fakeSql();
    sql.fail = true;
    await expect(new ThresholdCache(sql).current()).rejects.toThrow("database down");
  });
});
