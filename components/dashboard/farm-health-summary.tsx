import Link from "next/link";
import { useTranslations } from "next-intl";
import { Card } from "@/components/ui/card";
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "@/lib/devices/device-id";
import type { FarmHealthSummary } from "@/lib/health/health-summary";

/** I-013's farm health summary in a farm manager's words: the figures behind the KPIs, per type. */
export function FarmHealthSummaryCard({ summary }: { summary: FarmHealthSummary }) {
  const battery = summary.batteryStatistics;
  const t = useTranslations("dashboard");
  const tType = useTranslations("enums.deviceType");
  const facts: [string, string, string | null][] = [
    [t("averageHealthScore"), summary.averageHealthScore === null ? "—" : String(Math.round(summary.averageHealthScore)), "/devices?sort=health"],
    [t("offline"), String(summary.offline), "/devices?connection=offline"],
    [t("degradedConnection"), String(summary.connectionStatus.degraded), "/devices?connection=degraded"],
    [t("lowBattery"), String(summary.lowBattery), null],
    [t("batteryAverageLowest"), battery.devicesReporting ? `${Math.round(battery.avgPercent ?? 0)} % · ${Math.round(battery.minPercent ?? 0)} %` : "—", null],
    [t("poorSignal"), String(summary.connectionQuality.poor), null],
    [t("inMaintenance"), String(summary.inMaintenance), "/devices?maintenance=true"],
  ];
  return (
    <Card title={summary.farm ? t("healthSummary", { farm: summary.farm.name }) : t("healthSummaryAll")}>
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
            <caption className="sr-only">{t("byTypeCaption")}</caption>
            <thead>
              <tr className="text-left text-xs text-stone-500">
                <th className="py-1 pr-2 font-medium">{t("type")}</th>
                <th className="px-1 py-1 text-right font-medium">{t("devices")}</th>
                <th className="px-1 py-1 text-right font-medium">{t("warning")}</th>
                <th className="px-1 py-1 text-right font-medium">{t("critical")}</th>
                <th className="py-1 pl-1 text-right font-medium">{t("attention")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {summary.byType.map((row) => (
                <tr key={row.deviceType}>
                  <td className="py-1 pr-2">
                    <Link href={`/devices?type=${row.deviceType}`} className="hover:underline">
                      {tType.has(row.deviceType) ? tType(row.deviceType) : (DEVICE_TYPE_LABEL[row.deviceType as DeviceTypeName] ?? row.deviceType)}
                    </Link>
                  </td>
                  <td className="px-1 py-1 text-right tabular-nums">{row.total}</td>
                  <td className={`px-1 py-1 text-right tabular-nums ${row.warning ? "text-amber-700" : "text-stone-500"}`}>{row.warning}</td>
                  <td className={`px-1 py-1 text-right tabular-nums ${row.critical ? "text-red-700" : "text-stone-500"}`}>{row.critical}</td>
                  <td className={`py-1 pl-1 text-right tabular-nums ${row.needsAttention ? "text-amber-700" : "text-stone-500"}`}>{row.needsAttention}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}
