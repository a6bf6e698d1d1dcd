import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CostRatesForm } from "@/components/costs/cost-rates-form";
import { FarmForm } from "@/components/farms/farm-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { allows } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { getFarmDetails } from "@/lib/farms/farm-admin";
import { TIME_ZONES } from "@/lib/farms/farm-schemas";

export const metadata: Metadata = { title: "Edit farm" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ created?: string }> };

/** A farm's details and, below, its currency and unit prices (the cost reports' own form). */
export default async function EditFarmPage({ params, searchParams }: Props) {
  const actor = await requirePageActor("farms.manage");
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) notFound();
  let farm;
  try {
    farm = await getFarmDetails(getDb(), actor, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const created = (await searchParams).created === "1";
  return (
    <div className="space-y-5">
      <PageHeader
        title={`Edit ${farm.name}`}
        description={`${farm.code} · times in ${farm.timezone}`}
        actions={
          <Link href={`/farms/${farm.id}`} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
            Farm settings
          </Link>
        }
      />
      {created ? (
        <p role="status" className="max-w-3xl rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm text-green-900">
          {farm.name} was created. Check its currency and unit prices below; until you save them it uses the defaults.
        </p>
      ) : null}
      <Card title="Farm details" className="max-w-3xl">
        <FarmForm
          values={{ id: farm.id, name: farm.name, code: farm.code, address: farm.address ?? "", latitude: farm.latitude, longitude: farm.longitude, timezone: farm.timezone, escalationIntervalMinutes: farm.escalationIntervalMinutes, debounceMinutes: farm.debounceMinutes, digestHour: farm.digestHour }}
          timeZones={TIME_ZONES}
        />
      </Card>
      {allows(actor, "costs.manage") ? (
        <section id="prices" aria-labelledby="prices-title" className="max-w-3xl rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
          <h2 id="prices-title" className="text-sm font-semibold text-stone-700">
            Currency and unit prices
          </h2>
          <p className="mb-3 text-sm text-stone-600">{farm.costRates.isDefault ? "This farm uses the default prices until you save its own." : "What the cost reports of this farm count with."}</p>
          <CostRatesForm farmId={farm.id} values={farm.costRates} />
        </section>
      ) : null}
    </div>
  );
}
