/**
 * The device configuration of each device type (I-013 §5.1 `DEFAULT_CONFIGS`, appendix D.1): one
 * zod schema per type, with ranges, units and the cross-field rules a farm would otherwise learn the
 * hard way (a minimum above its maximum, an alarm outside the range it guards). These schemas drive
 * validation of edits, overrides, campaigns and the API, the generated forms (through
 * `z.toJSONSchema`, which carries each field's title and unit) and the simulator.
 *
 * The seed's `wearable` is our `collar`, its `environmental_sensor` our `environmental`. The seed has
 * no configuration for temperature probes, feeders, gates and waterers: theirs are ours, in the same
 * shape (telemetry, thresholds, network…). The seed's `calibration.last_calibration` is left out: it
 * is a fact the calibration records keep (issue 17), not a setting anyone should type.
 *
 * Safe in client components: no server imports.
 */
import { z } from "zod";

export const CONFIG_DEVICE_TYPES = ["milk_meter", "temperature", "environmental", "collar", "feeder", "gate", "waterer", "rfid_reader", "gateway"] as const;
export type ConfigDeviceType = (typeof CONFIG_DEVICE_TYPES)[number];

/** A configuration value: settings are numbers, booleans and short strings, grouped in sections. */
export type ConfigValue = number | boolean | string | null | ConfigObject;
export type ConfigObject = { [key: string]: ConfigValue };

type NumberOptions = { int?: boolean; unit?: string; step?: number };
/** A number setting with its range, title and unit (the form shows them). */
function num(title: string, min: number, max: number, options: NumberOptions = {}) {
  const base = options.int ? z.number().int() : z.number();
  return base.min(min).max(max).meta({ title, ...(options.unit ? { unit: options.unit } : {}), ...(options.step ? { step: options.step } : {}) });
}
const flag = (title: string) => z.boolean().meta({ title });
const choice = <T extends readonly [string, ...string[]]>(title: string, values: T) => z.enum(values).meta({ title });
const section = <S extends z.ZodRawShape>(title: string, shape: S) => z.strictObject(shape).meta({ title });

const network = () =>
  section("Network", {
    connection_timeout_sec: num("Connection timeout", 5, 300, { int: true, unit: "s" }),
    keepalive_interval_sec: num("Keepalive interval", 10, 1200, { int: true, unit: "s" }),
    retry_attempts: num("Retry attempts", 0, 20, { int: true }),
    retry_delay_sec: num("Retry delay", 1, 600, { int: true, unit: "s" }),
  });
const NETWORK_DEFAULTS = { connection_timeout_sec: 30, keepalive_interval_sec: 60, retry_attempts: 3, retry_delay_sec: 5 };

