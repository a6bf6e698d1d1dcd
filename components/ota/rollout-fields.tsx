"use client";

import { useEffect, useMemo, useState, useTransition, type ReactNode } from "react";
import { previewTargetAction } from "@/app/(app)/updates/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import type { ActionResult } from "@/lib/actions/define-action";
import type { FieldErrors } from "@/lib/errors";
import type { UpdateTargetPreview } from "@/lib/ota/update-job-views";

/*
 * The parts both rollout wizards share (the firmware update wizard and the configuration campaign
 * form): which devices, when, and how it rolls out. Both jobs run on the one OTA engine, so they are
 * chosen the same way; each form adds only what its kind needs (firmware, or the settings that change).
 */

export const WEEKDAYS = [
  ["mon", "Mon"],
  ["tue", "Tue"],
  ["wed", "Wed"],
  ["thu", "Thu"],
  ["fri", "Fri"],
  ["sat", "Sat"],
  ["sun", "Sun"],
] as const;

/** "MM001, MM002 mm003" → ["MM001", "MM002", "MM003"] */
export const idList = (text: string) => [...new Set(text.split(/[\s,;]+/).map((id) => id.trim().toUpperCase()).filter(Boolean))];

/** A filter typed as the devices list's URL query ("type=collar&farm=1") as the object the server parses. */
export function filterObject(query: string): Record<string, unknown> {
  const params = new URLSearchParams(query.trim().replace(/^\?/, ""));
  const object: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    object[key] = values.length > 1 ? values : values[0];
  }
  return object;
}

/** A number field's value for the server: a number when it is one, else the text (the server says what is wrong). */
export const numeric = (text: string) => (text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text);

/** The first message for a field or anything below it ("rollout" finds "rollout.soakMinutes"). */
export function firstError(errors: FieldErrors, prefix: string): string | undefined {
  const key = Object.keys(errors).find((name) => name === prefix || name.startsWith(`${prefix}.`));
  return key ? errors[key]![0] : undefined;
}

/**
 * Sending a new job: problems found in the browser are shown without asking the server; the
 * server's field errors come back by path; a scheduled job opens its page.
 */
export function useJobSubmit() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // Pending until the job's page has opened (the action redirects there), so a second click cannot
  // schedule it twice.
  const [submitting, startSubmit] = useTransition();
  const refuse = (local: FieldErrors) => {
    setErrors(local);
    setFormError("Please correct the highlighted fields.");
  };
  const send = (call: () => Promise<ActionResult<{ jobId: number }>>) => {
    setErrors({});
    setFormError(null);
    startSubmit(async () => {
      // A scheduled job answers with a redirect to its page; only a refusal comes back here.
      const result = await call();
      if (result.ok) return;
      setErrors(result.fieldErrors ?? {});
      setFormError(result.error);
    });
  };
  return { errors, formError, submitting, refuse, send, err: (prefix: string) => firstError(errors, prefix) };
}

