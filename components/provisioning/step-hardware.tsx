"use client";

import { useState } from "react";
import { MAC_PATTERN } from "@/lib/devices/device-schemas";
import { controlProps, INPUT, SECONDARY_BUTTON, WizardField } from "./wizard-field";
import type { WizardErrors, WizardValues } from "./wizard-values";

type HardwareField = "manufacturer" | "model" | "serialNumber" | "macAddress" | "locationDescription" | "latitude" | "longitude";

type Props = {
  values: WizardValues;
  errors: WizardErrors;
  onChange: (field: HardwareField, value: string) => void;
  onMacBlur: () => void;
};

const MAC_MESSAGE = "MAC address format: six pairs of hex digits, e.g. AA:BB:CC:DD:EE:FF";

/** Step 3: what is printed on the device, and where it hangs. Everything optional, the MAC checked as typed. */
export function StepHardware({ values, errors, onChange, onMacBlur }: Props) {
  const [locating, setLocating] = useState(false);
  const [locationNote, setLocationNote] = useState<{ text: string; error: boolean } | null>(null);

  // Live: a MAC that already has 17 characters (or more) and is not one, is wrong now.
  const macLive = !errors.macAddress && values.macAddress.length >= 17 && !MAC_PATTERN.test(values.macAddress) ? MAC_MESSAGE : undefined;
  const macError = errors.macAddress ?? macLive;

  const useMyLocation = () => {
    if (!("geolocation" in navigator)) {
      setLocationNote({ text: "This browser cannot tell the location. Type the coordinates, or leave them empty.", error: true });
      return;
    }
    setLocating(true);
    setLocationNote(null);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        onChange("latitude", position.coords.latitude.toFixed(6));
        onChange("longitude", position.coords.longitude.toFixed(6));
        setLocationNote({ text: `Location set (accurate to about ${Math.round(position.coords.accuracy)} m).`, error: false });
      },
      (failure) => {
        setLocating(false);
        const why = failure.code === failure.PERMISSION_DENIED ? "Location permission was refused" : failure.code === failure.TIMEOUT ? "The location took too long" : "The location is not available";
        setLocationNote({ text: `${why}. Type the coordinates, or leave them empty.`, error: true });
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  const text = (field: HardwareField, label: string, options: { placeholder?: string; maxLength: number; mono?: boolean; autoCapitalize?: string }) => (
    <WizardField id={`wizard-${field}`} label={label} optional message={errors[field]} tone="error">
      <input
        {...controlProps(`wizard-${field}`, errors[field] ? "error" : undefined, errors[field])}
        className={`${INPUT} ${options.mono ? "font-mono" : ""}`}
        value={values[field]}
        onChange={(event) => onChange(field, event.target.value)}
        maxLength={options.maxLength}
        autoComplete="off"
        autoCapitalize={options.autoCapitalize}
        spellCheck={false}
        placeholder={options.placeholder}
      />
    </WizardField>
  );

  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        {text("manufacturer", "Manufacturer", { maxLength: 120, placeholder: "e.g. DeLaval" })}
        {text("model", "Model", { maxLength: 120, placeholder: "e.g. MM27BC" })}
        {text("serialNumber", "Serial number", { maxLength: 50, mono: true, placeholder: "As printed on the device", autoCapitalize: "characters" })}
        <WizardField id="wizard-macAddress" label="MAC address" optional message={macError ?? "Six pairs of hex digits, e.g. AA:BB:CC:DD:EE:FF"} tone={macError ? "error" : "hint"}>
          <input
            {...controlProps("wizard-macAddress", macError ? "error" : "hint", true)}
            className={`${INPUT} font-mono uppercase`}
            value={values.macAddress}
            onChange={(event) => onChange("macAddress", event.target.value)}
            onBlur={onMacBlur}
            maxLength={17}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder="AA:BB:CC:DD:EE:FF"
          />
        </WizardField>
      </div>

      <WizardField id="wizard-locationDescription" label="Location" optional message={errors.locationDescription} tone="error">
        <textarea
          {...controlProps("wizard-locationDescription", errors.locationDescription ? "error" : undefined, errors.locationDescription)}
          className={INPUT}
          rows={2}
          value={values.locationDescription}
          onChange={(event) => onChange("locationDescription", event.target.value)}
          maxLength={200}
          placeholder="e.g. Parlour, stall 14, left side"
        />
      </WizardField>

      <fieldset className="rounded-xl border border-stone-200 p-3">
        <legend className="px-1 text-sm font-medium text-stone-800">
          Map pin <span className="font-normal text-stone-500">(optional)</span>
        </legend>
        <div className="grid grid-cols-2 gap-3">
          {(["latitude", "longitude"] as const).map((field) => (
            <WizardField key={field} id={`wizard-${field}`} label={field === "latitude" ? "Latitude" : "Longitude"} message={errors[field]} tone="error">
              <input
                {...controlProps(`wizard-${field}`, errors[field] ? "error" : undefined, errors[field])}
                className={`${INPUT} font-mono`}
                value={values[field]}
                onChange={(event) => onChange(field, event.target.value)}
                inputMode="decimal"
                autoComplete="off"
                placeholder={field === "latitude" ? "52.370216" : "4.895168"}
              />
            </WizardField>
          ))}
        </div>
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <button type="button" className={SECONDARY_BUTTON} onClick={useMyLocation} disabled={locating}>
            <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" aria-hidden>
              <circle cx="12" cy="12" r="3.5" />
              <path d="M12 2v3M12 19v3M2 12h3M19 12h3" />
            </svg>
            {locating ? "Finding you…" : "Use my location"}
          </button>
          {locationNote ? (
            <p className={`text-sm ${locationNote.error ? "text-red-700" : "text-green-800"}`} role="status">
              {locationNote.text}
            </p>
          ) : null}
        </div>
      </fieldset>
    </div>
  );
}
