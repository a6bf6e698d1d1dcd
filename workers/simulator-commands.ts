/**
 * Remote commands as one simulated device answers them (issue 15 item 10, contract item 4): every
 * command of lib/commands/catalogue.ts for its type, checked against the catalogue's parameter
 * schema, `executing` at once and the final answer after a plausible delay, with results that pass
 * the catalogue's result schemas. `restart` really reconnects (offline → online, uptime from
 * zero); `set_debug_level` changes what the device logs and reverts itself; `get_logs` gzips its
 * log and PUTs it to the signed upload URL the command carries.
 *
 * The device remembers the ids it answered (bounded) and never runs one twice: the engine may
 * re-send a command it published just before a crash. Misbehaviour switches make the engine's
 * failure paths demonstrable: devices that fail every command, answer after the timeout, or never
 * answer at all.
 *
 * The answers are pure functions (commandResult, diagnosticsFor), so the unit test checks every
 * command of every type against the catalogue without a broker.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { commandSpec, commandsFor, DEBUG_LEVELS, LOG_TYPES, parseParameters, type CommandSpec, type DebugLevel } from "../lib/commands/catalogue";
import type { CommandPayload, CommandResponsePayload } from "../lib/mqtt/payloads";
import { SENSOR_SOURCES, type DeviceLog, type LogType } from "./simulator-logs";
import { withAlarms, type RunningConfig } from "./simulator-config";

export type CommandStats = { commands: number; commandDuplicates: number; commandsExpired: number; logUploads: number; logUploadsRefused: number };

/** How this device misbehaves with commands (picked by the simulator for a share of the fleet). */
export type CommandMisbehaviour = {
  /** Acknowledges, then fails every command (--command-fail). */
  failAll: boolean;
  /** Acknowledges, then answers after the command's timeout (--command-late). */
  late: boolean;
  /** Never answers anything (--command-silent). */
  silent: boolean;
};

export const NO_COMMAND_MISBEHAVIOUR: CommandMisbehaviour = { failAll: false, late: false, silent: false };

export type CommandOptions = {
  /** Multiplies every delay (1 = plausible, 0 = answer at once: benchmarks and tests). */
  delayScale: number;
  /** A minute of debug logging, in ms (tests shorten it). */
  minuteMs: number;
  random: () => number;
  /** How many answered command ids the device remembers. */
  rememberIds?: number;
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
};

/** What the answer builders read from the device at the moment they answer. */
export type DeviceSnapshot = {
  deviceId: string;
  deviceType: string;
  firmware: string;
  uptimeSeconds: number;
  battery: number | null;
  signal: number;
  errorCount: number;
  cpuPercent: number;
  memoryPercent: number;
  storagePercent: number;
  debugLevel: DebugLevel;
  /** The device is one of the failing ones (--errors): a diagnostics test fails. */
  failing: boolean;
  /** The configuration it runs (workers/simulator-config.ts): get_config tells it, read_sensors judges by it. */
  configuration: RunningConfig;
};

/** What the device runner lends the command side. */
export type CommandDevice = {
  snapshot(): DeviceSnapshot;
  respond(commandId: string, response: CommandResponsePayload): void;
  /** Reboots: says offline, is unreachable for `offlineMs`, comes back; resolves once online. */
  restart(offlineMs: number): Promise<void>;
  log: DeviceLog;
  say(line: string): void;
};

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const between = (random: () => number, min: number, max: number) => min + random() * (max - min);

// ------------------------------------------------------------------ diagnostics

type Test = { name: string; passed: boolean; detail: string; value: number | string | boolean };
type TestMaker = (s: DeviceSnapshot, random: () => number) => Test;

const ok = (name: string, detail: string, value: number | string | boolean): Test => ({ name, passed: true, detail, value });

