import Link from "next/link";
import { Card } from "@/components/ui/card";
import { allows, type Actor } from "@/lib/auth/permissions";
import { CATEGORY_LABEL, COST_CATEGORIES } from "@/lib/costs/cost-categories";
import { getDeviceCosts } from "@/lib/costs/cost-summary";
import { formatMoney } from "@/lib/costs/money";
import { getDb } from "@/lib/db";

const CONFIDENCE = { low: "low confidence", medium: "medium confidence", high: "high confidence" } as const;

/** The device page's "Costs" card: this month so far, the last 12 months, power and battery facts. Managers and admins only. */
export async function DeviceCostsCard({ actor, deviceId }: { actor: Actor; deviceId: number }) {
  if (!allows(actor, "costs.read")) return null;
  const costs = await getDeviceCosts(getDb(), actor, deviceId);
  const money = (value: number) => formatMoney(value, costs.currency);
  const month = costs.monthToDate.costs;
  const parts = COST_CATEGORIES.filter((category) => month[category] !== 0 || costs.last12Months[category] !== 0);
  const battery = costs.battery;
  return (
    <Card title="Costs">
      <div className="grid gap-4 md:grid-cols-[1fr_1fr]">
        <div className="overflow-x-auto">
          <table className="w-full text-sm">
            <caption className="sr-only">The device&apos;s costs this month and over the last 12 months</caption>
            <thead className="text-left text-xs tracking-wide text-stone-500 uppercase">
              <tr>
                <th scope="col" className="py-1 pr-2">
                  Part
                </th>
                <th scope="col" className="px-2 py-1 text-right">
                  This month so far
                </th>
                <th scope="col" className="py-1 pl-2 text-right">
                  Last 12 months
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {parts.map((category) => (
                <tr key={category}>
                  <th scope="row" className="py-1 pr-2 text-left font-normal text-stone-700">
                    {CATEGORY_LABEL[category]}
                  </th>
                  <td className="px-2 py-1 text-right tabular-nums">{money(month[category])}</td>
                  <td className="py-1 pl-2 text-right tabular-nums">{money(costs.last12Months[category])}</td>
                </tr>
              ))}
              <tr className="font-semibold">
                <th scope="row" className="py-1 pr-2 text-left">
                  Total
                </th>
                <td className="px-2 py-1 text-right tabular-nums">{money(month.total)}</td>
                <td className="py-1 pl-2 text-right tabular-nums">{money(costs.last12Months.total)}</td>
              </tr>
            </tbody>
          </table>
        </div>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-stone-500">Power</dt>
          <dd>{costs.power.watts !== null ? `${costs.power.source === "poe" ? "PoE" : "Mains"}, typically ${costs.power.watts} W at ${formatMoney(costs.power.pricePerKwh, costs.currency, { precise: true })}/kWh` : costs.power.source === "battery" ? "Battery" : "Solar (no grid power)"}</dd>
          <dt className="text-stone-500">Amortisation</dt>
          <dd>
            {costs.amortisation.perMonth !== null && costs.amortisation.unitCost !== null
              ? `${money(costs.amortisation.unitCost)} over ${costs.amortisation.months} months: ${money(costs.amortisation.perMonth)} a month${costs.amortisation.endsAfter ? `, to ${costs.amortisation.endsAfter}` : " (no purchase date)"}`
              : "No unit cost recorded"}
          </dd>
          {battery ? (
            <>
              <dt className="text-stone-500">Battery</dt>
              <dd>
                {battery.status === "estimated"
                  ? `Replacement around ${battery.estimatedDate} (in ${battery.daysRemaining} days, ${battery.drainPerDay} %/day, ${CONFIDENCE[battery.confidence]}), ${money(battery.estimatedCost)}`
                  : battery.status === "due"
                    ? `Due now: ${battery.level} % is at or under the ${battery.threshold} % threshold (${money(battery.estimatedCost)})`
                    : battery.status === "not_draining"
                      ? "Not draining over the last 30 days: no replacement in sight"
                      : "Too few battery readings in the last 30 days to estimate a replacement"}
              </dd>
            </>
          ) : null}
        </dl>
      </div>
      <p className="mt-3 text-xs text-stone-500">
        Priced with the farm&apos;s unit prices. <Link href={`/costs?farm=${costs.device.farmId}`} className="text-brand-700 underline hover:no-underline">The farm&apos;s costs</Link>
      </p>
    </Card>
  );
}
