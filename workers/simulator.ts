/**
 * Simulated devices: each one logs in with its own MQTT credentials, announces itself (status
 * online, with a last will saying offline), publishes telemetry on an interval and answers
 * commands and over-the-air updates (workers/simulator-ota.ts) — exactly what a real device does,
 * so the product can be demonstrated, tested and benchmarked without a barn.
 *
 *   npm run simulate -- --devices 200 [--interval 5] [--offline 0.1] [--low-battery 0.1] [--errors 0.1]
 *                       [--fleet .data/simulator-fleet.json] [--public-key-file .data/firmware-signing-public-key.pem]
 *                       [--ota-fail 0.1] [--ota-silent 0.05] [--ota-fail-version 2.2.0=0.5] [--ota-step-ms 500]
 *                       [--command-fail 0.1] [--command-late 0.05] [--command-silent 0.05] [--command-delay-scale 1]
 *                       [--config-reject 0.1|ES002] [--config-silent 0.05] [--config-fail 0.05]
 *   npm run simulate -- --device MM001 --username dev-MM001 --password XXX [--type milk_meter] [--firmware 2.0.3]
 *
 * Misbehaviour switches pick a share of the fleet (at least one device each when not zero, never
 * the same device twice): devices that never connect, devices whose battery is nearly flat,
 * devices whose error count keeps rising, devices that fail every update at installing, devices
 * that take an update and then go silent, devices that fail every remote command, answer them after
 * their timeout or never answer (workers/simulator-commands.ts). `--ota-fail-version` fails one
 * version on a share of the devices (the same ones on every run). The configuration switches
 * (workers/simulator-config.ts) pick devices by a hash of their id, or by name: devices that reject
 * a configuration changing their thresholds, that never confirm one, that fail to store one.
 * `npm start` turns them on for the demo.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import {
  commandPayload,
  decodePayload,
  type OtaStatusPayload,
  type StatusPayload,
  type TelemetryPayload,
} from "../lib/mqtt/payloads";
import { topics } from "../lib/mqtt/topics";
import { mqttIdentity } from "../lib/provisioning/credentials";
import type { SimulatedDevice } from "./simulator-fleet";
import { DeviceOta, parseOtaFailVersions, type OtaMisbehaviour, type OtaStats } from "./simulator-ota";
import { DeviceCommands, type CommandMisbehaviour, type CommandStats } from "./simulator-commands";
import { DeviceLog } from "./simulator-logs";
import {
  configMisbehaviourOf,
  DeviceConfiguration,
  fileFlash,
  parseConfigSwitch,
  telemetryIntervalMs,
  withAlarms,
  type ConfigFlash,
  type ConfigMisbehaviour,
  type ConfigStats,
  type ConfigSwitch,
} from "./simulator-config";

export type SimulatorOptions = {
  mqttUrl: string;
  devices: SimulatedDevice[];
  /** Seconds between telemetry messages of one device (jittered ±20 %). */
  intervalSeconds?: number;
  /** Shares (0…1) of the fleet that misbehave. */
  offlineShare?: number;
  lowBatteryShare?: number;
  errorShare?: number;
  /** Share (0…1) of the fleet that fails every update at installing. */
  otaFailShare?: number;
  /** Share (0…1) of the fleet that accepts an update, then never answers again. */
  otaSilentShare?: number;
  /** version → share of the fleet that fails installing that version (the same devices every run). */
  otaFailVersions?: Record<string, number>;
  /** Typical length of each visible update step in ms (default 500, so 300–800 ms). */
  otaStepMs?: number;
  /**
   * The server's firmware signing public key (PEM), as a device maker bakes it into the bootloader:
   * offers whose manifest it does not verify are refused. Unset: every update fails.
   */
  firmwarePublicKeyPem?: string;
  /** Shares (0…1) of the fleet that fail every command / answer after the timeout / never answer. */
  commandFailShare?: number;
  commandLateShare?: number;
  commandSilentShare?: number;
  /** Multiplies command delays (1 = plausible 0.2–8 s; 0 = at once, for benchmarks). */
  commandDelayScale?: number;
  /**
   * Devices (a share chosen by a hash of the id, and/or named ids) that reject a configuration
   * changing a threshold / never confirm one / fail to store one (workers/simulator-config.ts).
   */
  configReject?: ConfigSwitch;
  configSilent?: ConfigSwitch;
  configFail?: ConfigSwitch;
  /** Where devices keep what they applied beyond this process (fileFlash); unset: memory only. */
  configFlash?: ConfigFlash;
  /** A minute of debug logging in ms (tests shorten it; default 60,000). */
  debugMinuteMs?: number;
  /** Log lines each device keeps (default 2,000; fewer in fleets over 100 devices, to bound memory). */
  logLines?: number;
  /** Spread of the first connections, so 1,000 devices do not all connect in one millisecond. */
  connectSpreadMs?: number;
  log?: (line: string) => void;
  /** Random source (tests may make it deterministic). */
  random?: () => number;
};

