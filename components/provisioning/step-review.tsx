"use client";

import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { DeviceTypeIcon } from "./device-type-icon";
import type { StepNumber, WizardValues } from "./wizard-values";

type Row = { label: string; value: string; mono?: boolean };

/** Step 4: everything typed, by step, each with a way back to change it. */
export function StepReview({ values, farmName, onEdit }: { values: WizardValues; farmName: string; onEdit: (step: StepNumber) => void }) {
  const sections: { title: string; step: StepNumber; rows: Row[] }[] = [
    { title: "Device information", step: 2, rows: [
      { label: "Name", value: values.name },
      { label: "Device ID", value: values.deviceId, mono: true },
      { label: "Farm", value: farmName },
    ] },
    { title: "Hardware", step: 3, rows: [
      { label: "Manufacturer", value: values.manufacturer },
      { label: "Model", value: values.model },
      { label: "Serial number", value: values.serialNumber, mono: true },
      { label: "MAC address", value: values.macAddress.toUpperCase(), mono: true },
      { label: "Location", value: values.locationDescription },
      { label: "Map pin", value: values.latitude && values.longitude ? `${values.latitude}, ${values.longitude}` : "" },
    ] },
  ];
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-3 rounded-xl border border-stone-200 bg-stone-50 p-3">
        <div className="flex items-center gap-3">
          {values.deviceType ? (
            <span className="flex h-11 w-11 shrink-0 items-center justify-center rounded-lg bg-brand-700 text-white">
              <DeviceTypeIcon type={values.deviceType} className="h-7 w-7" />
            </span>
          ) : null}
          <div>
            <p className="text-xs tracking-wide text-stone-500 uppercase">Device type</p>
            <p className="font-semibold text-stone-900">{values.deviceType ? DEVICE_TYPE_LABEL[values.deviceType] : "—"}</p>
          </div>
        </div>
        <EditButton label="device type" onClick={() => onEdit(1)} />
      </div>
      {sections.map((section) => (
        <section key={section.title} className="rounded-xl border border-stone-200 p-3" aria-label={section.title}>
          <div className="mb-2 flex items-center justify-between gap-3">
            <h3 className="text-sm font-semibold text-stone-800">{section.title}</h3>
            <EditButton label={section.title.toLowerCase()} onClick={() => onEdit(section.step)} />
          </div>
          <dl className="grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-3 gap-y-1.5 text-sm">
            {section.rows.map((row) => (
              <div key={row.label} className="contents">
                <dt className="text-stone-500">{row.label}</dt>
                <dd className={`min-w-0 break-words text-stone-900 ${row.mono && row.value ? "font-mono" : ""}`}>{row.value || <span className="text-stone-500">—</span>}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <p className="text-sm text-stone-600">
        Creating the device issues its MQTT credentials. The password is shown <strong>once</strong> on the next screen: have the device or a safe place ready.
      </p>
    </div>
  );
}

function EditButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" onClick={onClick} className="min-h-10 rounded-md px-3 text-sm font-medium text-brand-700 hover:bg-brand-50" aria-label={`Edit ${label}`}>
      Edit
    </button>
  );
}
