import Link from "next/link";
import { MAINTENANCE_STATUS_LABEL, MAINTENANCE_TYPE_LABEL } from "@/lib/maintenance/maintenance-fields";
import type { MaintenanceRow } from "@/lib/maintenance/maintenance-types";
import { calendarDays, dayOfMonth, shortDay, type CalendarView, weekdayLabel } from "./calendar-dates";
import { shownStatus, STATUS_TONE, TYPE_TONE } from "./maintenance-badges";

type CalendarItem = Pick<MaintenanceRow, "id" | "maintenanceType" | "status" | "scheduledDate" | "deviceId" | "deviceName" | "assigneeName" | "farmName">;
export type CalendarDayWork = { date: string; total: number; entries: CalendarItem[] };

/** A month cell shows this many and "+N more" (the week view shows what the query gave). */
const MONTH_CELL_ITEMS = 3;

/**
 * The planned work by day, rendered on the server: a month grid or a week of columns on a wide
 * screen; on a phone the days that have work, one under the other (seven columns of 50 px cannot
 * carry a device id).
 */
export function MaintenanceCalendar({ view, day, today, work, showFarm, dayHref }: { view: CalendarView; day: string; today: string; work: CalendarDayWork[]; showFarm: boolean; dayHref: (day: string) => string }) {
  const days = calendarDays(view, day);
  const month = day.slice(0, 7);
  const byDay = new Map(work.filter((entry) => entry.total > 0).map((entry) => [entry.date, entry]));
  const busyDays = days.filter((date) => byDay.has(date) && (view === "week" || date.startsWith(month)));

  return (
    <>
      <div className="hidden overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm md:block" data-testid="calendar-grid" data-view={view}>
        <div className="grid grid-cols-7 border-b border-stone-200 bg-stone-50 text-xs font-medium tracking-wide text-stone-500 uppercase">
          {days.slice(0, 7).map((date) => (
            <div key={date} className="px-2 py-1.5">
              {weekdayLabel(date)}
            </div>
          ))}
        </div>
        <div className="grid grid-cols-7">
          {days.map((date, index) => {
            const entries = byDay.get(date)?.entries ?? [];
            const total = byDay.get(date)?.total ?? 0;
            const outside = view === "month" && !date.startsWith(month);
            const shown = view === "month" ? entries.slice(0, MONTH_CELL_ITEMS) : entries;
            return (
              <section
                key={date}
                aria-label={shortDay(date)}
                data-day={date}
                className={`${view === "week" ? "min-h-72" : "min-h-28"} border-stone-100 p-1.5 ${index % 7 ? "border-l" : ""} ${index >= 7 ? "border-t" : ""} ${outside ? "bg-stone-50/70" : ""}`}
              >
                <div className="mb-1 flex items-center justify-between">
                  <span
                    className={`inline-flex h-6 min-w-6 items-center justify-center rounded-full px-1 text-xs font-medium ${date === today ? "bg-brand-700 text-white" : outside ? "text-stone-500" : "text-stone-700"}`}
                    aria-current={date === today ? "date" : undefined}
                  >
                    {view === "week" ? shortDay(date).replace(/^\S+ /, "") : dayOfMonth(date)}
                  </span>
                  {total ? <span className="text-[11px] text-stone-500">{total}</span> : null}
                </div>
                <ul className="space-y-1">
                  {shown.map((item) => (
                    <li key={item.id}>
                      <CalendarEntry item={{ ...item, status: shownStatus(item, today) }} roomy={view === "week"} showFarm={showFarm} />
                    </li>
                  ))}
                </ul>
                {total > shown.length ? (
                  <Link href={dayHref(date)} className="mt-1 block text-xs font-medium text-brand-700 hover:underline">
                    +{total - shown.length} more
                  </Link>
                ) : null}
              </section>
            );
          })}
        </div>
      </div>

      <div className="md:hidden" data-testid="calendar-agenda" data-view={view}>
        {busyDays.length === 0 ? (
          <p className="rounded-xl border border-dashed border-stone-300 bg-white px-4 py-6 text-center text-sm text-stone-600">No work planned in this {view}.</p>
        ) : (
          <ol className="space-y-3">
            {busyDays.map((date) => {
              const { entries, total } = byDay.get(date)!;
              return (
                <li key={date} data-day={date}>
                  <h3 className={`mb-1 text-sm font-semibold ${date === today ? "text-brand-700" : "text-stone-700"}`}>
                    {shortDay(date)}
                    {date === today ? " · today" : ""} <span className="font-normal text-stone-500">· {total}</span>
                  </h3>
                  <ul className="space-y-1.5">
                    {entries.map((item) => (
                      <li key={item.id}>
                        <CalendarEntry item={{ ...item, status: shownStatus(item, today) }} roomy showFarm={showFarm} />
                      </li>
                    ))}
                  </ul>
                  {total > entries.length ? (
                    <Link href={dayHref(date)} className="mt-1 inline-block py-1 text-sm font-medium text-brand-700 underline">
                      All {total} of the day
                    </Link>
                  ) : null}
                </li>
              );
            })}
          </ol>
        )}
      </div>
    </>
  );
}

function CalendarEntry({ item, roomy, showFarm }: { item: CalendarItem; roomy: boolean; showFarm: boolean }) {
  const overdue = item.status === "overdue";
  const finished = item.status === "done" || item.status === "cancelled";
  const title = `${MAINTENANCE_TYPE_LABEL[item.maintenanceType]} · ${item.deviceId} ${item.deviceName ?? ""} · ${MAINTENANCE_STATUS_LABEL[item.status]}${item.assigneeName ? ` · ${item.assigneeName}` : ""}`;
  return (
    <Link
      href={`/maintenance/${item.id}`}
      title={title}
      data-testid="calendar-entry"
      data-status={item.status}
      className={`block rounded-md border-l-4 px-1.5 py-1 text-xs leading-tight hover:ring-1 hover:ring-brand-600 ${TYPE_TONE[item.maintenanceType].bar} ${
        overdue ? "bg-red-50 ring-1 ring-red-300" : finished ? "bg-stone-50 text-stone-600" : "bg-stone-50"
      } ${roomy ? "py-1.5" : ""}`}
    >
      <span className="flex items-center gap-1">
        <span aria-hidden className={`inline-flex h-4 min-w-4 items-center justify-center rounded-full text-[10px] font-bold ${STATUS_TONE[item.status].className.replace("line-through", "")}`}>
          {STATUS_TONE[item.status].icon}
        </span>
        <span className={`shrink-0 font-mono font-medium ${overdue ? "text-red-800" : "text-stone-900"} ${item.status === "cancelled" ? "line-through" : ""}`}>{item.deviceId}</span>
        {showFarm ? <span className="min-w-0 truncate text-[10px] text-stone-600">{item.farmName}</span> : null}
      </span>
      <span className={`block truncate ${overdue ? "font-semibold text-red-800" : "text-stone-600"}`}>
        {overdue ? "Overdue · " : ""}
        {MAINTENANCE_TYPE_LABEL[item.maintenanceType]}
      </span>
      {roomy ? (
        <span className="block truncate text-stone-600">
          {item.deviceName}
          {item.assigneeName ? ` · ${item.assigneeName}` : " · unassigned"}
        </span>
      ) : null}
      <span className="sr-only">, {MAINTENANCE_STATUS_LABEL[item.status]}</span>
    </Link>
  );
}
