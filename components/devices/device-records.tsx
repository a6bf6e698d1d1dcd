import type { ReactNode } from "react";
import { formatDateTime, humanize } from "./device-values";

/** The device's latest alerts, any state, newest first, as the page loads them. */
export type DeviceAlertRecord = { id: number; alertType: string; severity: "low" | "warning" | "critical"; state: string; message: string | null; occurrenceCount: number; lastOccurrence: Date };

const SEVERITY = {
  critical: { icon: "■", className: "bg-red-100 text-red-800" },
  warning: { icon: "▲", className: "bg-amber-100 text-amber-900" },
  low: { icon: "●", className: "bg-stone-100 text-stone-700" },
} as const;

/** The device's recent alerts, resolved ones too (the first screen lists the open ones): the Health history tab. */
export function DeviceAlertsSection({ alerts, activeAlerts, timeZone }: { alerts: DeviceAlertRecord[]; activeAlerts: number; timeZone: string }) {
  return (
    <RecordSection id="alerts" title="Alerts" summary={`${activeAlerts} active`} empty="No alerts for this device.">
      {alerts.map((alert) => (
        <Row
          key={alert.id}
          title={
            <>
              <span className={`mr-1.5 inline-flex items-center gap-1 rounded-full px-1.5 py-0.5 text-xs font-medium ${SEVERITY[alert.severity].className}`}>
                <span aria-hidden>{SEVERITY[alert.severity].icon}</span>
                {humanize(alert.severity)}
              </span>
              {humanize(alert.alertType)}
              {alert.occurrenceCount > 1 ? <span className="text-stone-500"> ×{alert.occurrenceCount}</span> : null}
            </>
          }
          status={humanize(alert.state)}
          detail={alert.message}
          when={formatDateTime(alert.lastOccurrence, timeZone)}
        />
      ))}
    </RecordSection>
  );
}

function RecordSection({ id, title, summary, empty, children }: { id: string; title: string; summary: string; empty: string; children: ReactNode[] }) {
  return (
    <section id={id} aria-labelledby={`${id}-heading`} className="scroll-mt-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm target:ring-2 target:ring-brand-600">
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h2 id={`${id}-heading`} className="text-sm font-semibold text-stone-700">
          {title}
        </h2>
        <span className="text-xs text-stone-500">{summary}{children.length ? ` · latest ${children.length}` : ""}</span>
      </div>
      {children.length ? <ul className="divide-y divide-stone-100 text-sm">{children}</ul> : <p className="py-3 text-sm text-stone-500">{empty}</p>}
    </section>
  );
}

function Row({ title, status, detail, when }: { title: ReactNode; status: string; detail: string | null; when: string }) {
  return (
    <li className="py-2">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5">
        <span className="min-w-0">{title}</span>
        <span className="text-xs text-stone-600">{status}</span>
      </div>
      <div className="flex flex-wrap justify-between gap-x-3 text-xs text-stone-500">
        <span className="min-w-0 break-words">{detail}</span>
        <span className="whitespace-nowrap">{when}</span>
      </div>
    </li>
  );
}
