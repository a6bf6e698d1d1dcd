"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useId, useMemo, useRef, useState, startTransition, type ReactNode } from "react";
import { updateDeviceAction } from "@/app/(app)/devices/[deviceId]/actions";
import { TagChip } from "@/components/ui/tag-chip";
import {
  CALIBRATION_LABEL,
  CALIBRATION_STATUSES,
  CONNECTION_TYPE_LABEL,
  CONNECTION_TYPES,
  DEVICE_STATE_LABEL,
  POWER_SOURCE_LABEL,
  POWER_SOURCES,
  type DeviceStateName,
} from "@/lib/devices/device-fields";
import type { DeviceTypeName } from "@/lib/devices/device-id";
import { groupRefusal } from "@/lib/groups/group-rules";

/** Every editable field of deviceUpdateSchema as the inputs hold it: text, ids as strings, dates as YYYY-MM-DD. */
export type DeviceFormValues = {
  name: string;
  farmId: string;
  state: DeviceStateName;
  manufacturer: string;
  model: string;
  serialNumber: string;
  macAddress: string;
  hardwareVersion: string;
  locationDescription: string;
  latitude: string;
  longitude: string;
  powerSource: string;
  lowBatteryThreshold: string;
  connectionType: string;
  ssid: string;
  healthCheckInterval: string;
  calibrationStatus: string;
  lastCalibration: string;
  groupId: string;
  tagIds: number[];
  maintenanceNotes: string;
  nextMaintenanceDate: string;
  purchaseDate: string;
  warrantyEnd: string;
  unitCost: string;
};

export type GroupOption = { id: number; label: string; farmId: number | null; deviceTypeFilter: DeviceTypeName | null; name: string };

type Props = {
  device: { deviceId: string; deviceType: DeviceTypeName; farmId: number };
  values: DeviceFormValues;
  stateOptions: DeviceStateName[];
  farms: { id: number; name: string }[];
  groups: GroupOption[];
  tags: { id: number; name: string; color: number }[];
};

type Errors = Record<string, string[]> | undefined;

/** The first message for a field; zod names list items "tagIds.0", so those count for "tagIds". */
function messageFor(errors: Errors, name: string): string | undefined {
  if (!errors) return undefined;
  if (errors[name]?.length) return errors[name][0];
  const nested = Object.keys(errors).find((key) => key.startsWith(`${name}.`));
  return nested ? errors[nested]?.[0] : undefined;
}

const INPUT = "w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-1 aria-[invalid=true]:ring-red-500";

