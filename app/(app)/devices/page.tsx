import type { Metadata } from "next";
import Link from "next/link";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { EmptyState } from "@/components/ui/empty-state";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { ConnectionBadge, HealthBadge } from "@/components/ui/status-badge";
import { TimeAgo } from "@/components/ui/time-ago";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { selectedFarmId } from "@/lib/farms/farm-scope";

export const metadata: Metadata = { title: "Devices" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 50;

export default async function DevicesPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const actor = await requirePageActor("devices.read");
  const farmId = await selectedFarmId(actor);
  const page = Math.max(1, Number((await searchParams).page) || 1);
  const where = farmId ? { farmId } : {};
  const db = getDb();
  const [total, devices] = await Promise.all([
    db.device.count({ where }),
    db.device.findMany({
      where,
      orderBy: { deviceId: "asc" },
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true, deviceId: true, name: true, deviceType: true, state: true, healthStatus: true, healthScore: true,
        connectionStatus: true, batteryLevel: true, signalStrength: true, lastSeen: true, firmwareVersion: true, farm: { select: { code: true } },
      },
    }),
  ]);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <>
      <PageHeader title="Devices" description={`${total} devices`} actions={<AutoRefresh seconds={10} />} />
      {devices.length === 0 ? (
        <EmptyState title="No devices yet">Provision a device or import a CSV file to fill the registry.</EmptyState>
      ) : (
        <>
        <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm md:hidden">
          {devices.map((device) => (
            <li key={device.id} className="px-3 py-2.5 text-sm">
              <div className="flex items-center justify-between gap-2">
                <span className="min-w-0 truncate">
                  <span className="font-mono text-xs text-stone-500">{device.deviceId}</span> {device.name}
                </span>
                <HealthBadge status={device.healthStatus} />
              </div>
              <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-stone-600">
                <ConnectionBadge status={device.connectionStatus} />
                <span>{device.batteryLevel === null ? "battery —" : `battery ${device.batteryLevel.toFixed(0)} %`}</span>
                <span>{device.signalStrength === null ? "signal —" : `${device.signalStrength} dBm`}</span>
                <span data-testid="last-seen-mobile">
                  seen <TimeAgo date={device.lastSeen} />
                </span>
              </div>
            </li>
          ))}
        </ul>
        <DataTable
          className="hidden md:block"
          minWidth={760}
          columns={[{ label: "Device" }, { label: "Type" }, { label: "Farm" }, { label: "Health" }, { label: "Connection" }, { label: "Battery", align: "right" }, { label: "Signal", align: "right" }, { label: "Firmware" }, { label: "Last seen" }]}
        >
              {devices.map((device) => (
                <tr key={device.id} className="hover:bg-stone-50">
                  <td className="px-3 py-2">
                    <span className="block font-mono text-xs text-stone-500">{device.deviceId}</span>
                    <span className="block">{device.name}</span>
                  </td>
                  <td className="px-3 py-2">{DEVICE_TYPE_LABEL[device.deviceType]}</td>
                  <td className="px-3 py-2">{device.farm.code}</td>
                  <td className="px-3 py-2">
                    <HealthBadge status={device.healthStatus} />{" "}
                    {/* M92's score deducts nothing for a device never heard from: 100 would mislead. */}
                    {device.healthStatus === "unknown" ? null : <span className="text-xs text-stone-500 tabular-nums">{Math.round(device.healthScore)}</span>}
                  </td>
                  <td className="px-3 py-2">
                    <ConnectionBadge status={device.connectionStatus} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{device.batteryLevel === null ? "—" : `${device.batteryLevel.toFixed(0)} %`}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{device.signalStrength === null ? "—" : `${device.signalStrength} dBm`}</td>
                  <td className="px-3 py-2 font-mono text-xs">{device.firmwareVersion ?? "—"}</td>
                  <td className="px-3 py-2 whitespace-nowrap" data-testid="last-seen">
                    <TimeAgo date={device.lastSeen} />
                  </td>
                </tr>
              ))}
        </DataTable>
        </>
      )}
      {pages > 1 ? (
        <nav className="mt-3 flex items-center justify-between text-sm" aria-label="Pages">
          {page > 1 ? <Link className="rounded-md border border-stone-300 bg-white px-3 py-1.5" href={`/devices?page=${page - 1}`}>Previous</Link> : <span />}
          <span className="text-stone-600">Page {page} of {pages}</span>
          {page < pages ? <Link className="rounded-md border border-stone-300 bg-white px-3 py-1.5" href={`/devices?page=${page + 1}`}>Next</Link> : <span />}
        </nav>
      ) : null}
      <p className="mt-4 text-sm text-stone-600">
        <span className="mr-2 inline-block rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-900">Not built yet</span>
        Search, filters, sorting, group-by, bulk actions and the device page arrive with the device registry work.
      </p>
    </>
  );
}
