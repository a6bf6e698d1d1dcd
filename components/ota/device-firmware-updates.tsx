import Link from "next/link";
import { formatDateTime, formatDuration } from "@/components/devices/device-values";
import type { DeviceUpdateHistoryItem } from "@/lib/ota/update-job-views";
import { DeviceRollbackButton } from "./device-rollback-button";
import { LogStateBadge } from "./update-job-badges";

const SHOWN = 10;

/**
 * The device page's firmware updates: each update with its job, and for people who schedule
 * updates, "Schedule firmware update" and "Roll back to previous version" (offered only when the
 * rollback can work: see deviceUpdateHistory).
 */
export function DeviceFirmwareUpdates({
  deviceId,
  currentVersion,
  history,
  total,
  canSchedule,
  retired,
  timeZone,
}: {
  deviceId: string;
  currentVersion: string | null;
  history: { items: DeviceUpdateHistoryItem[]; canRollBack: boolean; previousVersion: string | null };
  total: number;
  canSchedule: boolean;
  retired: boolean;
  timeZone: string;
}) {
  const items = history.items.slice(0, SHOWN);
  return (
    <section id="updates" aria-labelledby="updates-heading" className="scroll-mt-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm target:ring-2 target:ring-brand-600">
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h2 id="updates-heading" className="text-sm font-semibold text-stone-700">
          Firmware updates
        </h2>
        <span className="text-xs text-stone-500">
          runs <span className="font-mono">{currentVersion ?? "unknown"}</span> · {total} in all{items.length ? ` · latest ${items.length}` : ""}
        </span>
      </div>
      {items.length ? (
        <ul className="divide-y divide-stone-100 text-sm">
          {items.map((update) => (
            <li key={update.logId} className="py-2">
              <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5">
                <span className="min-w-0">
                  <span className="font-mono text-xs">
                    {update.previousVersion ?? "?"} → {update.targetVersion ?? "?"}
                  </span>
                  {update.jobId ? (
                    <Link href={`/updates/${update.jobId}`} className="ml-2 text-xs text-brand-700 hover:underline">
                      {update.jobName ?? `Job ${update.jobId}`}
                    </Link>
                  ) : null}
                </span>
                <span className="flex items-center gap-1.5">
                  <LogStateBadge state={update.state} />
                  {update.state === "pending" || update.state === "completed" || update.state === "failed" || update.state === "rolled_back" ? null : <span className="text-xs text-stone-600 tabular-nums">{update.progress} %</span>}
                </span>
              </div>
              <div className="flex flex-wrap justify-between gap-x-3 text-xs text-stone-500">
                <span className="min-w-0 break-words text-red-800">{update.errorMessage}</span>
                <span className="whitespace-nowrap">
                  {update.finishedAt ? formatDateTime(update.finishedAt, timeZone) : update.sentAt ? `sent ${formatDateTime(update.sentAt, timeZone)}` : "not sent yet"}
                  {update.durationSeconds !== null ? ` · took ${formatDuration(update.durationSeconds)}` : ""}
                </span>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="py-3 text-sm text-stone-500">No firmware updates sent to this device yet.</p>
      )}
      {canSchedule && !retired ? (
        <div className="mt-3 flex flex-wrap items-start gap-2 border-t border-stone-100 pt-3">
          <Link href={`/updates/new?devices=${encodeURIComponent(deviceId)}`} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
            Schedule firmware update
          </Link>
          {history.canRollBack && history.previousVersion ? <DeviceRollbackButton deviceId={deviceId} previousVersion={history.previousVersion} /> : null}
        </div>
      ) : null}
    </section>
  );
}
