import Link from "next/link";
import { Card } from "@/components/ui/card";
import { CATEGORY_COLOR, CATEGORY_LABEL, FORECAST_PARTS } from "@/lib/costs/cost-categories";
import type { CostForecast } from "@/lib/costs/cost-forecast";
import { formatMoney } from "@/lib/costs/money";
import { CostForecastChart } from "./cost-forecast-chart";

const monthLabel = (period: string) => new Date(`${period}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });

/** The next 3 or 6 months as bars and a total line, a table of the parts, and how each is forecast. */
export function CostForecastSection({ forecast, currency, links }: { forecast: CostForecast; currency: string; links: { three: string; six: string } }) {
  const money = (value: number) => formatMoney(value, currency);
  const toggle = (months: number, href: string) => (
    <Link
      href={href}
      aria-current={forecast.months === months ? "true" : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${forecast.months === months ? "bg-brand-700 text-white" : "border border-stone-300 bg-white text-stone-800 hover:bg-stone-50"}`}
    >
      {months} months
    </Link>
  );
  return (
    <Card>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold text-stone-700">
          Forecast: {money(forecast.totals.total)} over the next {forecast.months} months
        </h2>
        <nav aria-label="Forecast length" className="flex gap-2">
          {toggle(3, links.three)}
          {toggle(6, links.six)}
        </nav>
      </div>
      <CostForecastChart currency={currency} months={forecast.forecast.map((month) => ({ period: month.period, total: month.total, ...month.parts }))} />
      <div className="mt-4 overflow-x-auto" tabIndex={0} role="region" aria-label="Forecast by month">
        <table className="w-full text-sm" style={{ minWidth: 520 }}>
          <caption className="sr-only">Forecast by part and month</caption>
          <thead className="text-left text-xs tracking-wide text-stone-500 uppercase">
            <tr>
              <th scope="col" className="py-1.5 pr-3">
                Part
              </th>
              {forecast.forecast.map((month) => (
                <th key={month.period} scope="col" className="px-2 py-1.5 text-right">
                  {monthLabel(month.period)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {FORECAST_PARTS.map((part) => (
              <tr key={part}>
                <th scope="row" className="py-1.5 pr-3 text-left font-normal text-stone-700">
                  <span aria-hidden className="mr-1.5 inline-block size-2.5 rounded-sm" style={{ background: CATEGORY_COLOR[part] }} />
                  {CATEGORY_LABEL[part]}
                </th>
                {forecast.forecast.map((month) => (
                  <td key={month.period} className="px-2 py-1.5 text-right tabular-nums">
                    {money(month.parts[part])}
                    {part === "maintenance" && month.maintenanceJobs ? <span className="block text-xs text-stone-500">{month.maintenanceJobs} {month.maintenanceJobs === 1 ? "job" : "jobs"}</span> : null}
                    {part === "batteries" && month.batteryReplacements ? <span className="block text-xs text-stone-500">{month.batteryReplacements} {month.batteryReplacements === 1 ? "battery" : "batteries"}</span> : null}
                  </td>
                ))}
              </tr>
            ))}
            <tr className="font-semibold">
              <th scope="row" className="py-1.5 pr-3 text-left">
                Total
              </th>
              {forecast.forecast.map((month) => (
                <td key={month.period} className="px-2 py-1.5 text-right tabular-nums">
                  {money(month.total)}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
      <h3 className="mt-4 text-xs font-semibold tracking-wide text-stone-500 uppercase">How each part is forecast</h3>
      <dl className="mt-1 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        {FORECAST_PARTS.map((part) => (
          <div key={part} className="contents">
            <dt className="font-medium text-stone-800">{CATEGORY_LABEL[part]}</dt>
            <dd className="mb-1 text-stone-600 sm:mb-0">{forecast.basis[part]}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-2 text-xs text-stone-500">Warranty extensions and claims are not forecast.</p>
    </Card>
  );
}
