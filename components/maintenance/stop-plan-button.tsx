"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { stopPlanAction } from "@/app/(app)/maintenance/plans/actions";
import { useBoundAction } from "./use-bound-action";

/** Stopping a plan cancels its scheduled work ahead: it asks first. */
export function StopPlanButton({ planId, openCount }: { planId: number; openCount: number }) {
  const [asking, setAsking] = useState(false);
  const { state, onSubmit, pending, ready, formError } = useBoundAction(stopPlanAction, planId);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  if (!asking) {
    return (
      <button type="button" onClick={() => setAsking(true)} className="min-h-10 rounded-md border border-red-300 bg-white px-4 text-sm font-medium text-red-800 hover:bg-red-50">
        Stop plan…
      </button>
    );
  }
  return (
    <form onSubmit={onSubmit} role="alertdialog" aria-label="Stop this plan?" className="w-full space-y-2 rounded-lg border border-red-200 bg-red-50/60 p-3 text-sm">
      <p className="text-red-900">
        Stop this plan? No more work is made from it{openCount ? `, and its ${openCount} scheduled ${openCount === 1 ? "job is" : "jobs are"} cancelled` : ""}. Work already started or done stays.
      </p>
      {formError ? <p role="alert" className="text-red-800">{formError}</p> : null}
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={pending || !ready} className="min-h-10 rounded-md bg-red-700 px-4 font-semibold text-white hover:bg-red-800 disabled:opacity-60">
          {pending ? "Stopping…" : "Yes, stop the plan"}
        </button>
        <button type="button" onClick={() => setAsking(false)} className="min-h-10 rounded-md border border-stone-300 bg-white px-4">
          Keep it
        </button>
      </div>
    </form>
  );
}
