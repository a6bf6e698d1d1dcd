"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { jobAction } from "@/app/(app)/updates/[id]/actions";
import { JOB_ACTION_LABEL, type JobAction } from "@/lib/ota/job-actions";

const BUTTON = "inline-flex items-center justify-center rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-60";
const LOOK: Record<JobAction, string> = {
  pause: `${BUTTON} border-stone-300 bg-white text-stone-800 hover:bg-stone-50`,
  resume: `${BUTTON} border-brand-700 bg-brand-700 text-white hover:bg-brand-800`,
  approve: `${BUTTON} border-brand-700 bg-brand-700 text-white hover:bg-brand-800`,
  cancel: `${BUTTON} border-red-300 bg-white text-red-700 hover:bg-red-50`,
  rollback: `${BUTTON} border-red-300 bg-white text-red-700 hover:bg-red-50`,
};

/** What each action does, said before the person confirms it. */
function explain(action: JobAction, successCount: number): string {
  switch (action) {
    case "pause":
      return "No device is sent the update until you resume. Devices already updating finish.";
    case "resume":
      return "Devices are sent the update again, inside the maintenance window if there is one.";
    case "approve":
      return "The next phase starts within seconds.";
    case "cancel":
      return "The job ends for good: devices not yet sent the update keep their firmware. Devices already updating finish.";
    case "rollback":
      return `The job stops and the ${successCount} updated device${successCount === 1 ? " is" : "s are"} sent their previous version. This cannot be undone.`;
  }
}

/**
 * The job's buttons the person's role allows and its state permits (the server checks both
 * again). Each opens a short confirmation with an optional note for the job's history.
 */
export function JobActionButtons({ jobId, actions, successCount }: { jobId: number; actions: JobAction[]; successCount: number }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<JobAction | null>(null);
  const [pending, startTransition] = useTransition();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const id = useId();
  const dangerous = open === "cancel" || open === "rollback";

  function submit(action: JobAction, note: string) {
    setOutcome(null);
    startTransition(async () => {
      const result = await jobAction(jobId, null, { action, note });
      if (result.ok) {
        setOutcome({ ok: true, text: result.data.message });
        setOpen(null);
        await queryClient.invalidateQueries({ queryKey: ["update-job", jobId] });
        await queryClient.invalidateQueries({ queryKey: ["update-job-logs", jobId] });
        router.refresh();
      } else {
        setOutcome({ ok: false, text: result.error });
      }
    });
  }

  if (actions.length === 0 && !outcome) return null;
  return (
    <section aria-label="Job actions" className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <div className={`flex flex-wrap gap-2 ${actions.length ? "" : "hidden"}`} role="group" aria-label="Actions">
        {actions.map((action) => (
          <button
            key={action}
            type="button"
            className={LOOK[action]}
            aria-expanded={open === action}
            disabled={pending}
            onClick={() => {
              setOutcome(null);
              setOpen((current) => (current === action ? null : action));
            }}
          >
            {JOB_ACTION_LABEL[action]}…
          </button>
        ))}
      </div>
      {open && actions.includes(open) ? (
        <form
          className={`mt-3 space-y-2 rounded-lg border p-3 ${dangerous ? "border-red-200 bg-red-50/50" : "border-stone-200 bg-stone-50"}`}
          onSubmit={(event) => {
            event.preventDefault();
            submit(open, String(new FormData(event.currentTarget).get("note") ?? ""));
          }}
          onKeyDown={(event) => {
            if (event.key === "Escape") setOpen(null);
          }}
        >
          <p className={`text-sm ${dangerous ? "text-red-900" : "text-stone-700"}`}>{explain(open, successCount)}</p>
          <div>
            <label htmlFor={`${id}-note`} className="mb-1 block text-sm font-medium text-stone-700">
              Note <span className="font-normal text-stone-500">(optional, kept in the job&apos;s history)</span>
            </label>
            <textarea id={`${id}-note`} name="note" rows={2} maxLength={1000} className="w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm" placeholder={open === "pause" ? "e.g. milking starts at 16:00" : undefined} />
          </div>
          <div className="flex flex-wrap gap-2">
            <button type="submit" disabled={pending} className={dangerous ? `${BUTTON} border-red-700 bg-red-700 text-white hover:bg-red-800` : `${BUTTON} border-brand-700 bg-brand-700 text-white hover:bg-brand-800`}>
              {pending ? "Working…" : `Confirm: ${JOB_ACTION_LABEL[open].toLowerCase()}`}
            </button>
            <button type="button" onClick={() => setOpen(null)} className={`${BUTTON} border-stone-300 bg-white text-stone-800 hover:bg-stone-50`}>
              Keep it as it is
            </button>
          </div>
        </form>
      ) : null}
      {outcome ? (
        <p role={outcome.ok ? "status" : "alert"} className={`${actions.length ? "mt-3" : ""} rounded-md px-3 py-2 text-sm ${outcome.ok ? "bg-green-50 text-green-900" : "bg-red-50 text-red-800"}`}>
          {outcome.text}
        </p>
      ) : null}
    </section>
  );
}
