import Link from "next/link";
import { useTranslations } from "next-intl";
import { Card } from "@/components/ui/card";
import { TimeAgo } from "@/components/ui/time-ago";
import { alertTypeLabel } from "@/lib/dashboard/alert-labels";
import type { FeedAlert } from "@/lib/dashboard/dashboard-feed";

const SEVERITY = {
  critical: { icon: "■", className: "bg-red-100 text-red-800" },
  warning: { icon: "▲", className: "bg-amber-100 text-amber-900" },
  low: { icon: "●", className: "bg-sky-100 text-sky-900" },
} as const;

/** The open alerts, most severe first: each opens its alert page. */
export function AlertsFeed({ alerts, total }: { alerts: FeedAlert[]; total: number }) {
  const t = useTranslations("dashboard");
  const tEnum = useTranslations("enums");
  const tCommon = useTranslations("common");
  const typeLabel = (type: string) => (tEnum.has(`alertType.${type}`) ? tEnum(`alertType.${type}`) : alertTypeLabel(type));
  return (
    <Card title={t("openAlerts")}>
      {alerts.length === 0 ? (
        <p className="text-sm text-stone-600">{t("feedEmpty")}</p>
      ) : (
        <ul className="divide-y divide-stone-100" data-testid="alerts-feed">
          {alerts.map((alert) => (
            <li key={alert.id}>
              <Link href={`/alerts/${alert.id}`} className="flex items-start justify-between gap-3 py-2 text-sm hover:bg-stone-50">
                <span className="flex min-w-0 items-start gap-2">
                  <span className={`mt-0.5 inline-flex shrink-0 items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${SEVERITY[alert.severity].className}`}>
                    <span aria-hidden>{SEVERITY[alert.severity].icon}</span>
                    {tEnum(`alertSeverity.${alert.severity}`)}
                  </span>
                  <span className="min-w-0">
                    <span className="block font-medium text-stone-900">
                      {typeLabel(alert.alertType)}
                      {alert.occurrenceCount > 1 ? <span className="font-normal text-stone-500"> ×{alert.occurrenceCount}</span> : null}
                      {alert.state === "acknowledged" ? <span className="ml-1 text-xs font-normal text-stone-500">{t("acknowledged")}</span> : null}
                    </span>
                    <span className="block truncate text-xs text-stone-600">
                      {alert.device ? (
                        <>
                          <span className="font-mono">{alert.device.deviceId}</span> {alert.device.name}
                        </>
                      ) : alert.group ? (
                        tCommon("groupNamed", { name: alert.group.name })
                      ) : null}
                    </span>
                  </span>
                </span>
                <span className="shrink-0 text-xs text-stone-500">
                  <TimeAgo date={alert.lastOccurrence} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {total > alerts.length ? (
        <Link href="/alerts" className="mt-2 inline-block text-sm font-medium text-brand-700 hover:underline">
          {t("allOpenAlerts", { total })}
        </Link>
      ) : null}
    </Card>
  );
}
