/**
 * The in-memory window of the ingest path: every message of the window becomes one telemetry
 * sample, but each device's row is written once per window with the newest values. This is the
 * "coalesce" of ARCHITECTURE.md: updating a device row per message is what caps an IoT platform
 * on two cores, one multi-row statement per window does not.
 *
 * Pure: no clock, no database. Every message carries its own server receive time.
 */
import { payloadTime, type CommandResponsePayload, type ConfigReportPayload, type StatusPayload, type TelemetryPayload } from "../mqtt/payloads";
import type { ConfigReport } from "../configuration/config-reports";

/** A device clock further ahead than this is wrong, not early: its time is not trusted. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * A device time before this is a real-time clock that was never set or was reset (1970, 2000),
 * whatever the device: no device of this product reported before it. Store-window.ts also refuses
 * times before the device's own provisioning.
 */
export const EARLIEST_BELIEVABLE_TIME = Date.UTC(2020, 0, 1);

export type DeviceMessage =
  | { kind: "telemetry"; deviceId: string; payload: TelemetryPayload; receivedAt: Date }
  | { kind: "status"; deviceId: string; payload: StatusPayload; receivedAt: Date }
  | { kind: "command_response"; deviceId: string; commandId: string; payload: CommandResponsePayload; receivedAt: Date }
  | { kind: "config_status"; deviceId: string; payload: ConfigReportPayload; receivedAt: Date };

/** A reported value: `undefined` = the messages of the window did not say (keep the stored one). */
type Reported<T> = T | undefined;

export type DeviceStateUpdate = {
  deviceId: string;
  /** Server receive time of the newest message: last_seen never follows a device's clock. */
  lastSeen: Date | null;
  /** The connection status the newest status-bearing message implies (telemetry = online). */
  connection: "online" | "offline" | null;
  /** Device time of the telemetry whose values are held; older telemetry never overwrites them. */
  valuesAt: number | null;
  batteryLevel: Reported<number>;
  batteryVoltage: Reported<number>;
  signalStrength: Reported<number>;
  errorCount: Reported<number>;
  uptimeSeconds: Reported<number>;
  cpuPercent: Reported<number>;
  memoryPercent: Reported<number>;
  storagePercent: Reported<number>;
  firmwareVersion: Reported<string>;
  latitude: Reported<number>;
  longitude: Reported<number>;
  /** `bytes_sent` is what the device sent since its previous telemetry: the window adds them up. */
  bytesSent: number;
};

export type SampleRow = {
  deviceId: string;
  ts: Date;
  receivedAt: Date;
  /** The device's clock was not believable (see sampleTime): `ts` is our receive time. */
  clockSkewed: boolean;
  batteryLevel: number | null;
  batteryVoltage: number | null;
  signalStrength: number | null;
  errorCount: number | null;
  cpuPercent: number | null;
  memoryPercent: number | null;
  readings: Record<string, unknown> | null;
};

export type CommandOutcome = {
  deviceId: string;
  commandId: string;
  status: CommandResponsePayload["status"];
  result: Record<string, unknown> | null;
  error: string | null;
  receivedAt: Date;
  /** When the window first heard "executing" for it (a fast device's executing and completed share a window). */
  executingAt: Date | null;
  /** Responses of the window behind this outcome (each one counted if the outcome is refused). */
  responses: number;
};

/** The values a device reports (what a window may or may not say about it). */
export type ReportedValues = Omit<DeviceStateUpdate, "deviceId" | "lastSeen" | "connection" | "valuesAt" | "bytesSent">;

/** "Nothing reported": the store's UPDATE COALESCEs then keep every stored value. */
export const NOTHING_REPORTED: Readonly<ReportedValues> = {
  batteryLevel: undefined,
  batteryVoltage: undefined,
  signalStrength: undefined,
  errorCount: undefined,
  uptimeSeconds: undefined,
  cpuPercent: undefined,
  memoryPercent: undefined,
  storagePercent: undefined,
  firmwareVersion: undefined,
  latitude: undefined,
  longitude: undefined,
};

function emptyState(deviceId: string): DeviceStateUpdate {
  return { deviceId, lastSeen: null, connection: null, valuesAt: null, ...NOTHING_REPORTED, bytesSent: 0 };
}

/** null in a payload means "not measured", which must not erase the last known value. */
function reported<T>(value: T | null | undefined): Reported<T> {
  return value === null ? undefined : value;
}

