import type { Metadata } from "next";
import Link from "next/link";
import { shortDay, todayIn } from "@/components/maintenance/calendar-dates";
import { MaintenanceTabs } from "@/components/maintenance/maintenance-tabs";
import { WorkCard } from "@/components/maintenance/work-card";
import { EmptyState } from "@/components/ui/empty-state";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { myWorkToday } from "@/lib/maintenance/maintenance-queries";
import type { MaintenanceRow } from "@/lib/maintenance/maintenance-types";
import { screenFarm } from "../read-query";

export const metadata: Metadata = { title: "My work today" };
export const dynamic = "force-dynamic";

/**
 * The technician's day on a phone in the barn: what is started, what is late, what is due today,
 * and what nobody has taken yet — each one tap from starting and one page from finished.
 */
export default async function MyWorkTodayPage() {
  const actor = await requirePageActor("devices.read");
  const [work, { timeZone }] = await Promise.all([myWorkToday(getDb(), actor), screenFarm(actor, undefined)]);
  const today = todayIn(timeZone);
  const canDo = can(actor.role, "maintenance.write");
  const mine = work.inProgress.length + work.overdue.length + work.dueToday.length;
  const sections: { key: string; title: string; rows: MaintenanceRow[]; tone: string }[] = [
    { key: "in-progress", title: "In progress", rows: work.inProgress, tone: "text-blue-900" },
    { key: "overdue", title: "Overdue", rows: work.overdue, tone: "text-red-800" },
    { key: "today", title: "Due today", rows: work.dueToday, tone: "text-stone-800" },
    { key: "unassigned", title: "Not assigned yet (today or late)", rows: work.unassigned, tone: "text-stone-600" },
  ];

  return (
    <div className="mx-auto max-w-2xl">
      <div className="mb-3">
        <h1 className="text-2xl font-semibold tracking-tight text-stone-900">My work today</h1>
        <p className="mt-1 text-sm text-stone-600">
          {shortDay(today)} · {mine === 0 ? "nothing assigned to you" : `${mine} ${mine === 1 ? "job" : "jobs"} for you`}
          {work.overdue.length ? <strong className="text-red-800"> · {work.overdue.length} overdue</strong> : null}
        </p>
      </div>
      <MaintenanceTabs current="today" showToday />
      {mine === 0 && work.unassigned.length === 0 ? (
        <EmptyState title="Nothing for you today">
          <p>Work assigned to you appears here on its day, and stays until it is done.</p>
          <p className="mt-2">
            <Link href="/maintenance?assignee=me&view=week" className="text-brand-700 underline">
              Your week in the calendar
            </Link>
          </p>
        </EmptyState>
      ) : (
        <div className="space-y-5">
          {sections
            .filter((section) => section.rows.length)
            .map((section) => (
              <section key={section.key} aria-labelledby={`today-${section.key}`} data-testid={`today-${section.key}`}>
                <h2 id={`today-${section.key}`} className={`mb-2 text-sm font-semibold tracking-wide uppercase ${section.tone}`}>
                  {section.title} <span className="font-normal text-stone-500">· {section.rows.length}</span>
                </h2>
                <ul className="space-y-3">
                  {section.rows.map((row) => (
                    <li key={row.id}>
                      <WorkCard work={row} today={today} canDo={canDo} />
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          <p className="text-center text-sm">
            <Link href="/maintenance?assignee=me&view=week" className="inline-block py-2 text-brand-700 underline">
              My week in the calendar
            </Link>
          </p>
        </div>
      )}
    </div>
  );
}
