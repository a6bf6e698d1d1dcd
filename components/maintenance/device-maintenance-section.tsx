import Link from "next/link";
import { can, type Actor } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { deviceMaintenance } from "@/lib/maintenance/maintenance-queries";
import type { MaintenanceRow } from "@/lib/maintenance/maintenance-types";
import { formatDateTime } from "../devices/device-values";
import { daysBetween, shortDay, todayIn } from "./calendar-dates";
import { MaintenanceStatusBadge, MaintenanceTypeChip, shownStatus } from "./maintenance-badges";
import { formatMoney } from "./money";

type DeviceForSection = { id: number; deviceId: string; farmId: number; state: string; farm: { timezone: string } };

/**
 * The device page's Maintenance section: the work ahead (late first), the plans that cover the
 * device, and what was done — who, when, what it cost. Loads its own data so the device page
 * only places it.
 */
export async function DeviceMaintenanceSection({ actor, device }: { actor: Actor; device: DeviceForSection }) {
  const db = getDb();
  const [data, rates] = await Promise.all([deviceMaintenance(db, actor, device.id), db.farmCostRates.findUnique({ where: { farmId: device.farmId }, select: { currency: true } })]);
  const currency = rates?.currency ?? "EUR";
  const timeZone = device.farm.timezone;
  const today = todayIn(timeZone);
  const mayPlan = can(actor.role, "maintenance.plan") && device.state !== "decommissioned";
  const overdue = data.next.filter((work) => shownStatus(work, today) === "overdue").length;

  return (
    <section id="maintenance" aria-labelledby="maintenance-heading" className="scroll-mt-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm target:ring-2 target:ring-brand-600" data-testid="device-maintenance">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="maintenance-heading" className="text-sm font-semibold text-stone-700">
          Maintenance
        </h2>
        <span className="flex items-center gap-3 text-xs text-stone-500">
          <span>
            {data.next.length} open{overdue ? <strong className="text-red-700"> · {overdue} overdue</strong> : null}
          </span>
          {mayPlan ? (
            <Link href={`/maintenance/plans/new?device=${encodeURIComponent(device.deviceId)}`} className="rounded-md border border-stone-300 px-2.5 py-1 font-medium text-stone-800 hover:bg-stone-50">
              Plan work
            </Link>
          ) : null}
        </span>
      </div>

      <h3 className="mt-1 text-xs font-medium tracking-wide text-stone-500 uppercase">Next</h3>
      {data.next.length ? (
        <ul className="divide-y divide-stone-100 text-sm" data-testid="device-maintenance-next">
          {data.next.map((work) => (
            <NextRow key={work.id} work={work} today={today} />
          ))}
        </ul>
      ) : (
        <p className="py-2 text-sm text-stone-500">Nothing planned.</p>
      )}

      {data.plans.length ? (
        <p className="mt-2 text-xs text-stone-600">
          Planned by{" "}
          {data.plans.map((plan, index) => (
            <span key={plan.id}>
              {index ? ", " : ""}
              <Link href={`/maintenance/plans/${plan.id}`} className="text-brand-700 underline hover:no-underline">
                {plan.name}
              </Link>{" "}
              ({plan.rhythm})
            </span>
          ))}
        </p>
      ) : null}

      <h3 className="mt-3 text-xs font-medium tracking-wide text-stone-500 uppercase">History</h3>
      {data.history.length ? (
        <ul className="divide-y divide-stone-100 text-sm" data-testid="device-maintenance-history">
          {data.history.map((work) => (
            <li key={work.id} className="py-2">
              <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
                <Link href={`/maintenance/${work.id}`} className="min-w-0 hover:underline">
                  <MaintenanceTypeChip type={work.maintenanceType} />
                </Link>
                {work.status === "done" ? <span className="text-xs font-medium tabular-nums text-stone-800">{work.cost ? formatMoney(work.cost, currency) : "no cost recorded"}</span> : <MaintenanceStatusBadge status={work.status} />}
              </div>
              <div className="mt-0.5 flex flex-wrap justify-between gap-x-3 text-xs text-stone-500">
                <span className="min-w-0 break-words">{work.status === "done" ? `by ${work.assigneeName ?? "—"}` : "cancelled"}{work.description ? ` · ${work.description}` : ""}</span>
                <span className="whitespace-nowrap">{work.performedAt ? formatDateTime(work.performedAt, timeZone) : shortDay(work.scheduledDate)}</span>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="py-2 text-sm text-stone-500">No maintenance recorded for this device.</p>
      )}
      <p className="mt-2 text-xs">
        <Link href={`/maintenance/list?device=${encodeURIComponent(device.deviceId)}&dir=desc`} className="text-brand-700 underline">
          All maintenance of {device.deviceId}
        </Link>
      </p>
    </section>
  );
}

function NextRow({ work, today }: { work: MaintenanceRow; today: string }) {
  const late = daysBetween(work.scheduledDate, today);
  const overdue = shownStatus(work, today) === "overdue";
  return (
    <li className="py-2">
      <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
        <Link href={`/maintenance/${work.id}`} className="min-w-0 hover:underline">
          <MaintenanceTypeChip type={work.maintenanceType} />
        </Link>
        <MaintenanceStatusBadge status={shownStatus(work, today)} />
      </div>
      <div className="mt-0.5 flex flex-wrap justify-between gap-x-3 text-xs text-stone-500">
        <span>{work.assigneeName ?? "nobody assigned yet"}</span>
        <span className={`whitespace-nowrap ${overdue ? "font-semibold text-red-700" : ""}`}>
          {shortDay(work.scheduledDate)}
          {late > 0 ? ` · ${late} ${late === 1 ? "day" : "days"} late` : late === 0 ? " · today" : ""}
        </span>
      </div>
    </li>
  );
}
