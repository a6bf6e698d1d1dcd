"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { createRuleAction, updateRuleAction } from "@/app/(app)/notifications/actions";
import { Field, fieldProps, FormMessage, inputClass } from "@/components/groups/form-field";
import { useActionForm } from "@/components/groups/use-action-form";
import { ALERT_SEVERITIES, ALERT_SEVERITY_LABEL, ALERT_TYPE_LABEL, ALERT_TYPES } from "@/lib/alerts/alert-fields";

export type Option = { id: number | string; label: string; hint?: string };
export type RuleValues = {
  id?: number;
  name: string;
  groupId: number | null;
  alertTypes: string[];
  minSeverity: string;
  userIds: number[];
  channelIds: number[];
  quietStart: string | null;
  quietEnd: string | null;
  digest: boolean;
  enabled: boolean;
};

export const EMPTY_RULE: RuleValues = { name: "", groupId: null, alertTypes: [], minSeverity: "warning", userIds: [], channelIds: [], quietStart: null, quietEnd: null, digest: false, enabled: true };

/** A group of checkboxes sent under one name; the hidden blank makes "none ticked" arrive as an empty list. */
function Checkboxes({ name, legend, hint, options, checked, error, columns = "sm:grid-cols-2" }: { name: string; legend: string; hint?: string; options: Option[]; checked: (string | number)[]; error?: string; columns?: string }) {
  const id = `${name}-${legend.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <fieldset aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined} aria-invalid={error ? true : undefined}>
      <legend className="mb-1 text-sm font-medium text-stone-800">{legend}</legend>
      <input type="hidden" name={name} value="" />
      {options.length === 0 ? <p className="text-sm text-stone-500">None available.</p> : null}
      <div className={`grid gap-x-4 gap-y-1 ${columns}`}>
        {options.map((option) => (
          <label key={option.id} className="flex min-h-9 items-center gap-2 text-sm text-stone-800">
            <input type="checkbox" name={name} value={option.id} defaultChecked={checked.map(String).includes(String(option.id))} className="h-4 w-4 rounded border-stone-300" />
            <span>
              {option.label}
              {option.hint ? <span className="text-stone-500"> · {option.hint}</span> : null}
            </span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-stone-500">
          {hint}
        </p>
      ) : null}
    </fieldset>
  );
}

/** Sent as "false" unless ticked (the hidden input comes first; the last value wins). */
function Switch({ name, label, hint, defaultChecked }: { name: string; label: string; hint?: string; defaultChecked: boolean }) {
  return (
    <label className="flex items-start gap-2 text-sm text-stone-800">
      <input type="hidden" name={name} value="false" />
      <input type="checkbox" name={name} value="true" defaultChecked={defaultChecked} className="mt-0.5 h-4 w-4 rounded border-stone-300" />
      <span>
        {label}
        {hint ? <span className="block text-xs text-stone-500">{hint}</span> : null}
      </span>
    </label>
  );
}

const TYPE_OPTIONS: Option[] = ALERT_TYPES.map((type) => ({ id: type, label: ALERT_TYPE_LABEL[type] }));

/** A new rule (`farmId`) or an existing one (`values.id`): every field, errors beside each. */
export function RuleForm({ farmId, values, people, channels, groups, onDone }: { farmId: number; values: RuleValues; people: Option[]; channels: Option[]; groups: Option[]; onDone?: () => void }) {
  const editing = values.id !== undefined;
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(editing ? updateRuleAction : createRuleAction);
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) {
      if (!editing) form.current?.reset();
      router.refresh();
      onDone?.();
    }
  }, [state, router, editing, onDone]);
  const prefix = editing ? `rule-${values.id}` : "rule-new";
  const typeError = Object.entries(state && !state.ok ? (state.fieldErrors ?? {}) : {}).find(([key]) => key.startsWith("alertTypes"))?.[1]?.[0];
  return (
    <form ref={form} onSubmit={onSubmit} noValidate className="space-y-4" aria-label={editing ? `Edit rule ${values.name}` : "New rule"}>
      {editing ? <input type="hidden" name="id" value={values.id} /> : <input type="hidden" name="farmId" value={farmId} />}
      <FormMessage error={state && !state.ok ? (formError ?? "Please correct the fields marked below. Nothing was saved.") : undefined} success={state?.ok ? `Rule “${state.data.name}” saved.` : null} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id={`${prefix}-name`} label="Name" error={fieldError("name")}>
          <input {...fieldProps(`${prefix}-name`, fieldError("name"))} name="name" defaultValue={values.name} maxLength={120} className={inputClass} placeholder="Critical to the manager" />
        </Field>
        <Field id={`${prefix}-group`} label="Devices" error={fieldError("groupId")} hint="The whole farm, or one group and its sub-groups">
          <select {...fieldProps(`${prefix}-group`, fieldError("groupId"), true)} name="groupId" defaultValue={values.groupId ?? ""} className={inputClass}>
            <option value="">Whole farm</option>
            {groups.map((group) => (
              <option key={group.id} value={group.id}>
                {group.label}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${prefix}-severity`} label="From severity" error={fieldError("minSeverity")} hint="This severity and higher">
          <select {...fieldProps(`${prefix}-severity`, fieldError("minSeverity"), true)} name="minSeverity" defaultValue={values.minSeverity} className={inputClass}>
            {[...ALERT_SEVERITIES].reverse().map((severity) => (
              <option key={severity} value={severity}>
                {ALERT_SEVERITY_LABEL[severity]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <details className="rounded-lg border border-stone-200 p-3" open={values.alertTypes.length > 0 || Boolean(typeError)}>
        <summary className="cursor-pointer text-sm font-medium text-stone-800">Alert types {values.alertTypes.length ? `(${values.alertTypes.length})` : "(every type)"}</summary>
        <div className="mt-2">
          <Checkboxes
            name="alertTypes"
            legend="Only these types"
            hint="None ticked: every type."
            options={TYPE_OPTIONS}
            checked={values.alertTypes}
            error={typeError}
            columns="sm:grid-cols-2 lg:grid-cols-3"
          />
        </div>
      </details>
      <div className="grid gap-4 md:grid-cols-2">
        <Checkboxes name="userIds" legend="People" hint="Each gets it by e-mail and in the app, as their own notification settings say." options={people} checked={values.userIds} error={fieldError("userIds")} columns="" />
        <Checkboxes name="channelIds" legend="Channels" hint="This farm's and shared ones." options={channels} checked={values.channelIds} error={fieldError("channelIds")} columns="" />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id={`${prefix}-quiet-start`} label="Quiet hours from" error={fieldError("quietStart")} hint="Farm time; blank = none">
          <input {...fieldProps(`${prefix}-quiet-start`, fieldError("quietStart"), true)} name="quietStart" type="time" defaultValue={values.quietStart ?? ""} className={inputClass} />
        </Field>
        <Field id={`${prefix}-quiet-end`} label="Quiet hours until" error={fieldError("quietEnd")} hint="Critical alerts are never held">
          <input {...fieldProps(`${prefix}-quiet-end`, fieldError("quietEnd"), true)} name="quietEnd" type="time" defaultValue={values.quietEnd ?? ""} className={inputClass} />
        </Field>
        <div className="space-y-2 pt-1">
          <Switch name="digest" label="Daily digest" hint="Non-critical ones in one mail a day" defaultChecked={values.digest} />
          <Switch name="enabled" label="Enabled" defaultChecked={values.enabled} />
        </div>
      </div>
      <button type="submit" disabled={pending || !ready} className="min-h-10 rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
        {pending ? "Saving…" : editing ? "Save rule" : "Add rule"}
      </button>
    </form>
  );
}
