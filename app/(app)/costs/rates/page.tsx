import type { Metadata } from "next";
import Link from "next/link";
import { CostRatesForm } from "@/components/costs/cost-rates-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageActor } from "@/lib/auth/session";
import { getFarmCostRates, RATE_FIELDS, RATE_LABEL } from "@/lib/costs/cost-rates";
import { formatMoney } from "@/lib/costs/money";
import { getDb } from "@/lib/db";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";

export const metadata: Metadata = { title: "Unit prices" };
export const dynamic = "force-dynamic";

/** A farm's unit prices; with every farm in view, each farm's prices and a link to change them. */
export default async function CostRatesPage({ searchParams }: { searchParams: Promise<{ farm?: string }> }) {
  const actor = await requirePageActor("costs.manage");
  const farms = await visibleFarms(actor);
  const asked = Number((await searchParams).farm);
  const farmId = farms.some((farm) => farm.id === asked) ? asked : ((await selectedFarmId(actor)) ?? (farms.length === 1 ? farms[0]!.id : null));
  const db = getDb();

  if (farmId === null) {
    const all = await Promise.all(farms.map((farm) => getFarmCostRates(db, actor, farm.id)));
    return (
      <>
        <PageHeader title="Unit prices" description="What data, power, batteries, labour and maintenance visits cost on each farm. A farm without its own prices uses the defaults." />
        <ul className="grid gap-3 md:grid-cols-2">
          {all.map((rates) => (
            <li key={rates.farmId}>
              <Card title={rates.farmName}>
                <dl className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1 text-sm">
                  {RATE_FIELDS.map((field) => (
                    <div key={field} className="contents">
                      <dt className="text-stone-600">{RATE_LABEL[field]}</dt>
                      <dd className="text-right tabular-nums">{formatMoney(rates[field], rates.currency, { precise: true })}</dd>
                    </div>
                  ))}
                </dl>
                <p className="mt-3 flex items-center justify-between text-sm">
                  <span className="text-stone-500">{rates.isDefault ? "Defaults" : "The farm's own prices"}</span>
                  <Link href={`/costs/rates?farm=${rates.farmId}`} className="font-medium text-brand-700 hover:underline">
                    Change {rates.farmName}&apos;s prices
                  </Link>
                </p>
              </Card>
            </li>
          ))}
        </ul>
      </>
    );
  }

  const rates = await getFarmCostRates(db, actor, farmId);
  return (
    <>
      <PageHeader
        title={`Unit prices · ${rates.farmName}`}
        description={rates.isDefault ? "This farm uses the default prices until you save its own." : "The prices this farm's cost reports use. Changes apply to every month shown, past ones included."}
        actions={
          <Link href={`/costs?farm=${farmId}`} className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
            Back to costs
          </Link>
        }
      />
      <Card className="max-w-2xl">
        <CostRatesForm farmId={farmId} values={rates} />
      </Card>
    </>
  );
}
