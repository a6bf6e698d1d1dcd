"use client";

import { DEVICE_ID_PREFIX, DEVICE_TYPE_LABEL, DEVICE_TYPES, type DeviceTypeName } from "@/lib/devices/device-id";
import { DEVICE_TYPE_HINT, DeviceTypeIcon } from "./device-type-icon";

/** Step 1 (M92 selectDeviceType): one card per type, a radio group underneath for keyboards and screen readers. */
export function StepDeviceType({ value, error, onChange }: { value: DeviceTypeName | ""; error?: string; onChange: (type: DeviceTypeName) => void }) {
  return (
    <fieldset aria-describedby={error ? "wizard-deviceType-message" : undefined}>
      <legend className="mb-3 text-sm text-stone-600">What are you installing? The device id will start with the type&apos;s prefix.</legend>
      {/* Above the cards: on a phone the last card is far below the fold. */}
      {error ? (
        <p id="wizard-deviceType-message" role="alert" className="mb-3 flex items-center gap-1 text-sm text-red-700">
          <span aria-hidden>✕</span> {error}
        </p>
      ) : null}
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-3 sm:gap-3">
        {DEVICE_TYPES.map((type) => {
          const checked = value === type;
          return (
            <label
              key={type}
              className={`relative flex min-h-28 cursor-pointer flex-col items-start gap-1.5 rounded-xl border-2 p-3 transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-600 ${
                checked ? "border-brand-700 bg-brand-50" : "border-stone-200 bg-white hover:border-stone-300"
              }`}
            >
              <input type="radio" name="deviceType" value={type} checked={checked} onChange={() => onChange(type)} className="sr-only" />
              <span className={`flex h-11 w-11 items-center justify-center rounded-lg ${checked ? "bg-brand-700 text-white" : "bg-stone-100 text-brand-800"}`}>
                <DeviceTypeIcon type={type} className="h-7 w-7" />
              </span>
              <span className="text-sm leading-tight font-semibold text-stone-900">{DEVICE_TYPE_LABEL[type]}</span>
              <span className="text-xs leading-snug text-stone-500">{DEVICE_TYPE_HINT[type]}</span>
              <span className="absolute top-2.5 right-2.5 rounded bg-stone-100 px-1.5 py-0.5 font-mono text-[11px] text-stone-600">{DEVICE_ID_PREFIX[type]}</span>
              {checked ? (
                <span className="absolute right-2.5 bottom-2.5 flex h-5 w-5 items-center justify-center rounded-full bg-brand-700 text-xs text-white" aria-hidden>
                  ✓
                </span>
              ) : null}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