/**
 * The time a sample is filed under: the device's own clock, unless it is missing, too far in the
 * future or too far in the past to be believed (then our receive time, the very Date given).
 */
export function sampleTime(ts: string | number | undefined, receivedAt: Date): Date {
  const deviceTime = payloadTime(ts, receivedAt);
  if (Number.isNaN(deviceTime.getTime())) return receivedAt;
  if (deviceTime.getTime() - receivedAt.getTime() > MAX_CLOCK_SKEW_MS) return receivedAt;
  if (deviceTime.getTime() < EARLIEST_BELIEVABLE_TIME) return receivedAt;
  return deviceTime;
}

function later(a: Date | null, b: Date): Date {
  return a && a.getTime() >= b.getTime() ? a : b;
}

/**
 * One device's state from two stretches of time, `older` first: what a row write deferred from an
 * earlier window (store-window.ts) and what this window adds. Values follow the newer device time;
 * bytes add up; last seen is the later.
 */
export function mergeStates(older: DeviceStateUpdate, newer: DeviceStateUpdate): DeviceStateUpdate {
  const newerWins = newer.valuesAt === null || older.valuesAt === null || newer.valuesAt >= older.valuesAt;
  const value = <T>(o: T | undefined, n: T | undefined) => (newerWins ? (n ?? o) : (o ?? n));
  return {
    deviceId: newer.deviceId,
    lastSeen: older.lastSeen && (!newer.lastSeen || older.lastSeen > newer.lastSeen) ? older.lastSeen : newer.lastSeen,
    connection: newer.connection ?? older.connection,
    valuesAt: newer.valuesAt === null ? older.valuesAt : older.valuesAt === null ? newer.valuesAt : Math.max(older.valuesAt, newer.valuesAt),
    batteryLevel: value(older.batteryLevel, newer.batteryLevel),
    batteryVoltage: value(older.batteryVoltage, newer.batteryVoltage),
    signalStrength: value(older.signalStrength, newer.signalStrength),
    errorCount: value(older.errorCount, newer.errorCount),
    uptimeSeconds: value(older.uptimeSeconds, newer.uptimeSeconds),
    cpuPercent: value(older.cpuPercent, newer.cpuPercent),
    memoryPercent: value(older.memoryPercent, newer.memoryPercent),
    storagePercent: value(older.storagePercent, newer.storagePercent),
    firmwareVersion: newer.firmwareVersion ?? older.firmwareVersion,
    latitude: value(older.latitude, newer.latitude),
    longitude: value(older.longitude, newer.longitude),
    bytesSent: older.bytesSent + newer.bytesSent,
  };
}

const FINAL_COMMAND_STATUSES = new Set(["completed", "failed"]);

export class TelemetryWindow {
  readonly states = new Map<string, DeviceStateUpdate>();
  readonly samples: SampleRow[] = [];
  readonly commandOutcomes = new Map<string, CommandOutcome>();
  /** Configuration reports, in arrival order (lib/configuration/config-report-apply.ts judges them). */
  readonly configReports: ConfigReport[] = [];
  /** Everything added, in arrival order, so a failed window can be replayed in front of a newer one. */
  readonly messages: DeviceMessage[] = [];
  /** The held-back states merged in (mergeEarlier): a refused window is split into these and its messages. */
  readonly held: DeviceStateUpdate[] = [];

  get size() {
    return this.messages.length;
  }

  add(message: DeviceMessage) {
    this.messages.push(message);
    switch (message.kind) {
      case "telemetry":
        return this.addTelemetry(message.deviceId, message.payload, message.receivedAt);
      case "status":
        return this.addStatus(message.deviceId, message.payload, message.receivedAt);
      case "command_response":
        return this.addCommandResponse(message);
      case "config_status":
        return this.addConfigReport(message);
    }
  }

  /** Puts a device state held back from an earlier window in front of this window's own. */
  mergeEarlier(state: DeviceStateUpdate) {
    this.held.push(state);
    const own = this.states.get(state.deviceId);
    this.states.set(state.deviceId, own ? mergeStates(state, own) : { ...state });
  }

  /** Replays a newer window's messages after this one's (used when this window failed to store). */
  absorb(newer: TelemetryWindow) {
    for (const message of newer.messages) this.add(message);
    for (const state of newer.held) this.mergeEarlier(state);
  }

