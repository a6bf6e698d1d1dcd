/**
 * The command catalogue (I-013 §7 `ALLOWED_COMMANDS`, completed for the types the seed leaves
 * out): one row per command with its parameter schema, timeout, lowest role and whether it
 * disrupts the device. It is the single source for the API's validation, the generated forms,
 * the engine's timeouts and the simulator's answers; it imports nothing from the server, so
 * client components may use it for inline validation.
 */
import { z } from "zod";
import type { RoleName } from "../auth/permissions";

export const DEVICE_TYPES = ["milk_meter", "temperature", "environmental", "collar", "feeder", "gate", "waterer", "rfid_reader", "gateway"] as const;
export type CommandDeviceType = (typeof DEVICE_TYPES)[number];

/** Roles that may send commands at all, lowest first (a viewer sends nothing). */
export const COMMAND_ROLES = ["technician", "manager", "admin"] as const satisfies readonly RoleName[];
export type CommandRole = (typeof COMMAND_ROLES)[number];

export function roleReaches(role: RoleName, lowest: CommandRole): boolean {
  const rank = (r: RoleName) => (r === "viewer" ? -1 : COMMAND_ROLES.indexOf(r as CommandRole));
  return rank(role) >= rank(lowest);
}

/** Sending one command to many devices at once (a selection, a group, a list filter). */
export const BULK_COMMAND_ROLE: CommandRole = "manager";

export const LOG_TYPES = ["system", "application", "network", "sensor", "security"] as const;
export const DEBUG_LEVELS = ["info", "debug", "verbose", "trace"] as const;
export type DebugLevel = (typeof DEBUG_LEVELS)[number];
export const DIAGNOSTIC_SUITES = ["quick", "full"] as const;

const none = z.object({}).strict();
const seconds = (min: number, max: number, fallback: number) => z.number().int().min(min).max(max).default(fallback);

// ------------------------------------------------------------------ results the app reads
// Devices may add fields (loose objects); the app reads only the ones named here.

export const pingResult = z.looseObject({
  sent: z.number().int().min(0).max(10),
  received: z.number().int().min(0).max(10),
  rtt_ms_min: z.number().min(0).nullish(),
  rtt_ms_avg: z.number().min(0).nullish(),
  rtt_ms_max: z.number().min(0).nullish(),
});

/** get_status also refreshes the device's own fields (M92 statistics). */
export const statusResult = z.looseObject({
  state: z.string().max(50).nullish(),
  cpu_percent: z.number().min(0).max(100).nullish(),
  memory_percent: z.number().min(0).max(100).nullish(),
  storage_percent: z.number().min(0).max(100).nullish(),
  uptime_seconds: z.number().int().min(0).max(2_147_483_647).nullish(),
  firmware_version: z.string().max(50).nullish(),
  battery_level: z.number().min(0).max(100).nullish(),
  signal_strength: z.number().int().min(-150).max(0).nullish(),
  error_count: z.number().int().min(0).max(1_000_000).nullish(),
  debug_level: z.enum(DEBUG_LEVELS).nullish(),
});

export const diagnosticTest = z.looseObject({
  name: z.string().min(1).max(80),
  passed: z.boolean(),
  detail: z.string().max(500).nullish(),
  value: z.union([z.number(), z.string().max(100), z.boolean()]).nullish(),
});
/** run_diagnostics makes a Diagnostic record with a pass/fail per test. */
export const diagnosticsResult = z.looseObject({
  suite: z.enum(DIAGNOSTIC_SUITES).nullish(),
  passed: z.boolean(),
  tests: z.array(diagnosticTest).max(100),
});

/** get_logs: the device uploaded a gzip bundle to the URL it was given, then says so. */
export const logsResult = z.looseObject({
  bundle_id: z.number().int().positive(),
  size_bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  lines: z.number().int().min(0).nullish(),
});

export const debugResult = z.looseObject({
  level: z.enum(DEBUG_LEVELS),
  /** When the device itself will go back to info. */
  expires_at: z.iso.datetime({ offset: true }).nullish(),
});

export const restartResult = z.looseObject({
  /** When the device came back up (it answers after the restart). */
  restarted_at: z.iso.datetime({ offset: true }).nullish(),
});

/**
 * calibrate_*: the readings a calibration record is made from (lib/calibration/command-calibrations.ts),
 * method "command". `before`/`after` are what the device measured of the reference before and after
 * it corrected itself; offsets are its correction. A result without `passed` makes no record.
 */
