import Link from "next/link";
import type { DeviceDetail } from "@/lib/devices/device-detail";

/**
 * Odoo's smart buttons: the related records with their counts. Alerts open the alerts list
 * filtered to this device (its open alerts, the number shown); the updates, maintenance and
 * commands areas are built later, so those buttons jump to this page's own list of the device's
 * recent records.
 */
export function DeviceSmartButtons({ counts, deviceId }: { counts: DeviceDetail["counts"]; deviceId?: string }) {
  const buttons = [
    { href: deviceId ? `/alerts?device=${encodeURIComponent(deviceId)}` : "#alerts", label: "Alerts", count: counts.activeAlerts, hint: "open", alarm: counts.activeAlerts > 0 },
    { href: "#updates", label: "Updates", count: counts.updates, hint: "firmware", alarm: false },
    { href: "#maintenance", label: "Maintenance", count: counts.maintenances, hint: "records", alarm: false },
    { href: "#commands", label: "Commands", count: counts.commands, hint: "sent", alarm: false },
  ];
  return (
    <nav aria-label="Related records" className="grid grid-cols-2 gap-2 sm:flex sm:flex-wrap">
      {buttons.map((button) => (
        <Link
          key={button.href}
          href={button.href}
          className="flex items-center gap-3 rounded-lg border border-stone-200 bg-white px-3 py-2 shadow-sm hover:border-brand-600 hover:bg-brand-50 sm:min-w-36"
        >
          <span className={`text-xl font-semibold tabular-nums ${button.alarm ? "text-red-700" : "text-stone-900"}`}>{button.count}</span>
          <span className="leading-tight">
            <span className="block text-sm font-medium text-stone-800">{button.label}</span>
            <span className="block text-xs text-stone-500">{button.hint}</span>
          </span>
        </Link>
      ))}
    </nav>
  );
}
