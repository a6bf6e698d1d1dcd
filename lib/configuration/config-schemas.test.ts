import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CONFIG_DEVICE_TYPES, CONFIG_PATCH_SCHEMAS, CONFIG_SCHEMAS, configIssues, configJsonSchema, DEFAULT_CONFIGS, defaultConfig, TELEMETRY_INTERVAL_PATH } from "./config-schemas";
import { changeSummary, configDiff } from "./config-diff";
import { configHash } from "./config-hash";
import { deepMerge, effectiveConfig, getPath, withoutPaths } from "./config-layers";

describe("the configuration schemas", () => {
  it.each(CONFIG_DEVICE_TYPES)("accept the %s defaults, and every type has a telemetry interval", (type) => {
    expect(CONFIG_SCHEMAS[type].safeParse(DEFAULT_CONFIGS[type]).success).toBe(true);
    expect(typeof getPath(defaultConfig(type), TELEMETRY_INTERVAL_PATH[type])).toBe("number");
  });

  it("keep the seed's milk meter defaults (appendix D.1)", () => {
    expect(DEFAULT_CONFIGS.milk_meter.telemetry).toEqual({ measurement_interval_sec: 1, batch_size: 60, transmission_interval_sec: 60, compression_enabled: true });
    expect(DEFAULT_CONFIGS.environmental.thresholds.ammonia_high).toBe(25);
  });

  it("refuse an out-of-range value, naming its path", () => {
    const config = deepMerge(defaultConfig("milk_meter"), { telemetry: { measurement_interval_sec: 0 } });
    const result = CONFIG_SCHEMAS.milk_meter.safeParse(config);
    expect(result.success).toBe(false);
    expect(configIssues(result.error!)[0]!.path).toBe("telemetry.measurement_interval_sec");
  });

  it("refuse unknown keys in a whole configuration and in a change", () => {
    const bad = CONFIG_PATCH_SCHEMAS.environmental.safeParse({ thresholds: { ammonia_hihg: 30 } });
    expect(bad.success).toBe(false);
    expect(configIssues(bad.error!)).toEqual([{ path: "thresholds.ammonia_hihg", message: "unknown setting" }]);
    expect(CONFIG_PATCH_SCHEMAS.environmental.safeParse({ colour: "red" }).success).toBe(false);
  });

  it("accept a partial change, and refuse a wrong type in it", () => {
    expect(CONFIG_PATCH_SCHEMAS.environmental.safeParse({ thresholds: { ammonia_high: 30 } }).success).toBe(true);
    expect(CONFIG_PATCH_SCHEMAS.environmental.safeParse({ thresholds: { ammonia_high: "30" } }).success).toBe(false);
  });

  it("apply the cross-field rules: high above low, alarm inside its range", () => {
    const env = CONFIG_SCHEMAS.environmental.safeParse(deepMerge(defaultConfig("environmental"), { thresholds: { ammonia_high: 60 } }));
    expect(env.success).toBe(false);
    expect(configIssues(env.error!)[0]!.path).toBe("thresholds.ammonia_critical");
    const milk = CONFIG_SCHEMAS.milk_meter.safeParse(deepMerge(defaultConfig("milk_meter"), { thresholds: { temperature_alarm_c: 50 } }));
    expect(configIssues(milk.error!)[0]!.path).toBe("thresholds.temperature_alarm_c");
    const rfid = CONFIG_SCHEMAS.rfid_reader.safeParse(deepMerge(defaultConfig("rfid_reader"), { antennas: { default_power_dbm: 31 } }));
    expect(rfid.success).toBe(false);
  });

  it("describe each field with its title, unit and range for the forms", () => {
    const schema = configJsonSchema("environmental") as { properties: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    expect(schema.properties.thresholds!.properties.ammonia_high).toMatchObject({ title: "Ammonia high", unit: "ppm", minimum: 1, maximum: 100 });
  });
});

describe("layers, hash and diff", () => {
  it("merge defaults ← farm ← group ← device and say where each value comes from", () => {
    const { config, sources } = effectiveConfig([
      { kind: "defaults", label: "Environmental defaults", values: defaultConfig("environmental") },
      { kind: "farm", label: "Farm North", id: 1, values: { thresholds: { ammonia_high: 20 } } },
      { kind: "group", label: "Barn A", id: 7, values: { thresholds: { ammonia_high: 30 } } },
      { kind: "device", label: "This device", values: { telemetry: { update_interval_sec: 30 } } },
    ]);
    expect(getPath(config, "thresholds.ammonia_high")).toBe(30);
    expect(sources["thresholds.ammonia_high"]).toEqual({ kind: "group", label: "Barn A", id: 7 });
    expect(sources["telemetry.update_interval_sec"]!.kind).toBe("device");
    expect(sources["thresholds.co2_high"]!.kind).toBe("defaults");
  });

  it("hash the same configuration the same whatever its key order", () => {
    expect(configHash({ a: 1, b: { c: true, d: "x" } })).toBe(configHash({ b: { d: "x", c: true }, a: 1 }));
    expect(configHash({ a: 1 })).not.toBe(configHash({ a: 2 }));
    expect(configHash(defaultConfig("gateway"))).toMatch(/^[0-9a-f]{64}$/);
  });

  it("diff and summarise as the seed does", () => {
    const a = defaultConfig("environmental");
    const b = deepMerge(a, { thresholds: { ammonia_high: 30 } });
    expect(configDiff(a, b).modified).toEqual({ "thresholds.ammonia_high": { from: 25, to: 30 } });
    expect(changeSummary(a, b)).toBe("~ Changed thresholds.ammonia_high: 25 -> 30");
    const many = deepMerge(a, { thresholds: { temperature_high: 26, temperature_low: 9, humidity_high: 81, humidity_low: 41, co2_high: 3001, co2_critical: 5001 } });
    expect(changeSummary(a, many).endsWith("...")).toBe(true);
    expect(changeSummary(a, many).split("; ")).toHaveLength(5);
    expect(configDiff({ x: { y: 1 } }, { z: 2 })).toEqual({ added: { z: 2 }, removed: { "x.y": 1 }, modified: {} });
  });

  it("take a path back to the inherited value", () => {
    expect(withoutPaths({ thresholds: { ammonia_high: 30 }, telemetry: { batch_size: 5 } }, ["thresholds.ammonia_high"])).toEqual({ telemetry: { batch_size: 5 } });
  });

  it("keeps zod errors readable", () => {
    const result = z.strictObject({ a: z.number() }).safeParse({ a: "x" });
    expect(configIssues(result.error!)[0]!.path).toBe("a");
  });
});
