import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { formatDate, formatDateTime } from "@/components/devices/device-values";
import { can, type Actor } from "@/lib/auth/permissions";
import { deviceCalibrations, type CalibrationRow } from "@/lib/calibration/calibrations";
import { getDb } from "@/lib/db";
import { CalibrationStatusBadge } from "./calibration-status-badge";
import { RecordCalibrationForm } from "./record-calibration-form";

const HISTORY = 10;

function reading(value: number | null, unit: string | null) {
  return value === null ? "—" : `${value}${unit ? ` ${unit}` : ""}`;
}

function beforeAfter(row: CalibrationRow) {
  if (row.beforeValue !== null || row.afterValue !== null) return `${reading(row.beforeValue, row.unit)} → ${reading(row.afterValue, row.unit)}`;
  if (row.beforeOffset !== null || row.afterOffset !== null) return `offset ${reading(row.beforeOffset, row.unit)} → ${reading(row.afterOffset, row.unit)}`;
  return "—";
}

/**
 * The device page's Calibration section: today's status, last and next due, the interval, the
 * latest records (a command's links to the device's commands) and the hand form for those who may
 * record work. Loads its own data, so the page adds it with one line.
 */
export async function DeviceCalibrationSection({ deviceId, actor, timeZone, retired }: { deviceId: string; actor: Actor; timeZone: string; retired: boolean }) {
  const view = await deviceCalibrations(getDb(), actor, deviceId, HISTORY);
  if (view.status === "not_required" && view.total === 0) return null;
  const unit = view.data.find((row) => row.unit)?.unit ?? null;
  const canRecord = !retired && can(actor.role, "maintenance.write");
  return (
    <section id="calibration" aria-labelledby="calibration-heading" className="scroll-mt-4 space-y-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm target:ring-2 target:ring-brand-600">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="calibration-heading" className="text-sm font-semibold text-stone-700">
          Calibration
        </h2>
        <span className="text-xs text-stone-500">{view.total} in all</span>
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-4" data-testid="calibration-summary">
        <div>
          <dt className="text-xs text-stone-500">Status</dt>
          <dd>
            <CalibrationStatusBadge status={view.status} />
          </dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">Last calibration</dt>
          <dd>{formatDateTime(view.lastCalibration, timeZone)}</dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">Next due</dt>
          <dd data-testid="calibration-next-due">{formatDate(view.nextCalibrationDue)}</dd>
        </div>
        <div>
          <dt className="text-xs text-stone-500">Interval</dt>
          <dd>{view.intervalDays === null ? "Not calibrated by default" : `Every ${view.intervalDays} days${view.intervalIsDefault ? " (type default)" : ""}`}</dd>
        </div>
      </dl>
      {view.data.length ? (
        <DataTable minWidth={640} columns={[{ label: "Done" }, { label: "Result" }, { label: "Reference" }, { label: "Before → after" }, { label: "By" }, { label: "Next due" }]}>
          {view.data.map((row) => (
            <tr key={row.id}>
              <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(row.performedAt, timeZone)}</td>
              <td className="px-3 py-2">
                <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${row.passed ? "bg-green-100 text-green-900" : "bg-red-100 text-red-800"}`}>{row.passed ? "Passed" : "Failed"}</span>
              </td>
              <td className="px-3 py-2">
                {row.reference ?? "—"}
                {row.referenceValue !== null ? <span className="text-stone-500"> ({reading(row.referenceValue, row.unit)})</span> : null}
              </td>
              <td className="px-3 py-2 tabular-nums">{beforeAfter(row)}</td>
              <td className="px-3 py-2">
                {row.method === "command" ? (
                  <Link href={`/diagnostics?device=${view.deviceId}`} className="text-brand-700 underline" title={row.commandId ?? undefined}>
                    Command
                  </Link>
                ) : row.maintenanceId ? (
                  <Link href={`/maintenance/${row.maintenanceId}`} className="text-brand-700 underline">
                    {row.performedBy ?? "Maintenance"}
                  </Link>
                ) : (
                  (row.performedBy ?? "—")
                )}
              </td>
              <td className="px-3 py-2 whitespace-nowrap">{formatDate(row.nextDueOn)}</td>
            </tr>
          ))}
        </DataTable>
      ) : (
        <p className="text-sm text-stone-500">No calibration recorded yet.</p>
      )}
      {canRecord ? <RecordCalibrationForm deviceId={view.deviceId} unit={unit} /> : null}
    </section>
  );
}
