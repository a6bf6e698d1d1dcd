"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { saveCostRatesAction } from "@/app/(app)/costs/rates/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import { useActionForm } from "@/components/groups/use-action-form";
import type { CostRates, RateField } from "@/lib/costs/cost-rates";

const FIELDS: { name: RateField; label: string; hint: string; step: string }[] = [
  { name: "dataPerMb", label: "Data, per MB", hint: "Default 0.01 (the seed's rate)", step: "0.0001" },
  { name: "electricityPerKwh", label: "Electricity, per kWh", hint: "Mains and PoE devices. Default 0.25", step: "0.0001" },
  { name: "batteryReplacement", label: "Battery replacement", hint: "When a replacement has no recorded cost. Default 50", step: "0.01" },
  { name: "maintenanceVisit", label: "Maintenance visit", hint: "Done work without a recorded cost, and planned work. Default 100", step: "0.01" },
  { name: "laborPerHour", label: "Labour, per hour", hint: "A technician's hour. Default 45", step: "0.01" },
];

export function CostRatesForm({ farmId, values }: { farmId: number; values: CostRates }) {
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(saveCostRatesAction);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <input type="hidden" name="farmId" value={farmId} />
      {state && !state.ok ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {formError ?? "Please correct the prices marked below. Nothing was saved."}
        </p>
      ) : null}
      {state?.ok ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          Prices saved. The cost reports use them now.
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="rates-currency" label="Currency" error={fieldError("currency")} hint="Three letters, e.g. EUR">
          <input {...fieldProps("rates-currency", fieldError("currency"), true)} name="currency" defaultValue={values.currency} maxLength={3} className={`${inputClass} uppercase`} autoComplete="off" />
        </Field>
        {FIELDS.map((field) => (
          <Field key={field.name} id={`rates-${field.name}`} label={field.label} error={fieldError(field.name)} hint={field.hint}>
            <input {...fieldProps(`rates-${field.name}`, fieldError(field.name), true)} name={field.name} type="number" inputMode="decimal" min="0" step={field.step} defaultValue={values[field.name]} className={`${inputClass} tabular-nums`} />
          </Field>
        ))}
      </div>
      <button type="submit" disabled={pending || !ready} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
        {pending ? "Saving…" : "Save prices"}
      </button>
    </form>
  );
}