  private state(deviceId: string) {
    let state = this.states.get(deviceId);
    if (!state) {
      state = emptyState(deviceId);
      this.states.set(deviceId, state);
    }
    return state;
  }

  private addTelemetry(deviceId: string, payload: TelemetryPayload, receivedAt: Date) {
    const ts = sampleTime(payload.ts, receivedAt);
    this.samples.push({
      deviceId,
      ts,
      receivedAt,
      clockSkewed: payload.ts !== undefined && ts === receivedAt,
      batteryLevel: payload.battery_level ?? null,
      batteryVoltage: payload.battery_voltage ?? null,
      signalStrength: payload.signal_strength ?? null,
      errorCount: payload.error_count ?? null,
      cpuPercent: payload.cpu_percent ?? null,
      memoryPercent: payload.memory_percent ?? null,
      readings: payload.readings ?? null,
    });

    const state = this.state(deviceId);
    state.lastSeen = later(state.lastSeen, receivedAt);
    state.connection = "online";
    state.bytesSent += payload.bytes_sent ?? 0;
    // A late, older reading (QoS 1 redelivery, a device flushing its buffer) is still a sample,
    // but it must not replace the newer values the window already holds.
    if (state.valuesAt !== null && ts.getTime() < state.valuesAt) return;
    state.valuesAt = ts.getTime();
    state.batteryLevel = reported(payload.battery_level) ?? state.batteryLevel;
    state.batteryVoltage = reported(payload.battery_voltage) ?? state.batteryVoltage;
    state.signalStrength = reported(payload.signal_strength) ?? state.signalStrength;
    state.errorCount = reported(payload.error_count) ?? state.errorCount;
    state.uptimeSeconds = reported(payload.uptime_seconds) ?? state.uptimeSeconds;
    state.cpuPercent = reported(payload.cpu_percent) ?? state.cpuPercent;
    state.memoryPercent = reported(payload.memory_percent) ?? state.memoryPercent;
    state.storagePercent = reported(payload.storage_percent) ?? state.storagePercent;
    state.firmwareVersion = reported(payload.firmware_version) ?? state.firmwareVersion;
    if (payload.location) {
      state.latitude = payload.location.lat;
      state.longitude = payload.location.lon;
    }
  }

  private addStatus(deviceId: string, payload: StatusPayload, receivedAt: Date) {
    const state = this.state(deviceId);
    state.connection = payload.status;
    // An "offline" is usually the broker speaking for the device (its last will): it is not a
    // sign of life, so only "online" counts as seeing the device.
    if (payload.status === "online") state.lastSeen = later(state.lastSeen, receivedAt);
    const firmware = reported(payload.firmware_version);
    if (firmware !== undefined) state.firmwareVersion = firmware;
  }

  private addConfigReport(message: Extract<DeviceMessage, { kind: "config_status" }>) {
    const state = this.state(message.deviceId);
    state.lastSeen = later(state.lastSeen, message.receivedAt);
    state.connection = "online";
    const { version, status, hash, reason } = message.payload;
    this.configReports.push({ deviceId: message.deviceId, version, status, hash: hash ?? null, reason: reason ?? null, receivedAt: message.receivedAt });
  }

  private addCommandResponse(message: Extract<DeviceMessage, { kind: "command_response" }>) {
    const state = this.state(message.deviceId);
    state.lastSeen = later(state.lastSeen, message.receivedAt);
    state.connection = "online";
    // Keyed by device too: another device's forged answer must not replace the real one.
    const key = `${message.deviceId}\n${message.commandId}`;
    const held = this.commandOutcomes.get(key);
    const executingAt = message.payload.status === "executing" ? message.receivedAt : null;
    // "executing" arriving after "completed" (redelivery) must not reopen the command.
    if (held && FINAL_COMMAND_STATUSES.has(held.status) && !FINAL_COMMAND_STATUSES.has(message.payload.status)) {
      held.executingAt ??= executingAt;
      held.responses += 1;
      return;
    }
    this.commandOutcomes.set(key, {
      deviceId: message.deviceId,
      commandId: message.commandId,
      status: message.payload.status,
      result: message.payload.result ?? null,
      error: message.payload.error ?? null,
      receivedAt: message.receivedAt,
      executingAt: held?.executingAt ?? executingAt,
      responses: (held?.responses ?? 0) + 1,
    });
  }
}
