"use client";

import { useEffect, useState } from "react";
import { useActionForm } from "@/components/groups/use-action-form";
import { Field, FormMessage, INPUT, PRIMARY, SECONDARY } from "@/components/warranty/form-field";
import { recordCalibrationAction } from "@/lib/calibration/calibration-actions";

/** "Record calibration": a calibration done by hand, with its readings or offsets and the verdict. */
export function RecordCalibrationForm({ deviceId, unit }: { deviceId: string; unit: string | null }) {
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  if (!open) {
    return (
      <div className="space-y-2">
        <FormMessage success={saved} />
        <button type="button" className={SECONDARY} onClick={() => { setSaved(null); setOpen(true); }}>
          Record calibration
        </button>
      </div>
    );
  }
  return <CalibrationForm deviceId={deviceId} unit={unit} onClose={(message) => { setSaved(message); setOpen(false); }} />;
}

/** Mounted afresh each time it opens, so a saved record leaves no state behind. */
function CalibrationForm({ deviceId, unit, onClose }: { deviceId: string; unit: string | null; onClose: (saved: string | null) => void }) {
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(recordCalibrationAction);
  const invalid = (name: string) => ({ "aria-invalid": Boolean(fieldError(name)), "aria-describedby": `cal-${name}-error` });
  useEffect(() => {
    if (state?.ok) onClose(`Calibration recorded${state.data.nextDueOn ? `; next due ${state.data.nextDueOn}` : ""}.`);
  }, [state, onClose]);
  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded-lg border border-stone-200 bg-stone-50 p-3" noValidate aria-label="Record calibration">
      <input type="hidden" name="deviceId" value={deviceId} />
      <div className="grid gap-3 sm:grid-cols-3">
        <Field id="cal-reference" label="Reference used" error={fieldError("reference")} className="sm:col-span-2">
          <input id="cal-reference" name="reference" placeholder="e.g. 10 L test volume" className={INPUT} {...invalid("reference")} />
        </Field>
        <Field id="cal-referenceValue" label="Reference value" error={fieldError("referenceValue")}>
          <input id="cal-referenceValue" name="referenceValue" inputMode="decimal" className={INPUT} {...invalid("referenceValue")} />
        </Field>
        <Field id="cal-beforeValue" label="Reading before" error={fieldError("beforeValue")}>
          <input id="cal-beforeValue" name="beforeValue" inputMode="decimal" className={INPUT} {...invalid("beforeValue")} />
        </Field>
        <Field id="cal-afterValue" label="Reading after" error={fieldError("afterValue")}>
          <input id="cal-afterValue" name="afterValue" inputMode="decimal" className={INPUT} {...invalid("afterValue")} />
        </Field>
        <Field id="cal-unit" label="Unit" error={fieldError("unit")}>
          <input id="cal-unit" name="unit" defaultValue={unit ?? ""} placeholder="L, °C, ppm" className={INPUT} {...invalid("unit")} />
        </Field>
        <Field id="cal-beforeOffset" label="Offset before" error={fieldError("beforeOffset")}>
          <input id="cal-beforeOffset" name="beforeOffset" inputMode="decimal" className={INPUT} {...invalid("beforeOffset")} />
        </Field>
        <Field id="cal-afterOffset" label="Offset after" error={fieldError("afterOffset")}>
          <input id="cal-afterOffset" name="afterOffset" inputMode="decimal" className={INPUT} {...invalid("afterOffset")} />
        </Field>
        <Field id="cal-tolerance" label="Tolerance (±)" error={fieldError("tolerance")}>
          <input id="cal-tolerance" name="tolerance" inputMode="decimal" className={INPUT} {...invalid("tolerance")} />
        </Field>
        <fieldset className="sm:col-span-1">
          <legend className="mb-1 text-sm font-medium text-stone-800">Result</legend>
          <div className="flex gap-4 py-2 text-sm">
            <label className="flex items-center gap-1.5">
              <input type="radio" name="passed" value="passed" defaultChecked /> Passed
            </label>
            <label className="flex items-center gap-1.5">
              <input type="radio" name="passed" value="failed" /> Failed
            </label>
          </div>
          {fieldError("passed") ? <p className="text-sm text-red-700">{fieldError("passed")}</p> : null}
        </fieldset>
        <Field id="cal-performedAt" label="Done at" error={fieldError("performedAt")} hint="Blank: now">
          <input id="cal-performedAt" name="performedAt" type="datetime-local" className={INPUT} {...invalid("performedAt")} />
        </Field>
        <Field id="cal-nextDueOn" label="Next due" error={fieldError("nextDueOn")} hint="Blank: the interval from that day">
          <input id="cal-nextDueOn" name="nextDueOn" type="date" className={INPUT} {...invalid("nextDueOn")} />
        </Field>
        <Field id="cal-notes" label="Notes" error={fieldError("notes")} className="sm:col-span-3">
          <textarea id="cal-notes" name="notes" rows={2} className={INPUT} {...invalid("notes")} />
        </Field>
      </div>
      <FormMessage error={formError} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={pending || !ready} className={PRIMARY}>
          {pending ? "Saving…" : "Save calibration"}
        </button>
        <button type="button" className={SECONDARY} onClick={() => onClose(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
