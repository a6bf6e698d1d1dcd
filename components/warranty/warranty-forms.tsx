"use client";

import { useState } from "react";
import { useActionForm } from "@/components/groups/use-action-form";
import { extendWarrantyAction, voidWarrantyAction } from "@/lib/warranty/warranty-actions";
import { Field, FormMessage, INPUT, PRIMARY, SECONDARY } from "./form-field";

/** Extend: months, cost and provider; the end moves from the later of the end and today. */
export function ExtendWarrantyForm({ deviceId, currency, onClose }: { deviceId: string; currency: string; onClose: () => void }) {
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(extendWarrantyAction);
  const invalid = (name: string) => ({ "aria-invalid": Boolean(fieldError(name)), "aria-describedby": `ext-${name}-error` });
  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded-lg border border-stone-200 bg-stone-50 p-3" noValidate aria-label="Extend warranty">
      <input type="hidden" name="deviceId" value={deviceId} />
      <div className="grid gap-3 sm:grid-cols-3">
        <Field id="ext-months" label="Months" error={fieldError("months")}>
          <input id="ext-months" name="months" inputMode="numeric" defaultValue="12" className={INPUT} {...invalid("months")} />
        </Field>
        <Field id="ext-cost" label={`Cost (${currency})`} error={fieldError("cost")}>
          <input id="ext-cost" name="cost" inputMode="decimal" placeholder="0.00" className={INPUT} {...invalid("cost")} />
        </Field>
        <Field id="ext-provider" label="Provider" error={fieldError("provider")}>
          <input id="ext-provider" name="provider" placeholder="e.g. the supplier" className={INPUT} {...invalid("provider")} />
        </Field>
      </div>
      <FormMessage error={formError} success={state?.ok ? `Extended: the warranty now ends ${state.data.newEnd}.` : null} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={pending || !ready} className={PRIMARY}>
          {pending ? "Extending…" : "Extend warranty"}
        </button>
        <button type="button" className={SECONDARY} onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

/** Void with a reason, or lift the void. */
export function VoidWarrantyForm({ deviceId, voided, onClose }: { deviceId: string; voided: boolean; onClose: () => void }) {
  const { state, onSubmit, pending, ready, fieldError, formError } = useActionForm(voidWarrantyAction);
  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded-lg border border-stone-200 bg-stone-50 p-3" noValidate aria-label={voided ? "Lift the void" : "Void warranty"}>
      <input type="hidden" name="deviceId" value={deviceId} />
      <input type="hidden" name="void" value={voided ? "false" : "true"} />
      {voided ? (
        <p className="text-sm text-stone-700">The supplier covers this device again: the warranty counts from its dates.</p>
      ) : (
        <Field id="void-reason" label="Why is the warranty void?" error={fieldError("reason")}>
          <input id="void-reason" name="reason" placeholder="e.g. housing opened by a third party" className={INPUT} aria-invalid={Boolean(fieldError("reason"))} />
        </Field>
      )}
      <FormMessage error={formError} success={state?.ok ? (state.data.voided ? "Warranty voided." : "Void lifted.") : null} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={pending || !ready} className={voided ? PRIMARY : "rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60"}>
          {pending ? "Saving…" : voided ? "Lift the void" : "Void warranty"}
        </button>
        <button type="button" className={SECONDARY} onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

/** The Warranty section's actions: File claim (a link), Extend and Void open their form in place. */
export function WarrantyActions({ deviceId, voided, currency, canManage }: { deviceId: string; voided: boolean; currency: string; canManage: boolean }) {
  const [open, setOpen] = useState<"extend" | "void" | null>(null);
  if (!canManage) return null;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        <a href={`/inventory/warranty/claims/new?device=${encodeURIComponent(deviceId)}`} className={PRIMARY}>
          File claim
        </a>
        {!voided ? (
          <button type="button" className={SECONDARY} onClick={() => setOpen(open === "extend" ? null : "extend")} aria-expanded={open === "extend"}>
            Extend
          </button>
        ) : null}
        <button type="button" className={SECONDARY} onClick={() => setOpen(open === "void" ? null : "void")} aria-expanded={open === "void"}>
          {voided ? "Lift void" : "Void"}
        </button>
      </div>
      {open === "extend" ? <ExtendWarrantyForm deviceId={deviceId} currency={currency} onClose={() => setOpen(null)} /> : null}
      {open === "void" ? <VoidWarrantyForm deviceId={deviceId} voided={voided} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