export function WizardStep({ step, title, idPrefix = "", children }: { step: number; title: string; idPrefix?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${idPrefix}step-${step}`} className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <h2 id={`${idPrefix}step-${step}`} className="mb-3 flex items-center gap-2 text-sm font-semibold text-stone-800">
        <span aria-hidden className="inline-flex size-6 items-center justify-center rounded-full bg-brand-700 text-xs text-white">
          {step}
        </span>
        {title}
      </h2>
      {children}
    </section>
  );
}

export function Radio({ name, value, checked, onChange, label, hint }: { name: string; value: string; checked: boolean; onChange: (value: string) => void; label: string; hint?: string }) {
  return (
    <label className={`flex cursor-pointer gap-2 rounded-lg border p-2.5 text-sm ${checked ? "border-brand-600 bg-brand-50/50" : "border-stone-200 hover:bg-stone-50"}`}>
      <input type="radio" name={name} value={value} checked={checked} onChange={() => onChange(value)} className="mt-0.5 size-4 shrink-0" />
      <span>
        <span className="font-medium text-stone-900">{label}</span>
        {hint ? <span className="block text-xs text-stone-600">{hint}</span> : null}
      </span>
    </label>
  );
}

export function Check({ name, checked, onChange, label, hint }: { name: string; checked: boolean; onChange: (checked: boolean) => void; label: string; hint?: string }) {
  return (
    <label className="flex cursor-pointer gap-2 text-sm">
      <input type="checkbox" name={name} checked={checked} onChange={(event) => onChange(event.target.checked)} className="mt-0.5 size-4 shrink-0" />
      <span>
        <span className="font-medium text-stone-900">{label}</span>
        {hint ? <span className="block text-xs text-stone-600">{hint}</span> : null}
      </span>
    </label>
  );
}

/** A one-line text or number field: the server gets the text as typed (see `numeric`). */
function TextField({ id, label, hint, error, value, onChange, inputMode, type }: { id: string; label: string; hint?: string; error?: string; value: string; onChange: (value: string) => void; inputMode?: "decimal" | "numeric"; type?: "time" | "datetime-local" }) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input {...fieldProps(id, error, Boolean(hint))} type={type} inputMode={inputMode} value={value} onChange={(event) => onChange(event.target.value)} className={inputClass} spellCheck={type ? undefined : false} />
    </Field>
  );
}

/* ---------------------------------------------------------------- devices */

export type InitialTarget = { mode: "devices"; deviceIds: string } | { mode: "group"; groupId: string } | { mode: "filter"; filter: string };
export type TargetInput = { deviceIds: string[] } | { filter: Record<string, unknown> };

/** The devices picked, as the server's target, and how many match (asked from the server as the choice changes). */
export function useTarget(initial: InitialTarget) {
  const [mode, setMode] = useState<InitialTarget["mode"]>(initial.mode);
  const [deviceIds, setDeviceIds] = useState(initial.mode === "devices" ? initial.deviceIds : "");
  const [groupId, setGroupId] = useState(initial.mode === "group" ? initial.groupId : "");
  const [filter, setFilter] = useState(initial.mode === "filter" ? initial.filter : "");
  const [preview, setPreview] = useState<TargetPreviewState | null>(null);

  const target = useMemo((): TargetInput => {
    if (mode === "devices") return { deviceIds: idList(deviceIds) };
    if (mode === "group") return { filter: groupId ? { group: groupId } : {} };
    return { filter: filterObject(filter) };
  }, [mode, deviceIds, groupId, filter]);
  const targetKey = JSON.stringify(target);
  const ready = "deviceIds" in target ? target.deviceIds.length > 0 : mode === "group" ? groupId !== "" : true;

  useEffect(() => {
    if (!ready) return;
    let current = true;
    const timer = setTimeout(async () => {
      const result = await previewTargetAction(null, { target: JSON.parse(targetKey) });
      if (!current) return;
      setPreview(result.ok ? { key: targetKey, result: result.data, error: null } : { key: targetKey, result: null, error: [result.error, ...Object.values(result.fieldErrors ?? {}).flat()].join(" ") });
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [targetKey, ready]);

  return {
    mode,
    setMode,
    deviceIds,
    setDeviceIds,
    groupId,
    setGroupId,
    filter,
    setFilter,
    target,
    ready,
    /** What the server said about the current choice; null while it is being counted. */
    preview: ready && preview?.key === targetKey ? preview : null,
    /** What to say when nothing is picked yet. */
    missing: mode === "group" ? "Pick a group" : "Enter at least one device id",
  };
}

type TargetPreviewState = { key: string; result: UpdateTargetPreview | null; error: string | null };
export type TargetChoice = ReturnType<typeof useTarget>;

export function TargetFields({ choice, idPrefix, groups, error, deviceIdsHint, filterHint }: { choice: TargetChoice; idPrefix: string; groups: { id: number; label: string }[]; error?: string; deviceIdsHint: string; filterHint: string }) {
  const id = (name: string) => `${idPrefix}target-${name}`;
  return (
    <>
      <fieldset className="mb-3">
        <legend className="sr-only">Choose devices by</legend>
        <div className="grid gap-2 sm:grid-cols-3">
          <Radio name={id("mode")} value="devices" checked={choice.mode === "devices"} onChange={() => choice.setMode("devices")} label="By device id" hint="One or a few devices" />
          <Radio name={id("mode")} value="group" checked={choice.mode === "group"} onChange={() => choice.setMode("group")} label="By group" hint="With its sub-groups" />
          <Radio name={id("mode")} value="filter" checked={choice.mode === "filter"} onChange={() => choice.setMode("filter")} label="By device list filter" hint="As in the Devices list" />
        </div>
      </fieldset>
      {choice.mode === "devices" ? (
        <Field id={id("devices")} label="Device ids" hint={deviceIdsHint} error={error}>
          <textarea {...fieldProps(id("devices"), error, true)} rows={2} value={choice.deviceIds} onChange={(event) => choice.setDeviceIds(event.target.value)} className={`${inputClass} font-mono`} autoCapitalize="characters" spellCheck={false} />
        </Field>
      ) : choice.mode === "group" ? (
        <Field id={id("group")} label="Group" error={error}>
          <select {...fieldProps(id("group"), error)} value={choice.groupId} onChange={(event) => choice.setGroupId(event.target.value)} className={inputClass}>
            <option value="">Choose a group…</option>
            {groups.map((group) => (
              <option key={group.id} value={group.id}>
                {group.label}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <Field id={id("filter")} label="Filter" hint={filterHint} error={error}>
          <input {...fieldProps(id("filter"), error, true)} value={choice.filter} onChange={(event) => choice.setFilter(event.target.value)} className={`${inputClass} font-mono`} spellCheck={false} />
        </Field>
      )}
    </>
  );
}

/** "12 devices match: 10 Milk Meters, 2 Collars", what the form adds about them, then the ids not found. */
export function TargetPreview({ choice, typeLabels, testId, children }: { choice: TargetChoice; typeLabels: Record<string, string>; testId: string; children?: (result: UpdateTargetPreview) => ReactNode }) {
  const shown = choice.preview;
  return (
    <div className="mt-2 text-sm" aria-live="polite" data-testid={testId}>
      {!choice.ready ? null : !shown ? (
        <span className="text-stone-500">Counting devices…</span>
      ) : shown.error ? (
        <span className="text-red-700">{shown.error}</span>
      ) : shown.result ? (
        <>
          <span className={shown.result.count ? "font-medium text-stone-900" : "font-medium text-red-700"}>
            {shown.result.count.toLocaleString("en")} {shown.result.count === 1 ? "device matches" : "devices match"}
          </span>
          {shown.result.byType.length ? <span className="text-stone-600">: {shown.result.byType.map((row) => typeCount(row, typeLabels)).join(", ")}</span> : null}
          {children?.(shown.result)}
          {shown.result.missing.length ? <span className="block text-red-700">Not found, retired or not on your farm: {shown.result.missing.join(", ")}</span> : null}
        </>
      ) : null}
    </div>
  );
}

export const typeCount = (row: { deviceType: string; count: number }, typeLabels: Record<string, string>) => `${row.count} ${typeLabels[row.deviceType] ?? row.deviceType}${row.count === 1 ? "" : "s"}`;

/* ---------------------------------------------------------------- when */

export type ScheduleDraft = { when: "now" | "later"; scheduledLocal: string; windowOn: boolean; windowStart: string; windowEnd: string; days: string[]; timeZone: string };

/** When the job starts and its maintenance window; the zone starts as the browser's (the likeliest farm clock). */
export function useSchedule() {
  const [draft, setDraft] = useState<ScheduleDraft>({ when: "now", scheduledLocal: "", windowOn: false, windowStart: "02:00", windowEnd: "06:00", days: WEEKDAYS.map(([day]) => day), timeZone: "UTC" });
  // Set after mounting so the server's render matches.
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    const timer = setTimeout(() => setDraft((current) => (current.timeZone === "UTC" ? { ...current, timeZone: zone } : current)), 0);
    return () => clearTimeout(timer);
  }, []);
  const change = (patch: Partial<ScheduleDraft>) => setDraft((current) => ({ ...current, ...patch }));
  return [draft, change] as const;
}

/** The schedule as the server takes it (`scheduledAt`, `maintenanceWindow`). */
export function scheduleInput(draft: ScheduleDraft) {
  return {
    scheduledAt: draft.when === "later" ? new Date(draft.scheduledLocal).toISOString() : null,
    maintenanceWindow: draft.windowOn ? { start: draft.windowStart, end: draft.windowEnd, days: draft.days, timeZone: draft.timeZone } : null,
  };
}

export function ScheduleFields({ draft, onChange, err, idPrefix, chooseDays, windowLabel, windowHint }: { draft: ScheduleDraft; onChange: (patch: Partial<ScheduleDraft>) => void; err: (prefix: string) => string | undefined; idPrefix: string; chooseDays: boolean; windowLabel: string; windowHint?: string }) {
  return (
    <>
      <fieldset>
        <legend className="sr-only">Start</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          <Radio name={`${idPrefix}when`} value="now" checked={draft.when === "now"} onChange={() => onChange({ when: "now" })} label="Now" hint="Within seconds (inside the maintenance window, if you set one)" />
          <Radio name={`${idPrefix}when`} value="later" checked={draft.when === "later"} onChange={() => onChange({ when: "later" })} label="At a date and time" />
        </div>
      </fieldset>
      {draft.when === "later" ? (
        <div className="mt-3 max-w-xs">
          <TextField id={`${idPrefix}scheduled-at`} label="Start at (your local time)" type="datetime-local" error={err("scheduledAt")} value={draft.scheduledLocal} onChange={(scheduledLocal) => onChange({ scheduledLocal })} />
        </div>
      ) : null}
      <div className="mt-4 border-t border-stone-100 pt-3">
        <Check name={`${idPrefix}windowOn`} checked={draft.windowOn} onChange={(windowOn) => onChange({ windowOn })} label={windowLabel} hint={windowHint} />
        {draft.windowOn ? (
          <div className="mt-3 grid gap-3 sm:grid-cols-4">
            <TextField id={`${idPrefix}window-start`} label="From" type="time" error={err("maintenanceWindow.start")} value={draft.windowStart} onChange={(windowStart) => onChange({ windowStart })} />
            <TextField id={`${idPrefix}window-end`} label="Until" type="time" error={err("maintenanceWindow.end")} value={draft.windowEnd} onChange={(windowEnd) => onChange({ windowEnd })} />
            <div className="sm:col-span-2">
              <TextField id={`${idPrefix}window-zone`} label="Time zone" hint="e.g. Europe/Amsterdam" error={err("maintenanceWindow.timeZone")} value={draft.timeZone} onChange={(timeZone) => onChange({ timeZone })} />
            </div>
            {chooseDays ? (
              <fieldset className="sm:col-span-4">
                <legend className="mb-1 text-sm font-medium text-stone-800">Days</legend>
                <div className="flex flex-wrap gap-1.5">
                  {WEEKDAYS.map(([day, label]) => (
                    <label key={day} className={`flex cursor-pointer items-center gap-1.5 rounded-md border px-2.5 py-1.5 text-sm ${draft.days.includes(day) ? "border-brand-600 bg-brand-50" : "border-stone-300"}`}>
                      <input type="checkbox" checked={draft.days.includes(day)} onChange={(event) => onChange({ days: event.target.checked ? WEEKDAYS.map(([d]) => d).filter((d) => d === day || draft.days.includes(d)) : draft.days.filter((d) => d !== day) })} className="size-4" />
                      {label}
                    </label>
                  ))}
                </div>
                {err("maintenanceWindow.days") ? <p className="mt-1 text-sm text-red-700">{err("maintenanceWindow.days")}</p> : null}
              </fieldset>
            ) : null}
          </div>
        ) : null}
      </div>
    </>
  );
}

/* ---------------------------------------------------------------- rollout */

/** A strategy the form offers; `batches`: fixed-size batches at an interval (the firmware "emergency", the campaign "rolling"). */
export type StrategyOption<S extends string> = { value: S; label: string; hint: string; batches?: boolean };

export type RolloutDraft<S extends string> = {
  strategy: S;
  canaryPercentage: string;
  percentages: string;
  soakMinutes: string;
  requireApproval: boolean;
  batchSize: string;
  batchInterval: string;
  successThreshold: string;
  errorThreshold: string;
  minDevices: string;
  deviceTimeout: string;
};

export function rolloutDraft<S extends string>(strategy: S, soakMinutes: string): RolloutDraft<S> {
  return { strategy, canaryPercentage: "5", percentages: "5, 25, 100", soakMinutes, requireApproval: false, batchSize: "100", batchInterval: "5", successThreshold: "80", errorThreshold: "20", minDevices: "10", deviceTimeout: "30" };
}

/** How each form names its parts of the rollout: the server's key for the batch interval, and whether the smallest judged phase is asked. */
export type RolloutShape = { batchIntervalKey: "batchIntervalMinutes" | "delayMinutes"; minDevices: boolean };

/** The rollout as the server takes it (numbers where the text is one; the server's schema says the rest). */
export function rolloutInput<S extends string>(draft: RolloutDraft<S>, strategies: StrategyOption<S>[], shape: RolloutShape): Record<string, unknown> {
  const thresholds = { successThreshold: numeric(draft.successThreshold), errorThreshold: numeric(draft.errorThreshold), ...(shape.minDevices ? { minDevices: numeric(draft.minDevices) } : {}), deviceTimeoutMinutes: numeric(draft.deviceTimeout) };
  const { strategy } = draft;
  if (strategy === "canary") return { strategy, canaryPercentage: numeric(draft.canaryPercentage), soakMinutes: numeric(draft.soakMinutes), requireApproval: draft.requireApproval, ...thresholds };
  if (strategy === "phased") return { strategy, percentages: draft.percentages.split(/[\s,;%]+/).filter(Boolean).map(numeric), soakMinutes: numeric(draft.soakMinutes), requireApproval: draft.requireApproval, ...thresholds };
  if (strategies.find((option) => option.value === strategy)?.batches) return { strategy, batchSize: numeric(draft.batchSize), [shape.batchIntervalKey]: numeric(draft.batchInterval), ...thresholds };
  return { strategy, ...thresholds };
}

export type RolloutLabels = { soakCanary: string; soakPhased: string; success: string; successHint?: string; error: string; errorHint: string; timeoutHint?: string };

export function RolloutFields<S extends string>({ draft, onChange, strategies, shape, labels, err, errors, idPrefix }: { draft: RolloutDraft<S>; onChange: (patch: Partial<RolloutDraft<S>>) => void; strategies: StrategyOption<S>[]; shape: RolloutShape; labels: RolloutLabels; err: (prefix: string) => string | undefined; errors: FieldErrors; idPrefix: string }) {
  const { strategy } = draft;
  const batches = strategies.find((option) => option.value === strategy)?.batches ?? false;
  const field = (name: keyof RolloutDraft<S> & string, id: string, label: string, serverKey: string, options: { hint?: string; inputMode?: "decimal" | "numeric" } = {}) => (
    <TextField id={`${idPrefix}${id}`} label={label} hint={options.hint} inputMode={options.inputMode} error={err(`rollout.${serverKey}`)} value={String(draft[name])} onChange={(value) => onChange({ [name]: value } as Partial<RolloutDraft<S>>)} />
  );
  const shownKeys = ["canaryPercentage", "percentages", "soakMinutes", "batchSize", shape.batchIntervalKey, "successThreshold", "errorThreshold", "minDevices", "deviceTimeoutMinutes"];
  return (
    <>
      <fieldset>
        <legend className="sr-only">Strategy</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {strategies.map((option) => (
            <Radio key={option.value} name={`${idPrefix}strategy`} value={option.value} checked={strategy === option.value} onChange={() => onChange({ strategy: option.value } as Partial<RolloutDraft<S>>)} label={option.label} hint={option.hint} />
          ))}
        </div>
      </fieldset>
      {strategy === "canary" || strategy === "phased" || batches ? (
        <div className="mt-3 grid gap-3 sm:grid-cols-3">
          {strategy === "canary" ? field("canaryPercentage", "canary-percentage", "Canary share (%)", "canaryPercentage", { hint: "At most 50 %; at least one device", inputMode: "decimal" }) : null}
          {strategy === "phased" ? field("percentages", "phase-percentages", "Phases (cumulative %)", "percentages", { hint: "e.g. 5, 25, 100 — the last must be 100" }) : null}
          {strategy === "canary" || strategy === "phased" ? (
            <>
              {field("soakMinutes", "soak-minutes", strategy === "canary" ? labels.soakCanary : labels.soakPhased, "soakMinutes", { inputMode: "numeric" })}
              <div className="flex items-end pb-2">
                <Check name={`${idPrefix}requireApproval`} checked={draft.requireApproval} onChange={(requireApproval) => onChange({ requireApproval } as Partial<RolloutDraft<S>>)} label="Wait for my approval" hint="before each next phase" />
              </div>
            </>
          ) : null}
          {batches ? (
            <>
              {field("batchSize", "batch-size", "Devices per batch", "batchSize", { inputMode: "numeric" })}
              {field("batchInterval", "batch-interval", "Minutes between batches", shape.batchIntervalKey, { inputMode: "numeric" })}
            </>
          ) : null}
        </div>
      ) : null}
      <div className="mt-4 grid gap-3 border-t border-stone-100 pt-3 sm:grid-cols-2">
        {field("successThreshold", "success-threshold", labels.success, "successThreshold", { hint: labels.successHint, inputMode: "decimal" })}
        {field("errorThreshold", "error-threshold", labels.error, "errorThreshold", { hint: labels.errorHint, inputMode: "decimal" })}
        {shape.minDevices ? field("minDevices", "min-devices", "Smallest phase judged (devices)", "minDevices", { hint: "The failure limit applies to phases at least this big", inputMode: "numeric" }) : null}
        {field("deviceTimeout", "device-timeout", "Device timeout (minutes)", "deviceTimeoutMinutes", { hint: labels.timeoutHint, inputMode: "numeric" })}
      </div>
      {err("rollout") && !shownKeys.some((key) => errors[`rollout.${key}`]) ? <p className="mt-2 text-sm text-red-700">{err("rollout")}</p> : null}
    </>
  );
}
