import type { Metadata } from "next";
import Link from "next/link";
import { DeviceListPagination } from "@/components/devices/device-list-pagination";
import { shortDay, todayIn } from "@/components/maintenance/calendar-dates";
import { planDevices, planNextDate } from "@/components/maintenance/plan-words";
import { MaintenanceTypeChip } from "@/components/maintenance/maintenance-badges";
import { MaintenanceFilters } from "@/components/maintenance/maintenance-filters";
import { MaintenanceTabs } from "@/components/maintenance/maintenance-tabs";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { MAINTENANCE_TYPE_LABEL, MAINTENANCE_TYPES } from "@/lib/maintenance/maintenance-fields";
import { listPlans } from "@/lib/maintenance/maintenance-queries";
import { planListQuerySchema, type PlanListQuery } from "@/lib/maintenance/maintenance-schemas";
import { rawParams, screenFarm, type RawSearchParams } from "../read-query";

export const metadata: Metadata = { title: "Maintenance plans" };
export const dynamic = "force-dynamic";

function readQuery(raw: Record<string, unknown>): PlanListQuery {
  const known = Object.fromEntries(Object.entries(raw).filter(([key]) => ["farm", "active", "type", "page", "pageSize"].includes(key)));
  const parsed = planListQuerySchema.safeParse(known);
  return parsed.success ? parsed.data : planListQuerySchema.parse({});
}

export default async function PlansPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const actor = await requirePageActor("devices.read");
  const raw = rawParams(await searchParams);
  const asked = readQuery(raw);
  const { farms, farmId, timeZone } = await screenFarm(actor, asked.farm);
  const today = todayIn(timeZone);
  const page = await listPlans(getDb(), actor, { ...asked, farm: farmId });
  const mayPlan = can(actor.role, "maintenance.plan");
  const showFarm = farms.length > 1 && farmId === undefined;
  const linkTo = (changes: Partial<PlanListQuery>) => {
    const next = { ...asked, ...changes };
    const params = new URLSearchParams();
    if (next.farm) params.set("farm", String(next.farm));
    if (next.active !== "active") params.set("active", next.active);
    if (next.type?.length) params.set("type", next.type.join(","));
    if (next.page > 1) params.set("page", String(next.page));
    if (next.pageSize !== 50) params.set("pageSize", String(next.pageSize));
    return params.size ? `/maintenance/plans?${params}` : "/maintenance/plans";
  };
  const activeCount = ["farm", "active", "type"].filter((key) => raw[key] !== undefined && raw[key] !== "").length;

  return (
    <>
      <PageHeader
        title="Maintenance"
        description={`${page.total.toLocaleString("en")} ${asked.active === "all" ? "" : asked.active === "inactive" ? "stopped " : "active "}${page.total === 1 ? "plan" : "plans"}. A plan makes the work on its devices, once or every few days, weeks or months.`}
        actions={
          mayPlan ? (
            <Link href="/maintenance/plans/new" className="inline-flex min-h-10 items-center rounded-md bg-brand-700 px-4 text-sm font-medium text-white hover:bg-brand-800">
              New plan
            </Link>
          ) : null
        }
      />
      <MaintenanceTabs current="plans" showToday={can(actor.role, "maintenance.write")} />
      <MaintenanceFilters
        deviceSearch={false}
        activeCount={activeCount}
        fields={[
          ...(farms.length > 1 ? [{ name: "farm", label: "Farm", allLabel: "All farms", options: farms.map((farm) => ({ value: String(farm.id), label: farm.name })) }] : []),
          { name: "type", label: "Type", allLabel: "Any type", options: MAINTENANCE_TYPES.map((type) => ({ value: type, label: MAINTENANCE_TYPE_LABEL[type] })) },
          { name: "active", label: "Plans", allLabel: "Active", options: [{ value: "inactive", label: "Stopped" }, { value: "all", label: "All" }] },
        ]}
      />

      {page.rows.length === 0 ? (
        <EmptyState title={activeCount ? "No plan matches these filters" : "No maintenance plans yet"}>
          <p>A plan says what to do (a calibration, an inspection…), on which devices (one, a group or a type) and how often. Its work then appears in the calendar and in the technicians&rsquo; day.</p>
          {mayPlan ? (
            <p className="mt-2">
              <Link className="text-brand-700 underline" href="/maintenance/plans/new">
                Plan maintenance
              </Link>
            </p>
          ) : null}
        </EmptyState>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2 xl:grid-cols-3" aria-label="Plans">
          {page.rows.map((plan) => (
            <li key={plan.id} className={`rounded-xl border bg-white p-4 shadow-sm ${plan.active ? "border-stone-200" : "border-dashed border-stone-300 opacity-80"}`} data-testid="plan-card">
              <div className="flex items-start justify-between gap-2">
                <Link href={`/maintenance/plans/${plan.id}`} className="min-w-0 font-medium text-brand-700 hover:underline">
                  {plan.name}
                </Link>
                {plan.active ? null : <span className="shrink-0 rounded-full bg-stone-100 px-2 py-0.5 text-xs text-stone-600">Stopped</span>}
              </div>
              <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-stone-700">
                <MaintenanceTypeChip type={plan.maintenanceType} />
                <span>{plan.rhythm}</span>
              </div>
              <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-xs text-stone-600">
                <dt className="sr-only">Devices</dt>
                <dd className="col-span-2 text-sm text-stone-800">{planDevices(plan)}</dd>
                <dt>Next</dt>
                <dd>{nextWords(planNextDate(plan, today))}</dd>
                <dt>Assigned to</dt>
                <dd>{plan.assigneeName ?? "Nobody yet"}</dd>
                {showFarm ? (
                  <>
                    <dt>Farm</dt>
                    <dd>{plan.farmName}</dd>
                  </>
                ) : null}
              </dl>
            </li>
          ))}
        </ul>
      )}
      <DeviceListPagination page={page.page} pages={Math.max(1, Math.ceil(page.total / page.pageSize))} pageSize={page.pageSize} total={page.total} hrefFor={({ page: pageNumber, pageSize }) => linkTo({ page: pageNumber ?? asked.page, pageSize: pageSize ?? asked.pageSize })} />
    </>
  );
}

function nextWords(day: string | null): string {
  return day ? `${shortDay(day)} ${day.slice(0, 4)}` : "—";
}
