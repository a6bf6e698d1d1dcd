"use client";

import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState, useTransition, type FormEvent, type ReactNode } from "react";
import { previewTargetAction, scheduleUpdateAction } from "@/app/(app)/updates/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import type { FieldErrors } from "@/lib/errors";
import type { UpdateTargetPreview } from "@/lib/ota/update-job-views";

export type InitialTarget = { mode: "devices"; deviceIds: string } | { mode: "group"; groupId: string } | { mode: "filter"; filter: string };

type FirmwareOption = { id: number; label: string; deviceType: string; version: string };
type Strategy = "all_at_once" | "canary" | "phased" | "emergency";

const WEEKDAYS = [
  ["mon", "Mon"],
  ["tue", "Tue"],
  ["wed", "Wed"],
  ["thu", "Thu"],
  ["fri", "Fri"],
  ["sat", "Sat"],
  ["sun", "Sun"],
] as const;

const STRATEGIES: { value: Strategy; label: string; hint: string }[] = [
  { value: "all_at_once", label: "All at once", hint: "Every device is sent the update right away. For a few devices or a version already proven." },
  { value: "canary", label: "Canary", hint: "A small share first; the rest only if it goes well (after a soak time, optionally your approval)." },
  { value: "phased", label: "Phased", hint: "Widening waves, e.g. 5 %, then 25 %, then everyone; each wave must meet the success rate." },
  { value: "emergency", label: "Emergency batches", hint: "A fixed number of devices every few minutes: fast but paced, for urgent fixes." },
];

/** "MM001, MM002 mm003" → ["MM001", "MM002", "MM003"] */
const idList = (text: string) => [...new Set(text.split(/[\s,;]+/).map((id) => id.trim().toUpperCase()).filter(Boolean))];

/** A filter typed as the devices list's URL query ("type=collar&farm=1") as the object the server parses. */
function filterObject(query: string): Record<string, unknown> {
  const params = new URLSearchParams(query.trim().replace(/^\?/, ""));
  const object: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    object[key] = values.length > 1 ? values : values[0];
  }
  return object;
}

/** A number field's value for the server: a number when it is one, else the text (the server says what is wrong). */
const numeric = (text: string) => (text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text);

function firstError(errors: FieldErrors, prefix: string): string | undefined {
  const key = Object.keys(errors).find((name) => name === prefix || name.startsWith(`${prefix}.`));
  return key ? errors[key]![0] : undefined;
}

function Section({ step, title, children }: { step: number; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`step-${step}`} className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <h2 id={`step-${step}`} className="mb-3 flex items-center gap-2 text-sm font-semibold text-stone-800">
        <span aria-hidden className="inline-flex size-6 items-center justify-center rounded-full bg-brand-700 text-xs text-white">
          {step}
        </span>
        {title}
      </h2>
      {children}
    </section>
  );
}

