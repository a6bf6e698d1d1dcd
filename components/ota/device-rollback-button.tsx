"use client";

import Link from "next/link";
import { useTransition, useState } from "react";
import { rollbackDeviceAction } from "@/app/(app)/devices/[deviceId]/actions";

/** "Roll back to previous version": asks once, then schedules a one-device job and links to it. */
export function DeviceRollbackButton({ deviceId, previousVersion }: { deviceId: string; previousVersion: string }) {
  const [pending, startTransition] = useTransition();
  const [outcome, setOutcome] = useState<{ ok: true; jobId: number } | { ok: false; error: string } | null>(null);
  function rollBack() {
    if (!window.confirm(`Send ${deviceId} back to firmware ${previousVersion}? A one-device update job is scheduled now.`)) return;
    startTransition(async () => {
      const result = await rollbackDeviceAction(deviceId, null, new FormData());
      setOutcome(result.ok ? { ok: true, jobId: result.data.jobId } : { ok: false, error: result.error });
    });
  }
  return (
    <div className="flex flex-col gap-1">
      <button type="button" onClick={rollBack} disabled={pending || outcome?.ok === true} className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60">
        {pending ? "Scheduling…" : `Roll back to previous version (${previousVersion})`}
      </button>
      {outcome?.ok ? (
        <p role="status" className="text-sm text-green-900">
          Rollback scheduled:{" "}
          <Link href={`/updates/${outcome.jobId}`} className="font-medium text-brand-700 underline">
            follow job {outcome.jobId}
          </Link>
        </p>
      ) : outcome ? (
        <p role="alert" className="text-sm text-red-700">
          {outcome.error}
        </p>
      ) : null}
    </div>
  );
}