export type SimulatorStats = { connected: number; refused: number; offlineByDesign: number; published: number } & CommandStats & OtaStats & ConfigStats;

export type Simulator = { stop(): Promise<void>; stats(): SimulatorStats };

/**
 * Device types that live on a battery (or solar with a battery) drain it; the rest are on mains or
 * PoE and report no battery at all, as the demo data's power sources say.
 */
const BATTERY_TYPES = new Set(["collar", "temperature", "environmental", "waterer"]);

type Behaviour = { offline: boolean; lowBattery: boolean; errors: boolean; ota: OtaMisbehaviour; commands: CommandMisbehaviour; config: ConfigMisbehaviour };

type RunnerOptions = Required<Pick<SimulatorOptions, "mqttUrl" | "intervalSeconds" | "log" | "random" | "otaStepMs" | "commandDelayScale" | "debugMinuteMs" | "logLines">> &
  Pick<SimulatorOptions, "firmwarePublicKeyPem" | "configFlash">;

function round(value: number, digits = 1) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function clamp(value: number, min: number, max: number) {
  return Math.min(max, Math.max(min, value));
}

/** Plausible readings per device type (what the farm would see on a chart). */
export function readingsFor(deviceType: string, random: () => number, now: Date): Record<string, number | string | boolean> {
  const hour = now.getUTCHours();
  switch (deviceType) {
    case "milk_meter": {
      // Milking sessions morning and evening: flow only then.
      const milking = (hour >= 5 && hour < 8) || (hour >= 16 && hour < 19);
      return {
        milk_flow_lpm: milking ? round(2 + random() * 3, 2) : 0,
        milk_temperature_c: round(35 + random() * 3),
        conductivity_ms_cm: round(4.5 + random() * 1.5, 2),
      };
    }
    case "environmental":
      // Ammonia mostly below the default alarm of 25 ppm with peaks above it (manure scraping),
      // so a changed threshold shows in how often the readings are flagged (simulator-config.ts).
      return {
        temperature_c: round(12 + random() * 12),
        humidity_percent: round(55 + random() * 30),
        co2_ppm: Math.round(600 + random() * 2_000),
        ammonia_ppm: round(8 + random() * 24),
      };
    case "temperature":
      return { temperature_c: round(3 + random() * 3) };
    case "collar":
      return { steps: Math.round(80 + random() * 240), rumination_minutes: Math.round(20 + random() * 25), activity_index: round(random() * 10) };
    case "feeder":
      return { feed_dispensed_kg: round(random() * 4, 2), hopper_level_percent: round(30 + random() * 70) };
    case "waterer":
      return { water_flow_lpm: round(random() * 12, 2), water_temperature_c: round(8 + random() * 6) };
    case "gate":
      return { passes: Math.round(random() * 20), open: random() < 0.1 };
    case "rfid_reader":
      return { tags_read: Math.round(random() * 40) };
    default:
      return { connected_devices: Math.round(5 + random() * 20) };
  }
}

