import Link from "next/link";
import type { Metadata } from "next";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Card, Kpi } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ConnectionBadge, HealthBadge } from "@/components/ui/status-badge";
import { TimeAgo } from "@/components/ui/time-ago";
import { requirePageActor } from "@/lib/auth/session";
import { fleetSummary, recentlySeenDevices } from "@/lib/dashboard/fleet-summary";
import { getDb } from "@/lib/db";
import { selectedFarmId } from "@/lib/farms/farm-scope";

export const metadata: Metadata = { title: "Dashboard" };
export const dynamic = "force-dynamic";

export default async function DashboardPage() {
  const actor = await requirePageActor("devices.read");
  const farmId = await selectedFarmId(actor);
  const db = getDb();
  const [summary, recent] = await Promise.all([fleetSummary(db, farmId), recentlySeenDevices(db, farmId)]);
  const alertTotal = (summary.activeAlerts.critical ?? 0) + (summary.activeAlerts.warning ?? 0) + (summary.activeAlerts.low ?? 0);

  return (
    <>
      <PageHeader title="Dashboard" description="What needs attention across your devices right now." actions={<AutoRefresh seconds={10} />} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5">
        <Kpi label="Devices" value={summary.total} href="/devices" />
        <Kpi label="Online" value={summary.online} tone="good" href="/devices?connection=online" hint={summary.total ? `${Math.round((summary.online / summary.total) * 100)} % of the fleet` : undefined} />
        <Kpi label="Needs attention" value={summary.needsAttention} tone={summary.needsAttention ? "warn" : "neutral"} href="/devices?attention=true&sort=health" />
        <Kpi
          label="Active alerts"
          value={alertTotal}
          tone={summary.activeAlerts.critical ? "bad" : alertTotal ? "warn" : "neutral"}
          hint={`${summary.activeAlerts.critical ?? 0} critical · ${summary.activeAlerts.warning ?? 0} warning · ${summary.activeAlerts.low ?? 0} low`}
        />
        <Kpi label="Updates running" value={summary.runningJobs} />
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <Card title="Health of the fleet">
          <ul className="space-y-2">
            {(["healthy", "warning", "critical", "unknown"] as const).map((status) => {
              const count = summary.health[status] ?? 0;
              const share = summary.total ? (count / summary.total) * 100 : 0;
              return (
                <li key={status} className="flex items-center gap-3">
                  <Link href={`/devices?health=${status}`} className="w-24" aria-label={`${count} ${status} devices`}>
                    <HealthBadge status={status} />
                  </Link>
                  <span className="h-2 flex-1 overflow-hidden rounded-full bg-stone-100">
                    <span className={`block h-full ${{ healthy: "bg-green-600", warning: "bg-amber-500", critical: "bg-red-600", unknown: "bg-stone-400" }[status]}`} style={{ width: `${share}%` }} />
                  </span>
                  <span className="w-10 text-right text-sm tabular-nums">{count}</span>
                </li>
              );
            })}
          </ul>
        </Card>
        <Card title="Recently heard from">
          {recent.length === 0 ? (
            <p className="text-sm text-stone-600">No device has reported yet. Devices appear here when their first telemetry arrives.</p>
          ) : (
            <ul className="divide-y divide-stone-100">
              {recent.map((device) => (
                <li key={device.id} className="flex items-center justify-between gap-2 py-2 text-sm">
                  <span className="min-w-0">
                    <Link href={`/devices/${device.deviceId}`} className="hover:underline">
                      <span className="font-mono text-xs text-stone-500">{device.deviceId}</span> <span className="truncate">{device.name}</span>
                    </Link>
                  </span>
                  <span className="flex shrink-0 items-center gap-3">
                    <ConnectionBadge status={device.connectionStatus} />
                    <span className="text-xs text-stone-500">
                      <TimeAgo date={device.lastSeen} />
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <div className="mt-4">
        <EmptyState title="Map of devices, alerts feed and recent events" notBuilt>
          The map coloured by health, the alerts feed and the overnight events arrive with health monitoring and alerts. The numbers above are counted live from the registry.
        </EmptyState>
      </div>
    </>
  );
}
