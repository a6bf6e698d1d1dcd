"use client";

import { useMemo, useState, type FormEvent } from "react";
import { createConfigCampaignAction } from "@/app/(app)/updates/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import { flattenConfig } from "@/lib/configuration/config-layers";
import { configJsonSchema, DEFAULT_CONFIGS, type ConfigDeviceType, type ConfigObject } from "@/lib/configuration/config-schemas";
import type { FieldErrors } from "@/lib/errors";
import { Check, rolloutDraft, RolloutFields, rolloutInput, ScheduleFields, scheduleInput, TargetFields, TargetPreview, typeCount, useSchedule, useJobSubmit, useTarget, WizardStep, type InitialTarget, type RolloutShape, type StrategyOption } from "@/components/ota/rollout-fields";
import { ConfigDiffTable } from "./config-diff-table";
import { CampaignChangePreview, changeLines, useChangePreview } from "./campaign-change-preview";
import { fieldIndex, formSections } from "@/lib/configuration/config-form-fields";
import { draftOutcome } from "@/lib/configuration/config-draft";
import { LayeredSettingsForm, type Draft, type LayeredValues, type Leaf } from "./layered-settings-form";

export type CampaignTarget = InitialTarget;
type Strategy = "all_at_once" | "rolling" | "canary" | "phased";

const STRATEGIES: StrategyOption<Strategy>[] = [
  { value: "all_at_once", label: "All at once", hint: "Every device gets the new version right away." },
  { value: "canary", label: "Canary", hint: "A small share first; the rest once those confirm (after a soak time, optionally your approval)." },
  { value: "rolling", label: "Rolling", hint: "Batches of N devices, a pause between batches.", batches: true },
  { value: "phased", label: "Phased", hint: "Widening waves, e.g. 5 %, 25 %, 100 %." },
];
const ROLLOUT_SHAPE: RolloutShape = { batchIntervalKey: "delayMinutes", minDevices: false };

/**
 * The update wizard's configuration option (and the devices list's "Change configuration…"): a
 * configuration campaign on the rollout engine. The person picks the devices and one device type,
 * sets only the settings that change (everything else stays as each device has it), reviews the
 * change, and chooses how carefully it rolls out; failures beyond the threshold bring every device
 * back to its previous version.
 */
