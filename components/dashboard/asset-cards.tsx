import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { formatDate } from "@/components/devices/device-values";
import { Card, Kpi } from "@/components/ui/card";
import { isLocale } from "@/lib/i18n/format";
import type { AssetSummary } from "@/lib/dashboard/asset-summary";

/** Calibration and maintenance that need someone, each opening the list behind it. */
export function AssetKpis({ summary }: { summary: AssetSummary }) {
  const t = useTranslations("dashboard");
  return (
    <>
      <Kpi label={t("calibrationOverdue")} value={summary.calibrationOverdue} tone={summary.calibrationOverdue ? "bad" : "neutral"} href="/devices?calibration=overdue" />
      <Kpi label={t("calibrationDue")} value={summary.calibrationDue} tone={summary.calibrationDue ? "warn" : "neutral"} href="/devices?calibration=due" hint={t("within14Days")} />
      <Kpi label={t("maintenanceOverdue")} value={summary.maintenanceOverdue} tone={summary.maintenanceOverdue ? "warn" : "neutral"} href="/maintenance?status=overdue" />
    </>
  );
}

/** "Warranties expiring in 30 days": the soonest few and the way to the rest. */
export function ExpiringWarrantiesCard({ summary }: { summary: AssetSummary }) {
  const { data, total } = summary.expiring;
  const t = useTranslations("dashboard");
  const current = useLocale();
  const locale = isLocale(current) ? current : "en";
  return (
    <Card title={t("warrantiesExpiring")}>
      {data.length ? (
        <ul className="divide-y divide-stone-100 text-sm" data-testid="expiring-warranties">
          {data.map((device) => (
            <li key={device.id} className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5 py-2">
              <span className="min-w-0 truncate">
                <Link href={`/devices/${device.deviceId}#warranty`} className="font-mono text-xs text-brand-700 underline">
                  {device.deviceId}
                </Link>{" "}
                <span className="text-stone-700">{device.name}</span>
              </span>
              <span className="text-xs whitespace-nowrap text-stone-600">
                {formatDate(device.warrantyEnd, locale)} · <span className={device.daysLeft < 7 ? "font-medium text-red-700" : "text-amber-800"}>{t("daysLeft", { days: device.daysLeft })}</span>
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-stone-500">{t("noWarrantyEnding")}</p>
      )}
      <Link href="/inventory/warranty?expiring=30" className="mt-3 inline-block text-sm text-brand-700 underline">
        {total > data.length ? t("allExpiringWarranties", { total }) : t("warrantiesAndClaims")}
      </Link>
    </Card>
  );
}
