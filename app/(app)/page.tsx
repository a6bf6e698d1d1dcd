import type { Metadata } from "next";
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

export const metadata: Metadata = { title: "Dashboard" };
export const dynamic = "force-dynamic";

const percent = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 100)} % of the fleet` : undefined);

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

  return (
    <>
      <PageHeader title="Dashboard" description="What needs attention across your devices right now, where they are, and what changed since yesterday." actions={<AutoRefresh seconds={15} />} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-4" data-testid="dashboard-kpis">
        <Kpi label="Devices" value={summary.totalDevices} href="/devices" />
        <Kpi label="Online" value={summary.connectionStatus.online} tone="good" href="/devices?connection=online" hint={percent(summary.connectionStatus.online, summary.totalDevices)} />
        <Kpi label="Needs attention" value={summary.needsAttention} tone={summary.needsAttention ? "warn" : "neutral"} href="/devices?attention=true&sort=health" />
        <Kpi
          label="Open alerts"
          value={open.total}
          tone={open.critical ? "bad" : open.total ? "warn" : "neutral"}
          href="/alerts"
          hint={`${open.critical} critical · ${open.warning} warning · ${open.low} low`}
        />
        <Kpi label="Updates running" value={summary.runningJobs} href="/updates" />
        <AssetKpis summary={assets} />
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <Card title="Health of the fleet">
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
