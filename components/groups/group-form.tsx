"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { createGroupAction, updateGroupAction } from "@/app/(app)/groups/actions";
import { ColorSwatchPicker } from "@/components/tags/color-swatch-picker";
import { DEVICE_TYPE_LABEL, DEVICE_TYPES } from "@/lib/devices/device-id";
import { HEALTH_CHECK_INTERVAL } from "@/lib/groups/group-schemas";
import { Field, fieldProps, inputClass } from "./form-field";
import { useActionForm } from "./use-action-form";

export type ParentOption = { id: number; label: string; depth: number; farmId: number | null };

export type GroupFormValues = {
  id?: number;
  name: string;
  code: string;
  description: string;
  farmId: number | null;
  parentId: number | null;
  deviceTypeFilter: string;
  healthCheckInterval: number;
  offlineAlertThreshold: number;
  sequence: number;
  color: number;
  active: boolean;
};

type Props = {
  values: GroupFormValues;
  farms: { id: number; code: string; name: string }[];
  /** Admins may make cross-farm groups; farm-bound managers only their farm's. */
  allowCrossFarm: boolean;
  /** Already without the group itself and its descendants (a group cannot sit under them). */
  parents: ParentOption[];
};

export function GroupForm({ values, farms, allowCrossFarm, parents }: Props) {
  const editing = values.id !== undefined;
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(editing ? updateGroupAction : createGroupAction);
  const router = useRouter();
  const [farmId, setFarmId] = useState(values.farmId === null ? "" : String(values.farmId));
  const [parentId, setParentId] = useState(values.parentId === null ? "" : String(values.parentId));

  useEffect(() => {
    if (state?.ok) router.push("/groups");
  }, [state, router]);

  // Offer only parents that accept the chosen farm: its own groups and the cross-farm ones.
  const fits = (parent: ParentOption, farm: string) => parent.farmId === null || String(parent.farmId) === farm;
  const fittingParents = parents.filter((parent) => fits(parent, farmId));
  const chooseFarm = (farm: string) => {
    setFarmId(farm);
    if (!parents.some((parent) => String(parent.id) === parentId && fits(parent, farm))) setParentId("");
  };

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      {editing ? <input type="hidden" name="id" value={values.id} /> : null}
      {state && !state.ok ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {formError ?? "Please correct the fields marked below."}
        </p>
      ) : null}

      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="group-name" label="Name" error={fieldError("name")}>
          <input {...fieldProps("group-name", fieldError("name"))} name="name" defaultValue={values.name} placeholder="e.g. Milking parlour" className={inputClass} autoComplete="off" />
        </Field>
        <Field id="group-code" label="Code" error={fieldError("code")} hint="Unique; letters, digits, - and _ (stored in capitals).">
          <input {...fieldProps("group-code", fieldError("code"), true)} name="code" defaultValue={values.code} placeholder="e.g. GVD-PARLOUR" className={`${inputClass} font-mono uppercase placeholder:normal-case`} autoComplete="off" autoCapitalize="characters" />
        </Field>

        <Field id="group-farm" label="Farm" error={fieldError("farmId")} hint={allowCrossFarm ? "A cross-farm group holds devices of every farm." : undefined}>
          <select {...fieldProps("group-farm", fieldError("farmId"), allowCrossFarm)} name="farmId" value={farmId} onChange={(event) => chooseFarm(event.target.value)} className={inputClass}>
            {allowCrossFarm ? <option value="">Cross-farm (every farm)</option> : null}
            {farms.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name} ({option.code})
              </option>
            ))}
          </select>
        </Field>
        <Field id="group-parent" label="Parent group" error={fieldError("parentId")} hint="A farm's group sits under a group of the same farm or a cross-farm group.">
          <select {...fieldProps("group-parent", fieldError("parentId"), true)} name="parentId" value={parentId} onChange={(event) => setParentId(event.target.value)} className={inputClass}>
            <option value="">None (top level)</option>
            {fittingParents.map((parent) => (
              <option key={parent.id} value={parent.id}>
                {`${"\u00a0\u00a0".repeat(parent.depth)}${parent.depth ? "└ " : ""}${parent.label}`}
              </option>
            ))}
          </select>
        </Field>

        <Field id="group-type" label="Device type filter" error={fieldError("deviceTypeFilter")} hint="Only devices of this type may join the group.">
          <select {...fieldProps("group-type", fieldError("deviceTypeFilter"), true)} name="deviceTypeFilter" defaultValue={values.deviceTypeFilter} className={inputClass}>
            <option value="">All types</option>
            {DEVICE_TYPES.map((type) => (
              <option key={type} value={type}>
                {DEVICE_TYPE_LABEL[type]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="group-sequence" label="Sequence" error={fieldError("sequence")} hint="Lower numbers are listed first among their siblings.">
          <input {...fieldProps("group-sequence", fieldError("sequence"), true)} name="sequence" type="number" inputMode="numeric" min={0} defaultValue={values.sequence} className={inputClass} />
        </Field>
      </div>

      <fieldset className="rounded-lg border border-stone-200 p-4">
        <legend className="px-1 text-sm font-semibold text-stone-700">Group settings</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="group-interval" label="Health-check interval (seconds)" error={fieldError("healthCheckInterval")} hint={`How often the group's devices are checked: ${HEALTH_CHECK_INTERVAL.min} s to ${HEALTH_CHECK_INTERVAL.max.toLocaleString("en")} s (a day).`}>
            <input {...fieldProps("group-interval", fieldError("healthCheckInterval"), true)} name="healthCheckInterval" type="number" inputMode="numeric" min={HEALTH_CHECK_INTERVAL.min} max={HEALTH_CHECK_INTERVAL.max} defaultValue={values.healthCheckInterval} className={inputClass} />
          </Field>
          <Field id="group-threshold" label="Offline alert threshold (devices)" error={fieldError("offlineAlertThreshold")} hint="This many devices offline at once raise a group alert.">
            <input {...fieldProps("group-threshold", fieldError("offlineAlertThreshold"), true)} name="offlineAlertThreshold" type="number" inputMode="numeric" min={1} defaultValue={values.offlineAlertThreshold} className={inputClass} />
          </Field>
        </div>
      </fieldset>

      <ColorSwatchPicker idPrefix="group-color" defaultValue={values.color} error={fieldError("color")} />

      <Field id="group-description" label="Description" error={fieldError("description")}>
        <textarea {...fieldProps("group-description", fieldError("description"))} name="description" rows={3} defaultValue={values.description} className={inputClass} />
      </Field>

      {editing ? (
        <Field id="group-active" label="Status" error={fieldError("active")} hint="Devices cannot be added to an archived group; the ones in it stay.">
          <select {...fieldProps("group-active", fieldError("active"), true)} name="active" defaultValue={values.active ? "true" : "false"} className={inputClass}>
            <option value="true">Active</option>
            <option value="false">Archived</option>
          </select>
        </Field>
      ) : null}

      <div className="flex flex-wrap items-center gap-3 border-t border-stone-100 pt-4">
        <button type="submit" disabled={pending || !ready} className="rounded-md bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {pending ? "Saving…" : editing ? "Save changes" : "Create group"}
        </button>
        <Link href="/groups" className="rounded-md border border-stone-300 bg-white px-4 py-2 text-sm hover:bg-stone-50">
          Cancel
        </Link>
      </div>
    </form>
  );
}
