"use client";

import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState, useTransition, type FormEvent, type ReactNode } from "react";
import { createConfigCampaignAction, previewTargetAction } from "@/app/(app)/updates/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import { flattenConfig } from "@/lib/configuration/config-layers";
import { configJsonSchema, DEFAULT_CONFIGS, type ConfigDeviceType, type ConfigObject } from "@/lib/configuration/config-schemas";
import type { FieldErrors } from "@/lib/errors";
import type { UpdateTargetPreview } from "@/lib/ota/update-job-views";
import { ConfigDiffTable } from "./config-diff-table";
import { fieldIndex, formSections } from "@/lib/configuration/config-form-fields";
import { draftOutcome } from "@/lib/configuration/config-draft";
import { LayeredSettingsForm, type Draft, type LayeredValues, type Leaf } from "./layered-settings-form";

export type CampaignTarget = { mode: "devices"; deviceIds: string } | { mode: "group"; groupId: string } | { mode: "filter"; filter: string };
type Strategy = "all_at_once" | "rolling" | "canary" | "phased";

const STRATEGIES: { value: Strategy; label: string; hint: string }[] = [
  { value: "all_at_once", label: "All at once", hint: "Every device gets the new version right away." },
  { value: "canary", label: "Canary", hint: "A small share first; the rest once those confirm (after a soak time, optionally your approval)." },
  { value: "rolling", label: "Rolling", hint: "Batches of N devices, a pause between batches." },
  { value: "phased", label: "Phased", hint: "Widening waves, e.g. 5 %, 25 %, 100 %." },
];

const idList = (text: string) => [...new Set(text.split(/[\s,;]+/).map((id) => id.trim().toUpperCase()).filter(Boolean))];
function filterObject(query: string): Record<string, unknown> {
  const params = new URLSearchParams(query.trim().replace(/^\?/, ""));
  const object: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    object[key] = values.length > 1 ? values : values[0];
  }
  return object;
}
const numeric = (text: string) => (text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text);
const firstError = (errors: FieldErrors, prefix: string) => {
  const key = Object.keys(errors).find((name) => name === prefix || name.startsWith(`${prefix}.`));
  return key ? errors[key]![0] : undefined;
};

function Step({ step, title, children }: { step: number; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`cfg-step-${step}`} className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <h2 id={`cfg-step-${step}`} className="mb-3 flex items-center gap-2 text-sm font-semibold text-stone-800">
        <span aria-hidden className="inline-flex size-6 items-center justify-center rounded-full bg-brand-700 text-xs text-white">
          {step}
        </span>
        {title}
      </h2>
      {children}
    </section>
  );
}

function Choice({ name, checked, onChange, label, hint }: { name: string; checked: boolean; onChange: () => void; label: string; hint?: string }) {
  return (
    <label className={`flex cursor-pointer gap-2 rounded-lg border p-2.5 text-sm ${checked ? "border-brand-600 bg-brand-50/50" : "border-stone-200 hover:bg-stone-50"}`}>
      <input type="radio" name={name} checked={checked} onChange={onChange} className="mt-0.5 size-4 shrink-0" />
      <span>
        <span className="font-medium text-stone-900">{label}</span>
        {hint ? <span className="block text-xs text-stone-600">{hint}</span> : null}
      </span>
    </label>
  );
}

/**
 * The update wizard's configuration option (and the devices list's "Change configuration…"): a
 * configuration campaign on the rollout engine. The person picks the devices and one device type,
 * sets only the settings that change (everything else stays as each device has it), reviews the
 * change, and chooses how carefully it rolls out; failures beyond the threshold bring every device
 * back to its previous version.
 */
