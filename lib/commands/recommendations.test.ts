import { describe, expect, it } from "vitest";
import { recommendationsFor, type DiagnosisFacts } from "./recommendations";

const now = new Date("2026-12-03T12:00:00Z");
const healthy: DiagnosisFacts = {
  connectivity: "online",
  deviceType: "milk_meter",
  batteryLevel: 80,
  lowBatteryThreshold: 20,
  powerSource: "battery",
  signalStrength: -55,
  cpuPercent: 20,
  memoryPercent: 40,
  storagePercent: 30,
  calibrationStatus: "ok",
  firmwareUpdateStatus: "none",
  firmwareUpdateError: null,
  errorsLast24h: 0,
  offlineEventsLast24h: 0,
  failedCommandsLast24h: 0,
  ping: { sent: 5, received: 5, rttAvgMs: 40 },
  lastSeen: now,
  now,
};

describe("quick diagnose recommendations", () => {
  it("says so when nothing is wrong", () => {
    expect(recommendationsFor(healthy)).toEqual([expect.stringMatching(/^No problem found/)]);
  });

  it("gives the seed's two recommendations: unresponsive and recent errors", () => {
    const out = recommendationsFor({ ...healthy, connectivity: "unresponsive", ping: null, errorsLast24h: 3 });
    expect(out[0]).toBe("The device is not responding to commands. Check physical connectivity.");
    expect(out[1]).toMatch(/^Device has 3 errors in last 24h\. Review logs/);
  });

  it("derives advice from health: battery, signal, storage, calibration, offline history, lost pings", () => {
    const out = recommendationsFor({
      ...healthy,
      batteryLevel: 12,
      powerSource: "solar",
      signalStrength: -82,
      storagePercent: 95,
      calibrationStatus: "overdue",
      offlineEventsLast24h: 4,
      ping: { sent: 5, received: 4, rttAvgMs: 300 },
      errorsLast24h: 300,
    }).join("\n");
    expect(out).toMatch(/Battery at 12 %: schedule a battery replacement, check the solar panel/);
    expect(out).toMatch(/Poor signal \(-82 dBm\)/);
    expect(out).toMatch(/Storage 95 % full/);
    expect(out).toMatch(/Calibration is overdue: calibrate the device \(Calibrate flow/);
    expect(out).toMatch(/Went offline 4 times in 24 h/);
    expect(out).toMatch(/20 % of pings were lost/);
    expect(out).toMatch(/more than 10 an hour/);
    expect(out).not.toMatch(/No problem found/);
  });

  it("does not ask for a battery on mains or PoE power, and says when an offline device was last heard", () => {
    expect(recommendationsFor({ ...healthy, powerSource: "mains", batteryLevel: 0 }).join()).not.toMatch(/Battery/);
    expect(recommendationsFor({ ...healthy, powerSource: "poe", batteryLevel: 0 }).join()).not.toMatch(/Battery/);
    expect(recommendationsFor({ ...healthy, connectivity: "offline", ping: null, lastSeen: new Date(now.getTime() - 3 * 3_600_000) })[0]).toMatch(/offline \(last heard 3 h ago\)/);
  });
});