const COMMON_TESTS: Record<string, TestMaker> = {
  storage: (s) => ({ name: "storage", passed: s.storagePercent < 90, detail: `${round(s.storagePercent)} % used, read/write verified`, value: round(s.storagePercent) }),
  memory: (s) => ({ name: "memory", passed: s.memoryPercent < 90, detail: `${round(s.memoryPercent)} % in use, pattern test passed`, value: round(s.memoryPercent) }),
  clock: (_s, random) => {
    const drift = round(between(random, 0, 0.8), 2);
    return { name: "clock", passed: drift < 2, detail: `drift ${drift} s against NTP`, value: drift };
  },
  network: (s) => ({ name: "network", passed: s.signal > -100, detail: `signal ${s.signal} dBm, broker reachable`, value: s.signal }),
  battery: (s) => ({ name: "battery", passed: (s.battery ?? 100) >= 15, detail: s.battery === null ? "mains powered" : `${round(s.battery)} % charge`, value: s.battery === null ? "mains" : round(s.battery) }),
  firmware: (s) => ok("firmware checksum", `image ${s.firmware} verified`, s.firmware),
};

/** The device's own parts: a failing device fails the first of them (where it hurts). */
const TYPE_TESTS: Record<string, TestMaker[]> = {
  milk_meter: [
    (_s, r) => ok("flow sensor", "pulse count within 1 % of reference", round(between(r, 99, 101), 2)),
    (_s, r) => ok("conductivity probe", "reads the reference solution", round(between(r, 4.9, 5.1), 2)),
    (_s, r) => ok("valve", `opened and closed in ${Math.round(between(r, 90, 160))} ms`, true),
    (_s, r) => ok("temperature probe", "within 0.2 °C of the internal reference", round(between(r, 36, 38))),
  ],
  environmental: [
    (_s, r) => ok("temperature/humidity sensor", "answers, values in range", round(between(r, 12, 24))),
    (_s, r) => ok("ammonia sensor", "heater and cell within limits", round(between(r, 0, 12))),
    (_s, r) => ok("co2 sensor", "NDIR lamp ok", Math.round(between(r, 450, 1500))),
  ],
  temperature: [(_s, r) => ok("temperature probe", "probe connected, reading stable", round(between(r, 3, 6))), () => ok("alarm buzzer", "sounded for 100 ms", true)],
  collar: [(_s, r) => ok("accelerometer", "self-test passed on 3 axes", round(between(r, 0.95, 1.05), 3)), () => ok("rumination microphone", "signal above noise floor", true)],
  feeder: [
    (_s, r) => ok("auger motor", `current ${round(between(r, 1.1, 1.6), 2)} A`, true),
    (_s, r) => ok("load cell", "zero within 5 g", Math.round(between(r, 0, 5))),
    (_s, r) => ok("hopper level", "ultrasonic echo received", Math.round(between(r, 30, 100))),
  ],
  gate: [(_s, r) => ok("motor", `current ${round(between(r, 2, 3), 2)} A`, true), () => ok("position sensor", "closed switch active", "closed"), () => ok("rfid antenna", "tuned", true)],
  waterer: [(_s, r) => ok("valve", `opened and closed in ${Math.round(between(r, 100, 200))} ms`, true), () => ok("flow sensor", "pulses counted", true), (_s, r) => ok("heater", "element resistance ok", round(between(r, 20, 25)))],
  rfid_reader: [(_s, r) => ok("antenna 1", `reflected power ${round(between(r, -25, -15))} dBm`, true), (_s, r) => ok("antenna 2", `reflected power ${round(between(r, -25, -15))} dBm`, true), () => ok("tag decoder", "test tag decoded", true)],
  gateway: [() => ok("uplink", "cloud endpoint reachable", true), (_s, r) => ok("mesh radio", `${Math.round(between(r, 5, 25))} neighbours heard`, true), (_s, r) => ok("message buffer", "buffer writable", Math.round(between(r, 0, 50)))],
};

const BATTERY_TYPES = new Set(["collar", "temperature", "environmental", "waterer"]);

/** 5–8 named tests: the type's parts first, then storage, memory, clock, network, battery, firmware. */
export function diagnosticsFor(s: DeviceSnapshot, suite: "quick" | "full", random: () => number) {
  const parts = (TYPE_TESTS[s.deviceType] ?? []).map((make) => make(s, random));
  if (s.failing && parts[0]) parts[0] = { ...parts[0], passed: false, detail: `${parts[0].name} does not answer (E${40 + Math.floor(random() * 20)})` };
  const common = ["storage", "memory", "clock", "network", ...(BATTERY_TYPES.has(s.deviceType) || s.battery !== null ? ["battery"] : []), "firmware"].map((name) => COMMON_TESTS[name]!(s, random));
  let tests = [...parts, ...common].slice(0, 8);
  if (suite === "quick") tests = tests.slice(0, 5);
  return { suite, passed: tests.every((test) => test.passed), tests, duration_ms: Math.round(tests.length * between(random, 300, 900)) };
}

