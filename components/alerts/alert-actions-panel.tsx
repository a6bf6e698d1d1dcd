"use client";

import { startTransition, useActionState, useMemo, useSyncExternalStore, type FormEvent } from "react";
import { acknowledgeAlertAction, resolveAlertAction } from "@/app/(app)/alerts/actions";
import type { AlertStateName } from "@/lib/alerts/alert-fields";

const INPUT = "w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-1 aria-[invalid=true]:ring-red-500";
const noSubscription = () => () => {};

type Action = typeof acknowledgeAlertAction;

/**
 * One step of the alert (acknowledge or resolve): notes, a button, and the server's answer beside
 * the field. The form keeps what was typed when the server says no (React resets a `<form action>`).
 */
function StepForm({ alertId, action, title, label, hint, button, required, tone }: { alertId: number; action: Action; title: string; label: string; hint: string; button: string; required: boolean; tone: "primary" | "secondary" }) {
  const bound = useMemo(() => action.bind(null, alertId), [action, alertId]);
  const [state, dispatch, pending] = useActionState(bound, null);
  // Until hydration a click would submit natively (a GET of the notes): the button waits.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  const id = `${title.toLowerCase()}-notes`;
  const fieldError = state && !state.ok ? state.fieldErrors?.notes?.[0] : undefined;
  const formError = state && !state.ok && !fieldError ? state.error : undefined;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => dispatch(data));
  };
  const buttonClass =
    tone === "primary" ? "bg-brand-700 text-white hover:bg-brand-800 disabled:opacity-60" : "border border-stone-300 bg-white text-stone-800 hover:bg-stone-50 disabled:opacity-60";
  return (
    <form onSubmit={onSubmit} noValidate aria-label={title} className="flex flex-col gap-2">
      <h3 className="text-sm font-semibold text-stone-800">{title}</h3>
      <div>
        <label htmlFor={id} className="mb-1 block text-sm font-medium text-stone-700">
          {label}
        </label>
        <textarea
          id={id}
          name="notes"
          rows={3}
          maxLength={2000}
          required={required}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? `${id}-error` : `${id}-hint`}
          className={INPUT}
        />
        {fieldError ? (
          <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
            {fieldError}
          </p>
        ) : (
          <p id={`${id}-hint`} className="mt-1 text-xs text-stone-500">
            {hint}
          </p>
        )}
      </div>
      {formError ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {formError}
        </p>
      ) : null}
      <div>
        <button type="submit" disabled={!ready || pending} className={`rounded-md px-4 py-2 text-sm font-medium ${buttonClass}`}>
          {pending ? "Saving…" : button}
        </button>
      </div>
    </form>
  );
}

/** What a person with `alerts.manage` may do next: acknowledge an active alert, resolve an open one. */
export function AlertActionsPanel({ alertId, state }: { alertId: number; state: AlertStateName }) {
  if (state === "resolved") return null;
  return (
    <div className="grid gap-5 md:grid-cols-2">
      {state === "active" ? (
        <StepForm
          alertId={alertId}
          action={acknowledgeAlertAction}
          title="Acknowledge"
          label="Notes (optional)"
          hint="Say you have seen it and what happens next, e.g. “Battery swap planned after milking”."
          button="Acknowledge"
          required={false}
          tone="secondary"
        />
      ) : null}
      <StepForm
        alertId={alertId}
        action={resolveAlertAction}
        title="Resolve"
        label="Resolution notes"
        hint="Required: what was done. A resolved alert is closed for good."
        button="Resolve"
        required
        tone="primary"
      />
    </div>
  );
}
