import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConfigLayerPanel } from "@/components/configuration/config-layer-panel";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { chosenType, getFarmForConfig } from "@/lib/configuration/config-places";
import { getLayer } from "@/lib/configuration/layer-service";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { NotFoundError } from "@/lib/errors";

export const metadata: Metadata = { title: "Farm" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ type?: string | string[] }> };

/**
 * A farm: its devices by type (smart buttons into the devices list) and, per device type, the
 * settings every device of the farm inherits and the health thresholds they are judged by.
 */
export default async function FarmPage({ params, searchParams }: Props) {
  const actor = await requirePageActor("config.manage");
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const db = getDb();
  let place;
  try {
    place = await getFarmForConfig(db, actor, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const { farm, types, groups, configured } = place;
  const selected = chosenType((await searchParams).type, types);
  const layer = await getLayer(db, actor, "farm", farm.id, selected);
  const total = types.reduce((sum, t) => sum + t.devices, 0);

  return (
    <div className="space-y-5">
      <PageHeader
        title={farm.name}
        description={`${farm.code} · ${total} ${total === 1 ? "device" : "devices"} · ${groups} ${groups === 1 ? "group" : "groups"} · times in ${farm.timezone}`}
        actions={
          <>
            <Link href={`/devices?farm=${farm.id}`} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
              Devices
            </Link>
            <Link href="/groups" className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
              Groups
            </Link>
          </>
        }
      />
      <ul aria-label="Devices by type" className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-5">
        {types
          .filter((t) => t.devices > 0)
          .map((t) => (
            <li key={t.type}>
              <Link href={`/devices?farm=${farm.id}&type=${t.type}`} className="block rounded-lg border border-stone-200 bg-white px-3 py-2 shadow-sm hover:border-brand-600">
                <span className="block text-xl font-semibold tabular-nums text-stone-900">{t.devices}</span>
                <span className="text-xs text-stone-600">{DEVICE_TYPE_LABEL[t.type]}</span>
              </Link>
            </li>
          ))}
      </ul>
      <ConfigLayerPanel types={types} selected={selected} layer={layer} configured={configured} canManage={can(actor.role, "config.manage")} hrefFor={(type) => `/farms/${farm.id}?type=${type}#configuration`} />
    </div>
  );
}