/** The raw shapes, before the cross-field rules: the partial (override) schemas are built from these. */
const SHAPES = {
  milk_meter: {
    telemetry: section("Telemetry", {
      measurement_interval_sec: num("Measurement interval", 1, 3600, { int: true, unit: "s" }),
      batch_size: num("Batch size", 1, 1000, { int: true, unit: "readings" }),
      transmission_interval_sec: num("Transmission interval", 5, 3600, { int: true, unit: "s" }),
      compression_enabled: flag("Compression"),
    }),
    sensors: section("Sensors", {
      flow_sensor: section("Flow sensor", {
        enabled: flag("Enabled"),
        sampling_rate_hz: num("Sampling rate", 1, 100, { int: true, unit: "Hz" }),
        auto_zero_interval_hours: num("Auto-zero interval", 1, 168, { int: true, unit: "h" }),
      }),
      temperature_sensor: section("Temperature sensor", {
        enabled: flag("Enabled"),
        update_interval_sec: num("Update interval", 1, 3600, { int: true, unit: "s" }),
      }),
    }),
    thresholds: section("Thresholds", {
      min_flow_rate_lpm: num("Minimum flow rate", 0, 100, { unit: "L/min", step: 0.1 }),
      max_flow_rate_lpm: num("Maximum flow rate", 0, 100, { unit: "L/min", step: 0.1 }),
      min_temperature_c: num("Minimum milk temperature", -10, 60, { unit: "°C", step: 0.1 }),
      max_temperature_c: num("Maximum milk temperature", -10, 60, { unit: "°C", step: 0.1 }),
      temperature_alarm_c: num("Temperature alarm", -10, 60, { unit: "°C", step: 0.1 }),
    }),
    calibration: section("Calibration", {
      flow_offset: num("Flow offset", -10, 10, { unit: "L/min", step: 0.01 }),
      flow_gain: num("Flow gain", 0.5, 1.5, { step: 0.001 }),
      temperature_offset: num("Temperature offset", -5, 5, { unit: "°C", step: 0.1 }),
    }),
    network: network(),
  },
  temperature: {
    telemetry: section("Telemetry", {
      update_interval_sec: num("Update interval", 5, 3600, { int: true, unit: "s" }),
      batch_transmission: flag("Batch transmission"),
      batch_size: num("Batch size", 1, 100, { int: true, unit: "readings" }),
    }),
    thresholds: section("Thresholds", {
      temperature_low_c: num("Low temperature alarm", -20, 60, { unit: "°C", step: 0.1 }),
      temperature_high_c: num("High temperature alarm", -20, 60, { unit: "°C", step: 0.1 }),
      cooling_time_limit_min: num("Cooling time limit", 10, 600, { int: true, unit: "min" }),
    }),
    calibration: section("Calibration", {
      temperature_offset: num("Temperature offset", -5, 5, { unit: "°C", step: 0.1 }),
    }),
    network: network(),
  },
  environmental: {
    telemetry: section("Telemetry", {
      update_interval_sec: num("Update interval", 10, 3600, { int: true, unit: "s" }),
      batch_transmission: flag("Batch transmission"),
      batch_size: num("Batch size", 1, 100, { int: true, unit: "readings" }),
    }),
    sensors: section("Sensors", {
      temperature: section("Temperature", { enabled: flag("Enabled"), update_interval_sec: num("Update interval", 10, 3600, { int: true, unit: "s" }) }),
      humidity: section("Humidity", { enabled: flag("Enabled"), update_interval_sec: num("Update interval", 10, 3600, { int: true, unit: "s" }) }),
      co2: section("CO₂", { enabled: flag("Enabled"), update_interval_sec: num("Update interval", 10, 3600, { int: true, unit: "s" }) }),
      ammonia: section("Ammonia", { enabled: flag("Enabled"), update_interval_sec: num("Update interval", 10, 3600, { int: true, unit: "s" }) }),
    }),
    thresholds: section("Thresholds", {
      temperature_high: num("Temperature high", -20, 50, { unit: "°C", step: 0.5 }),
      temperature_low: num("Temperature low", -20, 50, { unit: "°C", step: 0.5 }),
      humidity_high: num("Humidity high", 0, 100, { unit: "%", step: 1 }),
      humidity_low: num("Humidity low", 0, 100, { unit: "%", step: 1 }),
      co2_high: num("CO₂ high", 400, 10000, { int: true, unit: "ppm" }),
      co2_critical: num("CO₂ critical", 400, 10000, { int: true, unit: "ppm" }),
      ammonia_high: num("Ammonia high", 1, 100, { unit: "ppm", step: 0.5 }),
      ammonia_critical: num("Ammonia critical", 1, 100, { unit: "ppm", step: 0.5 }),
    }),
    alarms: section("Alarms", {
      enabled: flag("Alarms enabled"),
      debounce_minutes: num("Debounce", 0, 120, { int: true, unit: "min" }),
      escalation_interval_minutes: num("Escalation interval", 1, 1440, { int: true, unit: "min" }),
    }),
  },
  collar: {
    sensors: section("Sensors", {
      accelerometer: section("Accelerometer", {
        enabled: flag("Enabled"),
        odr_hz: num("Output data rate", 1, 400, { int: true, unit: "Hz" }),
        range_g: choice("Range", ["2", "4", "8", "16"]),
        activity_threshold_mg: num("Activity threshold", 10, 2000, { int: true, unit: "mg" }),
      }),
      gps: section("GPS", {
        enabled: flag("Enabled"),
        update_interval_sec: num("Update interval", 30, 86400, { int: true, unit: "s" }),
        sleep_interval_sec: num("Sleep interval", 60, 86400, { int: true, unit: "s" }),
        accuracy_target_m: num("Accuracy target", 1, 100, { int: true, unit: "m" }),
      }),
    }),
    behaviour_analysis: section("Behaviour analysis", {
      enabled: flag("Enabled"),
      activity_window_minutes: num("Activity window", 1, 240, { int: true, unit: "min" }),
      rumination_detection: flag("Rumination detection"),
      rest_detection: flag("Rest detection"),
      estrus_detection: flag("Estrus detection"),
    }),
    battery: section("Battery", {
      power_save_mode: choice("Power save mode", ["off", "adaptive", "aggressive"]),
      low_battery_threshold_pct: num("Low battery", 5, 60, { int: true, unit: "%" }),
      critical_battery_threshold_pct: num("Critical battery", 1, 50, { int: true, unit: "%" }),
      solar_charging_enabled: flag("Solar charging"),
    }),
    alerts: section("Alerts", {
      inactivity_threshold_hours: num("Inactivity threshold", 1, 48, { int: true, unit: "h" }),
      fever_threshold_c: num("Fever threshold", 38, 42, { unit: "°C", step: 0.1 }),
      estrus_alert: flag("Estrus alert"),
    }),
  },
  feeder: {
    telemetry: section("Telemetry", {
      update_interval_sec: num("Update interval", 10, 3600, { int: true, unit: "s" }),
    }),
    dispensing: section("Dispensing", {
      portion_size_g: num("Portion size", 50, 5000, { int: true, unit: "g" }),
      max_daily_ration_kg: num("Maximum daily ration", 0.5, 30, { unit: "kg", step: 0.1 }),
      min_interval_minutes: num("Minimum time between portions", 1, 240, { int: true, unit: "min" }),
    }),
    thresholds: section("Thresholds", {
      low_feed_level_pct: num("Low feed level", 0, 100, { int: true, unit: "%" }),
      critical_feed_level_pct: num("Critical feed level", 0, 100, { int: true, unit: "%" }),
      motor_current_max_a: num("Maximum motor current", 0.5, 20, { unit: "A", step: 0.1 }),
    }),
    network: network(),
  },
  gate: {
    telemetry: section("Telemetry", {
      update_interval_sec: num("Update interval", 10, 3600, { int: true, unit: "s" }),
    }),
    operation: section("Operation", {
      mode: choice("Mode", ["automatic", "manual", "locked_open", "locked_closed"]),
      open_time_sec: num("Open time", 1, 120, { int: true, unit: "s" }),
      close_delay_sec: num("Close delay", 0, 60, { int: true, unit: "s" }),
      sorting_enabled: flag("Sorting"),
    }),
    safety: section("Safety", {
      obstacle_detection: flag("Obstacle detection"),
      max_motor_current_a: num("Maximum motor current", 0.5, 20, { unit: "A", step: 0.1 }),
    }),
    network: network(),
  },
  waterer: {
    telemetry: section("Telemetry", {
      update_interval_sec: num("Update interval", 10, 3600, { int: true, unit: "s" }),
    }),
    thresholds: section("Thresholds", {
      low_level_pct: num("Low water level", 0, 100, { int: true, unit: "%" }),
      high_level_pct: num("High water level", 0, 100, { int: true, unit: "%" }),
      min_water_temp_c: num("Minimum water temperature", -5, 40, { unit: "°C", step: 0.5 }),
      max_water_temp_c: num("Maximum water temperature", -5, 40, { unit: "°C", step: 0.5 }),
      max_flow_lpm: num("Leak alarm flow", 1, 200, { unit: "L/min", step: 1 }),
    }),
    heating: section("Frost heating", {
      enabled: flag("Enabled"),
      setpoint_c: num("Setpoint", 1, 15, { unit: "°C", step: 0.5 }),
    }),
    network: network(),
  },
  rfid_reader: {
    operation: section("Operation", {
      mode: choice("Mode", ["continuous", "triggered", "scheduled"]),
      inventory_interval_ms: num("Inventory interval", 100, 60000, { int: true, unit: "ms" }),
      session: num("Session", 0, 3, { int: true }),
      target: choice("Target", ["A", "B", "AB"]),
    }),
    antennas: section("Antennas", {
      auto_power_control: flag("Automatic power control"),
      default_power_dbm: num("Default power", 0, 33, { unit: "dBm", step: 0.5 }),
      min_power_dbm: num("Minimum power", 0, 33, { unit: "dBm", step: 0.5 }),
      max_power_dbm: num("Maximum power", 0, 33, { unit: "dBm", step: 0.5 }),
    }),
    filtering: section("Filtering", {
      duplicate_filter_window_ms: num("Duplicate filter window", 0, 600000, { int: true, unit: "ms" }),
      rssi_threshold_dbm: num("RSSI threshold", -100, -20, { int: true, unit: "dBm" }),
      tag_population_estimate: num("Expected tags in the field", 1, 10000, { int: true }),
    }),
    telemetry: section("Telemetry", {
      tag_read_event: flag("Send every tag read"),
      inventory_summary_interval_sec: num("Inventory summary interval", 5, 3600, { int: true, unit: "s" }),
      statistics_interval_sec: num("Statistics interval", 10, 86400, { int: true, unit: "s" }),
    }),
  },
  gateway: {
    network: section("Network", {
      primary_uplink: choice("Primary uplink", ["ethernet", "wifi", "cellular"]),
      failover_enabled: flag("Failover"),
      cellular_backup: flag("Cellular backup"),
      connection_check_interval_sec: num("Connection check interval", 10, 3600, { int: true, unit: "s" }),
    }),
    edge_processing: section("Edge processing", {
      enabled: flag("Enabled"),
      max_devices: num("Maximum devices", 1, 1000, { int: true }),
      local_buffer_hours: num("Local buffer", 1, 168, { int: true, unit: "h" }),
      compression_enabled: flag("Compression"),
      aggregation_enabled: flag("Aggregation"),
    }),
    protocols: section("Radio protocols", {
      zigbee: section("Zigbee", { enabled: flag("Enabled"), channel: num("Channel", 11, 26, { int: true }) }),
      lora: section("LoRa", { enabled: flag("Enabled"), frequency_mhz: choice("Frequency plan", ["433", "868", "915", "923"]) }),
      ble: section("Bluetooth LE", { enabled: flag("Enabled"), scan_interval_ms: num("Scan interval", 100, 60000, { int: true, unit: "ms" }) }),
    }),
    security: section("Security", {
      device_auth_required: flag("Device authentication required"),
      encryption: choice("Encryption", ["AES-128", "AES-256"]),
      certificate_rotation_days: num("Certificate rotation", 7, 730, { int: true, unit: "days" }),
    }),
    telemetry: section("Telemetry", {
      update_interval_sec: num("Status interval", 10, 3600, { int: true, unit: "s" }),
    }),
  },
} as const satisfies Record<ConfigDeviceType, z.ZodRawShape>;

