import { describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { typesWith } from "./bulk-commands";
import { commandSpec } from "./catalogue";
import { decodeCursor, encodeCursor, commandWhere, parseCommandListQuery } from "./command-queries";
import { bulkCommandInput, diagnosticRequest, restartRequest, sendCommandInput, upperBound } from "./command-schemas";
import { canonicalJson, checkCommandRequest, commandForType, idempotencyKeyOf } from "./send-command";

const actor = (role: Actor["role"], farmId: number | null = null): Actor => ({ kind: "user", id: 7, label: "t@x", name: "T", role, farmId });

describe("the envelope of a command", () => {
  it("fills the defaults and takes form values", () => {
    expect(sendCommandInput.parse({ command: "ping" })).toEqual({ command: "ping", parameters: {}, confirm: false, expires_in_hours: 24, only_if_online: false });
    expect(sendCommandInput.parse({ command: "restart", confirm: "on", timeout_seconds: "90", expires_in_hours: "", only_if_online: "true" })).toMatchObject({ confirm: true, timeout_seconds: 90, expires_in_hours: 24, only_if_online: true });
  });

  it("refuses unknown fields, out-of-range timeouts and expiries, per field", () => {
    const parsed = sendCommandInput.safeParse({ command: "", timeout_seconds: 2, expires_in_hours: 169, confirm: "maybe", extra: 1 });
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((issue) => issue.path.join(".") || issue.code);
    expect(paths.sort()).toEqual(["command", "confirm", "expires_in_hours", "timeout_seconds", "unrecognized_keys"].sort());
  });

  it("takes a group, a selection or a filter as a bulk target", () => {
    expect(bulkCommandInput.parse({ command: "ping", target: { groupId: "4" } }).target).toEqual({ groupId: 4 });
    expect(bulkCommandInput.parse({ command: "ping", target: { deviceIds: ["MM001"] } }).target).toEqual({ deviceIds: ["MM001"] });
    expect(bulkCommandInput.parse({ command: "ping", target: { filter: { type: "gateway" } } }).target).toEqual({ filter: { type: "gateway" } });
    expect(bulkCommandInput.safeParse({ command: "ping", target: { everything: true } }).success).toBe(false);
  });

  it("gives the M92 endpoints their own small bodies", () => {
    expect(diagnosticRequest.parse({})).toEqual({ only_if_online: false, expires_in_hours: 24 });
    expect(diagnosticRequest.safeParse({ suite: "deep" }).success).toBe(false);
    expect(restartRequest.parse({ confirm: true, delay_seconds: 5 })).toMatchObject({ confirm: true, delay_seconds: 5 });
    expect(restartRequest.safeParse({ confirm: true, command: "ping" }).success).toBe(false);
  });
});

describe("the command and its parameters", () => {
  it("names the commands a type has when it lacks the one asked for", () => {
    expect(commandForType("zero_flow", "milk_meter").name).toBe("zero_flow");
    expect(() => commandForType("zero_flow", "gateway")).toThrow(/A gateway has no command zero_flow\. Allowed for a gateway: ping, .*update_routing\./);
    expect(() => commandForType("launch", "rfid_reader")).toThrow(/Unknown command launch\. Allowed for a rfid reader: /);
  });

  it("checks the role, the parameters (per field) and the confirmation", () => {
    const restart = commandSpec("restart")!;
    expect(checkCommandRequest(actor("technician"), restart, { parameters: {}, confirm: true })).toEqual({ delay_seconds: 0 });
    expect(() => checkCommandRequest(actor("technician"), restart, { parameters: {}, confirm: false })).toThrow(expect.objectContaining({ status: 400, fieldErrors: { confirm: expect.any(Array) } }));
    expect(() => checkCommandRequest(actor("technician"), restart, { parameters: { delay_seconds: 301 }, confirm: true })).toThrow(expect.objectContaining({ status: 400, fieldErrors: { "parameters.delay_seconds": expect.any(Array) } }));
    expect(() => checkCommandRequest(actor("technician"), commandSpec("update_routing")!, { parameters: {}, confirm: true })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => checkCommandRequest(actor("viewer"), commandSpec("ping")!, { parameters: {}, confirm: false })).toThrow(expect.objectContaining({ status: 403 }));
    expect(checkCommandRequest(actor("manager"), commandSpec("update_routing")!, { parameters: {}, confirm: true })).toEqual({});
  });

  it("keeps idempotency keys per caller and refuses odd ones", () => {
    expect(idempotencyKeyOf(actor("technician"), " abc-1 ")).toBe("user:7:abc-1");
    expect(idempotencyKeyOf({ ...actor("admin"), kind: "api_key", id: 3 }, "abc-1")).toBe("api_key:3:abc-1");
    expect(idempotencyKeyOf(actor("technician"), null)).toBeNull();
    expect(() => idempotencyKeyOf(actor("technician"), "")).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => idempotencyKeyOf(actor("technician"), "naïve")).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => idempotencyKeyOf(actor("technician"), "k".repeat(201))).toThrow(expect.objectContaining({ status: 400 }));
  });

  it("compares requests whatever the order of their fields", () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: "1" }));
  });

  it("knows which types have a command", () => {
    expect(typesWith("ping")).toHaveLength(9);
    expect(typesWith("test_valve").sort()).toEqual(["milk_meter", "waterer"]);
    expect(typesWith("nothing")).toEqual([]);
  });
});

describe("the command center's filters", () => {
  it("parses the URL, lists and all, and names a bad parameter", () => {
    const query = parseCommandListQuery({ device: "mm001", status: "failed,timeout", command: ["ping", "restart"], limit: "20", from: "2026-12-01", batch: "" });
    expect(query).toMatchObject({ device: "MM001", status: ["failed", "timeout"], command: ["ping", "restart"], limit: 20, from: "2026-12-01" });
    expect(query.batch).toBeUndefined();
    expect(() => parseCommandListQuery({ status: "lost", from: "yesterday", limit: "900" })).toThrow(expect.objectContaining({ status: 400, fieldErrors: { status: ["Unknown status"], from: [expect.stringMatching(/date/)], limit: ["limit is at most 200"] } }));
  });

  it("keeps a farm-bound caller in their farm whatever the farm filter", () => {
    const where = commandWhere(actor("manager", 3), { farm: 5, status: ["queued"] });
    expect(where).toEqual({ AND: [{ farmId: 3 }, { farmId: 5 }, { status: { in: ["queued"] } }] });
    expect(commandWhere(actor("admin"), {})).toEqual({});
  });

  it("reads a date 'to' as the end of that day", () => {
    expect(upperBound("2026-12-01").toISOString()).toBe("2026-12-02T00:00:00.000Z");
    expect(upperBound("2026-12-01T10:00:00Z").toISOString()).toBe("2026-12-01T10:00:00.000Z");
  });

  it("round-trips a cursor and refuses a forged one", () => {
    const at = new Date("2026-12-03T12:00:00.123Z");
    expect(decodeCursor(encodeCursor(at, 42))).toEqual({ createdAt: at, id: 42 });
    expect(decodeCursor("nonsense")).toBeNull();
    expect(decodeCursor(Buffer.from("2026-12-03T12:00:00Z|-1").toString("base64url"))).toBeNull();
    expect(decodeCursor(Buffer.from("2026-12-03T12:00:00Z|1|2").toString("base64url"))).toBeNull();
  });
});
