import { describe, expect, it } from "vitest";
import { TelemetryWindow } from "../telemetry/coalesce";
import { layerReason } from "./config-engine";
import { effectiveConfig } from "./config-layers";
import { DEFAULT_CONFIGS } from "./config-schemas";

const defaults = { kind: "defaults" as const, label: "Type defaults", values: DEFAULT_CONFIGS.environmental };

describe("layerReason", () => {
  it("names the layers the changed values now come from", () => {
    const next = effectiveConfig([
      defaults,
      { kind: "farm", label: "Farm North", id: 1, values: { thresholds: { ammonia_high: 20 } } },
      { kind: "group", label: "Group Barn A", id: 2, values: { alarms: { debounce_minutes: 3 } } },
    ]);
    expect(layerReason(DEFAULT_CONFIGS.environmental, next)).toBe("Layer change: Farm North, Group Barn A");
  });

  it("says an override was removed when the values fall back to the type's defaults", () => {
    const before = { ...DEFAULT_CONFIGS.environmental, thresholds: { ...DEFAULT_CONFIGS.environmental.thresholds, ammonia_high: 20 } };
    expect(layerReason(before, effectiveConfig([defaults]))).toMatch(/override was removed/);
  });
});

describe("config reports in the ingest window", () => {
  it("are kept in arrival order with the topic's device, and count as a sign of life", () => {
    const window = new TelemetryWindow();
    const at = new Date("2026-12-03T10:00:00Z");
    window.add({ kind: "config_status", deviceId: "EV1", payload: { version: 2, status: "rejected", reason: "bad" }, receivedAt: at });
    window.add({ kind: "config_status", deviceId: "EV1", payload: { version: 3, status: "applied", hash: "a".repeat(64) }, receivedAt: at });
    expect(window.configReports).toEqual([
      { deviceId: "EV1", version: 2, status: "rejected", hash: null, reason: "bad", receivedAt: at },
      { deviceId: "EV1", version: 3, status: "applied", hash: "a".repeat(64), reason: null, receivedAt: at },
    ]);
    expect(window.states.get("EV1")).toMatchObject({ lastSeen: at, connection: "online" });
  });
});