/**
 * The seed's DEFAULT_CONFIGS (appendix D.1 for the milk meter), and ours for the types it omits.
 * A unit test parses each against its schema, so a default can never be out of its own range.
 * (The seed's collar `range_g` and gateway `frequency_mhz` are numbers; here they are choices, as a
 * radio or a sensor offers only those.)
 */
export const DEFAULT_CONFIGS = {
  milk_meter: {
    telemetry: { measurement_interval_sec: 1, batch_size: 60, transmission_interval_sec: 60, compression_enabled: true },
    sensors: {
      flow_sensor: { enabled: true, sampling_rate_hz: 10, auto_zero_interval_hours: 24 },
      temperature_sensor: { enabled: true, update_interval_sec: 10 },
    },
    thresholds: { min_flow_rate_lpm: 0.1, max_flow_rate_lpm: 50, min_temperature_c: 0, max_temperature_c: 45, temperature_alarm_c: 40 },
    calibration: { flow_offset: 0, flow_gain: 1, temperature_offset: 0 },
    network: NETWORK_DEFAULTS,
  },
  temperature: {
    telemetry: { update_interval_sec: 60, batch_transmission: false, batch_size: 10 },
    thresholds: { temperature_low_c: 2, temperature_high_c: 6, cooling_time_limit_min: 120 },
    calibration: { temperature_offset: 0 },
    network: NETWORK_DEFAULTS,
  },
  environmental: {
    telemetry: { update_interval_sec: 60, batch_transmission: true, batch_size: 10 },
    sensors: {
      temperature: { enabled: true, update_interval_sec: 60 },
      humidity: { enabled: true, update_interval_sec: 60 },
      co2: { enabled: true, update_interval_sec: 120 },
      ammonia: { enabled: true, update_interval_sec: 300 },
    },
    thresholds: {
      temperature_high: 25,
      temperature_low: 10,
      humidity_high: 80,
      humidity_low: 40,
      co2_high: 3000,
      co2_critical: 5000,
      ammonia_high: 25,
      ammonia_critical: 50,
    },
    alarms: { enabled: true, debounce_minutes: 5, escalation_interval_minutes: 15 },
  },
  collar: {
    sensors: {
      accelerometer: { enabled: true, odr_hz: 50, range_g: "4", activity_threshold_mg: 100 },
      gps: { enabled: true, update_interval_sec: 300, sleep_interval_sec: 1800, accuracy_target_m: 10 },
    },
    behaviour_analysis: { enabled: true, activity_window_minutes: 15, rumination_detection: true, rest_detection: true, estrus_detection: true },
    battery: { power_save_mode: "adaptive", low_battery_threshold_pct: 20, critical_battery_threshold_pct: 10, solar_charging_enabled: true },
    alerts: { inactivity_threshold_hours: 2, fever_threshold_c: 39.5, estrus_alert: true },
  },
  feeder: {
    telemetry: { update_interval_sec: 60 },
    dispensing: { portion_size_g: 500, max_daily_ration_kg: 8, min_interval_minutes: 30 },
    thresholds: { low_feed_level_pct: 20, critical_feed_level_pct: 5, motor_current_max_a: 4 },
    network: NETWORK_DEFAULTS,
  },
  gate: {
    telemetry: { update_interval_sec: 60 },
    operation: { mode: "automatic", open_time_sec: 8, close_delay_sec: 2, sorting_enabled: true },
    safety: { obstacle_detection: true, max_motor_current_a: 5 },
    network: NETWORK_DEFAULTS,
  },
  waterer: {
    telemetry: { update_interval_sec: 120 },
    thresholds: { low_level_pct: 25, high_level_pct: 95, min_water_temp_c: 2, max_water_temp_c: 25, max_flow_lpm: 40 },
    heating: { enabled: true, setpoint_c: 4 },
    network: NETWORK_DEFAULTS,
  },
  rfid_reader: {
    operation: { mode: "continuous", inventory_interval_ms: 1000, session: 2, target: "A" },
    antennas: { auto_power_control: true, default_power_dbm: 20, min_power_dbm: 10, max_power_dbm: 30 },
    filtering: { duplicate_filter_window_ms: 5000, rssi_threshold_dbm: -70, tag_population_estimate: 50 },
    telemetry: { tag_read_event: true, inventory_summary_interval_sec: 60, statistics_interval_sec: 300 },
  },
  gateway: {
    network: { primary_uplink: "ethernet", failover_enabled: true, cellular_backup: true, connection_check_interval_sec: 60 },
    edge_processing: { enabled: true, max_devices: 100, local_buffer_hours: 24, compression_enabled: true, aggregation_enabled: true },
    protocols: { zigbee: { enabled: true, channel: 15 }, lora: { enabled: true, frequency_mhz: "923" }, ble: { enabled: true, scan_interval_ms: 1000 } },
    security: { device_auth_required: true, encryption: "AES-256", certificate_rotation_days: 90 },
    telemetry: { update_interval_sec: 60 },
  },
} as const satisfies Record<ConfigDeviceType, ConfigObject>;

