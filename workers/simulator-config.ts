/**
 * Remote configuration as one simulated device takes it (issue 16 item 10): the retained message
 * on `devices/{id}/config` is checked the way device firmware would — the payload contract, the
 * configuration against its type's schema (lib/configuration/config-schemas.ts, the very rules
 * the app validates with), the hash against the configuration (lib/configuration/config-hash.ts,
 * the same canonical form) — then applied, and the outcome reported on `config/status`.
 *
 * Applying is real: the telemetry interval follows TELEMETRY_INTERVAL_PATH (telemetryIntervalMs)
 * and readings carry alarm flags judged against the thresholds the device runs (withAlarms), so a
 * farm sees a changed setting in the device's rhythm and in its readings, not only in a status.
 *
 * The device remembers what it runs across reconnects (a real one keeps it in flash; here, the
 * runner's memory, and with `npm start` a file in DATA_DIR — fileFlash — so a restarted demo's
 * devices still run what they were given, as the embedded broker keeps no retained messages
 * across a restart) and says so on every connect: version 0 and the hash of its type's defaults
 * until it is first given one. A repeat of the version it runs (the broker's retained copy after a
 * reconnect, a re-send after a crash) and an empty payload (a retained message being cleared) are
 * ignored. It reports once per version received: a version it refused or failed is not reported
 * again when it arrives again, so no device can keep a conversation going.
 *
 * Misbehaviour switches make the app's unhappy paths demonstrable, chosen per device id (a hash,
 * so a rerun or a test picks the same devices): devices that reject (old firmware with fixed
 * thresholds), that never confirm, and that fail to write their flash.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { configHash } from "../lib/configuration/config-hash";
import { flattenConfig, getPath } from "../lib/configuration/config-layers";
import { CONFIG_SCHEMAS, configIssues, defaultConfig, isConfigDeviceType, TELEMETRY_INTERVAL_PATH, type ConfigObject } from "../lib/configuration/config-schemas";
import { configPayload, decodePayload, type ConfigReportPayload } from "../lib/mqtt/payloads";

export type ConfigStats = { configReceived: number; configApplied: number; configRejected: number; configFailed: number };

/** How this device misbehaves with configurations. At most one is true (see configMisbehaviourOf). */
export type ConfigMisbehaviour = {
  /** Refuses any configuration that changes a threshold from its factory value (--config-reject). */
  reject: boolean;
  /** Applies what it is given but never reports anything on config/status (--config-silent). */
  silent: boolean;
  /** Reports `failed: flash write error` and keeps running what it ran (--config-fail). */
  fail: boolean;
};

export const NO_CONFIG_MISBEHAVIOUR: ConfigMisbehaviour = { reject: false, silent: false, fail: false };

/**
 * One switch's value: a share of the fleet (0…1, chosen by a hash of the device id) and/or device
 * ids named outright — `0.1`, `ES002`, `0.05,ES002,ES104`. Naming devices is how the demo makes
 * one particular barn sensor refuse, and how a test picks its device without searching for a hash.
 */
export type ConfigSwitch = { share: number; deviceIds: readonly string[] };

export const NO_SWITCH: ConfigSwitch = { share: 0, deviceIds: [] };

export function parseConfigSwitch(name: string, value: string | undefined): ConfigSwitch {
  let share = 0;
  const deviceIds: string[] = [];
  for (const item of (value ?? "").split(",").map((part) => part.trim()).filter(Boolean)) {
    if (item === "none") continue;
    if (/^[\d.]+$/.test(item)) {
      const parsed = Number(item);
      if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new Error(`--${name} takes a share between 0 and 1 and/or device ids (0.1,ES002), not "${item}"`);
      share = parsed;
    } else if (/^[\w.-]{1,64}$/.test(item)) {
      deviceIds.push(item);
    } else {
      throw new Error(`--${name} takes a share between 0 and 1 and/or device ids (0.1,ES002), not "${item}"`);
    }
  }
  return { share, deviceIds };
}

