import { describe, expect, it } from "vitest";
import { MAX_CLOCK_SKEW_MS, mergeStates, sampleTime, TelemetryWindow } from "./coalesce";

const at = (iso: string) => new Date(iso);

describe("TelemetryWindow", () => {
  it("keeps one state per device with the newest values and one sample per message", () => {
    const window = new TelemetryWindow();
    window.add({ kind: "telemetry", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:00Z"), payload: { ts: "2026-01-01T10:00:00Z", battery_level: 80, signal_strength: -60, bytes_sent: 100 } });
    window.add({ kind: "telemetry", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:05Z"), payload: { ts: "2026-01-01T10:00:05Z", battery_level: 79, bytes_sent: 50 } });
    window.add({ kind: "telemetry", deviceId: "EN002", receivedAt: at("2026-01-01T10:00:05Z"), payload: { battery_level: 50 } });
    expect(window.samples).toHaveLength(3);
    expect(window.states.size).toBe(2);
    const mm = window.states.get("MM001")!;
    expect(mm.batteryLevel).toBe(79);
    // not in the newer message: the older reported value is kept, never erased
    expect(mm.signalStrength).toBe(-60);
    expect(mm.bytesSent).toBe(150);
    expect(mm.lastSeen).toEqual(at("2026-01-01T10:00:05Z"));
    expect(mm.connection).toBe("online");
  });

  it("does not let an older reading arriving late overwrite newer values, nor move last seen back", () => {
    const window = new TelemetryWindow();
    window.add({ kind: "telemetry", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:10Z"), payload: { ts: "2026-01-01T10:00:10Z", battery_level: 70 } });
    window.add({ kind: "telemetry", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:09Z"), payload: { ts: "2026-01-01T09:00:00Z", battery_level: 95 } });
    const mm = window.states.get("MM001")!;
    expect(mm.batteryLevel).toBe(70);
    expect(mm.lastSeen).toEqual(at("2026-01-01T10:00:10Z"));
    expect(window.samples.map((s) => s.batteryLevel)).toEqual([70, 95]);
  });

  it("treats offline (last will) as a connection change, not a sign of life", () => {
    const window = new TelemetryWindow();
    window.add({ kind: "status", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:00Z"), payload: { status: "offline" } });
    const mm = window.states.get("MM001")!;
    expect(mm.connection).toBe("offline");
    expect(mm.lastSeen).toBeNull();
    window.add({ kind: "status", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:30Z"), payload: { status: "online", firmware_version: "2.1.0" } });
    expect(mm.connection).toBe("online");
    expect(mm.lastSeen).toEqual(at("2026-01-01T10:00:30Z"));
    expect(mm.firmwareVersion).toBe("2.1.0");
  });

  it("keeps a final command answer over a late 'executing'", () => {
    const window = new TelemetryWindow();
    const receivedAt = at("2026-01-01T10:00:00Z");
    window.add({ kind: "command_response", deviceId: "MM001", commandId: "c1", receivedAt, payload: { status: "completed", result: { pong: true } } });
    window.add({ kind: "command_response", deviceId: "MM001", commandId: "c1", receivedAt, payload: { status: "executing" } });
    expect(window.commandOutcomes.get("MM001\nc1")?.status).toBe("completed");
  });

  it("keeps one outcome per device and command: a forged answer does not replace the device's own", () => {
    const window = new TelemetryWindow();
    const executing = at("2026-01-01T10:00:00Z");
    const done = at("2026-01-01T10:00:01Z");
    window.add({ kind: "command_response", deviceId: "MM001", commandId: "c1", receivedAt: executing, payload: { status: "executing" } });
    window.add({ kind: "command_response", deviceId: "MM001", commandId: "c1", receivedAt: done, payload: { status: "completed", result: { pong: true } } });
    window.add({ kind: "command_response", deviceId: "MM002", commandId: "c1", receivedAt: done, payload: { status: "failed", error: "forged" } });
    expect(window.commandOutcomes.get("MM001\nc1")).toMatchObject({ status: "completed", executingAt: executing, responses: 2 });
    expect(window.commandOutcomes.get("MM002\nc1")).toMatchObject({ status: "failed", responses: 1 });
  });

  it("absorb replays a newer window after an older one", () => {
    const older = new TelemetryWindow();
    older.add({ kind: "telemetry", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:00Z"), payload: { ts: "2026-01-01T10:00:00Z", battery_level: 80 } });
    const newer = new TelemetryWindow();
    newer.add({ kind: "telemetry", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:05Z"), payload: { ts: "2026-01-01T10:00:05Z", battery_level: 78 } });
    older.absorb(newer);
    expect(older.size).toBe(2);
    expect(older.states.get("MM001")?.batteryLevel).toBe(78);
  });
});

describe("mergeStates", () => {
  it("puts a held-back state in front of a newer one: newer values, bytes added, later last seen", () => {
    const older = new TelemetryWindow();
    older.add({ kind: "telemetry", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:00Z"), payload: { ts: "2026-01-01T10:00:00Z", battery_level: 80, signal_strength: -60, bytes_sent: 100 } });
    const newer = new TelemetryWindow();
    newer.add({ kind: "telemetry", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:05Z"), payload: { ts: "2026-01-01T10:00:05Z", battery_level: 79, bytes_sent: 50 } });
    newer.mergeEarlier(older.states.get("MM001")!);
    expect(newer.states.get("MM001")).toMatchObject({ batteryLevel: 79, signalStrength: -60, bytesSent: 150, lastSeen: at("2026-01-01T10:00:05Z") });
  });
  it("keeps the held values when the newer window only brought an older reading", () => {
    const held = new TelemetryWindow();
    held.add({ kind: "telemetry", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:05Z"), payload: { ts: "2026-01-01T10:00:05Z", battery_level: 70 } });
    const late = new TelemetryWindow();
    late.add({ kind: "telemetry", deviceId: "MM001", receivedAt: at("2026-01-01T10:00:06Z"), payload: { ts: "2026-01-01T09:00:00Z", battery_level: 95 } });
    const merged = mergeStates(held.states.get("MM001")!, late.states.get("MM001")!);
    expect(merged.batteryLevel).toBe(70);
    expect(merged.lastSeen).toEqual(at("2026-01-01T10:00:06Z"));
  });
});

describe("sampleTime", () => {
  const receivedAt = at("2026-01-01T10:00:00Z");
  it("uses the device clock, in seconds, milliseconds or ISO", () => {
    expect(sampleTime(1767261590, receivedAt)).toEqual(new Date(1767261590_000));
    expect(sampleTime("2026-01-01T09:59:00Z", receivedAt)).toEqual(at("2026-01-01T09:59:00Z"));
    expect(sampleTime(undefined, receivedAt)).toEqual(receivedAt);
  });
  it("distrusts a clock too far in the future", () => {
    expect(sampleTime(receivedAt.getTime() + MAX_CLOCK_SKEW_MS + 1000, receivedAt)).toEqual(receivedAt);
    expect(sampleTime(receivedAt.getTime() + 60_000, receivedAt)).toEqual(new Date(receivedAt.getTime() + 60_000));
  });
  it("distrusts a clock that was never set (1970, 2000)", () => {
    expect(sampleTime(0 + 86_400, receivedAt)).toBe(receivedAt);
    expect(sampleTime("2000-01-01T00:00:00Z", receivedAt)).toBe(receivedAt);
    expect(sampleTime("2025-06-01T00:00:00Z", receivedAt)).toEqual(at("2025-06-01T00:00:00Z"));
  });
  it("flags the samples whose clock it replaced", () => {
    const window = new TelemetryWindow();
    window.add({ kind: "telemetry", deviceId: "MM001", receivedAt, payload: { ts: "2000-01-01T00:00:00Z", battery_level: 50 } });
    window.add({ kind: "telemetry", deviceId: "MM001", receivedAt, payload: { ts: "2026-01-01T09:59:00Z", battery_level: 49 } });
    window.add({ kind: "telemetry", deviceId: "MM001", receivedAt, payload: { battery_level: 48 } });
    expect(window.samples.map((sample) => sample.clockSkewed)).toEqual([true, false, false]);
  });
});