type Ctx = z.RefinementCtx;
/** `low` must be below `high` (both paths in one section); the message names the second path. */
function below(ctx: Ctx, config: Record<string, Record<string, number>>, sectionName: string, low: string, high: string, message?: string) {
  const values = config[sectionName];
  if (!values) return;
  const a = values[low];
  const b = values[high];
  if (typeof a === "number" && typeof b === "number" && !(a < b)) {
    ctx.addIssue({ code: "custom", path: [sectionName, high], message: message ?? `${high.replace(/_/g, " ")} (${b}) must be above ${low.replace(/_/g, " ")} (${a})` });
  }
}
function between(ctx: Ctx, config: Record<string, Record<string, number>>, sectionName: string, value: string, low: string, high: string) {
  const values = config[sectionName];
  if (!values) return;
  const [v, a, b] = [values[value], values[low], values[high]];
  if (typeof v === "number" && typeof a === "number" && typeof b === "number" && (v < a || v > b)) {
    ctx.addIssue({ code: "custom", path: [sectionName, value], message: `${value.replace(/_/g, " ")} (${v}) must lie between ${low.replace(/_/g, " ")} (${a}) and ${high.replace(/_/g, " ")} (${b})` });
  }
}

type Rules = (config: Record<string, Record<string, number>>, ctx: Ctx) => void;
/** The cross-field rules, on the whole (merged) configuration. */
const RULES: Partial<Record<ConfigDeviceType, Rules>> = {
  milk_meter: (c, ctx) => {
    below(ctx, c, "thresholds", "min_flow_rate_lpm", "max_flow_rate_lpm");
    below(ctx, c, "thresholds", "min_temperature_c", "max_temperature_c");
    between(ctx, c, "thresholds", "temperature_alarm_c", "min_temperature_c", "max_temperature_c");
    const t = c.telemetry;
    if (t && t.transmission_interval_sec! < t.measurement_interval_sec!) {
      ctx.addIssue({ code: "custom", path: ["telemetry", "transmission_interval_sec"], message: "transmission interval must not be shorter than the measurement interval" });
    }
  },
  temperature: (c, ctx) => below(ctx, c, "thresholds", "temperature_low_c", "temperature_high_c"),
  environmental: (c, ctx) => {
    below(ctx, c, "thresholds", "temperature_low", "temperature_high");
    below(ctx, c, "thresholds", "humidity_low", "humidity_high");
    below(ctx, c, "thresholds", "co2_high", "co2_critical");
    below(ctx, c, "thresholds", "ammonia_high", "ammonia_critical");
  },
  collar: (c, ctx) => {
    below(ctx, c, "battery", "critical_battery_threshold_pct", "low_battery_threshold_pct");
    const gps = (c.sensors as unknown as Record<string, Record<string, number>> | undefined)?.gps;
    if (gps && gps.sleep_interval_sec! < gps.update_interval_sec!) {
      ctx.addIssue({ code: "custom", path: ["sensors", "gps", "sleep_interval_sec"], message: "GPS sleep interval must not be shorter than its update interval" });
    }
  },
  feeder: (c, ctx) => below(ctx, c, "thresholds", "critical_feed_level_pct", "low_feed_level_pct"),
  waterer: (c, ctx) => {
    below(ctx, c, "thresholds", "low_level_pct", "high_level_pct");
    below(ctx, c, "thresholds", "min_water_temp_c", "max_water_temp_c");
  },
  rfid_reader: (c, ctx) => {
    below(ctx, c, "antennas", "min_power_dbm", "max_power_dbm");
    between(ctx, c, "antennas", "default_power_dbm", "min_power_dbm", "max_power_dbm");
  },
};

