import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { HealthDistributionChart } from "@/components/charts/health-distribution-chart";
import { AlertsFeed } from "@/components/dashboard/alerts-feed";
import { AssetKpis, ExpiringWarrantiesCard } from "@/components/dashboard/asset-cards";
import { DeviceMapCard } from "@/components/dashboard/device-map-card";
import { FarmHealthSummaryCard } from "@/components/dashboard/farm-health-summary";
import { RecentEvents } from "@/components/dashboard/recent-events";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Card, Kpi } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { loadConfig } from "@/lib/config/env";
import { assetSummary } from "@/lib/dashboard/asset-summary";
import { openAlertsFeed, recentEvents } from "@/lib/dashboard/dashboard-feed";
import { deviceMapData } from "@/lib/dashboard/device-map";
import { fleetSummary } from "@/lib/dashboard/fleet-summary";
import { getDb } from "@/lib/db";
import { selectedFarmId } from "@/lib/farms/farm-scope";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("dashboard"))("title") };
}
export const dynamic = "force-dynamic";
// A main area: going back to it within 30 s reuses what the browser has (no new request); an action
// that revalidates, or router.refresh() (after saving, the auto-refresh), drops that copy (README "Navigation cache").
export const unstable_dynamicStaleTime = 30;

export default async function DashboardPage() {
  const actor = await requirePageActor("devices.read");
  const farmId = await selectedFarmId(actor);
  const db = getDb();
  const config = loadConfig();
  const [summary, alerts, events, map, assets] = await Promise.all([
    fleetSummary(db, actor, farmId),
    openAlertsFeed(db, actor, farmId),
    recentEvents(db, actor, farmId),
    deviceMapData(db, farmId),
    assetSummary(db, actor, farmId),
  ]);
  const open = summary.openAlerts;
  const [t, format] = await Promise.all([getTranslations("dashboard"), getFormatter()]);
  const percent = (part: number, whole: number) => (whole ? t("ofFleet", { percent: format.number(Math.round((part / whole) * 100)) }) : undefined);

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} actions={<AutoRefresh seconds={15} />} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-4" data-testid="dashboard-kpis">
        <Kpi label={t("devices")} value={format.number(summary.totalDevices)} href="/devices" />
        <Kpi label={t("online")} value={format.number(summary.connectionStatus.online)} tone="good" href="/devices?connection=online" hint={percent(summary.connectionStatus.online, summary.totalDevices)} />
        <Kpi label={t("needsAttention")} value={format.number(summary.needsAttention)} tone={summary.needsAttention ? "warn" : "neutral"} href="/devices?attention=true&sort=health" />
        <Kpi
          label={t("openAlerts")}
          value={format.number(open.total)}
          tone={open.critical ? "bad" : open.total ? "warn" : "neutral"}
          href="/alerts"
          hint={t("openAlertsHint", { critical: open.critical, warning: open.warning, low: open.low })}
        />
        <Kpi label={t("updatesRunning")} value={format.number(summary.runningJobs)} href="/updates" />
        <AssetKpis summary={assets} />
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <Card title={t("fleetHealth")}>
          <HealthDistributionChart counts={summary.healthSummary} />
        </Card>
        <AlertsFeed alerts={alerts} total={open.total} />
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-5">
        <div className="min-w-0 lg:col-span-3">
          <DeviceMapCard data={map} tileUrl={config.MAP_TILE_URL ?? null} attribution={config.MAP_TILE_ATTRIBUTION} />
        </div>
        <div className="min-w-0 lg:col-span-2">
          <RecentEvents events={events} />
        </div>
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <FarmHealthSummaryCard summary={summary} />
        </div>
        <div className="min-w-0">
          <ExpiringWarrantiesCard summary={assets} />
        </div>
      </div>
    </>
  );
}