export function DeviceEditForm({ device, values, stateOptions, farms, groups, tags }: Props) {
  const router = useRouter();
  const action = useMemo(() => updateDeviceAction.bind(null, device.deviceId), [device.deviceId]);
  const [state, formAction, pending] = useActionState(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const error = (name: string) => messageFor(errors, name);

  const [farmId, setFarmId] = useState(values.farmId);
  const [groupId, setGroupId] = useState(values.groupId);
  const [groupCleared, setGroupCleared] = useState(false);
  // Stored as a moment, edited as a day: sent only when changed, so saving other fields does not
  // move a calibration logged at 14:32 to midnight.
  const [lastCalibration, setLastCalibration] = useState(values.lastCalibration);

  const fits = (group: GroupOption, farm: string) => groupRefusal(group, { deviceId: device.deviceId, deviceType: device.deviceType, farmId: Number(farm) }) === null;
  const groupChoices = groups.filter((group) => fits(group, farmId) || (String(group.id) === values.groupId && farmId === values.farmId));

  useEffect(() => {
    if (state?.ok) router.push(`/devices/${device.deviceId}?saved=1`);
    else if (state && !state.ok) formRef.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  }, [state, router, device.deviceId]);

  const onFarmChange = (next: string) => {
    setFarmId(next);
    const current = groups.find((group) => String(group.id) === groupId);
    const keeps = !current || fits(current, next) || (next === values.farmId && groupId === values.groupId);
    setGroupCleared(!keeps);
    if (!keeps) setGroupId("");
  };

  const generalError = state && !state.ok ? (errors?._?.[0] ?? state.error) : undefined;

  return (
    <form
      ref={formRef}
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        // Submitting through a transition instead of `action=` keeps what the person typed when
        // the server refuses it (React resets a form after an `action=` submission).
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => formAction(data));
      }}
    >
      {generalError ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {generalError}
        </p>
      ) : null}

      <Section title="Identity & hardware" note={`Device ID ${device.deviceId} and its type are fixed once registered.`}>
        <TextField name="name" label="Name" defaultValue={values.name} error={error("name")} required maxLength={120} />
        <TextField name="manufacturer" label="Manufacturer" defaultValue={values.manufacturer} error={error("manufacturer")} maxLength={120} />
        <TextField name="model" label="Model" defaultValue={values.model} error={error("model")} maxLength={120} />
        <TextField name="serialNumber" label="Serial number" defaultValue={values.serialNumber} error={error("serialNumber")} maxLength={50} />
        <TextField name="macAddress" label="MAC address" defaultValue={values.macAddress} error={error("macAddress")} placeholder="AA:BB:CC:DD:EE:FF" maxLength={17} />
        <TextField name="hardwareVersion" label="Hardware version" defaultValue={values.hardwareVersion} error={error("hardwareVersion")} maxLength={20} />
      </Section>

      <Section title="Lifecycle & farm">
        <FieldShell name="state" label="Status" error={error("state")} hint="Maintenance mode and retirement are switched from the device page.">
          {(props) => (
            <select {...props} defaultValue={values.state} className={INPUT}>
              {stateOptions.map((option) => (
                <option key={option} value={option}>
                  {DEVICE_STATE_LABEL[option]}
                </option>
              ))}
            </select>
          )}
        </FieldShell>
        <FieldShell name="farmId" label="Farm" error={error("farmId")} hint={farms.length === 1 ? "You can only use your own farm." : undefined}>
          {(props) => (
            <select {...props} value={farmId} onChange={(event) => onFarmChange(event.target.value)} className={INPUT}>
              {farms.map((farm) => (
                <option key={farm.id} value={farm.id}>
                  {farm.name}
                </option>
              ))}
            </select>
          )}
        </FieldShell>
      </Section>

      <Section title="Group & tags">
        <FieldShell name="groupId" label="Group" error={error("groupId")} hint={groupCleared ? "The group was cleared: it belongs to the farm the device leaves." : "Only groups that can hold this device are offered."}>
          {(props) => (
            <select {...props} value={groupId} onChange={(event) => setGroupId(event.target.value)} className={INPUT}>
              <option value="">No group</option>
              {groupChoices.map((group) => (
                <option key={group.id} value={group.id}>
                  {group.label}
                </option>
              ))}
            </select>
          )}
        </FieldShell>
        <TagChoices tags={tags} selected={values.tagIds} error={error("tagIds")} />
      </Section>

      <Section title="Health & calibration">
        <TextField name="healthCheckInterval" label="Health check interval (seconds)" defaultValue={values.healthCheckInterval} error={error("healthCheckInterval")} inputMode="numeric" hint="10 to 86,400. Blank: the group's interval." />
        <FieldShell name="calibrationStatus" label="Calibration" error={error("calibrationStatus")}>
          {(props) => (
            <select {...props} defaultValue={values.calibrationStatus} className={INPUT}>
              {CALIBRATION_STATUSES.map((option) => (
                <option key={option} value={option}>
                  {CALIBRATION_LABEL[option]}
                </option>
              ))}
            </select>
          )}
        </FieldShell>
        <FieldShell name="lastCalibration" label="Last calibration" error={error("lastCalibration")}>
          {(props) => <input {...props} name={lastCalibration !== values.lastCalibration ? "lastCalibration" : undefined} type="date" value={lastCalibration} onChange={(event) => setLastCalibration(event.target.value)} className={INPUT} />}
        </FieldShell>
      </Section>

      <Section title="Battery & power">
        <FieldShell name="powerSource" label="Power source" error={error("powerSource")}>
          {(props) => (
            <select {...props} defaultValue={values.powerSource} className={INPUT}>
              {POWER_SOURCES.map((option) => (
                <option key={option} value={option}>
                  {POWER_SOURCE_LABEL[option]}
                </option>
              ))}
            </select>
          )}
        </FieldShell>
        <TextField name="lowBatteryThreshold" label="Low battery threshold (%)" defaultValue={values.lowBatteryThreshold} error={error("lowBatteryThreshold")} inputMode="decimal" hint="Below it the device needs attention (M92). Blank keeps the current value." />
      </Section>

      <Section title="Signal & connectivity">
        <FieldShell name="connectionType" label="Connection type" error={error("connectionType")}>
          {(props) => (
            <select {...props} defaultValue={values.connectionType} className={INPUT}>
              <option value="">Not set</option>
              {CONNECTION_TYPES.map((option) => (
                <option key={option} value={option}>
                  {CONNECTION_TYPE_LABEL[option]}
                </option>
              ))}
            </select>
          )}
        </FieldShell>
        <TextField name="ssid" label="WiFi SSID" defaultValue={values.ssid} error={error("ssid")} maxLength={64} />
      </Section>

      <Section title="Maintenance" note="Maintenance mode is switched on and off from the device page.">
        <TextField name="nextMaintenanceDate" label="Next maintenance" type="date" defaultValue={values.nextMaintenanceDate} error={error("nextMaintenanceDate")} />
        <FieldShell name="maintenanceNotes" label="Maintenance notes" error={error("maintenanceNotes")} wide>
          {(props) => <textarea {...props} defaultValue={values.maintenanceNotes} rows={3} maxLength={2000} className={INPUT} />}
        </FieldShell>
      </Section>

      <Section title="Inventory & warranty">
        <TextField name="purchaseDate" label="Purchase date" type="date" defaultValue={values.purchaseDate} error={error("purchaseDate")} />
        <TextField name="warrantyEnd" label="Warranty end" type="date" defaultValue={values.warrantyEnd} error={error("warrantyEnd")} />
        <TextField name="unitCost" label="Unit cost" defaultValue={values.unitCost} error={error("unitCost")} inputMode="decimal" />
      </Section>

      <Section title="Location">
        <TextField name="locationDescription" label="Location" defaultValue={values.locationDescription} error={error("locationDescription")} maxLength={200} wide placeholder="e.g. Milking parlour, stall 4" />
        <TextField name="latitude" label="Latitude" defaultValue={values.latitude} error={error("latitude")} inputMode="decimal" hint="−90 to 90, e.g. 52.09071" />
        <TextField name="longitude" label="Longitude" defaultValue={values.longitude} error={error("longitude")} inputMode="decimal" hint="−180 to 180, e.g. 5.12142" />
      </Section>

      <div className="sticky bottom-0 -mx-3 flex flex-wrap items-center gap-2 border-t border-stone-200 bg-stone-50/95 px-3 py-3 backdrop-blur sm:static sm:mx-0 sm:border-0 sm:bg-transparent sm:px-0">
        <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {pending ? "Saving…" : "Save changes"}
        </button>
        <Link href={`/devices/${device.deviceId}`} className="rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
          Cancel
        </Link>
      </div>
    </form>
  );
}

