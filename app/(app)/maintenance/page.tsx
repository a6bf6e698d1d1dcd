import type { Metadata } from "next";
import Link from "next/link";
import { calendarDays, isIsoDay, shiftView, todayIn, viewTitle, type CalendarView } from "@/components/maintenance/calendar-dates";
import { maintenanceFilterFields } from "@/components/maintenance/filter-fields";
import { TypeLegend } from "@/components/maintenance/maintenance-badges";
import { MaintenanceCalendar } from "@/components/maintenance/maintenance-calendar";
import { MaintenanceFilters } from "@/components/maintenance/maintenance-filters";
import { MaintenanceSummary } from "@/components/maintenance/maintenance-summary";
import { MaintenanceTabs } from "@/components/maintenance/maintenance-tabs";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { MAINTENANCE_TYPES } from "@/lib/maintenance/maintenance-fields";
import { maintenanceCalendar } from "@/lib/maintenance/maintenance-queries";
import { calendarQuerySchema, maintenanceQueryToSearchParams, type MaintenanceListQuery } from "@/lib/maintenance/maintenance-schemas";
import { maintenancePeople } from "./maintenance-options";
import { rawParams, readListQuery, screenFarm, type RawSearchParams } from "./read-query";
import { maintenanceCounts, summaryHref } from "./summary";

export const metadata: Metadata = { title: "Maintenance" };
export const dynamic = "force-dynamic";
// A main area: going back to it within 30 s reuses what the browser has (no new request); an action
// that revalidates, or router.refresh() (after saving, the auto-refresh), drops that copy (README "Navigation cache").
export const unstable_dynamicStaleTime = 30;

const CALENDAR_KEYS = ["farm", "type", "status", "assignee", "device", "plan"] as const;

/**
 * The maintenance calendar: a month or a week of planned and done work in the farm's clock, with
 * the filters, the view and the day in the URL (previous / next / today are plain links).
 */
export default async function MaintenanceCalendarPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const actor = await requirePageActor("devices.read");
  const raw = rawParams(await searchParams);
  const { query: asked, ignored } = readListQuery(raw);
  const { farms, farmId, timeZone } = await screenFarm(actor, asked.farm);
  const view: CalendarView = raw.view === "week" ? "week" : "month";
  const today = todayIn(timeZone);
  const day = isIsoDay(raw.date) ? raw.date : today;
  const days = calendarDays(view, day);

  const filter = { farm: farmId, type: asked.type, status: asked.status, assignee: asked.assignee, device: asked.device, plan: asked.plan };
  const db = getDb();
  const [calendar, counts, people] = await Promise.all([
    maintenanceCalendar(db, actor, calendarQuerySchema.parse({ ...maintenanceQueryToSearchParamsObject(filter), from: days[0], to: days.at(-1) })),
    maintenanceCounts(db, actor, filter),
    maintenancePeople(db, actor, farmId ?? null),
  ]);

  const linkTo = (changes: { view?: CalendarView; date?: string | null }) => {
    const params = maintenanceQueryToSearchParams(asked);
    for (const key of ["due", "page", "pageSize", "dir", "from", "to"]) params.delete(key);
    const nextView = changes.view ?? view;
    if (nextView === "week") params.set("view", "week");
    const nextDate = changes.date === undefined ? day : changes.date;
    if (nextDate && nextDate !== today) params.set("date", nextDate);
    return params.size ? `/maintenance?${params}` : "/maintenance";
  };
  const activeCount = CALENDAR_KEYS.filter((key) => raw[key] !== undefined && raw[key] !== "" && !ignored.includes(key)).length;
  const total = calendar.days.reduce((sum, entry) => sum + entry.total, 0);
  const mayPlan = can(actor.role, "maintenance.plan");
  const button = "inline-flex min-h-10 items-center rounded-md border border-stone-300 bg-white px-3 text-sm font-medium text-stone-800 hover:bg-stone-50";

  return (
    <>
      <PageHeader
        title="Maintenance"
        description="Planned and recorded work on the farm's devices: calibrations, inspections, repairs, cleaning and battery changes."
        actions={
          mayPlan ? (
            <Link href="/maintenance/plans/new" className="inline-flex min-h-10 items-center rounded-md bg-brand-700 px-4 text-sm font-medium text-white hover:bg-brand-800">
              Plan work
            </Link>
          ) : null
        }
      />
      <MaintenanceTabs current="calendar" showToday={can(actor.role, "maintenance.write")} />
      <MaintenanceSummary counts={counts} hrefFor={(chip) => summaryHref(filter, chip)} />
      <MaintenanceFilters fields={maintenanceFilterFields({ farms, people, withDue: false })} activeCount={activeCount} />
      {ignored.length ? (
        <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Some filters in the address were not understood and were ignored: {ignored.join(", ")}.
        </p>
      ) : null}

      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <Link href={linkTo({ date: shiftView(view, day, -1) })} className={button} aria-label={`Previous ${view}`} rel="prev">
            ‹ <span className="sr-only sm:not-sr-only sm:ml-1">Previous</span>
          </Link>
          <Link href={linkTo({ date: null })} className={button}>
            Today
          </Link>
          <Link href={linkTo({ date: shiftView(view, day, 1) })} className={button} aria-label={`Next ${view}`} rel="next">
            <span className="sr-only sm:not-sr-only sm:mr-1">Next</span> ›
          </Link>
          <h2 className="ml-1 text-lg font-semibold text-stone-900" data-testid="calendar-title">
            {viewTitle(view, day)}
          </h2>
        </div>
        <div className="flex items-center gap-3">
          <span className="text-sm text-stone-600">
            {total.toLocaleString("en")} {total === 1 ? "job" : "jobs"}
          </span>
          <div role="group" aria-label="Calendar view" className="inline-flex overflow-hidden rounded-md border border-stone-300 bg-white text-sm">
            {(["month", "week"] as const).map((option) => (
              <Link key={option} href={linkTo({ view: option })} aria-current={option === view ? "page" : undefined} className={`inline-flex min-h-10 items-center px-3 font-medium ${option === view ? "bg-stone-800 text-white" : "text-stone-700 hover:bg-stone-50"}`}>
                {option === "month" ? "Month" : "Week"}
              </Link>
            ))}
          </div>
        </div>
      </div>

      <MaintenanceCalendar
        view={view}
        day={day}
        today={today}
        showFarm={farms.length > 1 && farmId === undefined}
        work={calendar.days}
        dayHref={(date) => `/maintenance/list?${new URLSearchParams({ ...Object.fromEntries(maintenanceQueryToSearchParams({ ...asked, page: 1, due: undefined })), from: date, to: date })}`}
      />
      <div className="mt-3 flex flex-wrap items-center justify-between gap-2">
        <TypeLegend types={MAINTENANCE_TYPES} />
        <p className="text-xs text-stone-500">Dates on {timeZone.replace("_", " ")} time · overdue work is red with “!”.</p>
      </div>
    </>
  );
}

function maintenanceQueryToSearchParamsObject(filter: Partial<MaintenanceListQuery>) {
  return Object.fromEntries(maintenanceQueryToSearchParams(filter));
}