class SimulatedDeviceRunner {
  private client: MqttClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private startedAt = Date.now();
  private battery: number;
  private readonly signalMean: number;
  private errorCount = 0;
  private stopped = false;
  private readonly batteryPowered: boolean;
  /** The version it runs: changes when an update or rollback completes. */
  private firmware: string;
  private readonly ota: DeviceOta;
  private readonly commands: DeviceCommands;
  /** What configuration it runs (kept across reconnects, as a device keeps it in flash). */
  private readonly configuration: DeviceConfiguration;
  private readonly deviceLog: DeviceLog;
  /** Load figures, drifting from one telemetry message to the next. */
  private load = { cpu: 10, memory: 40, storage: 25 };
  /** Waiting for the device to be back online after a reboot. */
  private afterConnect: (() => void)[] = [];
  /** Counted once in the stats: a reboot's reconnection is not another device. */
  private counted = false;

  constructor(
    private readonly device: SimulatedDevice,
    private readonly behaviour: Behaviour,
    private readonly options: RunnerOptions,
    private readonly stats: SimulatorStats,
  ) {
    const random = options.random;
    this.batteryPowered = BATTERY_TYPES.has(device.deviceType);
    this.battery = behaviour.lowBattery ? 5 + random() * 9 : this.batteryPowered ? 40 + random() * 60 : 100;
    this.signalMean = -45 - random() * 40;
    this.firmware = device.firmwareVersion ?? "1.0.0";
    this.ota = new DeviceOta(
      {
        deviceId: device.deviceId,
        deviceType: device.deviceType,
        username: device.username,
        password: device.password,
        report: (status: OtaStatusPayload) => this.publish(topics.otaStatus(device.deviceId), status),
        reboot: (version) => this.reboot(version),
        log: options.log,
      },
      behaviour.ota,
      { publicKeyPem: options.firmwarePublicKeyPem, stepMs: options.otaStepMs, random },
      stats,
    );
    this.deviceLog = new DeviceLog(device.deviceType, random, options.logLines);
    this.deviceLog.write("INFO", "boot", `booted firmware ${this.firmware}`);
    this.load = { cpu: 5 + random() * 30, memory: 30 + random() * 30, storage: 20 + random() * 10 };
    this.commands = new DeviceCommands(
      {
        snapshot: () => ({
          deviceId: device.deviceId,
          deviceType: device.deviceType,
          firmware: this.firmware,
          uptimeSeconds: this.uptimeSeconds(),
          battery: this.reportsBattery ? this.battery : null,
          signal: this.signal(),
          errorCount: this.errorCount,
          cpuPercent: this.load.cpu,
          memoryPercent: this.load.memory,
          storagePercent: this.load.storage,
          debugLevel: this.deviceLog.debugLevel,
          failing: behaviour.errors,
          configuration: this.configuration.current,
        }),
        respond: (commandId, response) => this.publish(topics.commandResponse(device.deviceId, commandId), response),
        restart: (offlineMs) => this.reboot(this.firmware, { offlineMs, reason: "restart command" }),
        log: this.deviceLog,
        say: options.log,
      },
      behaviour.commands,
      { delayScale: options.commandDelayScale, minuteMs: options.debugMinuteMs, random },
      stats,
    );
    this.configuration = new DeviceConfiguration(
      {
        deviceId: device.deviceId,
        deviceType: device.deviceType,
        firmware: () => this.firmware,
        report: (report) => this.publish(topics.configStatus(device.deviceId), report),
        // The new interval counts from now: the next message comes at the new rhythm.
        applied: () => {
          if (this.client?.connected) this.scheduleTelemetry();
        },
        log: options.log,
      },
      behaviour.config,
      stats,
      options.configFlash,
    );
  }

