import Link from "next/link";
import type { MaintenanceRow } from "@/lib/maintenance/maintenance-types";
import { daysBetween, shortDay } from "./calendar-dates";
import { MaintenanceStatusBadge, MaintenanceTypeChip, shownStatus, TYPE_TONE } from "./maintenance-badges";
import { StartWorkButton } from "./work-steps";

/**
 * One job on a technician's phone: what and where at a glance, and the next step as a button a
 * gloved thumb can hit (48 px): Start, then Record & finish.
 */
export function WorkCard({ work, today, canDo }: { work: MaintenanceRow; today: string; canDo: boolean }) {
  const late = daysBetween(work.scheduledDate, today);
  const startable = work.status === "scheduled" || work.status === "overdue";
  return (
    <article
      data-testid="work-card"
      data-maintenance-id={work.id}
      aria-label={`${work.maintenanceType.replace("_", " ")} ${work.deviceId}`}
      className={`rounded-xl border border-l-8 bg-white p-3 shadow-sm ${TYPE_TONE[work.maintenanceType].bar} ${shownStatus(work, today) === "overdue" ? "border-red-300 bg-red-50/40" : "border-stone-200"}`}
    >
      <div className="flex items-start justify-between gap-2">
        <Link href={`/maintenance/${work.id}`} className="min-w-0">
          <span className="block font-mono text-lg font-semibold text-stone-900">{work.deviceId}</span>
          <span className="block truncate text-sm text-stone-700">{work.deviceName}</span>
        </Link>
        <MaintenanceStatusBadge status={shownStatus(work, today)} />
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-2 text-sm">
        <MaintenanceTypeChip type={work.maintenanceType} />
        <span className={late > 0 && work.status !== "in_progress" ? "font-semibold text-red-800" : "text-stone-600"}>
          {late > 0 ? `${shortDay(work.scheduledDate)} · ${late} ${late === 1 ? "day" : "days"} late` : late === 0 ? "Today" : shortDay(work.scheduledDate)}
        </span>
        {work.durationMinutes ? <span className="text-stone-500">~{work.durationMinutes} min</span> : null}
      </div>
      {work.description ? <p className="mt-1 line-clamp-2 text-sm text-stone-600">{work.description}</p> : null}
      {canDo ? (
        <div className="mt-3 grid grid-cols-2 gap-2">
          {startable ? <StartWorkButton maintenanceId={work.id} deviceId={work.deviceId} big /> : null}
          <Link
            href={`/maintenance/${work.id}#record`}
            className={`inline-flex min-h-12 items-center justify-center rounded-lg px-4 text-base font-semibold ${startable ? "border border-stone-300 bg-white text-stone-800 hover:bg-stone-50" : "col-span-2 bg-brand-700 text-white hover:bg-brand-800"}`}
          >
            Record &amp; finish
          </Link>
        </div>
      ) : null}
    </article>
  );
}
