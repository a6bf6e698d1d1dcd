import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { deepMerge } from "../lib/configuration/config-layers";
import { configHash } from "../lib/configuration/config-hash";
import { defaultConfig, type ConfigObject } from "../lib/configuration/config-schemas";
import { parseConfig } from "../lib/config/env";
import { configReportPayload, type ConfigReportPayload } from "../lib/mqtt/payloads";
import {
  configDraw,
  configMisbehaviourOf,
  decideConfig,
  DeviceConfiguration,
  factoryConfig,
  fileFlash,
  restoreConfig,
  type ConfigFlash,
  NO_CONFIG_MISBEHAVIOUR,
  parseConfigSwitch,
  telemetryIntervalMs,
  unsupportedSetting,
  withAlarms,
  type ConfigMisbehaviour,
  type ConfigStats,
  type RunningConfig,
} from "./simulator-config";

const message = (version: number, configuration: ConfigObject, hash = configHash(configuration)) => Buffer.from(JSON.stringify({ version, hash, configuration, issued_at: new Date().toISOString() }));
const barnA = () => deepMerge(defaultConfig("environmental"), { thresholds: { ammonia_high: 30 } });
const slower = () => deepMerge(defaultConfig("environmental"), { telemetry: { update_interval_sec: 120 } });

function device(misbehaviour: Partial<ConfigMisbehaviour> = {}, deviceType = "environmental", flash?: ConfigFlash) {
  const reports: ConfigReportPayload[] = [];
  const applied: RunningConfig[] = [];
  const stats: ConfigStats = { configReceived: 0, configApplied: 0, configRejected: 0, configFailed: 0 };
  const config = new DeviceConfiguration(
    { deviceId: "ES002", deviceType, firmware: () => "1.4.0", report: (report) => reports.push(configReportPayload.parse(report)), applied: (running) => applied.push(running), log: () => undefined },
    { ...NO_CONFIG_MISBEHAVIOUR, ...misbehaviour },
    stats,
    flash,
  );
  return { config, reports, applied, stats };
}

describe("a simulated device's configuration", () => {
  it("says on connect what it runs: version 0 and the hash of its type's defaults, until given one", () => {
    const { config, reports } = device();
    config.onConnect();
    expect(reports).toEqual([expect.objectContaining({ version: 0, status: "applied", hash: configHash(defaultConfig("environmental")) })]);
    config.onMessage(message(3, barnA()));
    config.onConnect();
    expect(reports.at(-1)).toMatchObject({ version: 3, status: "applied", hash: configHash(barnA()) });
  });

  it("applies a valid configuration and reports applied with its version and hash; a repeat of it is ignored", () => {
    const { config, reports, applied, stats } = device();
    config.onMessage(message(2, slower()));
    expect(reports).toEqual([expect.objectContaining({ version: 2, status: "applied", hash: configHash(slower()) })]);
    expect(applied.map((running) => running.version)).toEqual([2]);
    expect(config.current.config).toEqual(slower());
    config.onMessage(message(2, slower())); // the retained copy after a reconnect
    config.onMessage(Buffer.alloc(0)); // a retained message being cleared
    expect(reports).toHaveLength(1);
    expect(stats).toMatchObject({ configReceived: 2, configApplied: 1 });
    // Same version number, other hash (the app's database was reset): not a repeat.
    config.onMessage(message(2, barnA()));
    expect(reports.at(-1)).toMatchObject({ version: 2, status: "applied", hash: configHash(barnA()) });
  });

  it("rejects an invalid configuration with the path and message, keeps what it runs, and answers a version once", () => {
    const { config, reports, stats } = device();
    const bad = deepMerge(defaultConfig("environmental"), { thresholds: { ammonia_high: 60 } }); // above ammonia_critical 50
    config.onMessage(message(4, bad));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ version: 4, status: "rejected", hash: configHash(defaultConfig("environmental")) });
    expect(reports[0]!.reason).toMatch(/^invalid configuration: thresholds\.ammonia_critical: /);
    config.onMessage(message(4, bad));
    expect(reports).toHaveLength(1);
    expect(stats.configRejected).toBe(1);
    expect(config.current.version).toBe(0);

    config.onMessage(message(5, { ...defaultConfig("environmental"), colour: "red" }));
    expect(reports.at(-1)!.reason).toBe("invalid configuration: colour: unknown setting");
    const wrongType = deepMerge(defaultConfig("environmental"), { telemetry: { update_interval_sec: "60" } });
    config.onMessage(message(6, wrongType));
    expect(reports.at(-1)!.reason).toMatch(/telemetry\.update_interval_sec: /);
  });

  it("rejects a configuration whose hash does not match it", () => {
    const { config, reports } = device();
    config.onMessage(message(2, slower(), configHash(barnA())));
    expect(reports).toEqual([expect.objectContaining({ version: 2, status: "rejected", reason: expect.stringMatching(/^hash mismatch/) })]);
  });

  it("ignores a malformed message (it cannot tell which version to answer)", () => {
    const { config, reports } = device();
    config.onMessage(Buffer.from("{not json"));
    config.onMessage(Buffer.from(JSON.stringify({ version: 0, hash: "x", configuration: {} })));
    expect(reports).toEqual([]);
  });

  it("a rejecting device refuses a changed threshold with the setting and its firmware, but takes other changes", () => {
    const { config, reports } = device({ reject: true });
    config.onMessage(message(2, slower()));
    expect(reports.at(-1)).toMatchObject({ version: 2, status: "applied" });
    config.onMessage(message(3, deepMerge(slower(), { thresholds: { ammonia_high: 30 } })));
    expect(reports.at(-1)).toMatchObject({ version: 3, status: "rejected", hash: configHash(slower()), reason: "setting thresholds.ammonia_high not supported by firmware 1.4.0" });
    expect(config.current.version).toBe(2);
    expect(unsupportedSetting("collar", deepMerge(defaultConfig("collar"), { alerts: { fever_threshold_c: 40 } }))).toBe("alerts.fever_threshold_c");
    expect(unsupportedSetting("environmental", slower())).toBeNull();
  });

  it("a failing device reports failed: flash write error; a silent one applies and never says so", () => {
    const failing = device({ fail: true });
    failing.config.onMessage(message(2, slower()));
    expect(failing.reports).toEqual([expect.objectContaining({ version: 2, status: "failed", reason: "flash write error" })]);
    expect(failing.config.current.version).toBe(0);

    const silent = device({ silent: true });
    silent.config.onConnect();
    silent.config.onMessage(message(2, slower()));
    expect(silent.reports).toEqual([]);
    expect(silent.config.current.version).toBe(2);
  });
});