  connect() {
    if (this.stopped) return;
    const { device } = this;
    const will: StatusPayload = { status: "offline", reason: "connection lost" };
    const client = mqtt.connect(this.options.mqttUrl, {
      clientId: device.clientId || mqttIdentity(device.deviceId).clientId,
      username: device.username,
      password: device.password,
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      reconnectPeriod: 5_000 + Math.round(this.options.random() * 5_000),
      connectTimeout: 15_000,
      will: { topic: topics.status(device.deviceId), payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: false },
    });
    this.client = client;
    let everConnected = false;

    client.on("connect", () => {
      if (!everConnected) {
        if (!this.counted) this.stats.connected += 1;
        this.options.log(this.counted ? `sim ${device.deviceId}: back online (${this.firmware})` : `sim ${device.deviceId}: connected`);
        this.counted = true;
      }
      everConnected = true;
      this.startedAt = Date.now();
      // Subscribed before saying "online": whoever waits for that status may send at once.
      client.subscribe([topics.commands(device.deviceId), topics.otaUpdate(device.deviceId), topics.config(device.deviceId)], { qos: 1 });
      this.publish(topics.status(device.deviceId), { status: "online", firmware_version: this.firmware } satisfies StatusPayload);
      // What it runs, unasked (version 0 and its defaults' hash until it is given one); the
      // broker's retained configuration, if newer, arrives after this and is applied.
      this.configuration.onConnect();
      this.scheduleTelemetry(true);
      const waiting = this.afterConnect;
      this.afterConnect = [];
      for (const resolve of waiting) resolve();
    });
    client.on("message", (topic, payload) => {
      if (topic === topics.otaUpdate(device.deviceId)) this.ota.onOffer(payload);
      else if (topic === topics.config(device.deviceId)) this.configuration.onMessage(payload);
      else this.onCommand(topic, payload);
    });
    client.on("error", (error: Error & { code?: number }) => {
      // CONNACK 4/5 (v3) or 134/135 (v5): the credentials are wrong or revoked. Retrying would
      // not fix them and would hammer the broker: report once, stop this device.
      if (error.code === 4 || error.code === 5 || error.code === 134 || error.code === 135 || error.code === 2) {
        this.stats.refused += 1;
        this.options.log(`sim ${device.deviceId}: REFUSED by the broker (${error.message}); check username ${device.username} and its password. Not retrying.`);
        this.stop();
        return;
      }
      if (!everConnected) this.options.log(`sim ${device.deviceId}: connection failed: ${error.message} (retrying)`);
    });
  }

  private publish(topic: string, payload: object) {
    this.client?.publish(topic, JSON.stringify(payload), { qos: 1 });
  }

  private scheduleTelemetry(soon = false) {
    if (this.timer) clearTimeout(this.timer);
    // The simulator's own interval, stretched by the configured telemetry interval (simulator-config.ts).
    const base = telemetryIntervalMs(this.device.deviceType, this.configuration.current.config, this.options.intervalSeconds);
    const delay = soon ? this.options.random() * Math.min(base, 2_000) : base * (0.8 + this.options.random() * 0.4);
    this.timer = setTimeout(() => {
      this.sendTelemetry();
      this.scheduleTelemetry();
    }, delay);
  }

  private signal() {
    return Math.round(clamp(this.signalMean + (this.options.random() - 0.5) * 10, -120, -30));
  }

  private uptimeSeconds() {
    return Math.floor((Date.now() - this.startedAt) / 1000);
  }

  private get reportsBattery() {
    return this.batteryPowered || this.behaviour.lowBattery;
  }

  private sendTelemetry() {
    if (!this.client?.connected) return;
    const random = this.options.random;
    if (this.batteryPowered || this.behaviour.lowBattery) {
      // A slow drain; a low-battery device stays low (it is the point of the switch).
      this.battery = this.behaviour.lowBattery ? clamp(this.battery - random() * 0.05, 3, 14) : clamp(this.battery - random() * 0.02, 0, 100);
    }
    // A failing device's errors climb message after message: warning above 5, critical above 10
    // (M92), so the demo shows a device getting worse, not one that is simply bad.
    if (this.behaviour.errors) this.errorCount = this.errorCount < 6 ? 6 : Math.min(this.errorCount + 1 + Math.round(random()), 60);
    else if (random() < 0.01) this.errorCount += 1;
    this.load = {
      cpu: clamp(this.load.cpu + (random() - 0.5) * 6, 2, 95),
      memory: clamp(this.load.memory + (random() - 0.5) * 2, 20, 90),
      storage: clamp(this.load.storage + random() * 0.01, 5, 95),
    };
    this.deviceLog.tick(this.behaviour.errors);
    const now = new Date();
    const telemetry: TelemetryPayload = {
      ts: now.toISOString(),
      battery_level: this.reportsBattery ? round(this.battery) : null,
      battery_voltage: this.reportsBattery ? round(3.0 + (this.battery / 100) * 1.2, 2) : null,
      signal_strength: this.signal(),
      error_count: this.errorCount,
      uptime_seconds: this.uptimeSeconds(),
      cpu_percent: round(this.load.cpu),
      memory_percent: round(this.load.memory),
      storage_percent: round(this.load.storage),
      firmware_version: this.firmware,
      bytes_sent: 200 + Math.round(random() * 300),
      readings: withAlarms(this.device.deviceType, readingsFor(this.device.deviceType, random, now), this.configuration.current.config),
    };
    this.publish(topics.telemetry(this.device.deviceId), telemetry);
    this.stats.published += 1;
  }

