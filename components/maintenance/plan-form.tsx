"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useMemo, useState, useSyncExternalStore, type FormEvent } from "react";
import { createPlanAction, updatePlanAction } from "@/app/(app)/maintenance/plans/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import { DEVICE_TYPE_LABEL, DEVICE_TYPES, type DeviceTypeName } from "@/lib/devices/device-id";
import { maintenanceDefault } from "@/lib/maintenance/maintenance-defaults";
import { MAINTENANCE_SCOPE_LABEL, MAINTENANCE_SCOPES, MAINTENANCE_TYPE_LABEL, MAINTENANCE_TYPES, RECURRENCE_UNITS, type MaintenanceScopeName, type MaintenanceTypeName, type RecurrenceUnitName } from "@/lib/maintenance/maintenance-fields";
import { datesBetween, rhythmLabel } from "@/lib/maintenance/recurrence";
import { shortDay } from "./calendar-dates";

export type PlanFormOptions = {
  farms: { id: number; name: string; code: string }[];
  groups: { id: number; label: string; farmId: number; deviceTypeFilter: string | null }[];
  devices: { deviceId: string; name: string; deviceType: DeviceTypeName; farmId: number }[];
  /** Who may do the work: people of the farm (or of every farm) with maintenance.write. */
  people: { id: number; name: string; farmId: number | null; role: string }[];
};

export type PlanFormValues = {
  id?: number;
  name: string;
  maintenanceType: MaintenanceTypeName;
  scope: MaintenanceScopeName;
  farmId: number | null;
  device: string;
  groupId: number | null;
  deviceType: DeviceTypeName | "";
  everyCount: number | null;
  everyUnit: RecurrenceUnitName | null;
  startsOn: string;
  endsOn: string;
  assigneeId: number | null;
  description: string;
  durationMinutes: number | null;
  useMaintenanceMode: boolean;
};

const noSubscription = () => () => {};
const PREVIEW = 5;

const addYears = (day: string, years: number) => `${Number(day.slice(0, 4)) + years}${day.slice(4)}`;

/**
 * Planning maintenance: what, on which devices (one, a group, or a type — only the farm's), once
 * or every N days/weeks/months, who does it. Choosing the type of work and the devices fills in
 * the type's usual rhythm, time and description, unless the planner typed their own; the next
 * dates show as the rhythm changes. The server checks it all again and answers per field.
 */
