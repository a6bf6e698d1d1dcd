import { MAINTENANCE_STATUS_LABEL, MAINTENANCE_TYPE_LABEL, type MaintenanceStatusName, type MaintenanceTypeName } from "@/lib/maintenance/maintenance-fields";

/**
 * Each type keeps one colour everywhere (calendar, lists, the device page) so a manager reads a
 * month at a glance; the word is always beside it, colour is never the only signal.
 */
export const TYPE_TONE: Record<MaintenanceTypeName, { dot: string; chip: string; bar: string }> = {
  preventive: { dot: "bg-sky-500", chip: "bg-sky-50 text-sky-900 ring-sky-200", bar: "border-l-sky-500" },
  corrective: { dot: "bg-orange-500", chip: "bg-orange-50 text-orange-900 ring-orange-200", bar: "border-l-orange-500" },
  calibration: { dot: "bg-violet-500", chip: "bg-violet-50 text-violet-900 ring-violet-200", bar: "border-l-violet-500" },
  inspection: { dot: "bg-teal-500", chip: "bg-teal-50 text-teal-900 ring-teal-200", bar: "border-l-teal-500" },
  cleaning: { dot: "bg-cyan-500", chip: "bg-cyan-50 text-cyan-900 ring-cyan-200", bar: "border-l-cyan-500" },
  battery_replacement: { dot: "bg-yellow-500", chip: "bg-yellow-50 text-yellow-900 ring-yellow-200", bar: "border-l-yellow-500" },
  part_replacement: { dot: "bg-pink-500", chip: "bg-pink-50 text-pink-900 ring-pink-200", bar: "border-l-pink-500" },
  firmware: { dot: "bg-indigo-500", chip: "bg-indigo-50 text-indigo-900 ring-indigo-200", bar: "border-l-indigo-500" },
};

export const STATUS_TONE: Record<MaintenanceStatusName, { icon: string; className: string }> = {
  scheduled: { icon: "○", className: "bg-stone-100 text-stone-700" },
  in_progress: { icon: "◐", className: "bg-blue-100 text-blue-800" },
  done: { icon: "✓", className: "bg-green-100 text-green-800" },
  cancelled: { icon: "✕", className: "bg-stone-100 text-stone-500 line-through" },
  overdue: { icon: "!", className: "bg-red-600 text-white" },
};

/**
 * The status to show: scheduled work whose day has passed is overdue already, even before the
 * maintenance sweep marks it so (it runs every few minutes; a page may come in between).
 */
export function shownStatus(work: { status: MaintenanceStatusName; scheduledDate: string }, today: string): MaintenanceStatusName {
  return work.status === "scheduled" && work.scheduledDate < today ? "overdue" : work.status;
}

export function MaintenanceTypeChip({ type }: { type: MaintenanceTypeName }) {
  return (
    <span className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TYPE_TONE[type].chip}`}>
      <span aria-hidden className={`h-2 w-2 rounded-full ${TYPE_TONE[type].dot}`} />
      {MAINTENANCE_TYPE_LABEL[type]}
    </span>
  );
}

export function MaintenanceStatusBadge({ status }: { status: MaintenanceStatusName }) {
  const tone = STATUS_TONE[status];
  return (
    <span data-testid="maintenance-status" data-status={status} className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ${tone.className}`}>
      <span aria-hidden>{tone.icon}</span>
      {MAINTENANCE_STATUS_LABEL[status]}
    </span>
  );
}

/** The colour key under the calendar. */
export function TypeLegend({ types }: { types: readonly MaintenanceTypeName[] }) {
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-stone-600" aria-label="Colours of the maintenance types">
      {types.map((type) => (
        <li key={type} className="inline-flex items-center gap-1.5">
          <span aria-hidden className={`h-2.5 w-2.5 rounded-full ${TYPE_TONE[type].dot}`} />
          {MAINTENANCE_TYPE_LABEL[type]}
        </li>
      ))}
    </ul>
  );
}
