"use client";

import { useActionState, useEffect, useMemo, useRef, startTransition } from "react";
import { updateAssetRecordAction } from "@/app/(app)/inventory/actions";

export type AssetFormValues = {
  supplier: string;
  purchaseOrder: string;
  purchaseDate: string;
  unitCost: string;
  depreciationMonths: string;
  warrantyStart: string;
  warrantyEnd: string;
  warrantyTerms: string;
  storageLocation: string;
};

const INPUT = "w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-1 aria-[invalid=true]:ring-red-500";

type FieldProps = { name: keyof AssetFormValues; label: string; values: AssetFormValues; error?: string; hint?: string; type?: string; inputMode?: "decimal" | "numeric"; maxLength?: number; placeholder?: string };

function Field({ name, label, values, error, hint, type = "text", inputMode, maxLength, placeholder }: FieldProps) {
  const id = `asset-${name}`;
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="block text-sm font-medium text-stone-800">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={values[name]}
        inputMode={inputMode}
        maxLength={maxLength}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined}
        className={INPUT}
      />
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-stone-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The asset record's edit form; every field is sent, blank clears it. Errors show beside their field. */
export function AssetRecordForm({ deviceId, values, typeMonths, currency }: { deviceId: string; values: AssetFormValues; typeMonths: number; currency: string }) {
  const action = useMemo(() => updateAssetRecordAction.bind(null, deviceId), [deviceId]);
  const [state, formAction, pending] = useActionState(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  const saved = state?.ok === true && !pending;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const error = (name: string) => errors?.[name]?.[0];
  useEffect(() => {
    if (state && !state.ok) formRef.current?.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
  }, [state]);

  return (
    <form
      ref={formRef}
      noValidate
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => formAction(data));
      }}
    >
      {state && !state.ok ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      {saved ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          Asset record saved.
        </p>
      ) : null}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field name="supplier" label="Supplier" values={values} error={error("supplier")} maxLength={120} />
        <Field name="purchaseOrder" label="Purchase order" values={values} error={error("purchaseOrder")} maxLength={60} />
        <Field name="purchaseDate" label="Purchase date" type="date" values={values} error={error("purchaseDate")} hint="With no warranty end, the warranty runs 2 years from here." />
        <Field name="unitCost" label={`Unit cost (${currency})`} inputMode="decimal" values={values} error={error("unitCost")} placeholder="0.00" />
        <Field name="depreciationMonths" label="Depreciation (months)" inputMode="numeric" values={values} error={error("depreciationMonths")} hint={`1 to 240. Blank: ${typeMonths}, the type's default.`} />
        <Field name="storageLocation" label="Storage location" values={values} error={error("storageLocation")} maxLength={120} placeholder="e.g. Main store, shelf B2" />
        <Field name="warrantyStart" label="Warranty start" type="date" values={values} error={error("warrantyStart")} />
        <Field name="warrantyEnd" label="Warranty end" type="date" values={values} error={error("warrantyEnd")} />
      </div>
      <Field name="warrantyTerms" label="Warranty terms" values={values} error={error("warrantyTerms")} maxLength={200} />
      <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Saving…" : "Save asset record"}
      </button>
    </form>
  );
}