export function ConfigCampaignForm({ initialTarget, initialType, types, groups, typeLabels }: { initialTarget: CampaignTarget; initialType: ConfigDeviceType; types: readonly ConfigDeviceType[]; groups: { id: number; label: string }[]; typeLabels: Record<string, string> }) {
  const router = useRouter();
  const [mode, setMode] = useState<CampaignTarget["mode"]>(initialTarget.mode);
  const [deviceIds, setDeviceIds] = useState(initialTarget.mode === "devices" ? initialTarget.deviceIds : "");
  const [groupId, setGroupId] = useState(initialTarget.mode === "group" ? initialTarget.groupId : "");
  const [filter, setFilter] = useState(initialTarget.mode === "filter" ? initialTarget.filter : "");
  const [deviceType, setDeviceType] = useState<ConfigDeviceType>(initialType);
  const [draft, setDraft] = useState<Draft>({});
  const [name, setName] = useState("");
  const [reason, setReason] = useState("");
  const [when, setWhen] = useState<"now" | "later">("now");
  const [scheduledLocal, setScheduledLocal] = useState("");
  const [windowOn, setWindowOn] = useState(false);
  const [windowStart, setWindowStart] = useState("02:00");
  const [windowEnd, setWindowEnd] = useState("06:00");
  const [timeZone, setTimeZone] = useState("UTC");
  const [strategy, setStrategy] = useState<Strategy>("canary");
  const [canaryPercentage, setCanaryPercentage] = useState("5");
  const [percentages, setPercentages] = useState("5, 25, 100");
  const [soakMinutes, setSoakMinutes] = useState("30");
  const [requireApproval, setRequireApproval] = useState(false);
  const [batchSize, setBatchSize] = useState("100");
  const [delayMinutes, setDelayMinutes] = useState("5");
  const [successThreshold, setSuccessThreshold] = useState("80");
  const [errorThreshold, setErrorThreshold] = useState("20");
  const [deviceTimeout, setDeviceTimeout] = useState("30");
  const [rollbackOnFailure, setRollbackOnFailure] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ key: string; result: UpdateTargetPreview | null; error: string | null } | null>(null);
  const [submitting, startSubmit] = useTransition();

  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    const timer = setTimeout(() => setTimeZone((current) => (current === "UTC" ? zone : current)), 0);
    return () => clearTimeout(timer);
  }, []);

  const target = useMemo((): { deviceIds: string[] } | { filter: Record<string, unknown> } => {
    if (mode === "devices") return { deviceIds: idList(deviceIds) };
    if (mode === "group") return { filter: groupId ? { group: groupId } : {} };
    return { filter: filterObject(filter) };
  }, [mode, deviceIds, groupId, filter]);
  const targetKey = JSON.stringify(target);
  const targetReady = "deviceIds" in target ? target.deviceIds.length > 0 : mode === "group" ? groupId !== "" : true;

  useEffect(() => {
    if (!targetReady) return;
    let current = true;
    const timer = setTimeout(async () => {
      const result = await previewTargetAction(null, { target: JSON.parse(targetKey) });
      if (!current) return;
      setPreview(result.ok ? { key: targetKey, result: result.data, error: null } : { key: targetKey, result: null, error: result.error });
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [targetKey, targetReady]);
  const shownPreview = targetReady && preview?.key === targetKey ? preview : null;
  const typeCount = (row: { deviceType: string; count: number }) => `${row.count} ${typeLabels[row.deviceType] ?? row.deviceType}${row.count === 1 ? "" : "s"}`;
  const otherTypes = shownPreview?.result ? shownPreview.result.byType.filter((row) => row.deviceType !== deviceType) : [];

  // The change is edited against the type's defaults: only what the person sets is sent.
  const sections = useMemo(() => formSections(configJsonSchema(deviceType)), [deviceType]);
  const fields = useMemo(() => fieldIndex(sections), [sections]);
  const values: LayeredValues = useMemo(() => {
    const defaults = flattenConfig(DEFAULT_CONFIGS[deviceType] as unknown as ConfigObject) as Record<string, Leaf>;
    return { current: defaults, inherited: defaults, own: new Set(), sources: {} };
  }, [deviceType]);
  const outcome = useMemo(() => draftOutcome(fields, values, draft), [fields, values, draft]);
  const changeErrors = Object.fromEntries(Object.entries(errors).filter(([key]) => key.startsWith("changes.")).map(([key, messages]) => [key.slice("changes.".length), messages]));

  function rollout() {
    const thresholds = { successThreshold: numeric(successThreshold), errorThreshold: numeric(errorThreshold), deviceTimeoutMinutes: numeric(deviceTimeout) };
    switch (strategy) {
      case "all_at_once":
        return { strategy, ...thresholds };
      case "canary":
        return { strategy, canaryPercentage: numeric(canaryPercentage), soakMinutes: numeric(soakMinutes), requireApproval, ...thresholds };
      case "phased":
        return { strategy, percentages: percentages.split(/[\s,;%]+/).filter(Boolean).map(numeric), soakMinutes: numeric(soakMinutes), requireApproval, ...thresholds };
      case "rolling":
        return { strategy, batchSize: numeric(batchSize), delayMinutes: numeric(delayMinutes), ...thresholds };
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const local: FieldErrors = {};
    if (!targetReady) local.selection = [mode === "group" ? "Pick a group" : "Enter at least one device id"];
    if (!outcome.diff.length) local.changes = ["Change at least one setting"];
    if (!reason.trim()) local.reason = ["Say why: it is kept with every device's new version"];
    if (when === "later" && !scheduledLocal) local.scheduledAt = ["Pick a date and time"];
    if (Object.keys(local).length || Object.keys(outcome.errors).length) {
      setErrors(local);
      setFormError("Please correct the highlighted fields.");
      return;
    }
    if (!window.confirm(`Start a configuration campaign for ${shownPreview?.result ? `${shownPreview.result.count} devices` : "the selected devices"}: ${outcome.diff.map((change) => `${change.path} → ${String(change.to)}`).join(", ")}?`)) return;
    setErrors({});
    setFormError(null);
    const input = {
      name: name.trim() || undefined,
      deviceType,
      changes: outcome.changes,
      reason: reason.trim(),
      selection: target,
      rollout: rollout(),
      scheduledAt: when === "later" ? new Date(scheduledLocal).toISOString() : null,
      maintenanceWindow: windowOn ? { start: windowStart, end: windowEnd, days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], timeZone } : null,
      rollbackOnFailure,
    };
    startSubmit(async () => {
      const result = await createConfigCampaignAction(null, input);
      if (result.ok) {
        router.push(`/updates/${result.data.jobId}`);
        return;
      }
      setErrors(result.fieldErrors ?? {});
      setFormError(result.error);
    });
  }

  const err = (prefix: string) => firstError(errors, prefix);
  const selectionError = err("selection");

  return (
    <form onSubmit={submit} noValidate className="max-w-5xl space-y-4" aria-label="Change configuration">
      <Step step={1} title="Devices">
        <fieldset className="mb-3">
          <legend className="sr-only">Choose devices by</legend>
          <div className="grid gap-2 sm:grid-cols-3">
            <Choice name="cfgTargetMode" checked={mode === "devices"} onChange={() => setMode("devices")} label="By device id" hint="One or a few devices" />
            <Choice name="cfgTargetMode" checked={mode === "group"} onChange={() => setMode("group")} label="By group" hint="With its sub-groups" />
            <Choice name="cfgTargetMode" checked={mode === "filter"} onChange={() => setMode("filter")} label="By device list filter" hint="As in the Devices list" />
          </div>
        </fieldset>
        {mode === "devices" ? (
          <Field id="cfg-devices" label="Device ids" hint="Separated by commas or spaces, e.g. ES001, ES002" error={selectionError}>
            <textarea {...fieldProps("cfg-devices", selectionError, true)} rows={2} value={deviceIds} onChange={(event) => setDeviceIds(event.target.value)} className={`${inputClass} font-mono`} autoCapitalize="characters" spellCheck={false} />
          </Field>
        ) : mode === "group" ? (
          <Field id="cfg-group" label="Group" error={selectionError}>
            <select {...fieldProps("cfg-group", selectionError)} value={groupId} onChange={(event) => setGroupId(event.target.value)} className={inputClass}>
              <option value="">Choose a group…</option>
              {groups.map((group) => (
                <option key={group.id} value={group.id}>
                  {group.label}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <Field id="cfg-filter" label="Filter" hint="The devices list's filter as in its address, e.g. type=environmental&group=3" error={selectionError}>
            <input {...fieldProps("cfg-filter", selectionError, true)} value={filter} onChange={(event) => setFilter(event.target.value)} className={`${inputClass} font-mono`} spellCheck={false} />
          </Field>
        )}
        <div className="mt-2 text-sm" aria-live="polite" data-testid="cfg-target-preview">
          {!targetReady ? null : !shownPreview ? (
            <span className="text-stone-500">Counting devices…</span>
          ) : shownPreview.error ? (
            <span className="text-red-700">{shownPreview.error}</span>
          ) : shownPreview.result ? (
            <>
              <span className="font-medium text-stone-900">
                {shownPreview.result.count.toLocaleString("en")} {shownPreview.result.count === 1 ? "device matches" : "devices match"}
              </span>
              {shownPreview.result.byType.length ? <span className="text-stone-600">: {shownPreview.result.byType.map(typeCount).join(", ")}</span> : null}
              {otherTypes.length ? <span className="block text-amber-800">Only {typeLabels[deviceType] ?? deviceType}s take this change: {otherTypes.map(typeCount).join(", ")} will be skipped.</span> : null}
              {shownPreview.result.missing.length ? <span className="block text-red-700">Not found, retired or not on your farm: {shownPreview.result.missing.join(", ")}</span> : null}
            </>
          ) : null}
        </div>
      </Step>

      <Step step={2} title="What changes">
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
            <ConfigDiffTable rows={outcome.diff.map((change) => ({ path: change.path, from: change.from, to: change.to }))} fields={fields} fromLabel="Type default" toLabel="Campaign sets" />
          </div>
        ) : null}
        <LayeredSettingsForm key={deviceType} sections={sections} values={values} draft={draft} onDraft={setDraft} readOnly={submitting} errors={{ ...changeErrors, ...outcome.errors }} levelLabel="this campaign" idPrefix={`campaign-${deviceType}`} />
      </Step>

      <Step step={3} title="When">
        <div className="grid gap-2 sm:grid-cols-2">
          <Choice name="cfgWhen" checked={when === "now"} onChange={() => setWhen("now")} label="Now" hint="Within seconds (inside the maintenance window, if you set one)" />
          <Choice name="cfgWhen" checked={when === "later"} onChange={() => setWhen("later")} label="At a date and time" />
        </div>
        {when === "later" ? (
          <div className="mt-3 max-w-xs">
            <Field id="cfg-scheduled-at" label="Start at (your local time)" error={err("scheduledAt")}>
              <input {...fieldProps("cfg-scheduled-at", err("scheduledAt"))} type="datetime-local" value={scheduledLocal} onChange={(event) => setScheduledLocal(event.target.value)} className={inputClass} />
            </Field>
          </div>
        ) : null}
        <label className="mt-3 flex cursor-pointer gap-2 text-sm">
          <input type="checkbox" checked={windowOn} onChange={(event) => setWindowOn(event.target.checked)} className="mt-0.5 size-4" />
          <span className="font-medium text-stone-900">Only inside a maintenance window (every day)</span>
        </label>
        {windowOn ? (
          <div className="mt-2 grid gap-3 sm:grid-cols-3">
            <Field id="cfg-window-start" label="From" error={err("maintenanceWindow.start")}>
              <input {...fieldProps("cfg-window-start", err("maintenanceWindow.start"))} type="time" value={windowStart} onChange={(event) => setWindowStart(event.target.value)} className={inputClass} />
            </Field>
            <Field id="cfg-window-end" label="Until" error={err("maintenanceWindow.end")}>
              <input {...fieldProps("cfg-window-end", err("maintenanceWindow.end"))} type="time" value={windowEnd} onChange={(event) => setWindowEnd(event.target.value)} className={inputClass} />
            </Field>
            <Field id="cfg-window-zone" label="Time zone" error={err("maintenanceWindow.timeZone")}>
              <input {...fieldProps("cfg-window-zone", err("maintenanceWindow.timeZone"))} value={timeZone} onChange={(event) => setTimeZone(event.target.value)} className={inputClass} spellCheck={false} />
            </Field>
          </div>
        ) : null}
      </Step>

      <Step step={4} title="Rollout">
        <div className="grid gap-2 sm:grid-cols-2">
          {STRATEGIES.map((option) => (
            <Choice key={option.value} name="cfgStrategy" checked={strategy === option.value} onChange={() => setStrategy(option.value)} label={option.label} hint={option.hint} />
          ))}
        </div>
        <div className="mt-3 grid gap-3 sm:grid-cols-3">
          {strategy === "canary" ? (
            <Field id="cfg-canary" label="Canary share (%)" error={err("rollout.canaryPercentage")}>
              <input {...fieldProps("cfg-canary", err("rollout.canaryPercentage"))} inputMode="decimal" value={canaryPercentage} onChange={(event) => setCanaryPercentage(event.target.value)} className={inputClass} />
            </Field>
          ) : null}
          {strategy === "phased" ? (
            <Field id="cfg-phases" label="Phases (cumulative %)" error={err("rollout.percentages")}>
              <input {...fieldProps("cfg-phases", err("rollout.percentages"))} value={percentages} onChange={(event) => setPercentages(event.target.value)} className={inputClass} />
            </Field>
          ) : null}
          {strategy === "canary" || strategy === "phased" ? (
            <>
              <Field id="cfg-soak" label="Soak time (minutes)" error={err("rollout.soakMinutes")}>
                <input {...fieldProps("cfg-soak", err("rollout.soakMinutes"))} inputMode="numeric" value={soakMinutes} onChange={(event) => setSoakMinutes(event.target.value)} className={inputClass} />
              </Field>
              <label className="flex items-end gap-2 pb-2 text-sm">
                <input type="checkbox" checked={requireApproval} onChange={(event) => setRequireApproval(event.target.checked)} className="size-4" />
                <span className="font-medium text-stone-900">Wait for my approval before each next phase</span>
              </label>
            </>
          ) : null}
          {strategy === "rolling" ? (
            <>
              <Field id="cfg-batch" label="Devices per batch" error={err("rollout.batchSize")}>
                <input {...fieldProps("cfg-batch", err("rollout.batchSize"))} inputMode="numeric" value={batchSize} onChange={(event) => setBatchSize(event.target.value)} className={inputClass} />
              </Field>
              <Field id="cfg-delay" label="Minutes between batches" error={err("rollout.delayMinutes")}>
                <input {...fieldProps("cfg-delay", err("rollout.delayMinutes"))} inputMode="numeric" value={delayMinutes} onChange={(event) => setDelayMinutes(event.target.value)} className={inputClass} />
              </Field>
            </>
          ) : null}
        </div>
        <div className="mt-3 grid gap-3 border-t border-stone-100 pt-3 sm:grid-cols-3">
          <Field id="cfg-success" label="Confirmations needed (%)" error={err("rollout.successThreshold")}>
            <input {...fieldProps("cfg-success", err("rollout.successThreshold"))} inputMode="decimal" value={successThreshold} onChange={(event) => setSuccessThreshold(event.target.value)} className={inputClass} />
          </Field>
          <Field id="cfg-error" label="Rejections allowed (%)" hint="Above it the campaign stops (and rolls back)" error={err("rollout.errorThreshold")}>
            <input {...fieldProps("cfg-error", err("rollout.errorThreshold"), true)} inputMode="decimal" value={errorThreshold} onChange={(event) => setErrorThreshold(event.target.value)} className={inputClass} />
          </Field>
          <Field id="cfg-timeout" label="Device timeout (minutes)" error={err("rollout.deviceTimeoutMinutes")}>
            <input {...fieldProps("cfg-timeout", err("rollout.deviceTimeoutMinutes"))} inputMode="numeric" value={deviceTimeout} onChange={(event) => setDeviceTimeout(event.target.value)} className={inputClass} />
          </Field>
        </div>
        <label className="mt-3 flex cursor-pointer gap-2 text-sm">
          <input type="checkbox" checked={rollbackOnFailure} onChange={(event) => setRollbackOnFailure(event.target.checked)} className="mt-0.5 size-4" />
          <span>
            <span className="font-medium text-stone-900">Roll back on failure</span>
            <span className="block text-xs text-stone-600">Every device goes back to its previous configuration version when rejections exceed the threshold.</span>
          </span>
        </label>
      </Step>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={submitting} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {submitting ? "Starting…" : when === "now" ? "Start configuration campaign" : "Schedule configuration campaign"}
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