  private onCommand(topic: string, payload: Buffer) {
    if (topic !== topics.commands(this.device.deviceId)) return;
    const decoded = decodePayload(commandPayload, payload);
    if (!decoded.ok) {
      this.deviceLog.write("WARN", "cmd", `malformed command ignored: ${decoded.error}`);
      this.options.log(`sim ${this.device.deviceId}: ignored malformed command: ${decoded.error}`);
      return;
    }
    void this.commands.handle(decoded.value);
  }

  /**
   * Reconnects as a rebooted device would: the session ends, uptime starts again; into `version`
   * after an update. Resolves once it is back online (or stopped).
   */
  private reboot(version = this.firmware, restart?: { offlineMs: number; reason: string }): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.firmware = version;
    const client = this.client;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return new Promise((resolve) => {
      this.afterConnect.push(resolve);
      const boot = () => {
        this.startedAt = Date.now();
        this.connect();
      };
      const back = () => (restart && restart.offlineMs > 0 ? setTimeout(boot, restart.offlineMs) : boot());
      // A clean DISCONNECT suppresses the last will: a commanded restart says offline itself.
      if (client && restart && client.connected) client.publish(topics.status(this.device.deviceId), JSON.stringify({ status: "offline", reason: restart.reason } satisfies StatusPayload), { qos: 1 });
      if (client) client.end(false, {}, back);
      else back();
    });
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.ota.stop();
    this.commands.stop();
    const waiting = this.afterConnect;
    this.afterConnect = [];
    for (const resolve of waiting) resolve();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    if (!client) return Promise.resolve();
    // A clean stop says goodbye explicitly (a clean DISCONNECT suppresses the last will).
    if (client.connected) client.publish(topics.status(this.device.deviceId), JSON.stringify({ status: "offline", reason: "simulator stopped" }), { qos: 1 });
    // A clean DISCONNECT, but do not wait forever for a broker that is gone.
    const ended = client.endAsync().then(() => "ended" as const, () => "ended" as const);
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 2_000).unref());
    return Promise.race([ended, timeout]).then(async (outcome) => {
      if (outcome === "timeout") await client.endAsync(true).catch(() => undefined);
    });
  }
}

/**
 * Picks which devices misbehave: a share of the fleet, spread over it, at least one device when
 * the share is not zero and a device qualifies (a demo of 12 devices still shows each kind of
 * trouble), and never a device already picked for another kind (a low battery on a device that
 * stays offline shows nothing).
 */
function pick(count: number, share: number, random: () => number, taken: Set<number>, qualifies: (index: number) => boolean = () => true) {
  const candidates = Array.from({ length: count }, (_, index) => index).filter((index) => !taken.has(index) && qualifies(index));
  const chosen = new Set<number>();
  const wanted = Math.min(candidates.length, share > 0 ? Math.max(1, Math.round(clamp(share, 0, 1) * count)) : 0);
  while (chosen.size < wanted) chosen.add(candidates[Math.floor(random() * candidates.length)]!);
  for (const index of chosen) taken.add(index);
  return chosen;
}

