/**
 * What a simulated device writes to its own log: a bounded ring of recent lines in the format of
 * lib/commands/log-lines.ts, fed as time passes (its telemetry ticks, its commands, its faults),
 * with more DEBUG and TRACE lines while debug logging is on. `get_logs` reads it back; a range
 * older than the ring (the simulator started an hour ago, the technician asks for a day) is
 * filled with quieter lines of the same kind, as a real device's rotated files would hold.
 */
import { formatLogLine, type LogLevel } from "../lib/commands/log-lines";
import type { DebugLevel, LOG_TYPES } from "../lib/commands/catalogue";

export type LogType = (typeof LOG_TYPES)[number];

type Entry = { at: number; level: LogLevel; source: string; type: LogType; message: string };

/** Sources by log type: `get_logs` with log_types [network] gets only the network's lines. */
const SOURCE_TYPE: Record<string, LogType> = {
  boot: "system",
  power: "system",
  clock: "system",
  storage: "system",
  watchdog: "system",
  mqtt: "network",
  net: "network",
  radio: "network",
  auth: "security",
  tls: "security",
  cmd: "application",
  app: "application",
  config: "application",
  ota: "application",
};

/** The sensors and actuators each type has: their lines are of type "sensor". */
export const SENSOR_SOURCES: Record<string, string[]> = {
  milk_meter: ["flow", "conductivity", "valve", "temp"],
  environmental: ["temp", "humidity", "ammonia", "co2"],
  temperature: ["probe", "alarm"],
  collar: ["accel", "rumination"],
  feeder: ["auger", "loadcell", "hopper"],
  gate: ["motor", "position", "rfid"],
  waterer: ["valve", "flow", "heater"],
  rfid_reader: ["antenna", "decoder"],
  gateway: ["mesh", "backhaul"],
};

export function logTypeOf(source: string): LogType {
  return SOURCE_TYPE[source] ?? "sensor";
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length) % items.length]!;

/** One ordinary line at `level` from a device of this type: what a day in the barn looks like. */
export function routineLine(deviceType: string, level: LogLevel, random: () => number): { level: LogLevel; source: string; message: string } {
  const sensors = SENSOR_SOURCES[deviceType] ?? ["sensor"];
  const sensor = pick(sensors, random);
  const n = (min: number, max: number, digits = 1) => (min + random() * (max - min)).toFixed(digits);
  switch (level) {
    case "ERROR":
      return pick(
        [
          { level, source: sensor, message: `${sensor} read failed: no answer within 250 ms (E${40 + Math.floor(random() * 20)})` },
          { level, source: "mqtt", message: "publish failed: connection reset by peer; message kept for retry" },
          { level, source: "storage", message: `write error on block ${Math.floor(random() * 4096)}; remapped` },
        ],
        random,
      );
    case "WARN":
      return pick(
        [
          { level, source: "net", message: `weak signal ${n(-95, -85, 0)} dBm; retrying with lower data rate` },
          { level, source: sensor, message: `${sensor} reading out of range, ignored (${n(0, 999)})` },
          { level, source: "clock", message: `clock drift ${n(0.5, 3)} s corrected by NTP` },
          { level, source: "mqtt", message: `publish took ${n(1200, 4000, 0)} ms (broker slow)` },
        ],
        random,
      );
    case "DEBUG":
      return pick(
        [
          { level, source: sensor, message: `${sensor} raw=${Math.floor(random() * 4096)} filtered=${n(0, 100, 2)}` },
          { level, source: "mqtt", message: `telemetry queued (${Math.floor(200 + random() * 300)} bytes, qos 1)` },
          { level, source: "power", message: `supply ${n(3.3, 4.2, 2)} V, draw ${n(20, 180, 0)} mA` },
          { level, source: "storage", message: `flash wear level ${n(1, 9)} %` },
        ],
        random,
      );
    case "TRACE":
      return pick(
        [
          { level, source: "radio", message: `rx frame len=${Math.floor(20 + random() * 100)} rssi=${n(-100, -40, 0)}` },
          { level, source: sensor, message: `${sensor} sample ${Math.floor(random() * 65536).toString(16)}` },
          { level, source: "mqtt", message: `PUBACK id=${Math.floor(random() * 65535)}` },
        ],
        random,
      );
    default:
      return pick(
        [
          { level, source: sensor, message: `${sensor} ok` },
          { level, source: "mqtt", message: "telemetry sent" },
          { level, source: "app", message: "health check passed" },
          { level, source: "auth", message: "session key renewed" },
          { level, source: "clock", message: "time synchronised" },
        ],
        random,
      );
  }
}

/** Which levels a device at this debug level writes (info writes INFO, WARN, ERROR). */
function writes(debug: DebugLevel, level: LogLevel): boolean {
  if (level === "TRACE") return debug === "trace";
  if (level === "DEBUG") return debug !== "info";
  return true;
}

export class DeviceLog {
  private readonly ring: Entry[] = [];
  private next = 0;

  constructor(
    private readonly deviceType: string,
    private readonly random: () => number,
    /** Lines kept; older ones are dropped (rotated). */
    private readonly capacity = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  debugLevel: DebugLevel = "info";

  write(level: LogLevel, source: string, message: string, at = this.now()) {
    if (!writes(this.debugLevel, level)) return;
    const entry: Entry = { at, level, source, type: logTypeOf(source), message };
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /**
   * What happened since the last tick: a line or two of routine, a warning now and then, an error
   * rarely (often when the device is failing), a burst of DEBUG/TRACE while debugging.
   */
  tick(failing: boolean) {
    const random = this.random;
    const routine = (level: LogLevel) => {
      const line = routineLine(this.deviceType, level, random);
      this.write(line.level, line.source, line.message);
    };
    routine("INFO");
    const draw = random();
    if (draw < (failing ? 0.3 : 0.02)) routine("ERROR");
    else if (draw < (failing ? 0.5 : 0.08)) routine("WARN");
    if (this.debugLevel !== "info") for (let i = 0; i < 2 + Math.floor(random() * 3); i++) routine("DEBUG");
    if (this.debugLevel === "trace" || this.debugLevel === "verbose") for (let i = 0; i < 2 + Math.floor(random() * 4); i++) routine(this.debugLevel === "trace" ? "TRACE" : "DEBUG");
  }

  /** Oldest first, in the upload's format; `from` back to now, only the asked types. */
  linesSince(from: number, types: readonly LogType[]): string[] {
    const wanted = new Set(types);
    const ordered = this.ring.length < this.capacity ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    const recent = ordered.filter((entry) => entry.at >= from && wanted.has(entry.type));
    const oldest = ordered[0]?.at ?? this.now();
    const older = from < oldest ? this.rotated(from, Math.min(oldest, this.now()), wanted) : [];
    return [...older, ...recent].map((entry) => formatLogLine(new Date(entry.at), entry.level, entry.source, entry.message));
  }

  /** Before the ring: one routine line per minute or so (at most 20,000), with its warnings. */
  private rotated(from: number, until: number, wanted: Set<LogType>): Entry[] {
    const random = this.random;
    const step = Math.max(30_000, (until - from) / 20_000);
    const entries: Entry[] = [];
    for (let at = from; at < until; at += step * (0.5 + random())) {
      const draw = random();
      const level: LogLevel = draw < 0.01 ? "ERROR" : draw < 0.06 ? "WARN" : "INFO";
      const line = routineLine(this.deviceType, level, random);
      const type = logTypeOf(line.source);
      if (wanted.has(type)) entries.push({ at: Math.floor(at), level: line.level, source: line.source, type, message: line.message });
    }
    return entries;
  }
}
