import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConfigLayerPanel } from "@/components/configuration/config-layer-panel";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { actorClock } from "@/lib/auth/actor-clock";
import { allows, can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { chosenType, getFarmForConfig } from "@/lib/configuration/config-places";
import { getLayer } from "@/lib/configuration/layer-service";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL } from "@/lib/devices/device-id";
import { NotFoundError } from "@/lib/errors";
import { getFarmDetails } from "@/lib/farms/farm-admin";
import { formatDateTime } from "@/lib/i18n/format";

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
  const details = await getFarmDetails(db, actor, farm.id);
  const clock = await actorClock(db, actor, details);
  const manage = allows(actor, "farms.manage");

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
            {manage ? (
              <>
                <Link href={`/farms/${farm.id}/edit`} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
                  Edit farm details
                </Link>
                <Link href="/farms/new" className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800">
                  New farm
                </Link>
              </>
            ) : null}
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
      <Card title="Farm details">
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
          <div>
            <dt className="text-stone-500">Address</dt>
            <dd className="whitespace-pre-line text-stone-900">{details.address ?? "—"}</dd>
          </div>
          <div>
            <dt className="text-stone-500">Location</dt>
            <dd className="tabular-nums text-stone-900">{details.latitude !== null && details.longitude !== null ? `${details.latitude}, ${details.longitude}` : "—"}</dd>
          </div>
          <div>
            <dt className="text-stone-500">Time zone</dt>
            <dd className="text-stone-900">
              {details.timezone} <span className="text-stone-500">· now {formatDateTime(new Date(), clock, { zone: true })}</span>
            </dd>
          </div>
          <div>
            <dt className="text-stone-500">Alert escalation</dt>
            <dd className="text-stone-900">after {details.escalationIntervalMinutes} min unacknowledged</dd>
          </div>
          <div>
            <dt className="text-stone-500">Debounce · daily digest</dt>
            <dd className="text-stone-900">
              {details.debounceMinutes} min · {String(details.digestHour).padStart(2, "0")}:00 farm time
            </dd>
          </div>
          <div>
            <dt className="text-stone-500">Currency</dt>
            <dd className="text-stone-900">
              {details.costRates.currency} {details.costRates.isDefault ? <span className="text-stone-500">(default prices)</span> : null}
              {can(actor.role, "costs.manage") ? (
                <>
                  {" · "}
                  <Link href={manage ? `/farms/${farm.id}/edit#prices` : `/costs/rates?farm=${farm.id}`} className="font-medium text-brand-700 hover:underline">
                    Unit prices
                  </Link>
                </>
              ) : null}
            </dd>
          </div>
        </dl>
      </Card>
      <ConfigLayerPanel types={types} selected={selected} layer={layer} configured={configured} canManage={can(actor.role, "config.manage")} hrefFor={(type) => `/farms/${farm.id}?type=${type}#configuration`} />
    </div>
  );
}
