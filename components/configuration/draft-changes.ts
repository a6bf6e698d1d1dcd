/**
 * What a draft of a settings form amounts to: the values to set at this level, the paths given back
 * to the level below, the values in force afterwards, and the changes a person confirms (the diff).
 */
import { unflattenConfig } from "@/lib/configuration/config-layers";
import type { ConfigObject } from "@/lib/configuration/config-schemas";
import type { FormField } from "./config-form-fields";
import { draftedValue, leafOf, type Draft, type LayeredValues, type Leaf } from "./layered-settings-form";

export type SettingChange = { path: string; from: Leaf | undefined; to: Leaf | undefined; own: "set" | "inherit" };

export type DraftOutcome = {
  /** Values set at this level by the draft (nested, as the API takes them). */
  changes: ConfigObject;
  /** Paths given back to the level below. */
  remove: string[];
  /** This level's values afterwards (a layer's whole `values`). */
  ownAfter: ConfigObject;
  /** Everything in force afterwards, by path. */
  after: Record<string, Leaf>;
  /** The settings whose value in force changes, or which are set here / given back. */
  diff: SettingChange[];
  /** Typing mistakes found before anything is sent (not a number…). */
  errors: Record<string, string[]>;
};

export function draftOutcome(fields: ReadonlyMap<string, FormField>, values: LayeredValues, draft: Draft): DraftOutcome {
  const changes: Record<string, Leaf> = {};
  const remove: string[] = [];
  const errors: Record<string, string[]> = {};
  const after: Record<string, Leaf> = { ...values.current };
  const own: Record<string, Leaf> = {};
  for (const path of values.own) own[path] = values.current[path] ?? null;
  const diff: SettingChange[] = [];
  for (const [path, entry] of Object.entries(draft)) {
    const field = fields.get(path);
    if (!field) continue;
    if ("inherit" in entry) {
      remove.push(path);
      delete own[path];
      after[path] = values.inherited[path] ?? null;
      diff.push({ path, from: values.current[path], to: after[path], own: "inherit" });
      continue;
    }
    const parsed = leafOf(field, draftedValue(values, draft, path).raw);
    if ("error" in parsed) {
      errors[path] = [parsed.error];
      continue;
    }
    changes[path] = parsed.value;
    own[path] = parsed.value;
    after[path] = parsed.value;
    diff.push({ path, from: values.current[path], to: parsed.value, own: "set" });
  }
  diff.sort((a, b) => a.path.localeCompare(b.path));
  return { changes: unflattenConfig(changes), remove: remove.sort(), ownAfter: unflattenConfig(own), after, diff, errors };
}
