/**
 * What a draft of a settings form amounts to: the values to set at this level, the paths given back
 * to the level below, the values in force afterwards, and the changes a person confirms (the diff).
 * Pure: the configuration forms use it in the browser.
 */
import { unflattenConfig } from "./config-layers";
import type { ConfigObject } from "./config-schemas";
import type { FormField } from "./config-form-fields";

export type Leaf = string | number | boolean | null;
/** A person's pending change of one setting: a value set at this level, or back to the inherited one. */
export type DraftEntry = { value: Leaf | string } | { inherit: true };
export type Draft = Record<string, DraftEntry>;

export type SettingSource = { kind: string; label: string };

export type LayeredValues = {
  /** Dotted path → the value in force now. */
  current: Record<string, Leaf>;
  /** Dotted path → the value without this level's own (what "use inherited" gives back). */
  inherited: Record<string, Leaf>;
  /** Paths this level sets now. */
  own: ReadonlySet<string>;
  /** Where each value in force comes from. */
  sources: Record<string, SettingSource>;
};

/** A number field holds what was typed until it is sent: "1." is on its way to "1.5". */
export function leafOf(field: FormField, raw: Leaf | string): { value: Leaf } | { error: string } {
  if (field.kind !== "number" && field.kind !== "integer") return { value: raw as Leaf };
  if (typeof raw === "number") return { value: raw };
  const text = String(raw ?? "").trim().replace(",", ".");
  if (text === "") return field.nullable ? { value: null } : { error: "Enter a number" };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: "Enter a number" };
  if (field.kind === "integer" && !Number.isInteger(value)) return { error: "Enter a whole number" };
  return { value };
}

/** The value a path will have with the draft, and whether this level then sets it. */
export function draftedValue(values: LayeredValues, draft: Draft, path: string): { raw: Leaf | string; own: boolean } {
  const entry = draft[path];
  if (entry && "inherit" in entry) return { raw: values.inherited[path] ?? null, own: false };
  if (entry) return { raw: entry.value, own: true };
  return { raw: values.current[path] ?? null, own: values.own.has(path) };
}

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
