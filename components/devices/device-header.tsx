import Link from "next/link";
import type { ReactNode } from "react";
import { DebugBadge, debugActive } from "@/components/commands/debug-badge";
import { ConnectionBadge, HealthBadge } from "@/components/ui/status-badge";
import type { DeviceDetail } from "@/lib/devices/device-detail";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { formatDateTime } from "./device-values";

/** Name, id, type and farm, the health at a glance, and the actions the person may take. */
export function DeviceHeader({ device, actions }: { device: DeviceDetail; actions?: ReactNode }) {
  return (
    <header className="space-y-3">
      <Link href="/devices" className="text-sm text-brand-700 hover:underline">
        ← Devices
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight break-words text-stone-900">{device.name}</h1>
          <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-stone-600">
            <span className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-xs text-stone-800">{device.deviceId}</span>
            <span>{DEVICE_TYPE_LABEL[device.deviceType]}</span>
            <span aria-hidden>·</span>
            <span>{device.farm.name}</span>
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2" aria-label="Status at a glance">
            <HealthBadge status={device.healthStatus} />
            <ConnectionBadge status={device.connectionStatus} />
            {device.needsAttention ? <Flag tone="amber" icon={<span className="font-bold">!</span>} label="Needs attention" /> : null}
            {device.maintenanceMode ? <Flag tone="blue" icon={<WrenchIcon />} label="Maintenance mode" /> : null}
            {debugActive(device) ? <DebugBadge level={device.debugLevel!} until={device.debugUntil} timeZone={device.farm.timezone} /> : null}
          </div>
        </div>
        {actions}
      </div>
      {device.state === "decommissioned" ? <RetiredBanner device={device} /> : null}
    </header>
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
        {device.retirementReason ? <> · Reason: {device.retirementReason}</> : null}. Its MQTT credentials no longer work; its history is kept below.
      </p>
    </div>
  );
}