export const calibrationResult = z.looseObject({
  reference: z.string().max(200).nullish(),
  reference_value: z.number().min(-1_000_000).max(1_000_000).nullish(),
  before: z.number().min(-1_000_000).max(1_000_000).nullish(),
  after: z.number().min(-1_000_000).max(1_000_000).nullish(),
  offset_before: z.number().min(-1_000_000).max(1_000_000).nullish(),
  offset_after: z.number().min(-1_000_000).max(1_000_000).nullish(),
  unit: z.string().max(20).nullish(),
  tolerance: z.number().min(0).max(1_000_000).nullish(),
  passed: z.boolean(),
});
export type CalibrationResult = z.output<typeof calibrationResult>;

/** The commands whose completed answer is a calibration. */
export const CALIBRATION_COMMANDS = ["calibrate_flow", "calibrate_sensors", "calibrate_probe", "calibrate_auger"] as const;

// ------------------------------------------------------------------ the catalogue

export type CommandSpec = {
  name: string;
  label: string;
  description: string;
  /** "all" or the device types that have it. */
  deviceTypes: "all" | readonly CommandDeviceType[];
  /** Strict: unknown parameters are refused, defaults filled in. */
  parameters: z.ZodObject;
  /** What the app reads from a completed answer (others are stored and shown as they come). */
  result?: z.ZodType<Record<string, unknown>>;
  timeoutSeconds: number;
  minRole: CommandRole;
  /** Restart, reset, calibrate…: needs a confirmation and is refused while a firmware update runs. */
  disruptive: boolean;
};

const spec = (s: Omit<CommandSpec, "parameters"> & { parameters?: z.ZodObject }): CommandSpec => ({ ...s, parameters: s.parameters ?? none });
const ALL = "all" as const;

