"use client";

import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState, useTransition } from "react";
import { flattenConfig, unflattenConfig } from "@/lib/configuration/config-layers";
import type { ConfigObject } from "@/lib/configuration/config-schemas";
import { saveDeviceConfigAction } from "@/lib/configuration/config-actions";
import { ConfigDiffTable } from "./config-diff-table";
import { fieldIndex, formSections } from "@/lib/configuration/config-form-fields";
import { draftOutcome } from "@/lib/configuration/config-draft";
import { LayeredSettingsForm, type Draft, type LayeredValues, type SettingSource } from "./layered-settings-form";
import { SaveOutcome, type SaveFailure } from "./save-outcome";

export type DeviceConfigEditorProps = {
  deviceId: string;
  schema: unknown;
  configuration: ConfigObject;
  inherited: ConfigObject;
  overrides: ConfigObject;
  sources: Record<string, SettingSource>;
  version: number;
  canEdit: boolean;
};


/**
 * The device's effective configuration as a form (or as JSON), each value with its source. A
 * technician changes values or gives them back to the inherited ones, reviews exactly what changes,
 * and confirms: the change names the version it started from, so someone else's change in between
 * is a "reload" rather than a silent overwrite.
 */
export function DeviceConfigEditor({ deviceId, schema, configuration, inherited, overrides, sources, version, canEdit }: DeviceConfigEditorProps) {
  const router = useRouter();
  const sections = useMemo(() => formSections(schema), [schema]);
  const fields = useMemo(() => fieldIndex(sections), [sections]);
  const values: LayeredValues = useMemo(() => {
    const current = flattenConfig(configuration);
    return { current, inherited: flattenConfig(inherited), own: new Set(Object.keys(flattenConfig(overrides))), sources };
  }, [configuration, inherited, overrides, sources]);
  const [draft, setDraftState] = useState<Draft>({});
  // the version the person started from: a change made meanwhile (another person, a layer) is a 409
  const [startedFrom, setStartedFrom] = useState(version);
  const setDraft = (next: Draft) => {
    if (Object.keys(draft).length === 0) setStartedFrom(version);
    setDraftState(next);
  };
  const [view, setView] = useState<"form" | "json">("form");
  const [reviewing, setReviewing] = useState(false);
  const [reason, setReason] = useState("");
  const [failure, setFailure] = useState<SaveFailure | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // The review opens above the form while the button that asked for it sits at the form's foot (on a
  // phone a screen or more below): bring it to the person, or the form just greys out.
  const reviewRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!reviewing) return;
    reviewRef.current?.scrollIntoView({ block: "start", behavior: "smooth" });
    reviewRef.current?.focus({ preventScroll: true });
  }, [reviewing]);

  const outcome = useMemo(() => draftOutcome(fields, values, draft), [fields, values, draft]);
  const changed = Object.keys(draft).length;
  const localErrors = Object.keys(outcome.errors).length > 0;
  const errors = { ...(failure?.fields ?? {}), ...outcome.errors };

  const review = () => {
    setFailure(null);
    setSaved(null);
    if (!localErrors) setReviewing(true);
  };
  const discard = () => {
    setDraft({});
    setReviewing(false);
    setFailure(null);
  };
  const confirm = () =>
    startTransition(async () => {
      const result = await saveDeviceConfigAction(null, { deviceId, changes: outcome.changes, remove: outcome.remove, baseVersion: startedFrom, reason: reason.trim() || undefined });
      if (result.ok) {
        setDraft({});
        setReviewing(false);
        setReason("");
        setFailure(null);
        setSaved(`Version ${result.data.version} saved${result.data.status === "applied" ? " (the device already runs these values)" : ": it goes to the device now; the status above follows its answer"}.`);
        router.refresh();
        return;
      }
      const fieldErrors = result.fieldErrors ?? {};
      const conflict = "base_version" in fieldErrors;
      setFailure({ message: result.error, conflict, fields: conflict ? {} : fieldErrors });
      // a setting the server refused is fixed in the form, beside the field
      if (!conflict && Object.keys(fieldErrors).some((path) => fields.has(path))) setReviewing(false);
    });
  const reload = () => {
    setDraft({});
    setReviewing(false);
    setFailure(null);
    router.refresh();
  };

  const unplacedErrors = failure && !failure.conflict ? Object.entries(failure.fields).filter(([path]) => !fields.has(path)) : [];
  const effectiveAfter = useMemo(() => (changed ? outcome.after : values.current), [changed, outcome.after, values]);

  return (
    <div className="space-y-3" data-testid="config-editor">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div role="tablist" aria-label="Configuration view" className="inline-flex rounded-md border border-stone-300 bg-white p-0.5 text-sm">
          {(["form", "json"] as const).map((tab) => (
            <button key={tab} type="button" role="tab" aria-selected={view === tab} className={`rounded px-3 py-1 ${view === tab ? "bg-stone-800 text-white" : "text-stone-700 hover:bg-stone-100"}`} onClick={() => setView(tab)}>
              {tab === "form" ? "Settings" : "JSON"}
            </button>
          ))}
        </div>
        {canEdit ? (
          <p className="text-xs text-stone-500">{changed ? `${changed} ${changed === 1 ? "setting" : "settings"} changed, not saved yet` : "Change a value, then review and save it as a new version."}</p>
        ) : (
          <p className="text-xs text-stone-500">Read only: technicians and managers change configurations.</p>
        )}
      </div>

      <SaveOutcome saved={saved} failure={failure} conflictTitle="Someone changed this configuration meanwhile." reloadLabel="Reload the latest version (your changes are dropped)" onReload={reload}>
        {unplacedErrors.length ? (
          <ul className="mt-1 list-disc pl-5">
            {unplacedErrors.map(([path, messages]) => (
              <li key={path}>
                <span className="font-mono text-xs">{path}</span>: {messages.join("; ")}
              </li>
            ))}
          </ul>
        ) : null}
      </SaveOutcome>

      {reviewing ? (
        <section ref={reviewRef} tabIndex={-1} aria-labelledby="config-review-title" className="scroll-mt-20 space-y-3 rounded-lg border border-amber-300 bg-amber-50/40 p-3 outline-none" data-testid="config-review">
          <h3 id="config-review-title" className="text-sm font-semibold text-stone-800">
            Review: version {startedFrom} → {startedFrom + 1}
          </h3>
          <ConfigDiffTable
            rows={outcome.diff.map((change) => ({ path: change.path, from: change.from, to: change.to, note: change.own === "inherit" ? "back to the inherited value" : values.own.has(change.path) ? undefined : "set on this device" }))}
            fields={fields}
            fromLabel={`Now (v${startedFrom})`}
            toLabel="After"
            testId="config-review-diff"
          />
          <div>
            <label htmlFor="config-reason" className="mb-1 block text-sm font-medium text-stone-800">
              Reason <span className="font-normal text-stone-500">(kept with the version)</span>
            </label>
            <input id="config-reason" className="w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm" maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} placeholder="e.g. barn 2 ventilation upgraded" />
          </div>
          <div className="flex flex-wrap gap-2">
            <button type="button" disabled={pending} onClick={confirm} className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
              {pending ? "Saving…" : `Save as version ${startedFrom + 1}`}
            </button>
            <button type="button" disabled={pending} onClick={() => setReviewing(false)} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
              Back to editing
            </button>
          </div>
        </section>
      ) : null}

      {view === "form" ? (
        <LayeredSettingsForm sections={sections} values={values} draft={draft} onDraft={(next) => (setDraft(next), setSaved(null))} readOnly={!canEdit || reviewing || pending} errors={errors} levelLabel="this device" idPrefix={`cfg-${deviceId}`} />
      ) : (
        <pre className="max-h-[32rem] overflow-auto rounded-lg bg-stone-900 p-3 font-mono text-xs leading-relaxed text-stone-100" data-testid="config-json" tabIndex={0} aria-label="Effective configuration as JSON">
          {JSON.stringify(unflattenConfig(effectiveAfter), null, 2)}
        </pre>
      )}

      {canEdit && !reviewing ? (
        <div className={`${changed ? "sticky bottom-0 z-10" : ""} flex flex-wrap gap-2 border-t border-stone-200 bg-white py-2`}>
          <button type="button" disabled={!changed || localErrors} onClick={review} className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-50">
            Review changes{changed ? ` (${changed})` : ""}
          </button>
          {changed ? (
            <button type="button" onClick={discard} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
              Discard
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
