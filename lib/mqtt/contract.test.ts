import { describe, expect, it } from "vitest";
import { commandResponsePayload, decodePayload, otaStatusPayload, PAYLOAD_LIMITS, payloadTime, statusPayload, telemetryPayload } from "./payloads";
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
    expect(decodePayload(telemetryPayload, "not json")).toEqual({ ok: false, refusal: "not_json", error: "payload is not JSON" });
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

describe("what PostgreSQL cannot store, and sizes", () => {
  const telemetry = (payload: unknown) => decodePayload(telemetryPayload, JSON.stringify(payload), PAYLOAD_LIMITS.telemetry);
  const refusal = (result: ReturnType<typeof decodePayload>) => (result.ok ? "accepted" : result.refusal);

  it("refuses a NUL character or a lone UTF-16 surrogate in any string, key or value, at any depth", () => {
    expect(refusal(telemetry({ firmware_version: "1.0\u0000" }))).toBe("invalid");
    expect(refusal(telemetry({ readings: { note: "a\u0000b" } }))).toBe("invalid");
    expect(refusal(telemetry({ readings: { "k\u0000": 1 } }))).toBe("invalid");
    expect(refusal(telemetry({ readings: { label: "x\ud800" } }))).toBe("invalid");
    expect(refusal(telemetry({ readings: { label: "\udc00x" } }))).toBe("invalid");
    expect(refusal(telemetry({ readings: { ["\ud83d"]: 1 } }))).toBe("invalid");
    const answer = decodePayload(commandResponsePayload, JSON.stringify({ status: "failed", result: { deep: [{ text: "\u0000" }] } }), PAYLOAD_LIMITS.commandResponse);
    expect(answer).toMatchObject({ ok: false, refusal: "invalid", error: expect.stringContaining("result.deep.0.text") });
    expect(refusal(decodePayload(otaStatusPayload, JSON.stringify({ job_id: 1, status: "failed", error: "disk\u0000" }), PAYLOAD_LIMITS.otaStatus))).toBe("invalid");
    expect(refusal(decodePayload(statusPayload, JSON.stringify({ status: "online", reason: "\udfff" }), PAYLOAD_LIMITS.status))).toBe("invalid");
    // Escaped or not, a well-formed pair and ordinary text are fine.
    expect(refusal(telemetry({ readings: { cow: "🐄", escaped: "\ud83d\udc04", plain: "a\\u0000" } }))).toBe("accepted");
    expect(refusal(decodePayload(telemetryPayload, String.raw`{"readings":{"cow":"\ud83d\udc04","text":"back\\u0000slash"}}`, PAYLOAD_LIMITS.telemetry))).toBe("accepted");
    expect(refusal(decodePayload(telemetryPayload, String.raw`{"readings":{"nul":"\u0000"}}`, PAYLOAD_LIMITS.telemetry))).toBe("invalid");
  });

  it("refuses integers beyond their column: uptime past int, a byte counter past what a number holds exactly", () => {
    expect(telemetry({ uptime_seconds: 2_147_483_647 }).ok).toBe(true);
    expect(telemetry({ uptime_seconds: 3_000_000_000 })).toMatchObject({ ok: false, refusal: "invalid", error: expect.stringContaining("uptime_seconds") });
    expect(telemetry({ bytes_sent: 1e19 })).toMatchObject({ ok: false, error: expect.stringContaining("bytes_sent") });
    expect(decodePayload(telemetryPayload, '{"battery_level": 1e400}', PAYLOAD_LIMITS.telemetry).ok).toBe(false);
    expect(refusal(decodePayload(otaStatusPayload, JSON.stringify({ job_id: 2 ** 31, status: "failed" }), PAYLOAD_LIMITS.otaStatus))).toBe("invalid");
  });

  it("refuses a payload past its topic's bytes, keys or depth", () => {
    expect(telemetry({ readings: { blob: "x".repeat(1_000_000) } })).toMatchObject({ ok: false, refusal: "too_large", error: expect.stringContaining("bytes") });
    const manyKeys = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    expect(telemetry({ readings: manyKeys })).toMatchObject({ ok: false, refusal: "too_large", error: expect.stringContaining("keys") });
    const fiftyThousand = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, 1]));
    expect(refusal(decodePayload(commandResponsePayload, JSON.stringify({ status: "completed", result: fiftyThousand }), { ...PAYLOAD_LIMITS.commandResponse, bytes: 10_000_000 }))).toBe("too_large");
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = { deeper: deep };
    expect(decodePayload(commandResponsePayload, JSON.stringify({ status: "completed", result: deep }), PAYLOAD_LIMITS.commandResponse)).toMatchObject({ ok: false, refusal: "too_large", error: expect.stringContaining("nested") });
    expect(refusal(decodePayload(commandResponsePayload, JSON.stringify({ status: "completed", result: { a: [1, { b: 2 }] } }), PAYLOAD_LIMITS.commandResponse))).toBe("accepted");
    expect(refusal(decodePayload(statusPayload, JSON.stringify({ status: "online", reason: { nested: true } }), PAYLOAD_LIMITS.status))).toBe("too_large");
    // What a device sends today passes every bound.
    expect(refusal(telemetry({ ts: "2026-11-23T08:00:00Z", battery_level: 55, uptime_seconds: 86_400, bytes_sent: 420, location: { lat: 52, lon: 5 }, readings: { milk_flow_lpm: 2.4, status: "ok" } }))).toBe("accepted");
  });
});
