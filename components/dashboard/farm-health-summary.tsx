import Link from "next/link";
import { Card } from "@/components/ui/card";
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "@/lib/devices/device-id";
import type { FarmHealthSummary } from "@/lib/health/health-summary";

/** I-013's farm health summary in a farm manager's words: the figures behind the KPIs, per type. */
export function FarmHealthSummaryCard({ summary }: { summary: FarmHealthSummary }) {
  const battery = summary.batteryStatistics;
  const facts: [string, string, string | null][] = [
    ["Average health score", summary.averageHealthScore === null ? "—" : String(Math.round(summary.averageHealthScore)), "/devices?sort=health"],
    ["Offline", String(summary.offline), "/devices?connection=offline"],
    ["Degraded connection", String(summary.connectionStatus.degraded), "/devices?connection=degraded"],
    ["Low battery", String(summary.lowBattery), null],
    ["Battery, average · lowest", battery.devicesReporting ? `${Math.round(battery.avgPercent ?? 0)} % · ${Math.round(battery.minPercent ?? 0)} %` : "—", null],
    ["Poor signal", String(summary.connectionQuality.poor), null],
    ["In maintenance", String(summary.inMaintenance), "/devices?maintenance=true"],
  ];
  return (
    <Card title={summary.farm ? `Health summary — ${summary.farm.name}` : "Health summary — all farms"}>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-3" data-testid="farm-health-summary">
        {facts.map(([label, value, href]) => (
          <div key={label} className="min-w-0">
            <dt className="text-xs text-stone-500">{label}</dt>
            <dd className="font-semibold tabular-nums text-stone-900">
              {href ? (
                <Link href={href} className="hover:underline">
                  {value}
                </Link>
              ) : (
                value
              )}
            </dd>
          </div>
        ))}
      </dl>
      {summary.byType.length ? (
        <div className="mt-4 overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="sr-only">Devices by type and health</caption>
            <thead>
              <tr className="text-left text-xs text-stone-500">
                <th className="py-1 pr-2 font-medium">Type</th>
                <th className="px-1 py-1 text-right font-medium">Devices</th>
                <th className="px-1 py-1 text-right font-medium">Warning</th>
                <th className="px-1 py-1 text-right font-medium">Critical</th>
                <th className="py-1 pl-1 text-right font-medium">Attention</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {summary.byType.map((row) => (
                <tr key={row.deviceType}>
                  <td className="py-1 pr-2">
                    <Link href={`/devices?type=${row.deviceType}`} className="hover:underline">
                      {DEVICE_TYPE_LABEL[row.deviceType as DeviceTypeName] ?? row.deviceType}
                    </Link>
                  </td>
                  <td className="px-1 py-1 text-right tabular-nums">{row.total}</td>
                  <td className={`px-1 py-1 text-right tabular-nums ${row.warning ? "text-amber-700" : "text-stone-400"}`}>{row.warning}</td>
                  <td className={`px-1 py-1 text-right tabular-nums ${row.critical ? "text-red-700" : "text-stone-400"}`}>{row.critical}</td>
                  <td className={`py-1 pl-1 text-right tabular-nums ${row.needsAttention ? "text-amber-700" : "text-stone-400"}`}>{row.needsAttention}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}
