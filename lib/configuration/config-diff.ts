/**
 * What changed between two configurations: the seed's `get_config_diff` (added / removed /
 * modified, by dotted path) and `_generate_change_summary` ("~ Changed thresholds.ammonia_high:
 * 25 -> 30; …", five changes then "..."), which every version stores.
 */
import type { ConfigObject, ConfigValue } from "./config-schemas";
import { flattenConfig } from "./config-layers";

type Leaf = Exclude<ConfigValue, ConfigObject>;
export type ConfigDiff = {
  added: Record<string, Leaf>;
  removed: Record<string, Leaf>;
  modified: Record<string, { from: Leaf; to: Leaf }>;
};

export function configDiff(from: ConfigObject, to: ConfigObject): ConfigDiff {
  const a = flattenConfig(from);
  const b = flattenConfig(to);
  const diff: ConfigDiff = { added: {}, removed: {}, modified: {} };
  for (const path of Object.keys(b).sort()) {
    if (!(path in a)) diff.added[path] = b[path]!;
    else if (a[path] !== b[path]) diff.modified[path] = { from: a[path]!, to: b[path]! };
  }
  for (const path of Object.keys(a).sort()) if (!(path in b)) diff.removed[path] = a[path]!;
  return diff;
}

export function diffSize(diff: ConfigDiff): number {
  return Object.keys(diff.added).length + Object.keys(diff.removed).length + Object.keys(diff.modified).length;
}

const show = (value: Leaf) => (value === null ? "null" : String(value));

/** The seed's summary: at most five changes, then "...". Empty when nothing changed. */
export function changeSummary(from: ConfigObject, to: ConfigObject): string {
  const diff = configDiff(from, to);
  const changes = [
    ...Object.keys(diff.added).map((path) => `+ Added ${path}`),
    ...Object.keys(diff.removed).map((path) => `- Removed ${path}`),
    ...Object.entries(diff.modified).map(([path, { from: a, to: b }]) => `~ Changed ${path}: ${show(a)} -> ${show(b)}`),
  ];
  return changes.slice(0, 5).join("; ") + (changes.length > 5 ? "..." : "");
}
