import Link from "next/link";
import type { ReactNode } from "react";
import { DebugBadge, debugActive } from "@/components/commands/debug-badge";
import { ConnectionBadge, HealthBadge } from "@/components/ui/status-badge";
import { timeAgo } from "@/components/ui/time-ago";
import type { DeviceDetail } from "@/lib/devices/device-detail";
import { DEVICE_STATE_LABEL } from "@/lib/devices/device-fields";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import type { HealthReason } from "@/lib/health/health-reasons";
import { DeviceStatusBar } from "./device-status-bar";
import { formatDateTime, humanize } from "./device-values";

/** The device's open alerts, newest first, as the page loads them (a few; the count says how many). */
export type OpenAlert = { id: number; alertType: string; severity: "low" | "warning" | "critical"; message: string | null; occurrenceCount: number; lastOccurrence: Date };

const SEVERITY = {
  critical: { icon: "■", label: "Critical", className: "bg-red-100 text-red-800" },
  warning: { icon: "▲", label: "Warning", className: "bg-amber-100 text-amber-900" },
  low: { icon: "●", label: "Low", className: "bg-stone-100 text-stone-700" },
} as const;

/** How many reasons the first screen shows; the rest are counted. */
const REASONS_SHOWN = 2;

/**
 * The device page's first screen, for the technician at the device: who it is, its status,
 * health with the reason, connection and last seen, and its open alerts — all above a phone's
 * fold; the lifecycle path joins from `sm` up (a phone has it in the Details tab).
 */
export function DeviceSummary({ device, reasons, openAlerts, now }: { device: DeviceDetail; reasons: HealthReason[]; openAlerts: OpenAlert[]; now: Date }) {
  const zone = device.farm.timezone;
  return (
    <header className="space-y-3">
      <div className="space-y-1">
        <Link href="/devices" className="text-sm text-brand-700 hover:underline">
          ← Devices
        </Link>
        <h1 className="text-xl font-semibold tracking-tight break-words text-stone-900 sm:text-2xl">{device.name}</h1>
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-stone-600">
          <span className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-xs text-stone-800">{device.deviceId}</span>
          <span>{DEVICE_TYPE_LABEL[device.deviceType]}</span>
          <span aria-hidden>·</span>
          <span>{device.farm.name}</span>
          {device.needsAttention ? <Flag tone="amber" icon={<span className="font-bold">!</span>} label="Needs attention" /> : null}
          {device.maintenanceMode ? <Flag tone="blue" icon={<WrenchIcon />} label="Maintenance mode" /> : null}
          {debugActive(device) ? <DebugBadge level={device.debugLevel!} until={device.debugUntil} timeZone={zone} /> : null}
        </p>
      </div>
      {device.state === "decommissioned" ? <RetiredBanner device={device} /> : null}

      <dl aria-label="Status at a glance" className="grid grid-cols-3 gap-px overflow-hidden rounded-xl border border-stone-200 bg-stone-200 text-sm shadow-sm sm:grid-cols-[2fr_1fr_1fr_1fr]">
        <Fact label="Health" testId="device-health" className="col-span-3 sm:col-span-1">
          <span className="flex flex-wrap items-center gap-2">
            <HealthBadge status={device.healthStatus} />
            {/* M92 deducts nothing for a device never heard from: a score of 100 there would mislead. */}
            {device.healthStatus === "unknown" ? null : <span className="text-xs text-stone-600 tabular-nums">{Math.round(device.healthScore)} / 100</span>}
          </span>
          <HealthWhy device={device} reasons={reasons} />
        </Fact>
        <Fact label="Status" testId="device-status">
          <span className="font-medium text-stone-900">{DEVICE_STATE_LABEL[device.state]}</span>
        </Fact>
        <Fact label="Connection" testId="device-connection">
          <ConnectionBadge status={device.connectionStatus} />
        </Fact>
        <Fact label="Last seen" testId="device-last-seen">
          {device.lastSeen ? (
            <time dateTime={device.lastSeen.toISOString()} title={formatDateTime(device.lastSeen, zone)} className="font-medium text-stone-900">
              {timeAgo(device.lastSeen, now)}
            </time>
          ) : (
            <span className="font-medium text-stone-900">Never</span>
          )}
        </Fact>
      </dl>

      <div className="hidden sm:block">
        <DeviceStatusBar state={device.state} />
      </div>

      <OpenAlerts deviceId={device.deviceId} alerts={openAlerts} total={device.counts.activeAlerts} now={now} />
    </header>
  );
}

