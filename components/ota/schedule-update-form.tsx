"use client";

import { useState, type FormEvent } from "react";
import { scheduleUpdateAction } from "@/app/(app)/updates/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import type { FieldErrors } from "@/lib/errors";
import { Check, rolloutDraft, RolloutFields, rolloutInput, ScheduleFields, scheduleInput, TargetFields, TargetPreview, typeCount, useSchedule, useJobSubmit, useTarget, WizardStep, type InitialTarget, type RolloutShape, type StrategyOption } from "./rollout-fields";

export type { InitialTarget };

type FirmwareOption = { id: number; label: string; deviceType: string; version: string };
type Strategy = "all_at_once" | "canary" | "phased" | "emergency";

const STRATEGIES: StrategyOption<Strategy>[] = [
  { value: "all_at_once", label: "All at once", hint: "Every device is sent the update right away. For a few devices or a version already proven." },
  { value: "canary", label: "Canary", hint: "A small share first; the rest only if it goes well (after a soak time, optionally your approval)." },
  { value: "phased", label: "Phased", hint: "Widening waves, e.g. 5 %, then 25 %, then everyone; each wave must meet the success rate." },
  { value: "emergency", label: "Emergency batches", hint: "A fixed number of devices every few minutes: fast but paced, for urgent fixes.", batches: true },
];
const ROLLOUT_SHAPE: RolloutShape = { batchIntervalKey: "batchIntervalMinutes", minDevices: true };

/**
 * The update wizard as one page of numbered steps (a phone scrolls through them): devices,
 * firmware, when, how it rolls out, options. The device count is asked from the server as the
 * target changes; the server checks everything again when the job is scheduled.
 */
export function ScheduleUpdateForm({ initialTarget, firmware, groups, typeLabels }: { initialTarget: InitialTarget; firmware: FirmwareOption[]; groups: { id: number; label: string }[]; typeLabels: Record<string, string> }) {
  const choice = useTarget(initialTarget);
  const [firmwareId, setFirmwareId] = useState(firmware.length === 1 ? String(firmware[0]!.id) : "");
  const [name, setName] = useState("");
  const [schedule, changeSchedule] = useSchedule();
  const [rollout, setRollout] = useState(() => rolloutDraft<Strategy>("all_at_once", "60"));
  const [force, setForce] = useState(false);
  const [rollbackOnFailure, setRollbackOnFailure] = useState(true);
  const [notifyOnComplete, setNotifyOnComplete] = useState(true);
  const { errors, formError, submitting, refuse, send, err } = useJobSubmit();

  const chosen = firmware.find((option) => String(option.id) === firmwareId);
  const timeoutMinutes = /^\d+$/.test(rollout.deviceTimeout.trim()) ? Number(rollout.deviceTimeout) : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const local: FieldErrors = {};
    if (!choice.ready) local.target = [choice.missing];
    if (schedule.when === "later" && !schedule.scheduledLocal) local.scheduledAt = ["Pick a date and time"];
    if (Object.keys(local).length) {
      refuse(local);
      return;
    }
    const input = {
      name: name.trim() || null,
      firmwareId: firmwareId ? Number(firmwareId) : 0,
      target: choice.target,
      ...scheduleInput(schedule),
      force,
      rollbackOnFailure,
      notifyOnComplete,
      rollout: rolloutInput(rollout, STRATEGIES, ROLLOUT_SHAPE),
    };
    // The action parses the input with the same zod schema as the API; field errors come back by path.
    send(() => scheduleUpdateAction(null, input as Parameters<typeof scheduleUpdateAction>[1]));
  }

  const targetErrors = Object.entries(errors)
    .filter(([key]) => key === "target" || key.startsWith("target."))
    .flatMap(([, messages]) => messages);

  return (
    <form onSubmit={submit} noValidate className="max-w-4xl space-y-4" aria-label="Schedule a firmware update">
      <WizardStep step={1} title="Devices">
        <TargetFields choice={choice} idPrefix="" groups={groups} error={targetErrors.length === 1 ? targetErrors[0] : undefined} deviceIdsHint="Separated by commas or spaces, e.g. MM001, MM002" filterHint="The devices list's filter as in its address, e.g. type=collar&farm=1&health=warning" />
        <TargetPreview choice={choice} typeLabels={typeLabels} testId="target-preview">
          {(result) => {
            const otherTypes = chosen ? result.byType.filter((row) => row.deviceType !== chosen.deviceType) : [];
            return (
              <>
                {result.offline ? (
                  <span className="text-amber-800" data-testid="target-offline">
                    {" "}
                    · {result.offline.toLocaleString("en")} offline now —{" "}
                    {result.offline === 1 ? "it gets the update when it comes online, or fails" : "they get the update when they come online, or fail"} after the device timeout
                    {timeoutMinutes ? ` (${timeoutMinutes} min)` : ""}
                  </span>
                ) : null}
                {chosen && otherTypes.length ? (
                  <span className="block text-amber-800">
                    {chosen.version} is for {typeLabels[chosen.deviceType] ?? chosen.deviceType}s: {otherTypes.map((row) => typeCount(row, typeLabels)).join(", ")} cannot take it.
                  </span>
                ) : null}
              </>
            );
          }}
        </TargetPreview>
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
      </WizardStep>

      <WizardStep step={2} title="Firmware">
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
      </WizardStep>

      <WizardStep step={3} title="When">
        <ScheduleFields draft={schedule} onChange={changeSchedule} err={err} idPrefix="" chooseDays windowLabel="Only inside a maintenance window" windowHint="Devices are sent the update only in these hours, so nothing reboots during milking." />
      </WizardStep>

      <WizardStep step={4} title="Rollout">
        <RolloutFields
          draft={rollout}
          onChange={(patch) => setRollout((current) => ({ ...current, ...patch }))}
          strategies={STRATEGIES}
          shape={ROLLOUT_SHAPE}
          labels={{ soakCanary: "Soak time after the canary (minutes)", soakPhased: "Soak time after each phase (minutes)", success: "Success needed (%)", successHint: "A phase below it pauses the job", error: "Failures allowed (%)", errorHint: "Above it the job stops (and rolls back)", timeoutHint: "An offline or silent device counts as failed after this long" }}
          err={err}
          errors={errors}
          idPrefix=""
        />
      </WizardStep>

      <WizardStep step={5} title="Options">
        <div className="grid gap-3 sm:grid-cols-3">
          <Check name="force" checked={force} onChange={setForce} label="Force" hint="Include devices refused for their model or an older version, and re-flash devices already on it" />
          <Check name="rollbackOnFailure" checked={rollbackOnFailure} onChange={setRollbackOnFailure} label="Roll back on failure" hint="Updated devices go back to their previous version when failures exceed the threshold" />
          <Check name="notifyOnComplete" checked={notifyOnComplete} onChange={setNotifyOnComplete} label="Notify when done" />
        </div>
      </WizardStep>

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={submitting} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {submitting ? "Scheduling…" : schedule.when === "now" ? "Schedule update now" : "Schedule update"}
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
