import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { commandsFor, DEVICE_TYPES, diagnosticsResult, parseParameters } from "../lib/commands/catalogue";
import { parseLogLine } from "../lib/commands/log-lines";
import type { CommandResponsePayload } from "../lib/mqtt/payloads";
import { checkCommand, commandResult, DeviceCommands, diagnosticsFor, NO_COMMAND_MISBEHAVIOUR, type CommandMisbehaviour, type CommandStats, type DeviceSnapshot } from "./simulator-commands";
import { DeviceLog } from "./simulator-logs";
import { factoryConfig } from "./simulator-config";
import { deepMerge } from "../lib/configuration/config-layers";
import { configHash } from "../lib/configuration/config-hash";

function seeded(seed = 42) {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
}

const snapshot = (deviceType: string, over: Partial<DeviceSnapshot> = {}): DeviceSnapshot => ({
  deviceId: "MM001",
  deviceType,
  firmware: "2.0.3",
  uptimeSeconds: 1234,
  battery: ["collar", "temperature", "environmental", "waterer"].includes(deviceType) ? 64.2 : null,
  signal: -67,
  errorCount: 2,
  cpuPercent: 12.3,
  memoryPercent: 45.6,
  storagePercent: 23.4,
  debugLevel: "info",
  failing: false,
  configuration: factoryConfig(deviceType),
  ...over,
});

const ACTING = new Set(["restart", "set_debug_level", "get_logs"]);