function Section({ title, note, children }: { title: string; note?: string; children: ReactNode }) {
  return (
    <fieldset className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <legend className="px-1 text-sm font-semibold text-stone-700">{title}</legend>
      {note ? <p className="mb-3 text-xs text-stone-500">{note}</p> : null}
      <div className="grid gap-4 sm:grid-cols-2">{children}</div>
    </fieldset>
  );
}

type ControlProps = { id: string; name: string; "aria-invalid": boolean; "aria-describedby": string | undefined };

/** A label, the control, a hint, and the server's message right beside the field. */
function FieldShell({ name, label, error, hint, wide, children }: { name: string; label: string; error?: string; hint?: string; wide?: boolean; children: (props: ControlProps) => ReactNode }) {
  const id = `${useId()}-${name}`;
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={wide ? "sm:col-span-2" : undefined}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-stone-800">
        {label}
      </label>
      {children({ id, name, "aria-invalid": Boolean(error), "aria-describedby": described })}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-stone-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function TextField({
  name,
  label,
  defaultValue,
  error,
  hint,
  wide,
  type = "text",
  ...input
}: {
  name: string;
  label: string;
  defaultValue: string;
  error?: string;
  hint?: string;
  wide?: boolean;
  type?: "text" | "date";
  required?: boolean;
  maxLength?: number;
  placeholder?: string;
  inputMode?: "numeric" | "decimal";
}) {
  return (
    <FieldShell name={name} label={label} error={error} hint={hint} wide={wide}>
      {(props) => <input {...props} {...input} type={type} defaultValue={defaultValue} className={INPUT} />}
    </FieldShell>
  );
}

/** Tags as checkboxes; the hidden empty value lets "no tags" be saved (an unticked box sends nothing). */
function TagChoices({ tags, selected, error }: { tags: { id: number; name: string; color: number }[]; selected: number[]; error?: string }) {
  const id = useId();
  return (
    <fieldset className="sm:col-span-2" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="mb-1 text-sm font-medium text-stone-800">Tags</legend>
      <input type="hidden" name="tagIds" value="" />
      {tags.length === 0 ? (
        <p className="text-sm text-stone-500">No tags exist yet.</p>
      ) : (
        <div className="flex flex-wrap gap-x-4 gap-y-2">
          {tags.map((tag) => (
            <label key={tag.id} className="inline-flex items-center gap-2 text-sm">
              <input type="checkbox" name="tagIds" value={tag.id} defaultChecked={selected.includes(tag.id)} className="h-4 w-4 accent-brand-700" />
              <TagChip name={tag.name} color={tag.color} />
            </label>
          ))}
        </div>
      )}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
