import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { formatDate, formatDateTime } from "@/components/devices/device-values";
import { daysBetween, shortDay, todayIn } from "@/components/maintenance/calendar-dates";
import { MaintenanceStatusBadge, MaintenanceTypeChip, shownStatus } from "@/components/maintenance/maintenance-badges";
import { formatMoney } from "@/components/maintenance/money";
import { RecordWorkForm } from "@/components/maintenance/record-work-form";
import { WorkAttachments } from "@/components/maintenance/work-attachments";
import { CancelWorkForm, ReassignForm, RescheduleForm, StartWorkButton } from "@/components/maintenance/work-steps";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { calibrationIntervalDays } from "@/lib/calibration/calibration-rules";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { findScopedDevice } from "@/lib/devices/find-device";
import { NotFoundError } from "@/lib/errors";
import { MAINTENANCE_TYPE_LABEL } from "@/lib/maintenance/maintenance-fields";
import { getOccurrence } from "@/lib/maintenance/maintenance-queries";
import { maintenanceIdSchema } from "@/lib/maintenance/maintenance-schemas";
import { farmCurrency, maintenancePeople } from "../maintenance-options";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ recorded?: string; was?: string }> };

async function load(id: string) {
  const parsed = maintenanceIdSchema.safeParse(id);
  if (!parsed.success) notFound();
  const actor = await requirePageActor("devices.read");
  const db = getDb();
  try {
    const work = await getOccurrence(db, actor, parsed.data);
    const device = await findScopedDevice(db, actor, work.deviceRowId, {
      deviceType: true,
      calibrationIntervalDays: true,
      nextCalibrationDue: true,
      lastCalibration: true,
      locationDescription: true,
      farm: { select: { timezone: true } },
    });
    return { actor, db, work, device };
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const parsed = maintenanceIdSchema.safeParse((await params).id);
  return { title: parsed.success ? `Maintenance #${parsed.data}` : "Maintenance" };
}

/**
 * One piece of maintenance work: what, where, when and who, its status with the next steps the
 * person may take (start, record and finish, cancel, move, reassign), what was recorded, and the
 * photos and files kept with it.
 */
export default async function OccurrencePage({ params, searchParams }: Props) {
  const { actor, db, work, device } = await load((await params).id);
  const asked = await searchParams;
  const timeZone = device.farm.timezone;
  const today = todayIn(timeZone);
  const [currency, people] = await Promise.all([farmCurrency(db, work.farmId), can(actor.role, "maintenance.plan") ? maintenancePeople(db, actor, work.farmId) : Promise.resolve([])]);

  const open = work.status === "scheduled" || work.status === "overdue" || work.status === "in_progress";
  const startable = work.status === "scheduled" || work.status === "overdue";
  const mayDo = can(actor.role, "maintenance.write");
  const mayPlan = can(actor.role, "maintenance.plan");
  const late = open ? daysBetween(work.scheduledDate, today) : 0;
  const isCalibration = work.maintenanceType === "calibration";
  const interval = calibrationIntervalDays(device);
  const nextDue = device.nextCalibrationDue ? formatDate(device.nextCalibrationDue) : null;
  const was = typeof asked.was === "string" && /^\d{4}-\d{2}-\d{2}$/.test(asked.was) ? formatDate(asked.was) : null;
  const partsCost = work.parts.reduce((sum, part) => sum + Math.round(part.quantity * (part.unitCost ?? 0) * 100), 0) / 100;

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-stone-600">
        <Link href="/maintenance" className="text-brand-700 hover:underline">
          Maintenance
        </Link>
        {" / "}
        {work.planId ? (
          <>
            <Link href={`/maintenance/plans/${work.planId}`} className="text-brand-700 hover:underline">
              {work.planName}
            </Link>
            {" / "}
          </>
        ) : null}
        <span>#{work.id}</span>
      </nav>

      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight text-stone-900">
            {MAINTENANCE_TYPE_LABEL[work.maintenanceType]} · <span className="font-mono">{work.deviceId}</span>
          </h1>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-stone-600">
            <MaintenanceStatusBadge status={shownStatus(work, today)} />
            <span className={shownStatus(work, today) === "overdue" ? "font-semibold text-red-800" : ""}>
              {work.status === "done" && work.performed.at ? `Done ${formatDateTime(work.performed.at, timeZone)}` : `Planned for ${shortDay(work.scheduledDate)} ${work.scheduledDate.slice(0, 4)}`}
              {open && late > 0 ? ` · ${late} ${late === 1 ? "day" : "days"} late` : open && late === 0 ? " · today" : ""}
            </span>
          </p>
        </div>
      </header>

      {asked.recorded === "1" && work.status === "done" ? (
        <div role="status" className="rounded-lg border border-green-300 bg-green-50 px-4 py-3 text-sm text-green-900" data-testid="recorded-banner">
          <p className="font-medium">Recorded and finished.</p>
          {isCalibration && work.calibration ? (
            <p className="mt-1" data-testid="calibration-moved">
              {work.deviceId}&rsquo;s next calibration is now due <strong>{nextDue ?? "—"}</strong>
              {was ? ` (was ${was})` : ""}.
            </p>
          ) : null}
          {work.useMaintenanceMode && !work.deviceInMaintenance ? <p className="mt-1">The device is out of maintenance mode again.</p> : null}
        </div>
      ) : null}

      {mayDo && open ? (
        <Card title="Next step">
          <div className="flex flex-wrap items-center gap-2">
            {startable ? <StartWorkButton maintenanceId={work.id} deviceId={work.deviceId} big /> : null}
            {work.status === "in_progress" ? (
              <p className="text-sm text-blue-900">
                In progress since {formatDateTime(work.started.at, timeZone)}
                {work.started.name ? ` (${work.started.name})` : ""}
                {work.deviceInMaintenance ? " · the device is in maintenance mode" : ""}. Record what was done below to finish.
              </p>
            ) : (
              <a href="#record" className="inline-flex min-h-12 items-center rounded-lg border border-stone-300 bg-white px-5 text-base font-medium text-stone-800 hover:bg-stone-50">
                Record &amp; finish
              </a>
            )}
          </div>
          {startable && work.useMaintenanceMode ? <p className="mt-2 text-xs text-stone-500">Starting puts {work.deviceId} into maintenance mode (health alerts pause) until the work is finished.</p> : null}
        </Card>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="What">
          <Facts>
            <Fact label="Type">
              <MaintenanceTypeChip type={work.maintenanceType} />
            </Fact>
            {work.planId ? (
              <Fact label="Plan">
                <Link href={`/maintenance/plans/${work.planId}`} className="text-brand-700 hover:underline">
                  {work.planName}
                </Link>
              </Fact>
            ) : null}
            <Fact label="Description">{work.description ?? <span className="text-stone-500">—</span>}</Fact>
            <Fact label="Expected time">{work.durationMinutes ? `${work.durationMinutes} min` : "—"}</Fact>
            <Fact label="Maintenance mode">{work.useMaintenanceMode ? "While working" : "Not used"}</Fact>
          </Facts>
        </Card>
        <Card title="Where">
          <Facts>
            <Fact label="Device">
              <Link href={`/devices/${work.deviceId}`} className="text-brand-700 hover:underline">
                <span className="font-mono">{work.deviceId}</span> {work.deviceName}
              </Link>
              <span className="block text-xs text-stone-500">{DEVICE_TYPE_LABEL[device.deviceType]}</span>
            </Fact>
            <Fact label="Location">{device.locationDescription ?? <span className="text-stone-500">—</span>}</Fact>
            <Fact label="Farm">{work.farmName}</Fact>
            {isCalibration || device.nextCalibrationDue ? (
              <Fact label="Next calibration due">
                <span data-testid="device-next-calibration">{nextDue ?? "—"}</span>
                {device.lastCalibration ? <span className="block text-xs text-stone-500">last {formatDate(device.lastCalibration)}</span> : null}
              </Fact>
            ) : null}
          </Facts>
        </Card>
        <Card title="When and who">
          <Facts>
            <Fact label="Planned for">
              {shortDay(work.scheduledDate)} {work.scheduledDate.slice(0, 4)}
            </Fact>
            <Fact label="Assigned to">{work.assigneeName ?? <span className="text-stone-500">Nobody yet</span>}</Fact>
            {work.started.at ? <Fact label="Started">{stamp(work.started, timeZone)}</Fact> : null}
            {work.performed.at ? <Fact label="Done">{stamp(work.performed, timeZone)}</Fact> : null}
            {work.cancelled.at ? (
              <Fact label="Cancelled">
                {stamp(work.cancelled, timeZone)}
                {work.cancelled.reason ? <span className="block text-xs text-stone-600">“{work.cancelled.reason}”</span> : null}
              </Fact>
            ) : null}
          </Facts>
          {mayPlan && open ? (
            <div className="mt-4 space-y-3 border-t border-stone-100 pt-3">
              <RescheduleForm maintenanceId={work.id} scheduledDate={work.scheduledDate} />
              <ReassignForm maintenanceId={work.id} assigneeId={work.assigneeId} people={people.map(({ id, name }) => ({ id, name }))} />
              <CancelWorkForm maintenanceId={work.id} />
            </div>
          ) : null}
        </Card>
      </div>

      {work.status === "done" ? (
        <Card title="What was done">
          <div className="space-y-3 text-sm">
            <p className="whitespace-pre-line text-stone-800">{work.notes ?? <span className="text-stone-500">No notes.</span>}</p>
            {work.parts.length ? (
              <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Parts used">
                <table className="w-full min-w-[480px] text-sm [&_td]:px-2 [&_td]:py-1.5 [&_th]:px-2 [&_th]:py-1.5">
                  <thead className="bg-stone-50 text-left text-xs text-stone-500 uppercase">
                    <tr>
                      <th scope="col">Part</th>
                      <th scope="col">Part number</th>
                      <th scope="col" className="text-right">
                        Qty
                      </th>
                      <th scope="col" className="text-right">
                        Unit cost
                      </th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-stone-100">
                    {work.parts.map((part, index) => (
                      <tr key={index}>
                        <td>{part.name}</td>
                        <td className="font-mono text-xs">{part.partNumber ?? "—"}</td>
                        <td className="text-right tabular-nums">{part.quantity}</td>
                        <td className="text-right tabular-nums">{part.unitCost === null || part.unitCost === undefined ? "—" : formatMoney(part.unitCost, currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="text-stone-500">No parts used.</p>
            )}
            <dl className="grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
              <Fact label="Time spent">{work.durationMinutes !== null ? `${work.durationMinutes} min` : "—"}</Fact>
              <Fact label="Parts">{formatMoney(partsCost, currency)}</Fact>
              <Fact label="Labour">{formatMoney(work.laborCost ?? 0, currency)}</Fact>
              <Fact label="Total">
                <strong data-testid="work-total">{formatMoney(work.cost, currency)}</strong>
              </Fact>
            </dl>
            {work.calibration ? (
              <div className={`rounded-lg border p-3 ${work.calibration.passed ? "border-green-200 bg-green-50" : "border-red-200 bg-red-50"}`} data-testid="calibration-result">
                <p className="font-medium">
                  <span aria-hidden>{work.calibration.passed ? "✓ " : "✕ "}</span>
                  Calibration {work.calibration.passed ? "passed" : "failed"}
                  {work.calibration.reference ? ` against ${work.calibration.reference}` : ""}
                </p>
                <p className="mt-1 text-stone-700">
                  {reading("Reading", work.calibration.beforeValue, work.calibration.afterValue, work.calibration.unit)}
                  {reading("Offset", work.calibration.beforeOffset, work.calibration.afterOffset, work.calibration.unit)}
                  Next due {work.calibration.nextDueOn ? formatDate(work.calibration.nextDueOn) : "—"}.
                </p>
              </div>
            ) : null}
          </div>
        </Card>
      ) : null}

      {mayDo && open ? (
        <section id="record" aria-labelledby="record-heading" className="scroll-mt-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm target:ring-2 target:ring-brand-600">
          <h2 id="record-heading" className="mb-3 text-base font-semibold text-stone-800">
            Record &amp; finish
          </h2>
          <RecordWorkForm
            maintenanceId={work.id}
            currency={currency}
            defaultDurationMinutes={work.durationMinutes}
            calibration={isCalibration ? { unit: null, intervalDays: interval, currentDue: nextDue } : null}
          />
        </section>
      ) : null}

      <Card title="Photos and files">
        <WorkAttachments maintenanceId={work.id} attachments={work.attachments} canAdd={mayDo && work.status !== "cancelled"} timeZone={timeZone} />
      </Card>
    </div>
  );
}

function stamp(person: { name: string | null; at: Date | null }, timeZone: string) {
  return `${formatDateTime(person.at, timeZone)}${person.name ? ` · ${person.name}` : ""}`;
}

function reading(label: string, before: string | null, after: string | null, unit: string | null) {
  if (before === null && after === null) return null;
  const value = (text: string | null) => (text === null ? "—" : `${text}${unit ? ` ${unit}` : ""}`);
  return `${label} ${value(before)} → ${value(after)}. `;
}

function Facts({ children }: { children: ReactNode }) {
  return <dl className="space-y-2 text-sm">{children}</dl>;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-stone-500 uppercase">{label}</dt>
      <dd className="mt-0.5 text-stone-800">{children}</dd>
    </div>
  );
}
