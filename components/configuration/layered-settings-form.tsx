"use client";

import { draftedValue, leafOf, type Draft, type DraftEntry, type Leaf, type LayeredValues, type SettingSource } from "@/lib/configuration/config-draft";
import { formatSetting, type FormField, type FormSection } from "@/lib/configuration/config-form-fields";

export type { Draft, LayeredValues, Leaf, SettingSource };

const inputClass = "w-full rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm aria-[invalid=true]:border-red-500 disabled:bg-stone-50 disabled:text-stone-600";

/**
 * A settings form generated from a schema's sections, for one level of the layers (a device's own
 * values, a farm's or a group's): each setting shows the value in force, where it comes from, and
 * lets a person set it here or give it back to the level below ("use inherited").
 */
export function LayeredSettingsForm({
  sections,
  values,
  draft,
  onDraft,
  readOnly,
  errors,
  levelLabel,
  idPrefix,
}: {
  sections: FormSection[];
  values: LayeredValues;
  draft: Draft;
  onDraft: (draft: Draft) => void;
  readOnly: boolean;
  errors: Record<string, string[] | undefined>;
  /** "this device", "this farm", "this group". */
  levelLabel: string;
  idPrefix: string;
}) {
  const set = (path: string, entry: DraftEntry | null) => {
    const next = { ...draft };
    if (entry === null) delete next[path];
    else next[path] = entry;
    onDraft(next);
  };
  const change = (field: FormField, raw: Leaf | string) => {
    const parsed = leafOf(field, raw);
    // typing the value in force again is no change at all
    const same = "value" in parsed && parsed.value === values.current[field.path] && values.own.has(field.path);
    set(field.path, same ? null : { value: raw });
  };

  return (
    // sections side by side when the page is wide; each section lays its rows out by its own width
    <div className="@container">
      <div className="grid items-start gap-3 @5xl:grid-cols-2">
      {sections.map((section) => (
        <fieldset key={section.path || "root"} className="@container min-w-0 rounded-lg border border-stone-200 px-3 pt-1 pb-2">
          <legend className="px-1 text-xs font-semibold tracking-wide text-stone-600 uppercase">{section.title}</legend>
          <div className="divide-y divide-stone-100">
            {section.fields.map((field) => {
              const id = `${idPrefix}-${field.path.replace(/\./g, "-")}`;
              const { raw, own } = draftedValue(values, draft, field.path);
              const error = errors[field.path]?.[0] ?? (draft[field.path] && "value" in draft[field.path]! && "error" in leafOf(field, raw) ? (leafOf(field, raw) as { error: string }).error : undefined);
              const changed = draft[field.path] !== undefined;
              const source = values.sources[field.path];
              return (
                <div key={field.path} className={`grid grid-cols-[minmax(0,1fr)_7.5rem] items-center gap-x-3 gap-y-0.5 py-1.5 @md:grid-cols-[minmax(0,11rem)_7.5rem_minmax(0,1fr)] ${changed ? "-mx-1 rounded bg-amber-50 px-1" : ""}`} data-setting={field.path}>
                  <label htmlFor={id} className="text-sm text-stone-800">
                    {field.title}
                    {field.unit ? <span className="text-stone-500"> ({field.unit})</span> : null}
                    {field.minimum !== undefined && field.maximum !== undefined ? (
                      <span className="block text-xs text-stone-500">
                        {field.minimum}–{field.maximum}
                        {field.nullable ? ", empty: not judged" : ""}
                      </span>
                    ) : null}
                  </label>
                  <div>
                    <Control field={field} id={id} raw={raw} disabled={readOnly} error={error} onChange={(value) => change(field, value)} />
                    {error ? (
                      <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
                        {error}
                      </p>
                    ) : null}
                  </div>
                  <div className="col-span-2 flex min-w-0 flex-wrap items-center gap-x-2 gap-y-0.5 text-xs @md:col-span-1">
                    {own ? (
                      <span className="rounded-full bg-brand-50 px-2 py-0.5 font-medium text-brand-800 ring-1 ring-brand-100" data-source="own">
                        Set on {levelLabel}
                      </span>
                    ) : (
                      <span className="text-stone-500" data-source="inherited">
                        {changed ? "Inherited" : `From ${sourceLabel(source)}`}
                        {changed ? `: ${formatSetting(values.inherited[field.path], field)}` : ""}
                      </span>
                    )}
                    {!readOnly && own ? (
                      <button type="button" className="text-brand-700 underline" onClick={() => set(field.path, values.own.has(field.path) ? { inherit: true } : null)}>
                        Use inherited ({formatSetting(values.inherited[field.path], field)})
                      </button>
                    ) : null}
                    {!readOnly && changed ? (
                      <button type="button" className="text-stone-600 underline" onClick={() => set(field.path, null)}>
                        Undo
                      </button>
                    ) : null}
                  </div>
                </div>
              );
            })}
          </div>
        </fieldset>
      ))}
      </div>
    </div>
  );
}

/** "type defaults", "Farm Green Valley Dairy", "Group Barn A". */
function sourceLabel(source: SettingSource | undefined): string {
  if (!source || source.kind === "defaults") return "type defaults";
  return source.label;
}

function Control({ field, id, raw, disabled, error, onChange }: { field: FormField; id: string; raw: Leaf | string; disabled: boolean; error?: string; onChange: (value: Leaf | string) => void }) {
  const a11y = { id, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : undefined, disabled };
  if (field.kind === "boolean") {
    return (
      <span className="inline-flex items-center gap-2 text-sm">
        <input type="checkbox" role="switch" className="size-5 accent-brand-700" checked={raw === true} onChange={(event) => onChange(event.target.checked)} {...a11y} />
        <span aria-hidden className="text-stone-600">
          {raw === true ? "On" : "Off"}
        </span>
      </span>
    );
  }
  if (field.kind === "enum") {
    return (
      <select className={inputClass} value={raw === null ? "" : String(raw)} onChange={(event) => onChange(event.target.value)} {...a11y}>
        {(field.options ?? []).map((option) => (
          <option key={option} value={option}>
            {option}
            {field.unit ? ` ${field.unit}` : ""}
          </option>
        ))}
      </select>
    );
  }
  if (field.kind === "text") return <input type="text" className={inputClass} value={raw === null ? "" : String(raw)} onChange={(event) => onChange(event.target.value)} {...a11y} />;
  return (
    <input
      type="number"
      inputMode={field.kind === "integer" && (field.minimum ?? 0) >= 0 ? "numeric" : "decimal"}
      className={`${inputClass} tabular-nums`}
      min={field.minimum}
      max={field.maximum}
      step={field.step ?? "any"}
      value={raw === null ? "" : String(raw)}
      onChange={(event) => onChange(event.target.value)}
      {...a11y}
    />
  );
}