export function PlanForm({ values, options, today, farmLocked }: { values: PlanFormValues; options: PlanFormOptions; today: string; farmLocked: boolean }) {
  const editing = values.id !== undefined;
  const router = useRouter();
  const action = useMemo(() => (editing ? updatePlanAction.bind(null, values.id!) : createPlanAction), [editing, values.id]);
  const [state, dispatch, pending] = useActionState(action, null);
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);

  const [farmId, setFarmId] = useState(values.farmId ? String(values.farmId) : options.farms.length === 1 ? String(options.farms[0]!.id) : "");
  const [scope, setScope] = useState<MaintenanceScopeName>(values.scope);
  const [device, setDevice] = useState(values.device);
  const [groupId, setGroupId] = useState(values.groupId ? String(values.groupId) : "");
  const [deviceType, setDeviceType] = useState<string>(values.deviceType);
  const [maintenanceType, setMaintenanceType] = useState<MaintenanceTypeName>(values.maintenanceType);
  // What the planner typed is theirs (non-null); until then these follow the type's defaults.
  const [ownRhythm, setOwnRhythm] = useState<{ recurring: boolean; count: string; unit: RecurrenceUnitName } | null>(
    editing ? { recurring: values.everyCount !== null, count: values.everyCount ? String(values.everyCount) : "1", unit: values.everyUnit ?? "months" } : null,
  );
  const [startsOn, setStartsOn] = useState(values.startsOn);
  const [endsOn, setEndsOn] = useState(values.endsOn);
  const [ownDuration, setOwnDuration] = useState<string | null>(editing ? (values.durationMinutes === null ? "" : String(values.durationMinutes)) : null);
  const [ownDescription, setOwnDescription] = useState<string | null>(editing ? values.description : null);
  const [ownName, setOwnName] = useState<string | null>(editing ? values.name : null);
  const [assigneeId, setAssigneeId] = useState(values.assigneeId ? String(values.assigneeId) : "");

  const farm = Number(farmId) || null;
  const farmDevices = options.devices.filter((row) => row.farmId === farm);
  const farmGroups = options.groups.filter((row) => row.farmId === farm);
  const farmPeople = options.people.filter((person) => person.farmId === null || person.farmId === farm);
  const chosenDevice = farmDevices.find((row) => row.deviceId === device.trim().toUpperCase());
  const chosenGroup = farmGroups.find((row) => String(row.id) === groupId);

  /** The device type the work is for, when the devices chosen say it. */
  const typeOfDevices: DeviceTypeName | null =
    scope === "device" ? (chosenDevice?.deviceType ?? null) : scope === "group" ? ((chosenGroup?.deviceTypeFilter as DeviceTypeName | null) ?? ((deviceType as DeviceTypeName) || null)) : ((deviceType as DeviceTypeName) || null);
  /** A type plan names its type; a group plan may narrow a mixed group to one type (the parlour's meters). */
  const askType = scope === "device_type" || (scope === "group" && !chosenGroup?.deviceTypeFilter);
  const typical = typeOfDevices ? maintenanceDefault(typeOfDevices, maintenanceType) : null;
  const scopeName = scope === "device" ? (chosenDevice ? `${chosenDevice.deviceId} ${chosenDevice.name}` : "") : scope === "group" ? (chosenGroup?.label.trim() ?? "") : typeOfDevices ? DEVICE_TYPE_LABEL[typeOfDevices] : "";

  const rhythm = ownRhythm ?? (typical ? { recurring: true, count: String(typical.everyCount), unit: typical.everyUnit } : { recurring: false, count: "1", unit: "months" as RecurrenceUnitName });
  const { recurring, count: everyCount, unit: everyUnit } = rhythm;
  const setRhythm = (change: Partial<typeof rhythm>) => setOwnRhythm({ ...rhythm, ...change });
  const duration = ownDuration ?? (typical ? String(typical.durationMinutes) : "");
  const description = ownDescription ?? typical?.description ?? "";
  const name = ownName ?? (scopeName ? `${MAINTENANCE_TYPE_LABEL[maintenanceType]} — ${scopeName}`.slice(0, 120) : "");

  useEffect(() => {
    if (state?.ok) router.push(`/maintenance/plans/${state.data.id}?saved=1`);
  }, [state, router]);

  // At most a handful of dates: cheap enough to work out on every keystroke.
  const preview = (() => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(startsOn)) return null;
    const count = Number(everyCount);
    if (recurring && !(Number.isInteger(count) && count >= 1 && count <= 366)) return null;
    const plan = {
      startsOn: new Date(`${startsOn}T00:00:00Z`),
      endsOn: /^\d{4}-\d{2}-\d{2}$/.test(endsOn) ? new Date(`${endsOn}T00:00:00Z`) : null,
      everyCount: recurring ? count : null,
      everyUnit: recurring ? everyUnit : null,
    };
    if (Number.isNaN(plan.startsOn.getTime())) return null;
    const from = startsOn > today ? startsOn : today;
    return { rhythm: rhythmLabel(plan), dates: datesBetween(plan, new Date(`${from}T00:00:00Z`), new Date(`${addYears(from, 10)}T00:00:00Z`), PREVIEW) };
  })();

  const error = (field: string) => (state && !state.ok ? state.fieldErrors?.[field]?.[0] : undefined);
  const formError = state && !state.ok ? (Object.keys(state.fieldErrors ?? {}).length ? "Please correct the fields marked below." : state.error) : undefined;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData();
    data.set("name", name);
    data.set("maintenanceType", maintenanceType);
    data.set("description", description);
    data.set("everyCount", recurring ? everyCount : "");
    data.set("everyUnit", recurring ? everyUnit : "");
    data.set("startsOn", startsOn);
    data.set("endsOn", endsOn);
    data.set("assigneeId", assigneeId);
    data.set("durationMinutes", duration);
    const mode = (event.currentTarget.elements.namedItem("useMaintenanceMode") as HTMLInputElement | null)?.checked ?? true;
    data.set("useMaintenanceMode", mode ? "true" : "false");
    if (!editing) {
      data.set("scope", scope);
      data.set("farmId", farmId);
      if (scope === "device") data.set("device", device);
      if (scope === "group") data.set("groupId", groupId);
      if (askType) data.set("deviceType", deviceType);
    }
    startTransition(() => dispatch(data));
  };

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label={editing ? "Change the plan" : "Plan maintenance"}>
      {formError ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {formError}
        </p>
      ) : null}

      <fieldset className="rounded-lg border border-stone-200 p-4">
        <legend className="px-1 text-sm font-semibold text-stone-700">What and where</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="plan-type" label="Type of work" error={error("maintenanceType")}>
            <select {...fieldProps("plan-type", error("maintenanceType"))} value={maintenanceType} onChange={(event) => setMaintenanceType(event.target.value as MaintenanceTypeName)} className={inputClass}>
              {MAINTENANCE_TYPES.map((type) => (
                <option key={type} value={type}>
                  {MAINTENANCE_TYPE_LABEL[type]}
                </option>
              ))}
            </select>
          </Field>
          {!farmLocked && options.farms.length > 1 ? (
            <Field id="plan-farm" label="Farm" error={error("farmId")}>
              <select {...fieldProps("plan-farm", error("farmId"))} value={farmId} disabled={editing} onChange={(event) => setFarmId(event.target.value)} className={inputClass}>
                <option value="">Choose a farm</option>
                {options.farms.map((row) => (
                  <option key={row.id} value={row.id}>
                    {row.name} ({row.code})
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <div>
              <p className="mb-1 text-sm font-medium text-stone-800">Farm</p>
              <p className="py-2 text-sm text-stone-700">{options.farms.find((row) => row.id === farm)?.name ?? "—"}</p>
            </div>
          )}
        </div>

        <fieldset className="mt-4" disabled={editing}>
          <legend className="mb-1 text-sm font-medium text-stone-800">Devices {editing ? <span className="font-normal text-stone-500">(a plan keeps its devices; make a new plan for others)</span> : null}</legend>
          <div className="flex flex-wrap gap-2">
            {MAINTENANCE_SCOPES.map((option) => (
              <label key={option} className={`flex min-h-10 cursor-pointer items-center gap-2 rounded-md border px-3 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-600 ${scope === option ? "border-brand-600 bg-brand-50 text-brand-900" : "border-stone-300 bg-white"}`}>
                <input type="radio" name="scope-choice" value={option} checked={scope === option} onChange={() => setScope(option)} className="h-4 w-4" />
                {MAINTENANCE_SCOPE_LABEL[option]}
              </label>
            ))}
          </div>
          {error("scope") ? <p className="mt-1 text-sm text-red-700">{error("scope")}</p> : null}
          <div className="mt-3 grid gap-4 sm:grid-cols-2">
            {scope === "device" ? (
              <Field id="plan-device" label="Device" error={error("device")} hint={chosenDevice ? `${chosenDevice.name} · ${DEVICE_TYPE_LABEL[chosenDevice.deviceType]}` : farm ? "Type or pick the device id (e.g. MM001)." : "Choose the farm first."}>
                <input
                  {...fieldProps("plan-device", error("device"), true)}
                  value={device}
                  onChange={(event) => setDevice(event.target.value)}
                  list="plan-device-options"
                  autoComplete="off"
                  autoCapitalize="characters"
                  placeholder="MM001"
                  className={`${inputClass} font-mono uppercase placeholder:normal-case`}
                />
                <datalist id="plan-device-options">
                  {farmDevices.map((row) => (
                    <option key={row.deviceId} value={row.deviceId}>
                      {row.name}
                    </option>
                  ))}
                </datalist>
              </Field>
            ) : null}
            {scope === "group" ? (
              <Field id="plan-group" label="Group" error={error("groupId")} hint="Its subgroups too; a device added to the group later is in the next occurrence.">
                <select {...fieldProps("plan-group", error("groupId"), true)} value={groupId} onChange={(event) => setGroupId(event.target.value)} className={inputClass}>
                  <option value="">{farm ? "Choose a group" : "Choose the farm first"}</option>
                  {farmGroups.map((group) => (
                    <option key={group.id} value={group.id}>
                      {group.label}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
            {askType ? (
              <Field
                id="plan-device-type"
                label={scope === "group" ? "Only devices of type (optional)" : "Device type"}
                error={error("deviceType")}
                hint={scope === "group" ? "Blank: every device of the group." : "Every device of this type on the farm."}
              >
                <select {...fieldProps("plan-device-type", error("deviceType"), true)} value={deviceType} onChange={(event) => setDeviceType(event.target.value)} className={inputClass}>
                  <option value="">{scope === "group" ? "Every type" : "Choose a type"}</option>
                  {DEVICE_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {DEVICE_TYPE_LABEL[type]}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
          </div>
        </fieldset>
        {typical && !editing ? (
          <p className="mt-3 rounded-md bg-stone-50 px-3 py-2 text-xs text-stone-600" data-testid="plan-defaults">
            Usual for {DEVICE_TYPE_LABEL[typeOfDevices!].toLowerCase()}: {MAINTENANCE_TYPE_LABEL[maintenanceType].toLowerCase()} {rhythmLabel(typical)}, about {typical.durationMinutes} min. Filled in below where you have not typed your own.
          </p>
        ) : null}
      </fieldset>

      <fieldset className="rounded-lg border border-stone-200 p-4">
        <legend className="px-1 text-sm font-semibold text-stone-700">When</legend>
        <div className="flex flex-wrap gap-2">
          {[false, true].map((option) => (
            <label key={String(option)} className={`flex min-h-10 cursor-pointer items-center gap-2 rounded-md border px-3 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-600 ${recurring === option ? "border-brand-600 bg-brand-50 text-brand-900" : "border-stone-300 bg-white"}`}>
              <input
                type="radio"
                name="recurring-choice"
                checked={recurring === option}
                onChange={() => setRhythm({ recurring: option })}
                className="h-4 w-4"
              />
              {option ? "Repeats" : "Once"}
            </label>
          ))}
        </div>
        <div className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {recurring ? (
            <div className="sm:col-span-2">
              <p className="mb-1 text-sm font-medium text-stone-800" id="plan-every-label">
                Every
              </p>
              <div className="flex gap-2" role="group" aria-labelledby="plan-every-label">
                <input
                  {...fieldProps("plan-every-count", error("everyCount"))}
                  aria-label="How many"
                  value={everyCount}
                  onChange={(event) => setRhythm({ count: event.target.value })}
                  inputMode="numeric"
                  className={`${inputClass} w-24`}
                />
                <select
                  {...fieldProps("plan-every-unit", error("everyUnit"))}
                  aria-label="Unit"
                  value={everyUnit}
                  onChange={(event) => setRhythm({ unit: event.target.value as RecurrenceUnitName })}
                  className={inputClass}
                >
                  {RECURRENCE_UNITS.map((unit) => (
                    <option key={unit} value={unit}>
                      {unit}
                    </option>
                  ))}
                </select>
              </div>
              {error("everyCount") || error("everyUnit") ? (
                <p id={error("everyCount") ? "plan-every-count-error" : "plan-every-unit-error"} className="mt-1 text-sm text-red-700">
                  {error("everyCount") ?? error("everyUnit")}
                </p>
              ) : null}
            </div>
          ) : null}
          <Field id="plan-starts" label={recurring ? "First date" : "Date"} error={error("startsOn")}>
            <input {...fieldProps("plan-starts", error("startsOn"))} type="date" value={startsOn} onChange={(event) => setStartsOn(event.target.value)} className={inputClass} />
          </Field>
          {recurring ? (
            <Field id="plan-ends" label="Until (optional)" error={error("endsOn")}>
              <input {...fieldProps("plan-ends", error("endsOn"))} type="date" value={endsOn} onChange={(event) => setEndsOn(event.target.value)} className={inputClass} />
            </Field>
          ) : null}
        </div>
        <div className="mt-3 text-sm" aria-live="polite" data-testid="plan-preview">
          {preview ? (
            preview.dates.length ? (
              <p className="text-stone-700">
                <span className="font-medium">{preview.dates.length === 1 && !recurring ? "On" : `Next dates (${preview.rhythm})`}:</span> {preview.dates.map((date) => shortDay(date) + " " + date.getUTCFullYear()).join(" · ")}
                {recurring && preview.dates.length === PREVIEW ? " …" : ""}
              </p>
            ) : (
              <p className="text-amber-800">No date left from today on: the plan would make no work.</p>
            )
          ) : (
            <p className="text-stone-500">Enter the date{recurring ? " and the rhythm" : ""} to see when the work falls.</p>
          )}
        </div>
      </fieldset>

      <fieldset className="rounded-lg border border-stone-200 p-4">
        <legend className="px-1 text-sm font-semibold text-stone-700">Who and how</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="plan-name" label="Name" error={error("name")} hint="What the calendar and lists call it.">
            <input
              {...fieldProps("plan-name", error("name"), true)}
              value={name}
              onChange={(event) => setOwnName(event.target.value)}
              maxLength={120}
              className={inputClass}
              autoComplete="off"
            />
          </Field>
          <Field id="plan-assignee" label="Assigned to" error={error("assigneeId")} hint="People of the farm who do maintenance.">
            <select {...fieldProps("plan-assignee", error("assigneeId"), true)} value={assigneeId} onChange={(event) => setAssigneeId(event.target.value)} className={inputClass}>
              <option value="">Nobody yet</option>
              {farmPeople.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name} ({person.role})
                </option>
              ))}
            </select>
          </Field>
          <Field id="plan-duration" label="Expected time per device (minutes)" error={error("durationMinutes")}>
            <input
              {...fieldProps("plan-duration", error("durationMinutes"))}
              value={duration}
              onChange={(event) => setOwnDuration(event.target.value)}
              inputMode="numeric"
              className={inputClass}
            />
          </Field>
          <div className="flex items-end">
            <label className="flex min-h-10 items-start gap-2 text-sm text-stone-800">
              <input type="checkbox" name="useMaintenanceMode" defaultChecked={values.useMaintenanceMode} className="mt-0.5 h-4 w-4" />
              <span>
                Put the device in maintenance mode while working
                <span className="block text-xs text-stone-500">Health alerts pause from Start to finish.</span>
              </span>
            </label>
          </div>
          <div className="sm:col-span-2">
            <Field id="plan-description" label="Description" error={error("description")}>
              <textarea
                {...fieldProps("plan-description", error("description"))}
                value={description}
                onChange={(event) => setOwnDescription(event.target.value)}
                rows={3}
                className={inputClass}
              />
            </Field>
          </div>
        </div>
      </fieldset>

      <div className="flex flex-wrap items-center gap-3 border-t border-stone-100 pt-4">
        <button type="submit" disabled={pending || !ready} className="min-h-11 rounded-md bg-brand-700 px-5 font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {pending ? "Saving…" : editing ? "Save changes" : "Create plan"}
        </button>
        <Link href={editing ? `/maintenance/plans/${values.id}` : "/maintenance/plans"} className="rounded-md border border-stone-300 bg-white px-4 py-2 text-sm hover:bg-stone-50">
          Cancel
        </Link>
      </div>
    </form>
  );
}
