import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { shortDay, todayIn } from "@/components/maintenance/calendar-dates";
import { MaintenanceStatusBadge, MaintenanceTypeChip } from "@/components/maintenance/maintenance-badges";
import { PlanForm, type PlanFormValues } from "@/components/maintenance/plan-form";
import { planDevices, planNextDate } from "@/components/maintenance/plan-words";
import { StopPlanButton } from "@/components/maintenance/stop-plan-button";
import { Card } from "@/components/ui/card";
import { can, farmScope } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { getPlan } from "@/lib/maintenance/maintenance-queries";
import { maintenancePlanIdSchema } from "@/lib/maintenance/maintenance-schemas";
import { planFormOptions } from "../../maintenance-options";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ saved?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const parsed = maintenancePlanIdSchema.safeParse((await params).id);
  return { title: parsed.success ? `Plan #${parsed.data}` : "Plan" };
}

/** A plan: what it makes and when, its work ahead, and (for planners) the form to change or stop it. */
export default async function PlanPage({ params, searchParams }: Props) {
  const parsed = maintenancePlanIdSchema.safeParse((await params).id);
  if (!parsed.success) notFound();
  const actor = await requirePageActor("devices.read");
  const db = getDb();
  const plan = await getPlan(db, actor, parsed.data).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const saved = (await searchParams).saved === "1";
  const mayPlan = can(actor.role, "maintenance.plan");
  const farm = await db.farm.findUnique({ where: { id: plan.farmId }, select: { timezone: true } });
  const today = todayIn(farm?.timezone ?? "UTC");
  const next = planNextDate(plan, today);
  const options = mayPlan && plan.active ? await planFormOptions(db, actor) : null;
  const values: PlanFormValues = {
    id: plan.id,
    name: plan.name,
    maintenanceType: plan.maintenanceType,
    scope: plan.scope,
    farmId: plan.farmId,
    device: plan.deviceId ?? "",
    groupId: plan.groupId,
    deviceType: plan.deviceType ?? "",
    everyCount: plan.everyCount,
    everyUnit: plan.everyUnit,
    startsOn: plan.startsOn,
    endsOn: plan.endsOn ?? "",
    assigneeId: plan.assigneeId,
    description: plan.description ?? "",
    durationMinutes: plan.durationMinutes,
    useMaintenanceMode: plan.useMaintenanceMode,
  };

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-stone-600">
        <Link href="/maintenance/plans" className="text-brand-700 hover:underline">
          Maintenance plans
        </Link>
        {` / #${plan.id}`}
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight text-stone-900">{plan.name}</h1>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-stone-600">
            <MaintenanceTypeChip type={plan.maintenanceType} />
            <span>{plan.rhythm}</span>
            <span>· {planDevices(plan)}</span>
            <span>· {plan.farmName}</span>
            {plan.active ? null : <span className="rounded-full bg-stone-200 px-2 py-0.5 text-xs font-medium text-stone-700">Stopped</span>}
          </p>
        </div>
        {mayPlan && plan.active ? <StopPlanButton planId={plan.id} openCount={plan.openCount} /> : null}
      </header>
      {saved ? (
        <p role="status" className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          Plan saved. Its work is in the calendar{next ? `; the next is on ${shortDay(next)} ${next.slice(0, 4)}` : ""}.
        </p>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Work ahead" className="lg:col-span-1">
          <p className="mb-2 text-xs text-stone-500">
            {plan.openCount} open · {plan.doneCount} done · assigned to {plan.assigneeName ?? "nobody yet"}
          </p>
          {plan.upcoming.length ? (
            <ul className="divide-y divide-stone-100 text-sm" data-testid="plan-upcoming">
              {plan.upcoming.map((work) => (
                <li key={work.id} className="flex items-center justify-between gap-2 py-1.5">
                  <Link href={`/maintenance/${work.id}`} className="min-w-0 truncate text-brand-700 hover:underline">
                    {shortDay(work.scheduledDate)} · <span className="font-mono">{work.deviceId}</span>
                  </Link>
                  <MaintenanceStatusBadge status={work.status} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-stone-500">{plan.active ? "No work made yet: the maintenance sweep makes it ahead of its date." : "No open work."}</p>
          )}
          <p className="mt-3 text-sm">
            <Link href={`/maintenance/list?plan=${plan.id}`} className="text-brand-700 underline">
              All work of this plan
            </Link>
          </p>
        </Card>
        <div className="lg:col-span-2">
          {options ? (
            <Card title="Change the plan">
              <PlanForm values={values} options={options} today={today} farmLocked={farmScope(actor) !== null} />
            </Card>
          ) : (
            <Card title="The plan">
              <dl className="grid gap-2 text-sm sm:grid-cols-2">
                <div>
                  <dt className="text-xs text-stone-500 uppercase">From</dt>
                  <dd>{shortDay(plan.startsOn)} {plan.startsOn.slice(0, 4)}</dd>
                </div>
                <div>
                  <dt className="text-xs text-stone-500 uppercase">Until</dt>
                  <dd>{plan.endsOn ? `${shortDay(plan.endsOn)} ${plan.endsOn.slice(0, 4)}` : "No end"}</dd>
                </div>
                <div>
                  <dt className="text-xs text-stone-500 uppercase">Expected time</dt>
                  <dd>{plan.durationMinutes ? `${plan.durationMinutes} min per device` : "—"}</dd>
                </div>
                <div>
                  <dt className="text-xs text-stone-500 uppercase">Maintenance mode</dt>
                  <dd>{plan.useMaintenanceMode ? "While working" : "Not used"}</dd>
                </div>
                <div className="sm:col-span-2">
                  <dt className="text-xs text-stone-500 uppercase">Description</dt>
                  <dd>{plan.description ?? "—"}</dd>
                </div>
              </dl>
            </Card>
          )}
        </div>
      </div>
    </div>
  );
}