export const COMMANDS: readonly CommandSpec[] = [
  // ---- every device (I-013 ALLOWED_COMMANDS['all'] + run_diagnostics)
  spec({
    name: "ping",
    label: "Ping",
    description: "Round trips to the device; shows whether it answers and how fast.",
    deviceTypes: ALL,
    parameters: z.object({ count: z.number().int().min(1).max(10).default(4) }).strict(),
    result: pingResult,
    timeoutSeconds: 30,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "get_status",
    label: "Get status",
    description: "The device's state, CPU, memory, storage, uptime and firmware; refreshes them here.",
    deviceTypes: ALL,
    result: statusResult,
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "get_logs",
    label: "Collect logs",
    description: "The device uploads its logs of the chosen period as a gzip bundle you can read here.",
    deviceTypes: ALL,
    parameters: z
      .object({
        log_types: z.array(z.enum(LOG_TYPES)).min(1).max(LOG_TYPES.length).default(["system", "application"]),
        time_range_hours: z.number().int().min(1).max(168).default(1),
        include_system_logs: z.boolean().default(true),
      })
      .strict(),
    result: logsResult,
    timeoutSeconds: 120,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "restart",
    label: "Restart",
    description: "Reboots the device; it is unreachable for a minute and its restart count goes up.",
    deviceTypes: ALL,
    parameters: z.object({ delay_seconds: seconds(0, 300, 0) }).strict(),
    result: restartResult,
    timeoutSeconds: 120,
    minRole: "technician",
    disruptive: true,
  }),
  spec({
    name: "get_config",
    label: "Get configuration",
    description: "The settings the device is running, as it reports them.",
    deviceTypes: ALL,
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "set_debug_level",
    label: "Debug logging",
    description: "Logs at the chosen level for a while, then back to info (the app ends it too).",
    deviceTypes: ALL,
    parameters: z
      .object({
        level: z.enum(DEBUG_LEVELS).default("debug"),
        duration_minutes: z.number().int().min(1).max(240).default(30),
      })
      .strict(),
    result: debugResult,
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "run_diagnostics",
    label: "Run diagnostics",
    description: "The device tests its sensors, storage, clock and network; each test passes or fails.",
    deviceTypes: ALL,
    parameters: z.object({ suite: z.enum(DIAGNOSTIC_SUITES).default("full") }).strict(),
    result: diagnosticsResult,
    timeoutSeconds: 180,
    minRole: "technician",
    disruptive: false,
  }),

  // ---- milk meter
  spec({
    name: "calibrate_flow",
    label: "Calibrate flow",
    description: "Calibrates the flow sensor against a known volume run through the meter.",
    deviceTypes: ["milk_meter"],
    parameters: z.object({ reference_volume_liters: z.number().min(1).max(100).default(10) }).strict(),
    result: calibrationResult,
    timeoutSeconds: 180,
    minRole: "technician",
    disruptive: true,
  }),
  spec({
    name: "zero_flow",
    label: "Zero flow",
    description: "Sets the flow reading to zero with the line empty; readings in progress are lost.",
    deviceTypes: ["milk_meter"],
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: true,
  }),
  spec({
    name: "test_valve",
    label: "Test valve",
    description: "Opens and closes the valve; reports whether it moved and how long it took.",
    deviceTypes: ["milk_meter", "waterer"],
    parameters: z.object({ cycles: z.number().int().min(1).max(5).default(1) }).strict(),
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "get_readings",
    label: "Get readings",
    description: "The latest flow, conductivity and temperature readings.",
    deviceTypes: ["milk_meter"],
    parameters: z.object({ count: z.number().int().min(1).max(100).default(10) }).strict(),
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),

  // ---- environmental sensor
  spec({
    name: "read_sensors",
    label: "Read sensors",
    description: "Temperature, humidity, ammonia and CO₂ now.",
    deviceTypes: ["environmental"],
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "calibrate_sensors",
    label: "Calibrate sensors",
    description: "Calibrates one sensor or all of them in clean air.",
    deviceTypes: ["environmental"],
    parameters: z.object({ sensor: z.enum(["all", "temperature", "humidity", "ammonia", "co2"]).default("all") }).strict(),
    result: calibrationResult,
    timeoutSeconds: 180,
    minRole: "technician",
    disruptive: true,
  }),
  spec({
    name: "reset_thresholds",
    label: "Reset thresholds",
    description: "Puts the alarm thresholds back to the device's factory values.",
    deviceTypes: ["environmental"],
    timeoutSeconds: 60,
    minRole: "manager",
    disruptive: true,
  }),

  // ---- temperature sensor (milk tank): not in the seed
  spec({
    name: "read_temperature",
    label: "Read temperature",
    description: "The probe's temperature now.",
    deviceTypes: ["temperature"],
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "calibrate_probe",
    label: "Calibrate probe",
    description: "Calibrates the probe against a reference thermometer reading.",
    deviceTypes: ["temperature"],
    parameters: z.object({ reference_celsius: z.number().min(-10).max(50) }).strict(),
    result: calibrationResult,
    timeoutSeconds: 120,
    minRole: "technician",
    disruptive: true,
  }),
  spec({
    name: "test_alarm",
    label: "Test alarm",
    description: "Sounds the local alarm briefly and raises a test alert.",
    deviceTypes: ["temperature"],
    parameters: z.object({ seconds: seconds(1, 30, 5) }).strict(),
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),

  // ---- RFID reader
  spec({
    name: "inventory_scan",
    label: "Inventory scan",
    description: "Reads every tag in range for a while and lists them.",
    deviceTypes: ["rfid_reader"],
    parameters: z.object({ duration_seconds: seconds(1, 60, 10) }).strict(),
    timeoutSeconds: 90,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "test_antenna",
    label: "Test antenna",
    description: "Measures each antenna's reflected power.",
    deviceTypes: ["rfid_reader"],
    parameters: z.object({ antenna: z.number().int().min(1).max(4).optional() }).strict(),
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "clear_buffer",
    label: "Clear buffer",
    description: "Drops the reads the reader has not sent yet.",
    deviceTypes: ["rfid_reader"],
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: true,
  }),

  // ---- activity collar (the seed's "wearable")
  spec({
    name: "locate_device",
    label: "Locate",
    description: "Beeps and flashes the collar so it can be found in the herd.",
    deviceTypes: ["collar"],
    parameters: z.object({ beep: z.boolean().default(true), duration_seconds: seconds(1, 60, 10) }).strict(),
    timeoutSeconds: 90,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "force_sync",
    label: "Force sync",
    description: "Sends the activity data the collar holds now instead of at its next slot.",
    deviceTypes: ["collar"],
    timeoutSeconds: 120,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "reset_activity",
    label: "Reset activity",
    description: "Clears the collar's activity baseline (heat detection relearns for days).",
    deviceTypes: ["collar"],
    timeoutSeconds: 60,
    minRole: "manager",
    disruptive: true,
  }),

  // ---- feed dispenser: not in the seed
  spec({
    name: "dispense_test",
    label: "Test dispense",
    description: "Dispenses a small weighed portion and reports the weight.",
    deviceTypes: ["feeder"],
    parameters: z.object({ grams: z.number().int().min(10).max(2000).default(100) }).strict(),
    timeoutSeconds: 90,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "calibrate_auger",
    label: "Calibrate auger",
    description: "Relearns grams per auger turn; dispensing stops meanwhile.",
    deviceTypes: ["feeder"],
    result: calibrationResult,
    timeoutSeconds: 180,
    minRole: "technician",
    disruptive: true,
  }),
  spec({
    name: "get_feed_log",
    label: "Feed log",
    description: "What was dispensed to whom over the last hours.",
    deviceTypes: ["feeder"],
    parameters: z.object({ hours: z.number().int().min(1).max(48).default(24) }).strict(),
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),

  // ---- automated gate: not in the seed
  spec({
    name: "open_gate",
    label: "Open gate",
    description: "Opens the gate and holds it open; animals may pass.",
    deviceTypes: ["gate"],
    parameters: z.object({ hold_seconds: seconds(1, 300, 10) }).strict(),
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: true,
  }),
  spec({
    name: "get_position",
    label: "Gate position",
    description: "Whether the gate is open, closed or between, and its last movement.",
    deviceTypes: ["gate"],
    timeoutSeconds: 30,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "test_motor",
    label: "Test motor",
    description: "Measures the motor's current without moving the gate.",
    deviceTypes: ["gate"],
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),

  // ---- water dispenser: not in the seed (test_valve is shared with the milk meter)
  spec({
    name: "flush_trough",
    label: "Flush trough",
    description: "Runs water through the trough for a while to clean it.",
    deviceTypes: ["waterer"],
    parameters: z.object({ seconds: seconds(5, 120, 30) }).strict(),
    timeoutSeconds: 180,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "get_water_usage",
    label: "Water usage",
    description: "Litres drawn per hour over the chosen period.",
    deviceTypes: ["waterer"],
    parameters: z.object({ hours: z.number().int().min(1).max(168).default(24) }).strict(),
    timeoutSeconds: 60,
    minRole: "technician",
    disruptive: false,
  }),

  // ---- gateway
  spec({
    name: "restart_network",
    label: "Restart network",
    description: "Restarts the radio and uplink; the devices behind it drop off for a minute.",
    deviceTypes: ["gateway"],
    timeoutSeconds: 120,
    minRole: "technician",
    disruptive: true,
  }),
  spec({
    name: "flush_buffer",
    label: "Flush buffer",
    description: "Sends every message the gateway holds for devices now.",
    deviceTypes: ["gateway"],
    timeoutSeconds: 120,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "scan_devices",
    label: "Scan devices",
    description: "Lists the devices the gateway hears, with their signal.",
    deviceTypes: ["gateway"],
    parameters: z.object({ duration_seconds: seconds(5, 120, 30) }).strict(),
    timeoutSeconds: 180,
    minRole: "technician",
    disruptive: false,
  }),
  spec({
    name: "update_routing",
    label: "Update routing",
    description: "Rebuilds the mesh routing table; traffic pauses while it converges.",
    deviceTypes: ["gateway"],
    timeoutSeconds: 180,
    minRole: "manager",
    disruptive: true,
  }),
];

const BY_NAME = new Map(COMMANDS.map((command) => [command.name, command]));

export function commandSpec(name: string): CommandSpec | undefined {
  return BY_NAME.get(name);
}

export function commandsFor(deviceType: string): CommandSpec[] {
  return COMMANDS.filter((command) => command.deviceTypes === "all" || (command.deviceTypes as readonly string[]).includes(deviceType));
}

export function isAllowedFor(name: string, deviceType: string): boolean {
  const command = BY_NAME.get(name);
  return !!command && (command.deviceTypes === "all" || (command.deviceTypes as readonly string[]).includes(deviceType));
}

/** Longest a person may let a command wait for an offline device. */
export const MAX_EXPIRY_HOURS = 24 * 7;
export const DEFAULT_EXPIRY_HOURS = 24;
export const MAX_TIMEOUT_SECONDS = 3_600;

/** Parameters as the device will get them (defaults filled in), or field errors keyed by parameter. */
export function parseParameters(
  command: CommandSpec,
  parameters: unknown,
): { ok: true; value: Record<string, unknown> } | { ok: false; fieldErrors: Record<string, string[]> } {
  const parsed = command.parameters.safeParse(parameters ?? {});
  if (parsed.success) return { ok: true, value: parsed.data as Record<string, unknown> };
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const unknownKeys = issue.code === "unrecognized_keys" ? issue.keys : null;
    if (unknownKeys) {
      for (const key of unknownKeys) (fieldErrors[`parameters.${key}`] ??= []).push(`"${key}" is not a parameter of ${command.name}.`);
      continue;
    }
    const key = ["parameters", ...issue.path.map(String)].join(".");
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return { ok: false, fieldErrors };
}
