import { Kpi } from "@/components/ui/card";
import { CATEGORY_COLOR, CATEGORY_HINT, CATEGORY_LABEL, COST_CATEGORIES } from "@/lib/costs/cost-categories";
import type { CostSummary } from "@/lib/costs/cost-summary";
import { formatMoney } from "@/lib/costs/money";

/** The month's total, per device, and each category with what it is made of. */
export function CostSummaryCards({ summary }: { summary: CostSummary }) {
  const money = (value: number) => formatMoney(value, summary.currency);
  const hint = {
    data: `${summary.dataMb.toLocaleString("en")} MB · ${CATEGORY_HINT.data}`,
  } as Partial<Record<(typeof COST_CATEGORIES)[number], string>>;
  return (
    <div className="space-y-3">
      <div className="grid grid-cols-2 gap-3">
        <Kpi label={summary.monthToDate ? "Total so far" : "Total"} value={money(summary.costs.total)} hint={`${summary.deviceCount.toLocaleString("en")} devices in service · ${Math.round(summary.hours).toLocaleString("en")} h`} />
        <Kpi label="Per device" value={money(summary.costPerDevice)} hint="Total ÷ devices in service" />
      </div>
      <ul className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7" aria-label="Costs by category">
        {COST_CATEGORIES.map((category) => (
          <li key={category} className="rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
            <p className="flex items-center gap-1.5 text-xs font-medium text-stone-600">
              <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: CATEGORY_COLOR[category] }} />
              {CATEGORY_LABEL[category]}
            </p>
            <p className="mt-1 text-lg font-semibold text-stone-900 tabular-nums">{money(summary.costs[category])}</p>
            <p className="mt-0.5 text-xs leading-snug text-stone-500">{hint[category] ?? CATEGORY_HINT[category]}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