function fullSchema(type: ConfigDeviceType) {
  const rules = RULES[type];
  const schema = z.strictObject(SHAPES[type] as z.ZodRawShape);
  return rules ? schema.superRefine((value, ctx) => rules(value as Record<string, Record<string, number>>, ctx)) : schema;
}

/** Every field optional at every depth, unknown keys still refused: the shape of an override or a change. */
function partialOf(shape: z.ZodRawShape): z.ZodObject {
  const out: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(shape)) {
    out[key] = field instanceof z.ZodObject ? partialOf(field.shape).meta(z.globalRegistry.get(field) ?? {}).optional() : (field as z.ZodType).optional();
  }
  return z.strictObject(out);
}

/** The whole configuration of a type, cross-field rules included: what a device is sent. */
export const CONFIG_SCHEMAS = Object.fromEntries(CONFIG_DEVICE_TYPES.map((type) => [type, fullSchema(type)])) as unknown as Record<ConfigDeviceType, z.ZodType<ConfigObject>>;
/** A partial configuration of a type (an override layer, an edit, a campaign's change). */
export const CONFIG_PATCH_SCHEMAS = Object.fromEntries(CONFIG_DEVICE_TYPES.map((type) => [type, partialOf(SHAPES[type] as z.ZodRawShape)])) as unknown as Record<ConfigDeviceType, z.ZodType<ConfigObject>>;

