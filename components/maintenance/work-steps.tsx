"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { cancelWorkAction, rescheduleWorkAction, startWorkAction } from "@/app/(app)/maintenance/[id]/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import { useBoundAction } from "./use-bound-action";

export type PersonOption = { id: number; name: string };

function Outcome({ state, formError }: { state: { ok: boolean; data?: { message: string } } | null; formError?: string }) {
  if (state?.ok && state.data) {
    return (
      <p role="status" className="text-sm text-green-800">
        {state.data.message}
      </p>
    );
  }
  return formError ? (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
      {formError}
    </p>
  ) : null;
}

/** One tap: the work is in progress (and the device in maintenance mode if the work uses it). */
export function StartWorkButton({ maintenanceId, deviceId, big = false, label = "Start" }: { maintenanceId: number; deviceId: string; big?: boolean; label?: string }) {
  const { state, onSubmit, pending, ready, formError } = useBoundAction(startWorkAction, maintenanceId);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form onSubmit={onSubmit} className="contents">
      <button
        type="submit"
        disabled={pending || !ready}
        aria-label={`${label} work on ${deviceId}`}
        className={`rounded-lg bg-brand-700 font-semibold text-white hover:bg-brand-800 disabled:opacity-60 ${big ? "min-h-12 px-5 text-base" : "min-h-10 px-4 text-sm"}`}
      >
        {pending ? "Starting…" : label}
      </button>
      {formError ? (
        <p role="alert" className="col-span-2 basis-full text-sm text-red-700">
          {formError}
        </p>
      ) : null}
    </form>
  );
}

/** Cancelling asks for the reason first: nothing happens on the first click. */
export function CancelWorkForm({ maintenanceId }: { maintenanceId: number }) {
  const [open, setOpen] = useState(false);
  const { state, onSubmit, pending, ready, fieldError, formError } = useBoundAction(cancelWorkAction, maintenanceId);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="min-h-10 rounded-lg border border-red-300 bg-white px-4 text-sm font-medium text-red-800 hover:bg-red-50">
        Cancel work…
      </button>
    );
  }
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Cancel the work" className="w-full space-y-2 rounded-lg border border-red-200 bg-red-50/50 p-3">
      <Field id="cancel-reason" label="Why is it cancelled?" error={fieldError("reason")}>
        <input {...fieldProps("cancel-reason", fieldError("reason"))} name="reason" maxLength={200} autoFocus className={inputClass} placeholder="e.g. Device replaced, done with the corrective repair" />
      </Field>
      <Outcome state={state} formError={formError} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={pending || !ready} className="min-h-10 rounded-lg bg-red-700 px-4 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-60">
          {pending ? "Cancelling…" : "Yes, cancel the work"}
        </button>
        <button type="button" onClick={() => setOpen(false)} className="min-h-10 rounded-lg border border-stone-300 bg-white px-4 text-sm">
          Keep it
        </button>
      </div>
    </form>
  );
}

/** Another day for the work. */
export function RescheduleForm({ maintenanceId, scheduledDate }: { maintenanceId: number; scheduledDate: string }) {
  const { state, onSubmit, pending, ready, fieldError, formError } = useBoundAction(rescheduleWorkAction, maintenanceId);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Reschedule" className="space-y-2">
      <Field id="reschedule-date" label="Move to" error={fieldError("scheduledDate")}>
        <div className="flex gap-2">
          <input {...fieldProps("reschedule-date", fieldError("scheduledDate"))} type="date" name="scheduledDate" defaultValue={scheduledDate} required className={inputClass} />
          <button type="submit" disabled={pending || !ready} className="min-h-10 shrink-0 rounded-lg border border-stone-300 bg-white px-4 text-sm font-medium hover:bg-stone-50 disabled:opacity-60">
            {pending ? "Moving…" : "Reschedule"}
          </button>
        </div>
      </Field>
      <Outcome state={state} formError={formError} />
    </form>
  );
}

/** Someone else (or nobody) does the work. */
export function ReassignForm({ maintenanceId, assigneeId, people }: { maintenanceId: number; assigneeId: number | null; people: PersonOption[] }) {
  const { state, onSubmit, pending, ready, fieldError, formError } = useBoundAction(rescheduleWorkAction, maintenanceId);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Reassign" className="space-y-2">
      <Field id="reassign-person" label="Assigned to" error={fieldError("assigneeId")}>
        <div className="flex gap-2">
          <select {...fieldProps("reassign-person", fieldError("assigneeId"))} name="assigneeId" defaultValue={assigneeId ?? ""} className={inputClass}>
            <option value="">Nobody yet</option>
            {people.map((person) => (
              <option key={person.id} value={person.id}>
                {person.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={pending || !ready} className="min-h-10 shrink-0 rounded-lg border border-stone-300 bg-white px-4 text-sm font-medium hover:bg-stone-50 disabled:opacity-60">
            {pending ? "Saving…" : "Reassign"}
          </button>
        </div>
      </Field>
      <Outcome state={state} formError={formError} />
    </form>
  );
}