/** A device's fixed draw in [0, 1): the same for a device id on every run and every machine. */
export function configDraw(deviceId: string): number {
  return createHash("sha256").update(`${deviceId}#config`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Which misbehaviour a device has. Named devices first (reject, then silent, then fail); then the
 * shares cut one draw into consecutive slices — [0, reject) rejects, then silent, then fail — so
 * the three never pick the same device and raising one share never changes who the others picked
 * below it.
 */
export function configMisbehaviourOf(deviceId: string, switches: { reject?: ConfigSwitch; silent?: ConfigSwitch; fail?: ConfigSwitch }): ConfigMisbehaviour {
  const reject = switches.reject ?? NO_SWITCH;
  const silent = switches.silent ?? NO_SWITCH;
  const fail = switches.fail ?? NO_SWITCH;
  if (reject.deviceIds.includes(deviceId)) return { ...NO_CONFIG_MISBEHAVIOUR, reject: true };
  if (silent.deviceIds.includes(deviceId)) return { ...NO_CONFIG_MISBEHAVIOUR, silent: true };
  if (fail.deviceIds.includes(deviceId)) return { ...NO_CONFIG_MISBEHAVIOUR, fail: true };
  const draw = configDraw(deviceId);
  if (draw < reject.share) return { ...NO_CONFIG_MISBEHAVIOUR, reject: true };
  if (draw < reject.share + silent.share) return { ...NO_CONFIG_MISBEHAVIOUR, silent: true };
  if (draw < reject.share + silent.share + fail.share) return { ...NO_CONFIG_MISBEHAVIOUR, fail: true };
  return NO_CONFIG_MISBEHAVIOUR;
}

/** What a device runs: the version it was given (0: the factory defaults), its hash and its values. */
export type RunningConfig = { version: number; hash: string; config: ConfigObject };

/** The factory state of a type: version 0, its defaults (an unknown type runs an empty configuration). */
export function factoryConfig(deviceType: string): RunningConfig {
  const config = isConfigDeviceType(deviceType) ? defaultConfig(deviceType) : {};
  return { version: 0, hash: configHash(config), config };
}

/**
 * The first setting an old firmware with fixed thresholds cannot take: a threshold that differs
 * from the factory value, or — for a type without thresholds — any setting that differs. null: it
 * can run this configuration.
 */
export function unsupportedSetting(deviceType: string, config: ConfigObject): string | null {
  const factory = flattenConfig(factoryConfig(deviceType).config);
  const changed = Object.entries(flattenConfig(config))
    .filter(([path, value]) => factory[path] !== value)
    .map(([path]) => path)
    .sort();
  const hasThresholds = Object.keys(factory).some((path) => path.startsWith("thresholds."));
  return (hasThresholds ? changed.find((path) => path.startsWith("thresholds.")) : changed[0]) ?? null;
}

export type ConfigDecision =
  | { kind: "ignore"; why: string }
  | { kind: "apply"; running: RunningConfig; silent: boolean }
  /** `answered`: the key to remember, so the same version is not answered twice. */
  | { kind: "refuse"; report: ConfigReportPayload; answered: string };

/**
 * What a device does with one message on its config topic, given what it runs and the versions it
 * already answered. Pure: the unit test goes through every branch without a broker.
 */
export function decideConfig(
  payload: Buffer,
  device: { deviceType: string; firmware: string; running: RunningConfig; answered: ReadonlySet<string>; misbehaviour: ConfigMisbehaviour },
): ConfigDecision {
  if (payload.length === 0) return { kind: "ignore", why: "empty payload (a retained configuration cleared)" };
  const decoded = decodePayload(configPayload, payload);
  if (!decoded.ok) return { kind: "ignore", why: `malformed configuration message: ${decoded.error}` };
  const { version, hash, configuration } = decoded.value;
  const { running } = device;
  if (version === running.version && hash === running.hash) return { kind: "ignore", why: `version ${version} is what it runs` };
  const key = `${version}:${hash}`;
  if (device.answered.has(key)) return { kind: "ignore", why: `version ${version} was answered already` };
  const refuse = (status: "rejected" | "failed", reason: string): ConfigDecision => ({
    kind: "refuse",
    // The hash of what it still runs: the app compares that with the desired one (drift).
    report: { version, status, hash: running.hash, reason, ts: new Date().toISOString() },
    answered: key,
  });
  if (!isConfigDeviceType(device.deviceType)) return refuse("rejected", `no configuration is known for device type ${device.deviceType}`);
  const parsed = CONFIG_SCHEMAS[device.deviceType].safeParse(configuration);
  if (!parsed.success) {
    const issues = configIssues(parsed.error);
    return refuse("rejected", `invalid configuration: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`.slice(0, 2000));
  }
  const actual = configHash(configuration);
  if (actual !== hash) return refuse("rejected", `hash mismatch: the configuration hashes to ${actual.slice(0, 12)}…, the message says ${hash.slice(0, 12)}…`);
  if (device.misbehaviour.reject) {
    const setting = unsupportedSetting(device.deviceType, parsed.data);
    if (setting) return refuse("rejected", `setting ${setting} not supported by firmware ${device.firmware}`);
  }
  if (device.misbehaviour.fail) return refuse("failed", "flash write error");
  return { kind: "apply", running: { version, hash, config: parsed.data }, silent: device.misbehaviour.silent };
}

/** How far a configured interval may stretch or shrink the simulator's own (see telemetryIntervalMs). */
const MIN_RATIO = 0.25;
const MAX_RATIO = 6;

/**
 * The telemetry interval a device with `config` keeps, in ms. The simulator compresses time: its
 * devices report every `baseSeconds` (5 s by default) where real ones report every minute or so,
 * so the configured interval is applied as a ratio to the type's default — 120 s where 60 s is the
 * default doubles the simulator's own interval — and clamped to ¼…6×, so a demo change shows
 * within seconds and a device set to an hour does not look dead for half an hour.
 */
export function telemetryIntervalMs(deviceType: string, config: ConfigObject, baseSeconds: number): number {
  const base = baseSeconds * 1000;
  if (!isConfigDeviceType(deviceType)) return base;
  const path = TELEMETRY_INTERVAL_PATH[deviceType];
  const configured = getPath(config, path);
  const factory = getPath(defaultConfig(deviceType), path);
  if (typeof configured !== "number" || typeof factory !== "number" || factory <= 0) return base;
  return base * Math.min(MAX_RATIO, Math.max(MIN_RATIO, configured / factory));
}

type Reading = number | string | boolean;
type Level = "critical" | "high" | "low" | false;

function num(config: ConfigObject, path: string): number | null {
  const value = getPath(config, path);
  return typeof value === "number" ? value : null;
}

/** "high" / "critical" above the limits, "low" below (when given), false otherwise. */
function judge(value: Reading | undefined, limits: { high?: number | null; critical?: number | null; low?: number | null }): Level {
  if (typeof value !== "number") return false;
  if (limits.critical != null && value >= limits.critical) return "critical";
  if (limits.high != null && value >= limits.high) return "high";
  if (limits.low != null && value <= limits.low) return "low";
  return false;
}

/**
 * The readings with the alarm flags the device raises against the thresholds it runs: an
 * environmental sensor flags temperature, humidity, CO₂ and ammonia (`ammonia_alarm: "high"` at
 * or above thresholds.ammonia_high, "critical" at ammonia_critical, false below) unless its alarms
 * are off; a milk meter flags a milk temperature at or above thresholds.temperature_alarm_c; a
 * temperature probe one outside its low/high limits. Other types' readings are returned as they are.
 */
export function withAlarms(deviceType: string, readings: Record<string, Reading>, config: ConfigObject): Record<string, Reading> {
  switch (deviceType) {
    case "environmental": {
      const on = getPath(config, "alarms.enabled") !== false;
      const flag = (level: Level) => (on ? level : false);
      return {
        ...readings,
        temperature_alarm: flag(judge(readings.temperature_c, { high: num(config, "thresholds.temperature_high"), low: num(config, "thresholds.temperature_low") })),
        humidity_alarm: flag(judge(readings.humidity_percent, { high: num(config, "thresholds.humidity_high"), low: num(config, "thresholds.humidity_low") })),
        co2_alarm: flag(judge(readings.co2_ppm, { high: num(config, "thresholds.co2_high"), critical: num(config, "thresholds.co2_critical") })),
        ammonia_alarm: flag(judge(readings.ammonia_ppm, { high: num(config, "thresholds.ammonia_high"), critical: num(config, "thresholds.ammonia_critical") })),
      };
    }
    case "milk_meter":
      return { ...readings, temperature_alarm: judge(readings.milk_temperature_c, { high: num(config, "thresholds.temperature_alarm_c") }) };
    case "temperature":
      return { ...readings, temperature_alarm: judge(readings.temperature_c, { high: num(config, "thresholds.temperature_high_c"), low: num(config, "thresholds.temperature_low_c") }) };
    default:
      return readings;
  }
}

/** Where devices keep what they applied beyond the process (a real device's flash). */
export type ConfigFlash = { load(deviceId: string): unknown; save(deviceId: string, running: RunningConfig): void };

/**
 * A JSON file of what each simulated device applied (mode 0600, next to the fleet file): read
 * once, written a moment after the last change (a campaign to the whole fleet is one write).
 */
export function fileFlash(file: string): ConfigFlash {
  let stored: Record<string, unknown> = {};
  try {
    if (existsSync(file)) stored = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    stored = {}; // a torn or foreign file: the devices start from their factory settings
  }
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(stored), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  return {
    load: (deviceId) => stored[deviceId],
    save(deviceId, running) {
      stored[deviceId] = running;
      timer ??= setTimeout(flush, 300);
    },
  };
}

/**
 * What a device finds in its flash, checked as it checks a message (a stored configuration that
 * no longer passes its type's schema, or whose hash is not its own, is not run): else factory.
 */
export function restoreConfig(deviceType: string, stored: unknown): RunningConfig {
  const factory = factoryConfig(deviceType);
  if (!stored || typeof stored !== "object" || !isConfigDeviceType(deviceType)) return factory;
  const { version, hash, config } = stored as Partial<RunningConfig>;
  if (!Number.isInteger(version) || (version as number) < 0 || typeof hash !== "string") return factory;
  const parsed = CONFIG_SCHEMAS[deviceType].safeParse(config);
  if (!parsed.success || configHash(parsed.data) !== hash) return factory;
  return { version: version as number, hash, config: parsed.data };
}

/** What the device runner lends the configuration side. */
export type ConfigDevice = {
  deviceId: string;
  deviceType: string;
  firmware(): string;
  report(report: ConfigReportPayload): void;
  /** Called after a configuration is applied (the runner reschedules its telemetry). */
  applied(running: RunningConfig): void;
  log(line: string): void;
};

/** How many answered versions a device remembers (it only needs the recent ones). */
const REMEMBER = 64;

/** The configuration side of one simulated device; lives as long as the device (across reconnects). */
export class DeviceConfiguration {
  private running: RunningConfig;
  private readonly answered = new Set<string>();

  constructor(
    private readonly device: ConfigDevice,
    private readonly misbehaviour: ConfigMisbehaviour,
    private readonly stats: ConfigStats,
    private readonly flash?: ConfigFlash,
  ) {
    this.running = flash ? restoreConfig(device.deviceType, flash.load(device.deviceId)) : factoryConfig(device.deviceType);
  }

  /** What it runs now. */
  get current(): RunningConfig {
    return this.running;
  }

  /** After every (re)connect: what it runs, so the app knows even if a report was lost. */
  onConnect() {
    if (this.misbehaviour.silent) return;
    this.device.report({ version: this.running.version, status: "applied", hash: this.running.hash, ts: new Date().toISOString() });
  }

  onMessage(payload: Buffer) {
    if (payload.length > 0) this.stats.configReceived += 1;
    const decision = decideConfig(payload, {
      deviceType: this.device.deviceType,
      firmware: this.device.firmware(),
      running: this.running,
      answered: this.answered,
      misbehaviour: this.misbehaviour,
    });
    const { deviceId } = this.device;
    switch (decision.kind) {
      case "ignore":
        if (payload.length > 0) this.device.log(`sim ${deviceId}: configuration ignored: ${decision.why}`);
        return;
      case "refuse":
        this.answered.add(decision.answered);
        if (this.answered.size > REMEMBER) this.answered.delete(this.answered.values().next().value!);
        if (decision.report.status === "failed") this.stats.configFailed += 1;
        else this.stats.configRejected += 1;
        this.device.log(`sim ${deviceId}: configuration version ${decision.report.version} ${decision.report.status}: ${decision.report.reason}`);
        if (!this.misbehaviour.silent) this.device.report(decision.report);
        return;
      case "apply":
        this.running = decision.running;
        this.flash?.save(deviceId, decision.running);
        this.stats.configApplied += 1;
        this.device.applied(decision.running);
        this.device.log(`sim ${deviceId}: applied configuration version ${decision.running.version}${decision.silent ? " (not confirming: --config-silent)" : ""}`);
        if (!decision.silent) this.device.report({ version: decision.running.version, status: "applied", hash: decision.running.hash, ts: new Date().toISOString() });
    }
  }
}