function Radio({ name, value, checked, onChange, label, hint }: { name: string; value: string; checked: boolean; onChange: (value: string) => void; label: string; hint?: string }) {
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

function Check({ name, checked, onChange, label, hint }: { name: string; checked: boolean; onChange: (checked: boolean) => void; label: string; hint?: string }) {
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

/**
 * The update wizard as one page of numbered steps (a phone scrolls through them): devices,
 * firmware, when, how it rolls out, options. The device count is asked from the server as the
 * target changes; the server checks everything again when the job is scheduled.
 */
export function ScheduleUpdateForm({ initialTarget, firmware, groups, typeLabels }: { initialTarget: InitialTarget; firmware: FirmwareOption[]; groups: { id: number; label: string }[]; typeLabels: Record<string, string> }) {
  const router = useRouter();
  const [mode, setMode] = useState<InitialTarget["mode"]>(initialTarget.mode);
  const [deviceIds, setDeviceIds] = useState(initialTarget.mode === "devices" ? initialTarget.deviceIds : "");
  const [groupId, setGroupId] = useState(initialTarget.mode === "group" ? initialTarget.groupId : "");
  const [filter, setFilter] = useState(initialTarget.mode === "filter" ? initialTarget.filter : "");
  const [firmwareId, setFirmwareId] = useState(firmware.length === 1 ? String(firmware[0]!.id) : "");
  const [name, setName] = useState("");
  const [when, setWhen] = useState<"now" | "later">("now");
  const [scheduledLocal, setScheduledLocal] = useState("");
  const [windowOn, setWindowOn] = useState(false);
  const [windowStart, setWindowStart] = useState("02:00");
  const [windowEnd, setWindowEnd] = useState("06:00");
  const [days, setDays] = useState<string[]>(WEEKDAYS.map(([day]) => day));
  const [timeZone, setTimeZone] = useState("UTC");
  const [force, setForce] = useState(false);
  const [rollbackOnFailure, setRollbackOnFailure] = useState(true);
  const [notifyOnComplete, setNotifyOnComplete] = useState(true);
  const [strategy, setStrategy] = useState<Strategy>("all_at_once");
  const [canaryPercentage, setCanaryPercentage] = useState("5");
  const [percentages, setPercentages] = useState("5, 25, 100");
  const [soakMinutes, setSoakMinutes] = useState("60");
  const [requireApproval, setRequireApproval] = useState(false);
  const [batchSize, setBatchSize] = useState("100");
  const [batchInterval, setBatchInterval] = useState("5");
  const [successThreshold, setSuccessThreshold] = useState("80");
  const [errorThreshold, setErrorThreshold] = useState("20");
  const [minDevices, setMinDevices] = useState("10");
  const [deviceTimeout, setDeviceTimeout] = useState("30");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ key: string; result: UpdateTargetPreview | null; error: string | null } | null>(null);
  const [submitting, startSubmit] = useTransition();

  // The browser's zone is the likeliest farm clock; set after mounting so the server's render matches.
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      const timer = setTimeout(() => setTimeZone((current) => (current === "UTC" ? zone : current)), 0);
      return () => clearTimeout(timer);
    }
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
      setPreview(result.ok ? { key: targetKey, result: result.data, error: null } : { key: targetKey, result: null, error: [result.error, ...Object.values(result.fieldErrors ?? {}).flat()].join(" ") });
    }, 400);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [targetKey, targetReady]);

  const chosen = firmware.find((option) => String(option.id) === firmwareId);
  const shownPreview = targetReady && preview?.key === targetKey ? preview : null;
  const typeCount = (row: { deviceType: string; count: number }) => `${row.count} ${typeLabels[row.deviceType] ?? row.deviceType}${row.count === 1 ? "" : "s"}`;
  const otherTypes = chosen && shownPreview?.result ? shownPreview.result.byType.filter((row) => row.deviceType !== chosen.deviceType) : [];
  const timeoutMinutes = /^\d+$/.test(deviceTimeout.trim()) ? Number(deviceTimeout) : null;

  function rollout() {
    const thresholds = { successThreshold: numeric(successThreshold), errorThreshold: numeric(errorThreshold), minDevices: numeric(minDevices), deviceTimeoutMinutes: numeric(deviceTimeout) };
    switch (strategy) {
      case "all_at_once":
        return { strategy, ...thresholds };
      case "canary":
        return { strategy, canaryPercentage: numeric(canaryPercentage), soakMinutes: numeric(soakMinutes), requireApproval, ...thresholds };
      case "phased":
        return { strategy, percentages: percentages.split(/[\s,;%]+/).filter(Boolean).map(numeric), soakMinutes: numeric(soakMinutes), requireApproval, ...thresholds };
      case "emergency":
        return { strategy, batchSize: numeric(batchSize), batchIntervalMinutes: numeric(batchInterval), ...thresholds };
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const local: FieldErrors = {};
    if (!targetReady) local.target = [mode === "group" ? "Pick a group" : "Enter at least one device id"];
    if (when === "later" && !scheduledLocal) local.scheduledAt = ["Pick a date and time"];
    if (Object.keys(local).length) {
      setErrors(local);
      setFormError("Please correct the highlighted fields.");
      return;
    }
    setErrors({});
    setFormError(null);
    const input = {
      name: name.trim() || null,
      firmwareId: firmwareId ? Number(firmwareId) : 0,
      target,
      scheduledAt: when === "later" ? new Date(scheduledLocal).toISOString() : null,
      maintenanceWindow: windowOn ? { start: windowStart, end: windowEnd, days, timeZone } : null,
      force,
      rollbackOnFailure,
      notifyOnComplete,
      rollout: rollout(),
    };
    startSubmit(async () => {
      // The action parses the input with the same zod schema as the API; field errors come back by path.
      const result = await scheduleUpdateAction(null, input as Parameters<typeof scheduleUpdateAction>[1]);
      if (result.ok) {
        router.push(`/updates/${result.data.jobId}`);
        return;
      }
      setErrors(result.fieldErrors ?? {});
      setFormError(result.error);
    });
  }

  const err = (prefix: string) => firstError(errors, prefix);
  const targetErrors = Object.entries(errors)
    .filter(([key]) => key === "target" || key.startsWith("target."))
    .flatMap(([, messages]) => messages);
  const soakLabel = strategy === "canary" ? "Soak time after the canary (minutes)" : "Soak time after each phase (minutes)";

  return (
    <form onSubmit={submit} noValidate className="max-w-4xl space-y-4" aria-label="Schedule a firmware update">
      <Section step={1} title="Devices">
        <fieldset className="mb-3">
          <legend className="sr-only">Choose devices by</legend>
          <div className="grid gap-2 sm:grid-cols-3">
            <Radio name="targetMode" value="devices" checked={mode === "devices"} onChange={() => setMode("devices")} label="By device id" hint="One or a few devices" />
            <Radio name="targetMode" value="group" checked={mode === "group"} onChange={() => setMode("group")} label="By group" hint="With its sub-groups" />
            <Radio name="targetMode" value="filter" checked={mode === "filter"} onChange={() => setMode("filter")} label="By device list filter" hint="As in the Devices list" />
          </div>
        </fieldset>
        {mode === "devices" ? (
          <Field id="target-devices" label="Device ids" hint="Separated by commas or spaces, e.g. MM001, MM002" error={targetErrors[0] && targetErrors.length === 1 ? targetErrors[0] : undefined}>
            <textarea {...fieldProps("target-devices", targetErrors.length === 1 ? targetErrors[0] : undefined, true)} rows={2} value={deviceIds} onChange={(event) => setDeviceIds(event.target.value)} className={`${inputClass} font-mono`} autoCapitalize="characters" spellCheck={false} />
          </Field>
        ) : mode === "group" ? (
          <Field id="target-group" label="Group" error={targetErrors.length === 1 ? targetErrors[0] : undefined}>
            <select {...fieldProps("target-group", targetErrors.length === 1 ? targetErrors[0] : undefined)} value={groupId} onChange={(event) => setGroupId(event.target.value)} className={inputClass}>
              <option value="">Choose a group…</option>
              {groups.map((group) => (
                <option key={group.id} value={group.id}>
                  {group.label}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <Field id="target-filter" label="Filter" hint="The devices list's filter as in its address, e.g. type=collar&farm=1&health=warning" error={targetErrors.length === 1 ? targetErrors[0] : undefined}>
            <input {...fieldProps("target-filter", targetErrors.length === 1 ? targetErrors[0] : undefined, true)} value={filter} onChange={(event) => setFilter(event.target.value)} className={`${inputClass} font-mono`} spellCheck={false} />
          </Field>
        )}
        <div className="mt-2 text-sm" aria-live="polite" data-testid="target-preview">
          {!targetReady ? null : !shownPreview ? (
            <span className="text-stone-500">Counting devices…</span>
          ) : shownPreview.error ? (
            <span className="text-red-700">{shownPreview.error}</span>
          ) : shownPreview.result ? (
            <>
              <span className={shownPreview.result.count ? "font-medium text-stone-900" : "font-medium text-red-700"}>
                {shownPreview.result.count.toLocaleString("en")} {shownPreview.result.count === 1 ? "device matches" : "devices match"}
              </span>
              {shownPreview.result.byType.length ? <span className="text-stone-600">: {shownPreview.result.byType.map(typeCount).join(", ")}</span> : null}
              {shownPreview.result.offline ? (
                <span className="text-amber-800" data-testid="target-offline">
                  {" "}
                  · {shownPreview.result.offline.toLocaleString("en")} offline now —{" "}
                  {shownPreview.result.offline === 1 ? "it gets the update when it comes online, or fails" : "they get the update when they come online, or fail"} after the device timeout
                  {timeoutMinutes ? ` (${timeoutMinutes} min)` : ""}
                </span>
              ) : null}
              {shownPreview.result.missing.length ? <span className="block text-red-700">Not found, retired or not on your farm: {shownPreview.result.missing.join(", ")}</span> : null}
              {otherTypes.length ? (
                <span className="block text-amber-800">
                  {chosen!.version} is for {typeLabels[chosen!.deviceType] ?? chosen!.deviceType}s: {otherTypes.map(typeCount).join(", ")} cannot take it.
                </span>
              ) : null}
            </>
          ) : null}
        </div>
        {targetErrors.length > 1 ? (
          <div role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" id="target-errors">
            <p className="font-medium">{formError}</p>
            <ul className="mt-1 list-disc pl-5 text-xs">
              {targetErrors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
            {!force ? <p className="mt-1 text-xs">Devices refused for their model or version can be included with “Force” under step 5 (never another device type).</p> : null}
          </div>
        ) : null}
      </Section>

      <Section step={2} title="Firmware">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="firmware" label="Firmware version" hint="Testing and stable versions with a binary" error={err("firmwareId")}>
            <select {...fieldProps("firmware", err("firmwareId"), true)} value={firmwareId} onChange={(event) => setFirmwareId(event.target.value)} className={inputClass}>
              <option value="">Choose a version…</option>
              {firmware.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          </Field>
          <Field id="job-name" label="Job name (optional)" hint="Default: the version and the number of devices" error={err("name")}>
            <input {...fieldProps("job-name", err("name"), true)} value={name} onChange={(event) => setName(event.target.value)} maxLength={200} className={inputClass} />
          </Field>
        </div>
      </Section>

      <Section step={3} title="When">
        <fieldset>
          <legend className="sr-only">Start</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            <Radio name="when" value="now" checked={when === "now"} onChange={() => setWhen("now")} label="Now" hint="Within seconds (inside the maintenance window, if you set one)" />
            <Radio name="when" value="later" checked={when === "later"} onChange={() => setWhen("later")} label="At a date and time" />
          </div>
        </fieldset>
        {when === "later" ? (
          <div className="mt-3 max-w-xs">
            <Field id="scheduled-at" label="Start at (your local time)" error={err("scheduledAt")}>
              <input {...fieldProps("scheduled-at", err("scheduledAt"))} type="datetime-local" value={scheduledLocal} onChange={(event) => setScheduledLocal(event.target.value)} className={inputClass} />
            </Field>
          </div>
        ) : null}
        <div className="mt-4 border-t border-stone-100 pt-3">
          <Check name="windowOn" checked={windowOn} onChange={setWindowOn} label="Only inside a maintenance window" hint="Devices are sent the update only in these hours, so nothing reboots during milking." />
          {windowOn ? (
            <div className="mt-3 grid gap-3 sm:grid-cols-4">
              <Field id="window-start" label="From" error={err("maintenanceWindow.start")}>
                <input {...fieldProps("window-start", err("maintenanceWindow.start"))} type="time" value={windowStart} onChange={(event) => setWindowStart(event.target.value)} className={inputClass} />
              </Field>
              <Field id="window-end" label="Until" error={err("maintenanceWindow.end")}>
                <input {...fieldProps("window-end", err("maintenanceWindow.end"))} type="time" value={windowEnd} onChange={(event) => setWindowEnd(event.target.value)} className={inputClass} />
              </Field>
              <div className="sm:col-span-2">
                <Field id="window-zone" label="Time zone" hint="e.g. Europe/Amsterdam" error={err("maintenanceWindow.timeZone")}>
                  <input {...fieldProps("window-zone", err("maintenanceWindow.timeZone"), true)} value={timeZone} onChange={(event) => setTimeZone(event.target.value)} className={inputClass} spellCheck={false} />
                </Field>
              </div>
              <fieldset className="sm:col-span-4">
                <legend className="mb-1 text-sm font-medium text-stone-800">Days</legend>
                <div className="flex flex-wrap gap-1.5">
                  {WEEKDAYS.map(([day, label]) => (
                    <label key={day} className={`flex cursor-pointer items-center gap-1.5 rounded-md border px-2.5 py-1.5 text-sm ${days.includes(day) ? "border-brand-600 bg-brand-50" : "border-stone-300"}`}>
                      <input type="checkbox" checked={days.includes(day)} onChange={(event) => setDays((current) => (event.target.checked ? WEEKDAYS.map(([d]) => d).filter((d) => d === day || current.includes(d)) : current.filter((d) => d !== day)))} className="size-4" />
                      {label}
                    </label>
                  ))}
                </div>
                {err("maintenanceWindow.days") ? <p className="mt-1 text-sm text-red-700">{err("maintenanceWindow.days")}</p> : null}
              </fieldset>
            </div>
          ) : null}
        </div>
      </Section>

      <Section step={4} title="Rollout">
        <fieldset>
          <legend className="sr-only">Strategy</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {STRATEGIES.map((option) => (
              <Radio key={option.value} name="strategy" value={option.value} checked={strategy === option.value} onChange={(value) => setStrategy(value as Strategy)} label={option.label} hint={option.hint} />
            ))}
          </div>
        </fieldset>
        {strategy !== "all_at_once" ? (
          <div className="mt-3 grid gap-3 sm:grid-cols-3">
            {strategy === "canary" ? (
              <Field id="canary-percentage" label="Canary share (%)" hint="At most 50 %; at least one device" error={err("rollout.canaryPercentage")}>
                <input {...fieldProps("canary-percentage", err("rollout.canaryPercentage"), true)} inputMode="decimal" value={canaryPercentage} onChange={(event) => setCanaryPercentage(event.target.value)} className={inputClass} />
              </Field>
            ) : null}
            {strategy === "phased" ? (
              <Field id="phase-percentages" label="Phases (cumulative %)" hint="e.g. 5, 25, 100 — the last must be 100" error={err("rollout.percentages")}>
                <input {...fieldProps("phase-percentages", err("rollout.percentages"), true)} value={percentages} onChange={(event) => setPercentages(event.target.value)} className={inputClass} />
              </Field>
            ) : null}
            {strategy === "canary" || strategy === "phased" ? (
              <>
                <Field id="soak-minutes" label={soakLabel} error={err("rollout.soakMinutes")}>
                  <input {...fieldProps("soak-minutes", err("rollout.soakMinutes"))} inputMode="numeric" value={soakMinutes} onChange={(event) => setSoakMinutes(event.target.value)} className={inputClass} />
                </Field>
                <div className="flex items-end pb-2">
                  <Check name="requireApproval" checked={requireApproval} onChange={setRequireApproval} label="Wait for my approval" hint="before each next phase" />
                </div>
              </>
            ) : null}
            {strategy === "emergency" ? (
              <>
                <Field id="batch-size" label="Devices per batch" error={err("rollout.batchSize")}>
                  <input {...fieldProps("batch-size", err("rollout.batchSize"))} inputMode="numeric" value={batchSize} onChange={(event) => setBatchSize(event.target.value)} className={inputClass} />
                </Field>
                <Field id="batch-interval" label="Minutes between batches" error={err("rollout.batchIntervalMinutes")}>
                  <input {...fieldProps("batch-interval", err("rollout.batchIntervalMinutes"))} inputMode="numeric" value={batchInterval} onChange={(event) => setBatchInterval(event.target.value)} className={inputClass} />
                </Field>
              </>
            ) : null}
          </div>
        ) : null}
        <div className="mt-4 grid gap-3 border-t border-stone-100 pt-3 sm:grid-cols-2">
          <Field id="success-threshold" label="Success needed (%)" hint="A phase below it pauses the job" error={err("rollout.successThreshold")}>
            <input {...fieldProps("success-threshold", err("rollout.successThreshold"), true)} inputMode="decimal" value={successThreshold} onChange={(event) => setSuccessThreshold(event.target.value)} className={inputClass} />
          </Field>
          <Field id="error-threshold" label="Failures allowed (%)" hint="Above it the job stops (and rolls back)" error={err("rollout.errorThreshold")}>
            <input {...fieldProps("error-threshold", err("rollout.errorThreshold"), true)} inputMode="decimal" value={errorThreshold} onChange={(event) => setErrorThreshold(event.target.value)} className={inputClass} />
          </Field>
          <Field id="min-devices" label="Smallest phase judged (devices)" hint="The failure limit applies to phases at least this big" error={err("rollout.minDevices")}>
            <input {...fieldProps("min-devices", err("rollout.minDevices"), true)} inputMode="numeric" value={minDevices} onChange={(event) => setMinDevices(event.target.value)} className={inputClass} />
          </Field>
          <Field id="device-timeout" label="Device timeout (minutes)" hint="An offline or silent device counts as failed after this long" error={err("rollout.deviceTimeoutMinutes")}>
            <input {...fieldProps("device-timeout", err("rollout.deviceTimeoutMinutes"), true)} inputMode="numeric" value={deviceTimeout} onChange={(event) => setDeviceTimeout(event.target.value)} className={inputClass} />
          </Field>
        </div>
        {err("rollout") && !["canaryPercentage", "percentages", "soakMinutes", "batchSize", "batchIntervalMinutes", "successThreshold", "errorThreshold", "minDevices", "deviceTimeoutMinutes"].some((key) => errors[`rollout.${key}`]) ? <p className="mt-2 text-sm text-red-700">{err("rollout")}</p> : null}
      </Section>

      <Section step={5} title="Options">
        <div className="grid gap-3 sm:grid-cols-3">
          <Check name="force" checked={force} onChange={setForce} label="Force" hint="Include devices refused for their model or an older version, and re-flash devices already on it" />
          <Check name="rollbackOnFailure" checked={rollbackOnFailure} onChange={setRollbackOnFailure} label="Roll back on failure" hint="Updated devices go back to their previous version when failures exceed the threshold" />
          <Check name="notifyOnComplete" checked={notifyOnComplete} onChange={setNotifyOnComplete} label="Notify when done" />
        </div>
      </Section>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={submitting} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {submitting ? "Scheduling…" : when === "now" ? "Schedule update now" : "Schedule update"}
        </button>
        {formError && targetErrors.length <= 1 ? (
          <p role="alert" className="text-sm text-red-700">
            {formError}
          </p>
        ) : null}
      </div>
    </form>
  );
}
