import { describe, expect, it } from "vitest";
import { healthCheckDue, OFFLINE_AFTER_MS } from "../health/device-health";
import { AUTO_RESOLVED_PREFIX } from "./alert-fields";
import { AUTO_RESOLVED_NOTE, deviceIssues, formatAlertTime, groupOfflineIssue, RETIRED_RESOLVED_NOTE, type IssueInputs } from "./alert-rules";

const now = new Date("2026-11-23T06:00:00Z");
const healthy: IssueInputs = {
  lastSeen: new Date(now.getTime() - 60_000),
  batteryLevel: 80,
  lowBatteryThreshold: 20,
  signalStrength: -60,
  errorCount: 0,
  calibrationStatus: "ok",
  firmwareUpdateStatus: "none",
};
const issues = (change: Partial<IssueInputs>) => deviceIssues({ ...healthy, ...change }, now);
const types = (change: Partial<IssueInputs>) => issues(change).map((issue) => issue.type);

describe("deviceIssues (M92 _check_device_health)", () => {
  it("finds nothing wrong with a healthy device", () => {
    expect(issues({})).toEqual([]);
  });

  it("offline: not seen for more than 10 minutes, critical, says since when; never-seen devices are not offline", () => {
    expect(types({ lastSeen: new Date(now.getTime() - OFFLINE_AFTER_MS) })).toEqual([]);
    const lastSeen = new Date(now.getTime() - OFFLINE_AFTER_MS - 1);
    expect(issues({ lastSeen })).toEqual([
      { type: "offline", severity: "critical", message: `Device offline since ${formatAlertTime(lastSeen)}` },
    ]);
    expect(issues({ lastSeen })[0]!.message).toBe("Device offline since 2026-11-23 05:49 UTC");
    expect(types({ lastSeen: null })).toEqual([]);
  });

  it("low battery: below the device's own threshold; critical below 10 %, else warning", () => {
    expect(types({ batteryLevel: 20 })).toEqual([]);
    expect(issues({ batteryLevel: 19.9 })).toEqual([{ type: "low_battery", severity: "warning", message: "Battery level at 19.9%" }]);
    expect(issues({ batteryLevel: 10 })[0]).toMatchObject({ severity: "warning" });
    expect(issues({ batteryLevel: 9.99 })[0]).toMatchObject({ type: "low_battery", severity: "critical", message: "Battery level at 10%" });
    expect(issues({ batteryLevel: 35, lowBatteryThreshold: 40 })[0]).toMatchObject({ type: "low_battery", severity: "warning" });
    expect(types({ batteryLevel: 15, lowBatteryThreshold: 10 })).toEqual([]);
  });

  it("a flat battery (0 %) is critical, a battery not reported (null) is no issue", () => {
    expect(issues({ batteryLevel: 0 })[0]).toMatchObject({ type: "low_battery", severity: "critical", message: "Battery level at 0%" });
    expect(types({ batteryLevel: null })).toEqual([]);
  });

  it("poor signal: below −90 dBm, warning; null is not reported", () => {
    expect(types({ signalStrength: -90 })).toEqual([]);
    expect(issues({ signalStrength: -91 })).toEqual([{ type: "poor_signal", severity: "warning", message: "Signal strength at -91 dBm" }]);
    expect(types({ signalStrength: null })).toEqual([]);
  });

  it("errors: above 10 high (critical), else above 5 elevated (warning), never both", () => {
    expect(types({ errorCount: 5 })).toEqual([]);
    expect(issues({ errorCount: 6 })).toEqual([{ type: "elevated_errors", severity: "warning", message: "Elevated error count: 6" }]);
    expect(issues({ errorCount: 10 })).toEqual([{ type: "elevated_errors", severity: "warning", message: "Elevated error count: 10" }]);
    expect(issues({ errorCount: 11 })).toEqual([{ type: "high_errors", severity: "critical", message: "High error count: 11" }]);
  });

  it("calibration overdue (not merely due) and a failed firmware update are warnings", () => {
    expect(types({ calibrationStatus: "due" })).toEqual([]);
    expect(issues({ calibrationStatus: "overdue" })).toEqual([
      { type: "calibration_overdue", severity: "warning", message: "Device calibration overdue" },
    ]);
    expect(types({ firmwareUpdateStatus: "installing" })).toEqual([]);
    expect(issues({ firmwareUpdateStatus: "failed" })).toEqual([{ type: "firmware_failed", severity: "warning", message: "Firmware update failed" }]);
  });

  it("reports every issue at once, in M92's order", () => {
    expect(
      types({
        lastSeen: new Date(now.getTime() - 3_600_000),
        batteryLevel: 5,
        signalStrength: -100,
        errorCount: 50,
        calibrationStatus: "overdue",
        firmwareUpdateStatus: "failed",
      }),
    ).toEqual(["offline", "low_battery", "poor_signal", "high_errors", "calibration_overdue", "firmware_failed"]);
  });
});

describe("groupOfflineIssue (group offline threshold)", () => {
  it("raises at the threshold, not below, with a count in the message", () => {
    expect(groupOfflineIssue(2, 12, 3)).toBeNull();
    expect(groupOfflineIssue(3, 12, 3)).toEqual({ type: "group_offline", severity: "warning", message: "3 of 12 devices offline (threshold 3)" });
    expect(groupOfflineIssue(0, 12, 1)).toBeNull();
    expect(groupOfflineIssue(1, 12, 1)).toMatchObject({ message: "1 of 12 devices offline (threshold 1)" });
  });
  it("a threshold below 1 switches the group alert off", () => {
    expect(groupOfflineIssue(5, 5, 0)).toBeNull();
  });
});

describe("healthCheckDue (per-group interval on a one-minute sweep)", () => {
  const minute = (m: number) => new Date(Date.UTC(2026, 10, 23, 6, m, 30));
  const dueMinutes = (id: number, interval: number) => Array.from({ length: 10 }, (_, m) => m).filter((m) => healthCheckDue(id, interval, minute(m)));
  it("60 s (and anything under 90 s) is every sweep", () => {
    expect(dueMinutes(7, 60)).toHaveLength(10);
    expect(dueMinutes(7, 30)).toHaveLength(10);
    expect(dueMinutes(7, 0)).toHaveLength(10);
  });
  it("300 s is every fifth sweep, offset by id so a group's devices are spread", () => {
    const first = dueMinutes(1, 300);
    const second = dueMinutes(2, 300);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(2);
    expect(first[1]! - first[0]!).toBe(5);
    expect(first).not.toEqual(second);
  });
  it("90 s rounds to every second sweep", () => {
    expect(dueMinutes(3, 90)).toHaveLength(5);
  });
});

describe("resolution notes", () => {
  it("start with the prefix the alert list reads as 'resolved by the monitor'", () => {
    expect(AUTO_RESOLVED_NOTE.startsWith(AUTO_RESOLVED_PREFIX)).toBe(true);
    expect(RETIRED_RESOLVED_NOTE.startsWith(AUTO_RESOLVED_PREFIX)).toBe(true);
  });
});