export function startSimulator(options: SimulatorOptions): Simulator {
  const random = options.random ?? Math.random;
  const log = options.log ?? ((line: string) => console.log(line));
  const stats: SimulatorStats = {
    connected: 0,
    refused: 0,
    offlineByDesign: 0,
    published: 0,
    commands: 0,
    commandDuplicates: 0,
    commandsExpired: 0,
    logUploads: 0,
    logUploadsRefused: 0,
    otaOffers: 0,
    otaCompleted: 0,
    otaFailed: 0,
    configReceived: 0,
    configApplied: 0,
    configRejected: 0,
    configFailed: 0,
  };
  const count = options.devices.length;
  const taken = new Set<number>();
  const offline = pick(count, options.offlineShare ?? 0, random, taken);
  // Only a device that runs on a battery can run low: a mains-powered milk meter reports none.
  const lowBattery = pick(count, options.lowBatteryShare ?? 0, random, taken, (index) => BATTERY_TYPES.has(options.devices[index]!.deviceType));
  const errors = pick(count, options.errorShare ?? 0, random, taken);
  // After the others, so adding the update switches leaves the same devices offline or flat.
  const otaFail = pick(count, options.otaFailShare ?? 0, random, taken);
  const otaSilent = pick(count, options.otaSilentShare ?? 0, random, taken);
  const commandFail = pick(count, options.commandFailShare ?? 0, random, taken);
  const commandLate = pick(count, options.commandLateShare ?? 0, random, taken);
  const commandSilent = pick(count, options.commandSilentShare ?? 0, random, taken);
  const otaFailVersions = options.otaFailVersions ?? {};
  const spread = options.connectSpreadMs ?? Math.min(30_000, count * 20);

  const runners: SimulatedDeviceRunner[] = [];
  const timers: NodeJS.Timeout[] = [];
  options.devices.forEach((device, index) => {
    if (otaFail.has(index)) log(`sim ${device.deviceId}: fails every update at installing (--ota-fail)`);
    if (otaSilent.has(index)) log(`sim ${device.deviceId}: goes silent during an update (--ota-silent)`);
    if (commandFail.has(index)) log(`sim ${device.deviceId}: fails every command (--command-fail)`);
    if (commandLate.has(index)) log(`sim ${device.deviceId}: answers commands after their timeout (--command-late)`);
    if (commandSilent.has(index)) log(`sim ${device.deviceId}: never answers commands (--command-silent)`);
    // By device id, not drawn here: the demo data and the tests know in advance who misbehaves.
    const config = configMisbehaviourOf(device.deviceId, { reject: options.configReject, silent: options.configSilent, fail: options.configFail });
    if (config.reject) log(`sim ${device.deviceId}: rejects configurations that change its thresholds (--config-reject)`);
    if (config.silent) log(`sim ${device.deviceId}: never confirms a configuration (--config-silent)`);
    if (config.fail) log(`sim ${device.deviceId}: fails to store every configuration (--config-fail)`);
    if (offline.has(index)) {
      stats.offlineByDesign += 1;
      log(`sim ${device.deviceId}: stays offline (--offline)`);
      return;
    }
    const runner = new SimulatedDeviceRunner(
      device,
      {
        offline: false,
        lowBattery: lowBattery.has(index),
        errors: errors.has(index),
        ota: { failEveryInstall: otaFail.has(index), silent: otaSilent.has(index), failVersions: otaFailVersions },
        commands: { failAll: commandFail.has(index), late: commandLate.has(index), silent: commandSilent.has(index) },
        config,
      },
      {
        mqttUrl: options.mqttUrl,
        intervalSeconds: options.intervalSeconds ?? 5,
        log,
        random,
        otaStepMs: options.otaStepMs ?? 500,
        commandDelayScale: options.commandDelayScale ?? 1,
        debugMinuteMs: options.debugMinuteMs ?? 60_000,
        // 10,000 benchmark devices × 2,000 lines would hold gigabytes: 200,000 lines in all is plenty.
        logLines: options.logLines ?? Math.max(100, Math.min(2_000, Math.floor(200_000 / Math.max(1, count)))),
        firmwarePublicKeyPem: options.firmwarePublicKeyPem,
        configFlash: options.configFlash,
      },
      stats,
    );
    runners.push(runner);
    timers.push(setTimeout(() => runner.connect(), count > 1 ? Math.round((index / count) * spread) : 0));
  });

  return {
    stats: () => ({ ...stats }),
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(runners.map((runner) => runner.stop()));
    },
  };
}