function Fact({ label, testId, className = "", children }: { label: string; testId: string; className?: string; children: ReactNode }) {
  return (
    <div className={`min-w-0 bg-white px-3 py-2 ${className}`} data-testid={testId}>
      <dt className="text-xs text-stone-500">{label}</dt>
      <dd className="mt-0.5">{children}</dd>
    </div>
  );
}

/** The reason beside the badge, so "Critical" never stands alone. */
function HealthWhy({ device, reasons }: { device: DeviceDetail; reasons: HealthReason[] }) {
  const line = (text: string) => <p className="mt-1 text-xs text-stone-700">{text}</p>;
  if (device.maintenanceMode) return line("Health checks paused: maintenance mode.");
  if (device.healthStatus === "unknown") return line("Never heard from: no health yet.");
  if (!reasons.length) return line(device.healthStatus === "healthy" ? "All checks pass." : `As judged at the last health check${device.lastHealthCheck ? `, ${formatDateTime(device.lastHealthCheck, device.farm.timezone)}` : ""}.`);
  return (
    <ul className="mt-1 space-y-0.5 text-xs text-stone-700" aria-label="Why">
      {reasons.slice(0, REASONS_SHOWN).map((reason) => (
        <li key={reason.text}>
          <span aria-hidden className={reason.severity === "critical" ? "text-red-700" : "text-amber-700"}>
            {reason.severity === "critical" ? "■ " : "▲ "}
          </span>
          {reason.text}
        </li>
      ))}
      {reasons.length > REASONS_SHOWN ? <li className="text-stone-500">and {reasons.length - REASONS_SHOWN} more</li> : null}
    </ul>
  );
}

function OpenAlerts({ deviceId, alerts, total, now }: { deviceId: string; alerts: OpenAlert[]; total: number; now: Date }) {
  return (
    <section aria-labelledby="open-alerts-heading" data-testid="device-open-alerts" className="rounded-xl border border-stone-200 bg-white px-3 py-2 shadow-sm">
      <div className="flex items-baseline justify-between gap-2">
        <h2 id="open-alerts-heading" className="text-sm font-semibold text-stone-700">
          Open alerts <span className={`tabular-nums ${total ? "text-red-700" : "text-stone-500"}`}>({total})</span>
        </h2>
        <Link href={`/alerts?device=${encodeURIComponent(deviceId)}`} className="text-xs text-brand-700 underline">
          {total ? "All its alerts" : "Alert history"}
        </Link>
      </div>
      {alerts.length ? (
        <ul className="mt-1 divide-y divide-stone-100 text-sm">
          {alerts.map((alert) => (
            <li key={alert.id} className="py-1.5">
              <Link href={`/alerts/${alert.id}`} className="flex min-w-0 items-center gap-2 hover:underline">
                <span className={`inline-flex shrink-0 items-center gap-1 rounded-full px-1.5 py-0.5 text-xs font-medium ${SEVERITY[alert.severity].className}`}>
                  <span aria-hidden>{SEVERITY[alert.severity].icon}</span>
                  {SEVERITY[alert.severity].label}
                </span>
                <span className="min-w-0 flex-1 truncate text-stone-900" title={alert.message ?? undefined}>
                  {humanize(alert.alertType)}
                  {alert.occurrenceCount > 1 ? <span className="text-stone-500"> ×{alert.occurrenceCount}</span> : null}
                </span>
                <span className="shrink-0 text-xs text-stone-500">{timeAgo(alert.lastOccurrence, now)}</span>
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-xs text-stone-500">None: nothing to act on.</p>
      )}
    </section>
  );
}

/** Drawn, not an emoji: the farm's machines may have no emoji font. */
function WrenchIcon() {
  return (
    <svg viewBox="0 0 24 24" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round">
      <path d="M14 6l4 4-8 8H6v-4zM13 7l4 4" />
    </svg>
  );
}

function Flag({ tone, icon, label }: { tone: "amber" | "blue"; icon: ReactNode; label: string }) {
  const tones = { amber: "bg-amber-100 text-amber-900", blue: "bg-sky-100 text-sky-900" };
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${tones[tone]}`}>
      <span aria-hidden>{icon}</span>
      {label}
    </span>
  );
}

/** I-013 §8: a retired device stays for its history, read-only. */
function RetiredBanner({ device }: { device: DeviceDetail }) {
  return (
    <div role="note" className="rounded-lg border border-stone-300 bg-stone-100 px-4 py-3 text-sm text-stone-800">
      <p className="font-semibold">Retired — this record is read-only.</p>
      <p className="mt-0.5">
        Decommissioned {formatDateTime(device.retiredAt, device.farm.timezone)}
        {device.retirementReason ? <> · Reason: {device.retirementReason}</> : null}. Its MQTT credentials no longer work; its history is kept in the tabs below.
      </p>
    </div>
  );
}
