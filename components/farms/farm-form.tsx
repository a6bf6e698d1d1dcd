"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { createFarmAction, updateFarmAction } from "@/app/(app)/farms/actions";
import { Field, fieldProps, FormMessage, inputClass } from "@/components/groups/form-field";
import { useActionForm } from "@/components/groups/use-action-form";

export type FarmFormValues = {
  id?: number;
  name: string;
  code: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
  timezone: string;
  escalationIntervalMinutes: number;
  debounceMinutes: number;
  digestHour: number;
};

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

/**
 * A farm's details: a new farm (then on to its prices) or an existing one. The time zone list is
 * the server's (Intl.supportedValuesOf), so a zone picked here is one the server formats with.
 */
export function FarmForm({ values, timeZones }: { values: FarmFormValues; timeZones: readonly string[] }) {
  const editing = values.id !== undefined;
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(editing ? updateFarmAction : createFarmAction);
  const router = useRouter();
  useEffect(() => {
    if (!state?.ok) return;
    if (editing) router.refresh();
    else router.push(`/farms/${state.data.id}/edit?created=1`);
  }, [state, editing, router]);
  const zones = timeZones.includes(values.timezone) ? timeZones : [values.timezone, ...timeZones];
  const number = (id: string, name: keyof FarmFormValues, label: string, hint: string, min: number, max: number) => (
    <Field id={id} label={label} error={fieldError(name)} hint={hint}>
      <input {...fieldProps(id, fieldError(name), true)} name={name} type="number" inputMode="numeric" min={min} max={max} step={1} defaultValue={values[name] ?? ""} className={`${inputClass} tabular-nums`} />
    </Field>
  );

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      {editing ? <input type="hidden" name="farmId" value={values.id} /> : null}
      <FormMessage error={state && !state.ok ? (formError ?? "Please correct the fields marked below. Nothing was saved.") : undefined} success={state?.ok && editing ? `Saved. Dates of this farm are now shown in ${state.data.timezone}.` : null} />

      <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
        <Field id="farm-name" label="Name" error={fieldError("name")}>
          <input {...fieldProps("farm-name", fieldError("name"))} name="name" defaultValue={values.name} maxLength={120} required className={inputClass} autoComplete="off" />
        </Field>
        <Field id="farm-code" label="Code" error={fieldError("code")} hint="Unique, 1–20 letters, digits or dashes; used in imports and the API">
          <input {...fieldProps("farm-code", fieldError("code"), true)} name="code" defaultValue={values.code} maxLength={20} required className={`${inputClass} uppercase`} autoComplete="off" />
        </Field>
      </div>
      <Field id="farm-address" label="Address" error={fieldError("address")}>
        <textarea {...fieldProps("farm-address", fieldError("address"))} name="address" defaultValue={values.address} maxLength={300} rows={2} className={inputClass} />
      </Field>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-medium text-stone-800">Location (for the map; both or neither)</legend>
        <Field id="farm-latitude" label="Latitude" error={fieldError("latitude")} hint="−90 to 90, e.g. 52.0907">
          <input {...fieldProps("farm-latitude", fieldError("latitude"), true)} name="latitude" type="number" inputMode="decimal" min={-90} max={90} step="any" defaultValue={values.latitude ?? ""} className={`${inputClass} tabular-nums`} />
        </Field>
        <Field id="farm-longitude" label="Longitude" error={fieldError("longitude")} hint="−180 to 180, e.g. 5.1214">
          <input {...fieldProps("farm-longitude", fieldError("longitude"), true)} name="longitude" type="number" inputMode="decimal" min={-180} max={180} step="any" defaultValue={values.longitude ?? ""} className={`${inputClass} tabular-nums`} />
        </Field>
      </fieldset>
      <Field id="farm-timezone" label="Time zone" error={fieldError("timezone")} hint="Every date of this farm — pages, alert mails, exports — is shown in it">
        <select {...fieldProps("farm-timezone", fieldError("timezone"), true)} name="timezone" defaultValue={values.timezone} className={inputClass}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll("_", " ")}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-medium text-stone-800">Alert notifications</legend>
        {number("farm-escalation", "escalationIntervalMinutes", "Escalation after (minutes)", "A critical alert nobody acknowledges goes to the next on-call level. 1–1440", 1, 1440)}
        {number("farm-debounce", "debounceMinutes", "Debounce (minutes)", "No repeat notice for the same device and alert within this. 0–1440", 0, 1440)}
        <Field id="farm-digest" label="Daily digest at" error={fieldError("digestHour")} hint="Farm time">
          <select {...fieldProps("farm-digest", fieldError("digestHour"), true)} name="digestHour" defaultValue={values.digestHour} className={`${inputClass} tabular-nums`}>
            {HOURS.map((hour) => (
              <option key={hour} value={hour}>
                {String(hour).padStart(2, "0")}:00
              </option>
            ))}
          </select>
        </Field>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending || !ready} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {pending ? "Saving…" : editing ? "Save details" : "Create farm"}
        </button>
        <Link href={editing ? `/farms/${values.id}` : "/farms"} className="text-sm font-medium text-stone-700 hover:underline">
          {editing ? "Back to the farm" : "Cancel"}
        </Link>
      </div>
    </form>
  );
}