describe("answers of a simulated device", () => {
  it("answers every catalogue command of every type with a result its schema accepts", () => {
    const random = seeded();
    let checked = 0;
    for (const type of DEVICE_TYPES) {
      for (const spec of commandsFor(type)) {
        if (ACTING.has(spec.name)) continue;
        const defaults = parseParameters(spec, spec.name === "calibrate_probe" ? { reference_celsius: 4 } : {});
        expect(defaults.ok, `${type} ${spec.name}`).toBe(true);
        const params = defaults.ok ? defaults.value : {};
        for (const failing of [false, true]) {
          const result = commandResult(spec.name, params, snapshot(type, { failing }), random);
          expect(typeof result, `${type} ${spec.name}`).toBe("object");
          if (spec.result) {
            const parsed = spec.result.safeParse(result);
            expect(parsed.success, `${type} ${spec.name}: ${parsed.success ? "" : parsed.error.message}`).toBe(true);
          }
          // It travels as JSON on MQTT: nothing that JSON would lose.
          expect(JSON.parse(JSON.stringify(result))).toEqual(result);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it("runs 5–8 named diagnostics per type; a failing device fails its own part first", () => {
    const random = seeded(7);
    for (const type of DEVICE_TYPES) {
      const full = diagnosticsFor(snapshot(type), "full", random);
      expect(diagnosticsResult.safeParse(full).success).toBe(true);
      expect(full.tests.length, type).toBeGreaterThanOrEqual(5);
      expect(full.tests.length, type).toBeLessThanOrEqual(8);
      expect(full.passed, type).toBe(true);
      expect(new Set(full.tests.map((test) => test.name)).size).toBe(full.tests.length);
      expect(full.tests.map((test) => test.name)).toEqual(expect.arrayContaining(["storage", "clock", "network", "memory"]));
      const broken = diagnosticsFor(snapshot(type, { failing: true }), "full", random);
      expect(broken.passed).toBe(false);
      expect(broken.tests[0]!.passed).toBe(false);
      expect(diagnosticsFor(snapshot(type), "quick", random).tests).toHaveLength(5);
    }
    expect(diagnosticsFor(snapshot("milk_meter"), "full", random).tests.map((test) => test.name)).toContain("flow sensor");
    expect(diagnosticsFor(snapshot("collar"), "full", random).tests.map((test) => test.name)).toContain("battery");
  });

  it("tells the configuration it runs (get_config) and judges its readings by it (read_sensors)", () => {
    const random = seeded(7);
    expect(commandResult("get_config", {}, snapshot("environmental"), random)).toMatchObject({ config_version: 0, config_hash: configHash(factoryConfig("environmental").config), config: factoryConfig("environmental").config });
    const strict = deepMerge(factoryConfig("environmental").config, { thresholds: { ammonia_high: 2, ammonia_critical: 100 } });
    const running = { version: 4, hash: configHash(strict), config: strict };
    expect(commandResult("get_config", {}, snapshot("environmental", { configuration: running }), random)).toMatchObject({ config_version: 4, config_hash: running.hash });
    for (let i = 0; i < 20; i++) expect(commandResult("read_sensors", {}, snapshot("environmental", { configuration: running }), random).ammonia_alarm).toBe("high");
    const relaxed = deepMerge(strict, { thresholds: { ammonia_high: 99, ammonia_critical: 100 } });
    for (let i = 0; i < 20; i++) expect(commandResult("read_sensors", {}, snapshot("environmental", { configuration: { version: 5, hash: configHash(relaxed), config: relaxed } }), random).ammonia_alarm).toBe(false);
  });

  it("refuses unknown commands and bad parameters by the catalogue's rules", () => {
    const base = { command_id: "c1", timestamp: new Date().toISOString() };
    const unknown = checkCommand({ ...base, command: "zero_flow", parameters: {} }, "gateway");
    expect(unknown).toMatchObject({ ok: false });
    expect(!unknown.ok && unknown.error).toMatch(/unknown command "zero_flow" for a gateway; it knows ping, .*scan_devices/);
    const bad = checkCommand({ ...base, command: "ping", parameters: { count: 50 } }, "gateway");
    expect(!bad.ok && bad.error).toMatch(/^invalid parameters: count: /);
    const extra = checkCommand({ ...base, command: "ping", parameters: { loud: true } }, "gateway");
    expect(!extra.ok && extra.error).toMatch(/loud/);
    // The engine adds upload_url and bundle_id to get_logs: not the catalogue's parameters, accepted.
    const logs = checkCommand({ ...base, command: "get_logs", parameters: { upload_url: "http://x/y", bundle_id: 3, time_range_hours: 2 } }, "gateway");
    expect(logs).toMatchObject({ ok: true, params: { time_range_hours: 2, log_types: ["system", "application"] } });
  });
});

describe("DeviceCommands", () => {
  afterEach(() => vi.useRealTimers());

  function device(type = "milk_meter", behaviour: CommandMisbehaviour = NO_COMMAND_MISBEHAVIOUR, fetchImpl?: typeof fetch) {
    const responses: { id: string; response: CommandResponsePayload }[] = [];
    const random = seeded(3);
    const log = new DeviceLog(type, random);
    const stats: CommandStats = { commands: 0, commandDuplicates: 0, commandsExpired: 0, logUploads: 0, logUploadsRefused: 0 };
    let uptime = 500;
    const restarts: number[] = [];
    const commands = new DeviceCommands(
      {
        snapshot: () => snapshot(type, { uptimeSeconds: uptime, debugLevel: log.debugLevel }),
        respond: (id, response) => responses.push({ id, response }),
        restart: async (offlineMs) => {
          restarts.push(offlineMs);
          uptime = 0;
        },
        log,
        say: () => undefined,
      },
      behaviour,
      { delayScale: 0, minuteMs: 20, random, fetch: fetchImpl },
      stats,
    );
    const send = (command: string, parameters: Record<string, unknown> = {}, id = `c-${Math.random()}`, extra: Record<string, unknown> = {}) =>
      commands.handle({ command_id: id, command, parameters, timestamp: new Date().toISOString(), ...extra });
    return { responses, stats, commands, send, log, restarts };
  }

  it("acknowledges at once, then completes; never runs an id twice", async () => {
    const sim = device();
    await sim.send("ping", { count: 3 }, "same");
    await sim.send("ping", { count: 3 }, "same");
    expect(sim.responses.map((r) => r.response.status)).toEqual(["executing", "completed"]);
    expect(sim.responses[1]!.response.result).toMatchObject({ sent: 3, received: 3 });
    expect(sim.stats).toMatchObject({ commands: 1, commandDuplicates: 1 });
  });

  it("forgets the oldest ids past its memory, but only those", async () => {
    const sim = device();
    (sim.commands as unknown as { options: { rememberIds: number } }).options.rememberIds = 2;
    for (const id of ["a", "b", "c", "c", "a"]) await sim.send("get_status", {}, id);
    expect(sim.stats).toMatchObject({ commands: 4, commandDuplicates: 1 });
  });

  it("ignores a command past its expires_at", async () => {
    const sim = device();
    await sim.send("ping", {}, "old", { expires_at: new Date(Date.now() - 1000).toISOString() });
    expect(sim.responses).toEqual([]);
    expect(sim.stats.commandsExpired).toBe(1);
  });

  it("fails a command it does not know with the reason, without acknowledging it", async () => {
    const sim = device("gate");
    await sim.send("zero_flow");
    expect(sim.responses).toHaveLength(1);
    expect(sim.responses[0]!.response).toMatchObject({ status: "failed", error: expect.stringMatching(/unknown command/) });
  });

  it("restarts: goes away, comes back with its uptime from zero, says when", async () => {
    const sim = device();
    await sim.send("restart", { delay_seconds: 0 });
    expect(sim.restarts).toHaveLength(1);
    const result = sim.responses.at(-1)!.response.result!;
    expect(result.uptime_seconds).toBe(0);
    expect(Date.parse(result.restarted_at as string)).toBeGreaterThan(Date.now() - 5000);
  });

  it("remembers the debug level, logs more, and goes back to info on its own", async () => {
    const sim = device();
    await sim.send("set_debug_level", { level: "trace", duration_minutes: 1 });
    expect(sim.responses.at(-1)!.response.result).toMatchObject({ level: "trace", expires_at: expect.any(String) });
    expect(sim.commands.debugLevel).toBe("trace");
    sim.log.tick(false);
    const levels = sim.log.linesSince(0, ["system", "application", "network", "sensor", "security"]).map((line) => parseLogLine(line, 0).level);
    expect(levels).toContain("TRACE");
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sim.commands.debugLevel).toBe("info");
    await sim.send("get_status");
    expect(sim.responses.at(-1)!.response.result).toMatchObject({ debug_level: "info" });
  });

  it("uploads its logs as gzip with the SHA-256 header, then answers with the bundle's figures", async () => {
    const puts: { url: string; headers: Headers; body: Buffer }[] = [];
    const fake = (async (url: string, init: RequestInit) => {
      puts.push({ url, headers: new Headers(init.headers), body: Buffer.from(init.body as Uint8Array) });
      return new Response(JSON.stringify({ ok: true }), { status: 201 });
    }) as unknown as typeof fetch;
    const sim = device("milk_meter", NO_COMMAND_MISBEHAVIOUR, fake);
    for (let i = 0; i < 20; i++) sim.log.tick(i % 3 === 0);
    await sim.send("get_logs", { log_types: ["sensor", "network"], time_range_hours: 2, upload_url: "http://web/upload?token=t", bundle_id: 9 });
    expect(puts).toHaveLength(1);
    const put = puts[0]!;
    expect(put.headers.get("content-type")).toBe("application/gzip");
    const sha = createHash("sha256").update(put.body).digest("hex");
    expect(put.headers.get("x-content-sha256")).toBe(sha);
    const lines = gunzipSync(put.body).toString("utf8").trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) expect(parseLogLine(line, 0).level, line).not.toBeNull();
    expect(sim.responses.at(-1)!.response).toEqual({ status: "completed", result: { bundle_id: 9, size_bytes: put.body.length, sha256: sha, lines: lines.length } });
  });

  it("fails get_logs with the server's status and message when the upload is refused", async () => {
    const refuse = (async () => new Response(JSON.stringify({ error: { code: "forbidden", message: "The upload token is wrong or was already used." } }), { status: 403 })) as unknown as typeof fetch;
    const sim = device("gateway", NO_COMMAND_MISBEHAVIOUR, refuse);
    await sim.send("get_logs", { upload_url: "http://web/upload?token=t", bundle_id: 9 });
    expect(sim.responses.at(-1)!.response).toEqual({ status: "failed", error: "log upload refused: HTTP 403 The upload token is wrong or was already used." });
    expect(sim.stats.logUploadsRefused).toBe(1);
  });

  it("misbehaves on demand: fails everything, or never answers", async () => {
    const failing = device("collar", { failAll: true, late: false, silent: false });
    await failing.send("locate_device");
    expect(failing.responses.map((r) => r.response.status)).toEqual(["executing", "failed"]);
    expect(failing.responses[1]!.response.error).toMatch(/^locate_device failed: /);
    const silent = device("collar", { failAll: false, late: false, silent: true });
    await silent.send("ping");
    expect(silent.responses).toEqual([]);
  });

  it("answers late after the command's timeout", async () => {
    vi.useFakeTimers();
    const late = device("gate", { failAll: false, late: true, silent: false });
    const done = late.send("get_position");
    await vi.advanceTimersByTimeAsync(1);
    expect(late.responses.map((r) => r.response.status)).toEqual(["executing"]);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(late.responses).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    await done;
    expect(late.responses.map((r) => r.response.status)).toEqual(["executing", "completed"]);
  });
});

describe("DeviceLog", () => {
  it("keeps a bounded ring and fills an older range with rotated lines of the asked types", () => {
    let now = Date.parse("2026-12-03T12:00:00.000Z");
    const log = new DeviceLog("milk_meter", seeded(9), 50, () => now);
    for (let i = 0; i < 200; i++) {
      now += 5_000;
      log.tick(false);
    }
    const recent = log.linesSince(now - 60_000, ["system", "application", "network", "sensor", "security"]);
    expect(recent.length).toBeGreaterThan(5);
    const day = log.linesSince(now - 24 * 3_600_000, ["network"]);
    const parsed = day.map((line, i) => parseLogLine(line, i));
    expect(parsed.every((line) => line.source && ["mqtt", "net", "radio"].includes(line.source))).toBe(true);
    expect(parsed.length).toBeGreaterThan(100);
    const times = parsed.map((line) => Date.parse(line.time!));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