export function ConfigCampaignForm({ initialTarget, initialType, types, groups, typeLabels }: { initialTarget: CampaignTarget; initialType: ConfigDeviceType; types: readonly ConfigDeviceType[]; groups: { id: number; label: string }[]; typeLabels: Record<string, string> }) {
  const choice = useTarget(initialTarget);
  const [deviceType, setDeviceType] = useState<ConfigDeviceType>(initialType);
  const [draft, setDraft] = useState<Draft>({});
  const [name, setName] = useState("");
  const [reason, setReason] = useState("");
  const [schedule, changeSchedule] = useSchedule();
  const [rollout, setRollout] = useState(() => rolloutDraft<Strategy>("canary", "30"));
  const [rollbackOnFailure, setRollbackOnFailure] = useState(true);
  const { errors, formError, submitting, refuse, send, err } = useJobSubmit();
  const shownPreview = choice.preview;

  // The change is edited against the type's defaults: only what the person sets is sent.
  const sections = useMemo(() => formSections(configJsonSchema(deviceType)), [deviceType]);
  const fields = useMemo(() => fieldIndex(sections), [sections]);
  const values: LayeredValues = useMemo(() => {
    const defaults = flattenConfig(DEFAULT_CONFIGS[deviceType] as unknown as ConfigObject) as Record<string, Leaf>;
    return { current: defaults, inherited: defaults, own: new Set(), sources: {} };
  }, [deviceType]);
  const outcome = useMemo(() => draftOutcome(fields, values, draft), [fields, values, draft]);
  // What each device runs now (a farm or group layer may already set it), not the type's default.
  const changePreview = useChangePreview({ deviceType, changes: outcome.changes, selection: choice.target }, choice.ready && outcome.diff.length > 0 && !Object.keys(outcome.errors).length);
  const changeErrors = Object.fromEntries(Object.entries(errors).filter(([key]) => key.startsWith("changes.")).map(([key, messages]) => [key.slice("changes.".length), messages]));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const local: FieldErrors = {};
    if (!choice.ready) local.selection = [choice.missing];
    if (!outcome.diff.length) local.changes = ["Change at least one setting"];
    if (!reason.trim()) local.reason = ["Say why: it is kept with every device's new version"];
    if (schedule.when === "later" && !schedule.scheduledLocal) local.scheduledAt = ["Pick a date and time"];
    if (Object.keys(local).length || Object.keys(outcome.errors).length) {
      refuse(local);
      return;
    }
    const changed = changePreview?.preview ? changeLines(changePreview.preview, fields).map((line) => line.text) : outcome.diff.map((change) => `${change.path} → ${String(change.to)}`);
    const reach = changePreview?.preview ? `${changePreview.preview.deviceCount} devices` : shownPreview?.result ? `${shownPreview.result.count} devices` : "the selected devices";
    if (!window.confirm(`Start a configuration campaign for ${reach}:\n${changed.join("\n")}?`)) return;
    const input = {
      name: name.trim() || undefined,
      deviceType,
      changes: outcome.changes,
      reason: reason.trim(),
      selection: choice.target,
      rollout: rolloutInput(rollout, STRATEGIES, ROLLOUT_SHAPE),
      ...scheduleInput(schedule),
      rollbackOnFailure,
    };
    send(() => createConfigCampaignAction(null, input));
  }

  const selectionError = err("selection");

  return (
    <form onSubmit={submit} noValidate className="max-w-5xl space-y-4" aria-label="Change configuration">
      <WizardStep step={1} title="Devices" idPrefix="cfg-">
        <TargetFields choice={choice} idPrefix="cfg-" groups={groups} error={selectionError} deviceIdsHint="Separated by commas or spaces, e.g. ES001, ES002" filterHint="The devices list's filter as in its address, e.g. type=environmental&group=3" />
        <TargetPreview choice={choice} typeLabels={typeLabels} testId="cfg-target-preview">
          {(result) => {
            const otherTypes = result.byType.filter((row) => row.deviceType !== deviceType);
            return otherTypes.length ? <span className="block text-amber-800">Only {typeLabels[deviceType] ?? deviceType}s take this change: {otherTypes.map((row) => typeCount(row, typeLabels)).join(", ")} will be skipped.</span> : null;
          }}
        </TargetPreview>
      </WizardStep>

      <WizardStep step={2} title="What changes" idPrefix="cfg-">
        <div className="mb-3 grid gap-3 sm:grid-cols-2">
          <Field id="cfg-type" label="Device type" error={err("deviceType")}>
            <select {...fieldProps("cfg-type", err("deviceType"))} value={deviceType} onChange={(event) => (setDeviceType(event.target.value as ConfigDeviceType), setDraft({}))} className={inputClass}>
              {types.map((type) => (
                <option key={type} value={type}>
                  {typeLabels[type] ?? type}
                </option>
              ))}
            </select>
          </Field>
          <Field id="cfg-name" label="Campaign name (optional)" error={err("name")}>
            <input {...fieldProps("cfg-name", err("name"))} value={name} onChange={(event) => setName(event.target.value)} maxLength={200} className={inputClass} />
          </Field>
          <div className="sm:col-span-2">
            <Field id="cfg-reason" label="Reason" hint="Kept with every device's new version" error={err("reason")}>
              <input {...fieldProps("cfg-reason", err("reason"), true)} value={reason} onChange={(event) => setReason(event.target.value)} maxLength={500} className={inputClass} placeholder="e.g. raise the ammonia alarm for barn north after the ventilation upgrade" />
            </Field>
          </div>
        </div>
        <p className="mb-2 text-xs text-stone-600">Change only the settings this campaign sets; the values shown are the type’s defaults and every other setting stays as each device has it.</p>
        {err("changes") && !Object.keys(changeErrors).length ? <p className="mb-2 text-sm text-red-700">{err("changes")}</p> : null}
        {outcome.diff.length ? (
          <div className="mb-3 rounded-lg border border-amber-300 bg-amber-50/40 p-3" data-testid="cfg-campaign-change">
            <p className="mb-1 text-sm font-medium text-stone-800">
              This campaign sets {outcome.diff.length} {outcome.diff.length === 1 ? "setting" : "settings"}:
            </p>
            {changePreview?.preview ? (
              <CampaignChangePreview preview={changePreview.preview} fields={fields} />
            ) : (
              <>
                {/* Until the server says what the devices run now, the type's default is the only "before" known. */}
                <ConfigDiffTable rows={outcome.diff.map((change) => ({ path: change.path, from: change.from, to: change.to }))} fields={fields} fromLabel="Type default" toLabel="Campaign sets" />
                {changePreview?.error ? <p className="mt-1 text-xs text-red-700">{changePreview.error}</p> : <p className="mt-1 text-xs text-stone-500">Checking what the devices run now…</p>}
              </>
            )}
          </div>
        ) : null}
        <LayeredSettingsForm key={deviceType} sections={sections} values={values} draft={draft} onDraft={setDraft} readOnly={submitting} errors={{ ...changeErrors, ...outcome.errors }} levelLabel="this campaign" idPrefix={`campaign-${deviceType}`} />
      </WizardStep>

      <WizardStep step={3} title="When" idPrefix="cfg-">
        <ScheduleFields draft={schedule} onChange={changeSchedule} err={err} idPrefix="cfg-" chooseDays={false} windowLabel="Only inside a maintenance window (every day)" />
      </WizardStep>

      <WizardStep step={4} title="Rollout" idPrefix="cfg-">
        <RolloutFields
          draft={rollout}
          onChange={(patch) => setRollout((current) => ({ ...current, ...patch }))}
          strategies={STRATEGIES}
          shape={ROLLOUT_SHAPE}
          labels={{ soakCanary: "Soak time (minutes)", soakPhased: "Soak time (minutes)", success: "Confirmations needed (%)", error: "Rejections allowed (%)", errorHint: "Above it the campaign stops (and rolls back)" }}
          err={err}
          errors={errors}
          idPrefix="cfg-"
        />
        <div className="mt-3">
          <Check name="cfgRollbackOnFailure" checked={rollbackOnFailure} onChange={setRollbackOnFailure} label="Roll back on failure" hint="Every device goes back to its previous configuration version when rejections exceed the threshold." />
        </div>
      </WizardStep>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={submitting} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {submitting ? "Starting…" : schedule.when === "now" ? "Start configuration campaign" : "Schedule configuration campaign"}
        </button>
        {formError ? (
          <p role="alert" className="text-sm text-red-700">
            {formError}
          </p>
        ) : null}
      </div>
    </form>
  );
}
