/**
 * A device's effective ("desired") configuration: the type's defaults, then its farm's overrides,
 * then its groups' from the outermost parent to its own group, then its own (I-013 §5.1's deep
 * merge). Every value remembers the layer it came from, so a screen can say "ammonia_high 30 — group
 * Barn A" and a person knows where to change it. Pure: the web, the sweep and the engine share it.
 */
import type { ConfigObject, ConfigValue } from "./config-schemas";

export type LayerKind = "defaults" | "farm" | "group" | "device";
export type LayerSource = { kind: LayerKind; label: string; id?: number };
export type ConfigLayerInput = LayerSource & { values: ConfigObject };

const isObject = (value: unknown): value is ConfigObject => value !== null && typeof value === "object" && !Array.isArray(value);

/** The seed's `_deep_merge`: sections merge, values replace. Returns a new object. */
export function deepMerge(base: ConfigObject, patch: ConfigObject): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : isObject(value) ? structuredClone(value) : value;
  }
  return out;
}

/** Leaf values by dotted path: { "thresholds.ammonia_high": 25, … }. */
export function flattenConfig(config: ConfigObject, prefix = ""): Record<string, Exclude<ConfigValue, ConfigObject>> {
  const out: Record<string, Exclude<ConfigValue, ConfigObject>> = {};
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(value)) Object.assign(out, flattenConfig(value, path));
    else out[path] = value;
  }
  return out;
}

/** The inverse of flattenConfig. */
export function unflattenConfig(flat: Record<string, ConfigValue>): ConfigObject {
  const out: ConfigObject = {};
  for (const [path, value] of Object.entries(flat)) {
    const keys = path.split(".");
    let node = out;
    for (const key of keys.slice(0, -1)) {
      if (!isObject(node[key])) node[key] = {};
      node = node[key] as ConfigObject;
    }
    node[keys[keys.length - 1]!] = value;
  }
  return out;
}

export function getPath(config: ConfigObject, path: string): ConfigValue | undefined {
  let node: ConfigValue | undefined = config;
  for (const key of path.split(".")) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Removes the leaves at `paths` (and sections left empty): "back to the inherited value". */
export function withoutPaths(config: ConfigObject, paths: readonly string[]): ConfigObject {
  const flat = flattenConfig(config);
  for (const path of paths) {
    for (const key of Object.keys(flat)) if (key === path || key.startsWith(`${path}.`)) delete flat[key];
  }
  return unflattenConfig(flat);
}

export type EffectiveConfig = {
  config: ConfigObject;
  /** Dotted path → the layer its value comes from. */
  sources: Record<string, LayerSource>;
};

/** Layers in order, the first being the type's defaults. */
export function effectiveConfig(layers: readonly ConfigLayerInput[]): EffectiveConfig {
  let config: ConfigObject = {};
  const sources: Record<string, LayerSource> = {};
  for (const layer of layers) {
    config = deepMerge(config, layer.values);
    const source: LayerSource = { kind: layer.kind, label: layer.label, ...(layer.id !== undefined ? { id: layer.id } : {}) };
    for (const path of Object.keys(flattenConfig(layer.values))) sources[path] = source;
  }
  return { config, sources };
}
