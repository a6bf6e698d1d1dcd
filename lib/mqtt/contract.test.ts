import { describe, expect, it } from "vitest";
import { commandResponsePayload, decodePayload, payloadTime, statusPayload, telemetryPayload } from "./payloads";
import { parseTopic, sharedFilter, topicOwner, topics } from "./topics";

describe("topics", () => {
  it("builds and parses every device topic", () => {
    expect(parseTopic(topics.telemetry("MM001"))).toEqual({ kind: "telemetry", deviceId: "MM001" });
    expect(parseTopic(topics.status("MM001"))).toEqual({ kind: "status", deviceId: "MM001" });
    expect(parseTopic(topics.commandResponse("MM001", "c-1"))).toEqual({ kind: "command_response", deviceId: "MM001", commandId: "c-1" });
    expect(parseTopic(topics.otaStatus("MM001"))).toEqual({ kind: "ota_status", deviceId: "MM001" });
    expect(parseTopic(topics.otaUpdate("MM001"))).toEqual({ kind: "ota_update", deviceId: "MM001" });
    expect(parseTopic(topics.config("MM001"))).toEqual({ kind: "config", deviceId: "MM001" });
  });

  it("rejects topics outside the contract", () => {
    expect(parseTopic("devices/MM001/unknown")).toBeNull();
    expect(parseTopic("farm/MM001/telemetry")).toBeNull();
    expect(parseTopic("devices//telemetry")).toBeNull();
  });

  it("names the owner of a topic, never a wildcard", () => {
    expect(topicOwner("devices/MM001/telemetry")).toBe("MM001");
    expect(topicOwner("devices/+/telemetry")).toBeNull();
    expect(topicOwner("devices/#")).toBeNull();
    expect(topicOwner("other/MM001/x")).toBeNull();
  });

  it("builds shared subscriptions", () => {
    expect(sharedFilter("devices/+/telemetry")).toBe("$share/iot-workers/devices/+/telemetry");
  });
});

describe("payloads", () => {
  it("accepts a full telemetry message", () => {
    const result = decodePayload(telemetryPayload, JSON.stringify({ ts: "2026-11-23T08:00:00Z", battery_level: 55.5, signal_strength: -61, error_count: 2, readings: { milk_flow_lpm: 2.4 } }));
    expect(result.ok).toBe(true);
  });

  it("explains why a payload is refused", () => {
    expect(decodePayload(telemetryPayload, "not json")).toEqual({ ok: false, error: "payload is not JSON" });
    const bad = decodePayload(telemetryPayload, JSON.stringify({ battery_level: 140 }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain("battery_level");
    expect(decodePayload(statusPayload, JSON.stringify({ status: "sleeping" })).ok).toBe(false);
    expect(decodePayload(commandResponsePayload, JSON.stringify({ status: "completed", result: { pong: true } })).ok).toBe(true);
  });

  it("reads device time in seconds, milliseconds or ISO", () => {
    const fallback = new Date(0);
    expect(payloadTime(1_700_000_000, fallback).toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(payloadTime(1_700_000_000_000, fallback).toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(payloadTime("2026-11-23T08:00:00Z", fallback).toISOString()).toBe("2026-11-23T08:00:00.000Z");
    expect(payloadTime(undefined, fallback)).toBe(fallback);
  });
});