describe("what a device keeps in its flash", () => {
  it("boots into what it applied before (a restarted simulator), checked like a message; anything else: factory", () => {
    const stored = new Map<string, unknown>();
    const flash: ConfigFlash = { load: (id) => stored.get(id), save: (id, running) => void stored.set(id, running) };
    device({}, "environmental", flash).config.onMessage(message(3, barnA()));
    const again = device({}, "environmental", flash);
    again.config.onConnect();
    expect(again.reports).toEqual([expect.objectContaining({ version: 3, hash: configHash(barnA()) })]);
    expect(restoreConfig("environmental", { version: 3, hash: configHash(slower()), config: barnA() })).toEqual(factoryConfig("environmental"));
    expect(restoreConfig("environmental", { version: 3, hash: configHash({ colour: 1 }), config: { colour: 1 } })).toEqual(factoryConfig("environmental"));
    expect(restoreConfig("environmental", "garbage")).toEqual(factoryConfig("environmental"));
  });

  it("fileFlash writes one 0600 file a moment after the last change, and reads it back", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sim-flash-"));
    try {
      const file = path.join(dir, "simulator-config.json");
      const flash = fileFlash(file);
      const running = { version: 2, hash: configHash(slower()), config: slower() };
      flash.save("ES001", running);
      flash.save("ES002", factoryConfig("environmental"));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ ES001: running });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(restoreConfig("environmental", fileFlash(file).load("ES001"))).toEqual(running);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("what a configuration changes in the device's behaviour", () => {
  it("stretches the simulator's interval by the configured/default ratio, clamped to ¼…6×", () => {
    expect(telemetryIntervalMs("environmental", defaultConfig("environmental"), 5)).toBe(5_000);
    expect(telemetryIntervalMs("environmental", slower(), 5)).toBe(10_000);
    expect(telemetryIntervalMs("environmental", deepMerge(defaultConfig("environmental"), { telemetry: { update_interval_sec: 3600 } }), 5)).toBe(30_000);
    expect(telemetryIntervalMs("environmental", deepMerge(defaultConfig("environmental"), { telemetry: { update_interval_sec: 10 } }), 5)).toBe(1_250);
    expect(telemetryIntervalMs("milk_meter", deepMerge(defaultConfig("milk_meter"), { telemetry: { transmission_interval_sec: 30 } }), 2)).toBe(1_000);
    expect(telemetryIntervalMs("unknown", {}, 5)).toBe(5_000);
  });

  it("flags readings against the thresholds it runs", () => {
    const readings = { temperature_c: 18, humidity_percent: 60, co2_ppm: 900, ammonia_ppm: 27 };
    expect(withAlarms("environmental", readings, defaultConfig("environmental"))).toMatchObject({ ammonia_alarm: "high", co2_alarm: false, temperature_alarm: false });
    expect(withAlarms("environmental", readings, barnA())).toMatchObject({ ammonia_ppm: 27, ammonia_alarm: false });
    expect(withAlarms("environmental", { ...readings, ammonia_ppm: 55 }, barnA()).ammonia_alarm).toBe("critical");
    expect(withAlarms("environmental", { ...readings, temperature_c: 5 }, defaultConfig("environmental")).temperature_alarm).toBe("low");
    expect(withAlarms("environmental", { ...readings, ammonia_ppm: 55 }, deepMerge(barnA(), { alarms: { enabled: false } })).ammonia_alarm).toBe(false);
    const milk = { milk_flow_lpm: 2, milk_temperature_c: 37.5, conductivity_ms_cm: 5 };
    expect(withAlarms("milk_meter", milk, defaultConfig("milk_meter")).temperature_alarm).toBe(false);
    expect(withAlarms("milk_meter", milk, deepMerge(defaultConfig("milk_meter"), { thresholds: { temperature_alarm_c: 37 } })).temperature_alarm).toBe("high");
    expect(withAlarms("collar", { steps: 3 }, defaultConfig("collar"))).toEqual({ steps: 3 });
  });
});

describe("which devices misbehave", () => {
  it("parses a share and/or device ids, and refuses anything else", () => {
    expect(parseConfigSwitch("config-reject", "0.1")).toEqual({ share: 0.1, deviceIds: [] });
    expect(parseConfigSwitch("config-reject", "0.05, ES002,ES104")).toEqual({ share: 0.05, deviceIds: ["ES002", "ES104"] });
    expect(parseConfigSwitch("config-reject", "none")).toEqual({ share: 0, deviceIds: [] });
    expect(parseConfigSwitch("config-reject", undefined)).toEqual({ share: 0, deviceIds: [] });
    expect(() => parseConfigSwitch("config-reject", "1.5")).toThrow(/--config-reject/);
    expect(() => parseConfigSwitch("config-fail", "ES 002")).toThrow(/--config-fail/);
  });

  it("takes the same values from the environment (SIMULATOR_CONFIG_*): the demo's ES002 rejects by default", () => {
    const config = parseConfig({});
    expect([config.SIMULATOR_CONFIG_REJECT, config.SIMULATOR_CONFIG_SILENT, config.SIMULATOR_CONFIG_FAIL]).toEqual(["ES002", "0", "0"]);
    expect(parseConfigSwitch("config-reject", parseConfig({ SIMULATOR_CONFIG_REJECT: "0.05, ES104" }).SIMULATOR_CONFIG_REJECT)).toEqual({ share: 0.05, deviceIds: ["ES104"] });
    expect(parseConfig({ SIMULATOR_CONFIG_FAIL: "none" }).SIMULATOR_CONFIG_FAIL).toBe("none");
    expect(() => parseConfig({ SIMULATOR_CONFIG_SILENT: "1.5" })).toThrow(/SIMULATOR_CONFIG_SILENT/);
    expect(() => parseConfig({ SIMULATOR_CONFIG_REJECT: "ES 002" })).toThrow(/SIMULATOR_CONFIG_REJECT/);
  });

  it("picks by device id: the same on every run, named devices first, the shares never overlapping", () => {
    const ids = Array.from({ length: 2_000 }, (_, index) => `ES${String(index).padStart(4, "0")}`);
    const switches = { reject: parseConfigSwitch("r", "0.1"), silent: parseConfigSwitch("s", "0.05"), fail: parseConfigSwitch("f", "0.05") };
    const picked = ids.map((id) => configMisbehaviourOf(id, switches));
    const share = (key: keyof ConfigMisbehaviour) => picked.filter((m) => m[key]).length / ids.length;
    expect(share("reject")).toBeGreaterThan(0.07);
    expect(share("reject")).toBeLessThan(0.13);
    expect(share("silent")).toBeGreaterThan(0.03);
    expect(share("fail")).toBeGreaterThan(0.03);
    expect(picked.every((m) => Number(m.reject) + Number(m.silent) + Number(m.fail) <= 1)).toBe(true);
    expect(ids.map((id) => configMisbehaviourOf(id, switches))).toEqual(picked);
    // Raising the silent share does not change who rejects.
    const more = ids.map((id) => configMisbehaviourOf(id, { ...switches, silent: parseConfigSwitch("s", "0.3") }));
    expect(more.map((m) => m.reject)).toEqual(picked.map((m) => m.reject));
    expect(configDraw("ES0001")).toBe(configDraw("ES0001"));
    expect(configMisbehaviourOf("ES002", { reject: parseConfigSwitch("r", "ES002") })).toEqual({ reject: true, silent: false, fail: false });
    expect(configMisbehaviourOf("ES003", { reject: parseConfigSwitch("r", "ES002") })).toEqual(NO_CONFIG_MISBEHAVIOUR);
  });

  it("answers for types it has no schema of by rejecting, and keeps factory defaults for each type", () => {
    expect(factoryConfig("environmental")).toEqual({ version: 0, hash: configHash(defaultConfig("environmental")), config: defaultConfig("environmental") });
    const decision = decideConfig(message(1, {}), { deviceType: "toaster", firmware: "1", running: factoryConfig("toaster"), answered: new Set(), misbehaviour: NO_CONFIG_MISBEHAVIOUR });
    expect(decision).toMatchObject({ kind: "refuse", report: { status: "rejected", reason: "no configuration is known for device type toaster" } });
  });
});