export function simulatorUsage() {
  return [
    "usage: npm run simulate -- --devices N [--interval 5] [--offline 0.1] [--low-battery 0.1] [--errors 0.1] [--fleet .data/simulator-fleet.json]",
    "       npm run simulate -- --device MM001 --username dev-MM001 --password XXX [--type milk_meter] [--firmware 2.0.3]",
    "  updates: [--public-key-file .data/firmware-signing-public-key.pem] [--ota-fail 0.1] [--ota-silent 0.05]",
    "           [--ota-fail-version 2.2.0=0.5 (repeatable or comma-separated)] [--ota-step-ms 500]",
    "  commands: [--command-fail 0.1] [--command-late 0.05] [--command-silent 0.05] [--command-delay-scale 1 (0 = answer at once)]",
    "  configuration: [--config-reject 0.1|ES002,…] [--config-silent 0.05] [--config-fail 0.05] (a share by device id, and/or device ids)",
  ].join("\n");
}

/**
 * The public key devices trust: the file given (what `npm start` writes), else this machine's own
 * server key (same DATA_DIR / FIRMWARE_SIGNING_KEY as the web app), else none: updates then fail
 * with a message saying so.
 */
async function trustedFirmwareKey(file: string | undefined): Promise<string | undefined> {
  if (file) {
    const pem = readFileSync(file, "utf8");
    if (!pem.includes("-----BEGIN PUBLIC KEY-----")) throw new Error(`--public-key-file ${file} holds no PEM public key`);
    return pem;
  }
  const { existsSync } = await import("node:fs");
  const path = await import("node:path");
  const { loadConfig } = await import("../lib/config/env");
  const config = loadConfig();
  if (!config.FIRMWARE_SIGNING_KEY && !existsSync(path.resolve(config.DATA_DIR, "firmware-signing-key.pem"))) {
    console.log("sim: no --public-key-file and no firmware signing key on this machine: updates will fail their signature check");
    return undefined;
  }
  const { signingPublicKey } = await import("../lib/firmware/signing-key");
  return signingPublicKey().pem;
}