// ------------------------------------------------------------------ results

const TAG = (random: () => number) => `982000${Math.floor(random() * 1e9).toString().padStart(9, "0")}`;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * The readings every calibrate_* answer carries (the catalogue's calibrationResult): the app makes
 * a calibration record of them. A failing device (--errors) fails its calibration: still off after.
 */
function calibrationReadings(
  s: DeviceSnapshot,
  r: { reference: string; referenceValue: number; before: number; after: number; offsetAfter?: number; unit: string; tolerance: number },
) {
  const after = s.failing ? round(r.referenceValue + r.tolerance * 3, 3) : r.after;
  return {
    reference: r.reference,
    reference_value: r.referenceValue,
    before: r.before,
    after,
    offset_before: 0,
    offset_after: r.offsetAfter ?? round(r.referenceValue - r.before, 3),
    unit: r.unit,
    tolerance: r.tolerance,
    passed: Math.abs(after - r.referenceValue) <= r.tolerance,
  };
}

/**
 * The completed result of a command that needs nothing from outside the device (every command
 * but restart, set_debug_level and get_logs, which act and are built by DeviceCommands).
 */
export function commandResult(name: string, params: Record<string, unknown>, s: DeviceSnapshot, random: () => number): Record<string, unknown> {
  const num = (key: string) => Number(params[key]);
  const now = new Date().toISOString();
  switch (name) {
    case "ping": {
      const count = num("count");
      const rtts = Array.from({ length: count }, () => round(between(random, 8, 40) + Math.max(0, -60 - s.signal) * 0.8, 1));
      return { sent: count, received: count, rtt_ms_min: Math.min(...rtts), rtt_ms_avg: round(rtts.reduce((a, b) => a + b, 0) / count), rtt_ms_max: Math.max(...rtts), rtt_ms: rtts };
    }
    case "get_status":
      return {
        state: s.failing ? "degraded" : "running",
        cpu_percent: round(s.cpuPercent),
        memory_percent: round(s.memoryPercent),
        storage_percent: round(s.storagePercent),
        uptime_seconds: s.uptimeSeconds,
        firmware_version: s.firmware,
        battery_level: s.battery === null ? null : round(s.battery),
        signal_strength: s.signal,
        error_count: s.errorCount,
        debug_level: s.debugLevel,
        temperature_c: round(between(random, 30, 45)),
      };
    case "get_config":
      // The device's own word on what it runs: the version and hash it last applied, and the values.
      return { config_version: s.configuration.version, config_hash: s.configuration.hash, config: s.configuration.config, log_level: s.debugLevel, firmware_version: s.firmware };
    case "run_diagnostics":
      return diagnosticsFor(s, params.suite === "quick" ? "quick" : "full", random);
    case "calibrate_flow": {
      const reference = num("reference_volume_liters");
      const measured = round(reference * between(random, 0.97, 1.03), 3);
      const after = round(reference * between(random, 0.998, 1.002), 3);
      return {
        reference_volume_liters: reference, measured_volume_liters: measured, previous_factor: round(between(random, 0.98, 1.02), 4), factor: round(reference / measured, 4), calibrated_at: now,
        ...calibrationReadings(s, { reference: `${reference} L test volume`, referenceValue: reference, before: measured, after, unit: "L", tolerance: round(reference * 0.005, 3) }),
      };
    }
    case "zero_flow":
      return { offset_before_lpm: round(between(random, 0.01, 0.12), 3), offset_after_lpm: 0, zeroed_at: now };
    case "test_valve": {
      const cycles = Array.from({ length: num("cycles") }, (_, i) => ({ cycle: i + 1, open_ms: Math.round(between(random, 80, 160)), close_ms: Math.round(between(random, 90, 180)) }));
      return { passed: !s.failing, moved: !s.failing, cycles };
    }
    case "get_readings":
      return {
        readings: Array.from({ length: num("count") }, (_, i) => ({
          ts: new Date(Date.now() - i * 60_000).toISOString(),
          flow_lpm: round(between(random, 0, 5), 2),
          conductivity_ms_cm: round(between(random, 4.5, 6), 2),
          temperature_c: round(between(random, 35, 38)),
        })),
      };
    case "read_sensors": {
      // With the alarm flags its thresholds give, as its telemetry carries them.
      const readings = { temperature_c: round(between(random, 12, 24)), humidity_percent: round(between(random, 55, 85)), ammonia_ppm: round(between(random, 8, 32)), co2_ppm: Math.round(between(random, 600, 2600)) };
      return { ...withAlarms("environmental", readings, s.configuration.config), read_at: now };
    }
    case "calibrate_sensors": {
      const sensors = params.sensor === "all" ? ["temperature", "humidity", "ammonia", "co2"] : [String(params.sensor)];
      const offsets = Object.fromEntries(sensors.map((sensor) => [sensor, round(between(random, -0.5, 0.5), 2)]));
      // The record carries the first sensor's reading in clean air (temperature: the room's 20 °C reference).
      const first = sensors[0]!;
      const offset = offsets[first]!;
      const reference = first === "co2" ? 420 : first === "humidity" ? 50 : first === "ammonia" ? 0 : 20;
      const unit = first === "co2" || first === "ammonia" ? "ppm" : first === "humidity" ? "%" : "°C";
      return {
        calibrated: sensors, offsets, calibrated_at: now,
        ...calibrationReadings(s, { reference: sensors.length > 1 ? `clean air (${sensors.join(", ")})` : `clean air (${first})`, referenceValue: reference, before: round(reference - offset, 2), after: reference, offsetAfter: offset, unit, tolerance: 0.5 }),
      };
    }
    case "reset_thresholds":
      return { thresholds: { temperature_c_max: 28, humidity_percent_max: 85, ammonia_ppm_max: 25, co2_ppm_max: 3000 }, reset_at: now };
    case "read_temperature":
      return { temperature_c: round(between(random, 3, 5.5), 2), probe: "ok", read_at: now };
    case "calibrate_probe": {
      const reference = num("reference_celsius");
      const measured = round(reference + between(random, -0.6, 0.6), 2);
      return {
        reference_celsius: reference, measured_celsius: measured, offset_celsius: round(reference - measured, 2), calibrated_at: now,
        ...calibrationReadings(s, { reference: "reference thermometer", referenceValue: reference, before: measured, after: round(reference + between(random, -0.05, 0.05), 2), offsetAfter: round(reference - measured, 2), unit: "°C", tolerance: 0.2 }),
      };
    }
    case "test_alarm":
      return { seconds: num("seconds"), sounded: true, alert_raised: true };
    case "inventory_scan": {
      const tags = Array.from({ length: 3 + Math.floor(random() * 12) }, () => ({ tag_id: TAG(random), rssi: Math.round(between(random, -75, -40)), reads: 1 + Math.floor(random() * 20) }));
      return { duration_seconds: num("duration_seconds"), unique_tags: tags.length, tags };
    }
    case "test_antenna": {
      const antennas = params.antenna === undefined ? [1, 2, 3, 4] : [num("antenna")];
      return { antennas: antennas.map((antenna) => ({ antenna, reflected_power_dbm: round(between(random, -25, -12)), vswr: round(between(random, 1.1, 1.8), 2), ok: true })) };
    }
    case "clear_buffer":
      return { cleared_reads: Math.floor(random() * 200) };
    case "locate_device":
      return { beep: params.beep, led: "flashing", duration_seconds: num("duration_seconds") };
    case "force_sync":
      return { records_sent: 20 + Math.floor(random() * 200), bytes_sent: Math.floor(between(random, 2_000, 40_000)), oldest_record_at: ago(between(random, 30, 240)) };
    case "reset_activity":
      return { baseline_cleared: true, relearn_days: 7 };
    case "dispense_test": {
      const grams = num("grams");
      const dispensed = Math.round(grams * between(random, 0.96, 1.04));
      return { requested_grams: grams, dispensed_grams: dispensed, deviation_percent: round(((dispensed - grams) / grams) * 100) };
    }
    case "calibrate_auger": {
      const before = round(between(random, 45, 55));
      const after = round(between(random, 49.5, 50.5));
      return {
        previous_grams_per_turn: before, grams_per_turn: after, turns: 20,
        ...calibrationReadings(s, { reference: "1 kg test weight over 20 turns", referenceValue: 50, before, after, unit: "g/turn", tolerance: 1 }),
      };
    }
    case "get_feed_log": {
      const entries = Array.from({ length: 5 + Math.floor(random() * 10) }, () => ({ at: ago(between(random, 0, num("hours") * 60)), animal_tag: TAG(random), grams: Math.round(between(random, 500, 3000)) })).sort((a, b) => a.at.localeCompare(b.at));
      return { hours: num("hours"), entries, total_kg: round(entries.reduce((sum, entry) => sum + entry.grams, 0) / 1000, 2) };
    }
    case "open_gate":
      return { opened_at: now, hold_seconds: num("hold_seconds"), position: "open" };
    case "get_position":
      return { position: "closed", last_movement: "close", last_movement_at: ago(between(random, 1, 120)) };
    case "test_motor": {
      const current = round(between(random, 1.8, s.failing ? 4.2 : 3), 2);
      return { current_amps: current, nominal_amps: 2.5, passed: current < 3.5 };
    }
    case "flush_trough":
      return { seconds: num("seconds"), litres: round(num("seconds") * between(random, 0.15, 0.25)) };
    case "get_water_usage": {
      const hourly = Array.from({ length: num("hours") }, (_, i) => ({ hour: new Date(Date.now() - (i + 1) * 3_600_000).toISOString().slice(0, 13) + ":00:00.000Z", litres: round(between(random, 10, 80)) })).reverse();
      return { hours: num("hours"), hourly, total_litres: round(hourly.reduce((sum, hour) => sum + hour.litres, 0)) };
    }
    case "restart_network":
      return { radio: "up", uplink: "up", reconnected_devices: 5 + Math.floor(random() * 20) };
    case "flush_buffer":
      return { messages_sent: Math.floor(random() * 500), bytes_sent: Math.floor(random() * 200_000) };
    case "scan_devices": {
      const types = Object.keys(SENSOR_SOURCES);
      const devices = Array.from({ length: 3 + Math.floor(random() * 15) }, (_, i) => ({ device_id: `${["MM", "EN", "CL", "FD"][i % 4]}${String(100 + i).padStart(3, "0")}`, device_type: types[i % types.length], rssi: Math.round(between(random, -95, -45)) }));
      return { duration_seconds: num("duration_seconds"), devices };
    }
    case "update_routing":
      return { routes: 5 + Math.floor(random() * 30), converged_in_ms: Math.round(between(random, 400, 4000)) };
    default:
      throw new Error(`no answer built for ${name}`);
  }
}

/** A plausible reason a failing device gives for a command it could not do. */
export function failureFor(name: string, s: DeviceSnapshot, random: () => number): string {
  const part = (SENSOR_SOURCES[s.deviceType] ?? ["sensor"])[0];
  const reasons = [`${part} not responding (E${40 + Math.floor(random() * 20)})`, "busy: another operation is running", "internal error: watchdog reset during the operation"];
  return `${name} failed: ${reasons[Math.floor(random() * reasons.length) % reasons.length]}`;
}

/** How long the device works on a command before the final answer, in ms (before scaling). */
export function workMs(name: string, params: Record<string, unknown>, random: () => number): number {
  const spec = commandSpec(name);
  const seconds = (key: string) => Number(params[key] ?? 0) * 1000;
  switch (name) {
    case "ping":
      return Number(params.count ?? 4) * between(random, 20, 60);
    case "run_diagnostics":
      return params.suite === "quick" ? between(random, 1_500, 3_000) : between(random, 3_000, 8_000);
    case "inventory_scan":
    case "scan_devices":
      return seconds("duration_seconds");
    case "flush_trough":
      return seconds("seconds");
    case "test_alarm":
      return seconds("seconds");
    case "get_logs":
      return between(random, 500, 1_500);
    default:
      // Calibrations and other disruptive work take a while; questions are quick.
      return spec?.disruptive ? between(random, 3_000, 8_000) : between(random, 200, 1_500);
  }
}

// ------------------------------------------------------------------ one device

/** Parameters the engine adds to get_logs when it sends it (not part of the catalogue's schema). */
const PUBLISHED_ONLY = ["upload_url", "bundle_id"];

/** The catalogue's verdict on a command for this type: its spec and parameters, or why not. */
export function checkCommand(command: CommandPayload, deviceType: string): { ok: true; spec: CommandSpec; params: Record<string, unknown> } | { ok: false; error: string } {
  const spec = commandSpec(command.command);
  const known = commandsFor(deviceType);
  if (!spec || !known.includes(spec)) return { ok: false, error: `unknown command "${command.command}" for a ${deviceType}; it knows ${known.map((c) => c.name).join(", ")}` };
  const raw = { ...command.parameters };
  if (spec.name === "get_logs") for (const key of PUBLISHED_ONLY) delete raw[key];
  const parsed = parseParameters(spec, raw);
  if (!parsed.ok) return { ok: false, error: `invalid parameters: ${Object.entries(parsed.fieldErrors).map(([field, messages]) => `${field.replace(/^parameters\./, "")}: ${messages.join(", ")}`).join("; ")}` };
  return { ok: true, spec, params: parsed.value };
}

export class DeviceCommands {
  /** Ids seen, oldest first (a Map keeps insertion order): a bounded LRU. */
  private readonly seen = new Map<string, true>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private debugRevert: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly device: CommandDevice,
    private readonly behaviour: CommandMisbehaviour,
    private readonly options: CommandOptions,
    private readonly stats: CommandStats,
  ) {}

  private remember(id: string): boolean {
    if (this.seen.has(id)) {
      this.seen.delete(id);
      this.seen.set(id, true);
      return false;
    }
    this.seen.set(id, true);
    const limit = this.options.rememberIds ?? 1_000;
    while (this.seen.size > limit) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }

  private later(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, Math.max(0, ms));
      this.timers.add(timer);
    });
  }

  /** A decoded command for this device. Resolves when the final answer is out (tests wait on it). */
  async handle(command: CommandPayload): Promise<void> {
    const { device } = this;
    const s0 = device.snapshot();
    if (!this.remember(command.command_id)) {
      this.stats.commandDuplicates += 1;
      device.log.write("WARN", "cmd", `command ${command.command_id} (${command.command}) received again; already handled, ignored`);
      return;
    }
    if (command.expires_at && Date.parse(command.expires_at) < Date.now()) {
      this.stats.commandsExpired += 1;
      device.log.write("WARN", "cmd", `command ${command.command_id} (${command.command}) expired at ${command.expires_at}; ignored`);
      return;
    }
    this.stats.commands += 1;
    device.log.write("INFO", "cmd", `received ${command.command} (${command.command_id})`);
    if (this.behaviour.silent) return;
    const respond = (response: CommandResponsePayload) => {
      if (!this.stopped) device.respond(command.command_id, response);
    };

    const checked = checkCommand(command, s0.deviceType);
    if (!checked.ok) {
      device.log.write("WARN", "cmd", `refused ${command.command}: ${checked.error}`);
      respond({ status: "failed", error: checked.error });
      return;
    }
    const { spec, params } = checked;
    respond({ status: "executing" });
    const scale = this.options.delayScale;
    const random = this.options.random;
    // Late devices answer after the command's timeout (as the catalogue sets it), however scaled.
    const lateMs = this.behaviour.late ? (spec.timeoutSeconds + 2 + random() * 5) * 1000 : 0;

    if (this.behaviour.failAll) {
      await this.later(lateMs || workMs(spec.name, params, random) * scale);
      const error = failureFor(spec.name, device.snapshot(), random);
      device.log.write("ERROR", "cmd", error);
      respond({ status: "failed", error });
      return;
    }

    try {
      let result: Record<string, unknown>;
      switch (spec.name) {
        case "restart":
          result = await this.restart(Number(params.delay_seconds) * 1000 * scale, between(random, 1_000, 3_000) * scale);
          break;
        case "set_debug_level":
          await this.later(workMs(spec.name, params, random) * scale);
          result = this.setDebugLevel(params.level as DebugLevel, Number(params.duration_minutes));
          break;
        case "get_logs":
          await this.later(workMs(spec.name, params, random) * scale);
          result = await this.uploadLogs(command.parameters, params);
          break;
        default:
          await this.later(workMs(spec.name, params, random) * scale);
          result = commandResult(spec.name, params, device.snapshot(), random);
      }
      if (lateMs) await this.later(lateMs);
      device.log.write("INFO", "cmd", `${spec.name} (${command.command_id}) completed`);
      respond({ status: "completed", result });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (lateMs) await this.later(lateMs);
      device.log.write("ERROR", "cmd", `${spec.name} (${command.command_id}) failed: ${message}`);
      respond({ status: "failed", error: message.slice(0, 2000) });
    }
  }

  private async restart(delayMs: number, offlineMs: number): Promise<Record<string, unknown>> {
    await this.later(delayMs);
    this.device.log.write("INFO", "boot", "restart requested; rebooting");
    await this.device.restart(offlineMs);
    this.device.log.write("INFO", "boot", `booted firmware ${this.device.snapshot().firmware}`);
    return { restarted_at: new Date().toISOString(), uptime_seconds: this.device.snapshot().uptimeSeconds };
  }

  /** Remembers the level and goes back to info on its own when the time is up. */
  setDebugLevel(level: DebugLevel, minutes: number): Record<string, unknown> {
    if (!DEBUG_LEVELS.includes(level)) throw new Error(`unknown debug level ${level}`);
    if (this.debugRevert) clearTimeout(this.debugRevert);
    this.debugRevert = null;
    this.device.log.debugLevel = level;
    this.device.log.write("INFO", "config", `log level ${level}${level === "info" ? "" : ` for ${minutes} min`}`);
    if (level === "info") return { level, expires_at: null };
    const ms = minutes * this.options.minuteMs;
    this.debugRevert = setTimeout(() => {
      this.debugRevert = null;
      this.device.log.debugLevel = "info";
      this.device.log.write("INFO", "config", "debug logging ended; log level info");
    }, ms);
    return { level, expires_at: new Date(Date.now() + ms).toISOString() };
  }

  get debugLevel(): DebugLevel {
    return this.device.log.debugLevel;
  }

  /** Builds, gzips and PUTs the bundle; a refused upload fails the command with the server's words. */
  private async uploadLogs(published: Record<string, unknown>, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const url = published.upload_url;
    const bundleId = Number(published.bundle_id);
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) throw new Error("the command carries no upload_url");
    if (!Number.isInteger(bundleId) || bundleId <= 0) throw new Error("the command carries no bundle_id");
    const types = new Set(params.log_types as LogType[]);
    if (params.include_system_logs) types.add("system");
    const from = Date.now() - Number(params.time_range_hours) * 3_600_000;
    const lines = this.device.log.linesSince(from, [...types].filter((type) => (LOG_TYPES as readonly string[]).includes(type)));
    const gzip = gzipSync(Buffer.from(lines.length ? lines.join("\n") + "\n" : "", "utf8"));
    const sha256 = createHash("sha256").update(gzip).digest("hex");
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: "PUT",
        headers: { "content-type": "application/gzip", "x-content-sha256": sha256 },
        body: new Uint8Array(gzip),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      this.stats.logUploadsRefused += 1;
      throw new Error(`log upload failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) {
      this.stats.logUploadsRefused += 1;
      const text = await response.text().catch(() => "");
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON: the text as it came
      }
      throw new Error(`log upload refused: HTTP ${response.status}${message ? ` ${message}` : ""}`);
    }
    await response.body?.cancel().catch(() => undefined);
    this.stats.logUploads += 1;
    return { bundle_id: bundleId, size_bytes: gzip.length, sha256, lines: lines.length };
  }

  stop() {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.debugRevert) clearTimeout(this.debugRevert);
    this.debugRevert = null;
  }
}