export function isConfigDeviceType(value: string): value is ConfigDeviceType {
  return (CONFIG_DEVICE_TYPES as readonly string[]).includes(value);
}

/** A fresh copy of a type's defaults (callers may change it). */
export function defaultConfig(type: ConfigDeviceType): ConfigObject {
  return structuredClone(DEFAULT_CONFIGS[type]) as ConfigObject;
}

/** The JSON Schema of a type's configuration (titles, units, ranges): forms and OpenAPI read it. */
export function configJsonSchema(type: ConfigDeviceType) {
  return z.toJSONSchema(z.strictObject(SHAPES[type] as z.ZodRawShape), { unrepresentable: "any" });
}

/**
 * Where each type keeps how often it reports: the simulator sends telemetry at this interval, so a
 * change of it is visible in the device's "last seen" rhythm and its charts.
 */
export const TELEMETRY_INTERVAL_PATH: Record<ConfigDeviceType, string> = {
  milk_meter: "telemetry.transmission_interval_sec",
  temperature: "telemetry.update_interval_sec",
  environmental: "telemetry.update_interval_sec",
  collar: "sensors.gps.update_interval_sec",
  feeder: "telemetry.update_interval_sec",
  gate: "telemetry.update_interval_sec",
  waterer: "telemetry.update_interval_sec",
  rfid_reader: "telemetry.statistics_interval_sec",
  gateway: "telemetry.update_interval_sec",
};

export type ConfigIssue = { path: string; message: string };

/** zod issues as "path: message" pairs, paths dotted as a person reads them (`telemetry.batch_size`). */
export function configIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      const keys = (issue as { keys: string[] }).keys;
      return { path: keys.map((key) => (base ? `${base}.${key}` : key)).join(", "), message: `unknown setting${keys.length > 1 ? "s" : ""}` };
    }
    return { path: base || "(configuration)", message: issue.message };
  });
}