async function main() {
  const { values } = parseArgs({
    options: {
      devices: { type: "string" },
      interval: { type: "string", default: "5" },
      offline: { type: "string", default: "0" },
      "low-battery": { type: "string", default: "0" },
      errors: { type: "string", default: "0" },
      fleet: { type: "string" },
      device: { type: "string" },
      username: { type: "string" },
      password: { type: "string" },
      type: { type: "string", default: "milk_meter" },
      "client-id": { type: "string" },
      firmware: { type: "string" },
      "public-key-file": { type: "string" },
      "ota-fail": { type: "string", default: "0" },
      "ota-silent": { type: "string", default: "0" },
      "ota-fail-version": { type: "string", multiple: true, default: [] },
      "ota-step-ms": { type: "string", default: "500" },
      // Defaults from the environment (SIMULATOR_COMMAND_*), read with loadConfig below.
      "command-fail": { type: "string" },
      "command-late": { type: "string" },
      "command-silent": { type: "string" },
      "command-delay-scale": { type: "string" },
      // Defaults from the environment (SIMULATOR_CONFIG_*): a share and/or device ids.
      "config-reject": { type: "string" },
      "config-silent": { type: "string" },
      "config-fail": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(simulatorUsage());
    return;
  }
  const { loadConfig } = await import("../lib/config/env");
  const { readEmbeddedServices } = await import("../lib/config/database-url");
  const { fleetFilePath, readFleetFile } = await import("./simulator-fleet");
  const config = loadConfig();
  const mqttUrl = config.MQTT_URL ?? readEmbeddedServices().mqttUrl;
  if (!mqttUrl) {
    console.error("MQTT_URL is not set and no embedded broker is running: start the product with `npm start` or set MQTT_URL.");
    process.exit(1);
  }
  const share = (name: string, value: string | undefined) => {
    const parsed = Number(value ?? "0");
    if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new Error(`--${name} must be a share between 0 and 1`);
    return parsed;
  };

  let devices: SimulatedDevice[];
  if (values.device) {
    if (!values.username || !values.password) {
      console.error(`--device needs --username and --password (as shown by the provisioning wizard)\n${simulatorUsage()}`);
      process.exit(2);
    }
    devices = [
      {
        deviceId: values.device,
        deviceType: values.type ?? "milk_meter",
        username: values.username,
        password: values.password,
        clientId: values["client-id"] ?? mqttIdentity(values.device).clientId,
        firmwareVersion: values.firmware ?? null,
      },
    ];
  } else {
    const file = values.fleet ?? fleetFilePath(config.DATA_DIR);
    const fleet = readFleetFile(file);
    const wanted = values.devices ? Number(values.devices) : fleet.length;
    if (!Number.isInteger(wanted) || wanted < 0) throw new Error("--devices must be a whole number");
    if (fleet.length === 0) {
      console.error(`No simulated devices in ${file}. \`npm start\` (demo mode) writes it; or use --device/--username/--password.`);
      process.exit(1);
    }
    if (wanted > fleet.length) console.log(`sim: ${file} holds ${fleet.length} device(s); simulating those`);
    devices = fleet.slice(0, wanted);
  }

  const interval = Number(values.interval);
  if (!Number.isFinite(interval) || interval <= 0) throw new Error("--interval must be a positive number of seconds");
  const otaStepMs = Number(values["ota-step-ms"]);
  if (!Number.isFinite(otaStepMs) || otaStepMs < 0) throw new Error("--ota-step-ms must be a number of milliseconds");
  const otaFailVersions = parseOtaFailVersions(values["ota-fail-version"] ?? []);
  const shares = {
    offlineShare: share("offline", values.offline),
    lowBatteryShare: share("low-battery", values["low-battery"]),
    errorShare: share("errors", values.errors),
    otaFailShare: share("ota-fail", values["ota-fail"]),
    otaSilentShare: share("ota-silent", values["ota-silent"]),
    commandFailShare: share("command-fail", values["command-fail"] ?? String(config.SIMULATOR_COMMAND_FAIL_SHARE)),
    commandLateShare: share("command-late", values["command-late"] ?? String(config.SIMULATOR_COMMAND_LATE_SHARE)),
    commandSilentShare: share("command-silent", values["command-silent"] ?? String(config.SIMULATOR_COMMAND_SILENT_SHARE)),
  };
  const commandDelayScale = Number(values["command-delay-scale"] ?? config.SIMULATOR_COMMAND_DELAY_SCALE);
  if (!Number.isFinite(commandDelayScale) || commandDelayScale < 0) throw new Error("--command-delay-scale must be a number ≥ 0");
  const configSwitches = {
    configReject: parseConfigSwitch("config-reject", values["config-reject"] ?? config.SIMULATOR_CONFIG_REJECT),
    configSilent: parseConfigSwitch("config-silent", values["config-silent"] ?? config.SIMULATOR_CONFIG_SILENT),
    configFail: parseConfigSwitch("config-fail", values["config-fail"] ?? config.SIMULATOR_CONFIG_FAIL),
  };
  const firmwarePublicKeyPem = await trustedFirmwareKey(values["public-key-file"]);
  console.log(`sim: ${devices.length} device(s) → ${mqttUrl}, telemetry every ~${interval}s`);
  for (const [version, failing] of Object.entries(otaFailVersions)) console.log(`sim: installing ${version} fails on ${Math.round(failing * 100)} % of the devices (--ota-fail-version)`);
  const simulator = startSimulator({
    mqttUrl,
    devices,
    intervalSeconds: interval,
    ...shares,
    otaFailVersions,
    otaStepMs,
    commandDelayScale,
    ...configSwitches,
    // The devices' "flash": a second `npm start` finds them running what they were given.
    configFlash: fileFlash(resolvePath(config.DATA_DIR, "simulator-config.json")),
    firmwarePublicKeyPem,
  });
  // Every device refused: nothing will ever connect, so say so with a failing exit code.
  setInterval(() => {
    const stats = simulator.stats();
    if (stats.refused > 0 && stats.refused + stats.offlineByDesign >= devices.length) {
      console.error(`sim: all ${stats.refused} device(s) were refused by the broker; stopping`);
      process.exit(1);
    }
  }, 1_000);
  const shutdown = () => {
    simulator.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
