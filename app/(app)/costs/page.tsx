import type { Metadata } from "next";
import Link from "next/link";
import { CostFilters } from "@/components/costs/cost-filters";
import { CostForecastSection } from "@/components/costs/cost-forecast-section";
import { CostHistoryChart } from "@/components/costs/cost-history-chart";
import { CostSummaryCards } from "@/components/costs/cost-summary-cards";
import { CostTables } from "@/components/costs/cost-tables";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { allows } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { generateCostForecast } from "@/lib/costs/cost-forecast";
import { parseMonth, periodOf } from "@/lib/costs/cost-months";
import { costHistory, getFarmCostSummary } from "@/lib/costs/cost-summary";
import { getDb } from "@/lib/db";
import { selectedFarmId, visibleFarms } from "@/lib/farms/farm-scope";

export const metadata: Metadata = { title: "Costs" };
export const dynamic = "force-dynamic";
// A main area: going back to it within 30 s reuses what the browser has (no new request); an action
// that revalidates, or router.refresh() (after saving, the auto-refresh), drops that copy (README "Navigation cache").
export const unstable_dynamicStaleTime = 30;

type Search = Record<string, string | string[] | undefined>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

const monthName = (period: string) => new Date(`${period}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

export default async function CostsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requirePageActor("costs.read");
  const search = await searchParams;
  const now = new Date();
  const farms = await visibleFarms(actor);
  // A farm in the URL wins over the shell's farm switcher; one the actor cannot see is ignored.
  const askedFarm = Number(one(search.farm));
  const farmId = farms.some((farm) => farm.id === askedFarm) ? askedFarm : ((await selectedFarmId(actor)) ?? (farms.length === 1 ? farms[0]!.id : null));
  const askedMonth = one(search.month);
  const parsed = askedMonth ? parseMonth(askedMonth, now) : null;
  const monthProblem = typeof parsed === "string" ? parsed : null;
  const month = parsed && typeof parsed !== "string" ? parsed.period : periodOf(now);
  const forecastMonths = one(search.forecast) === "6" ? 6 : 3;

  const db = getDb();
  const [summary, history, forecast] = await Promise.all([
    getFarmCostSummary(db, actor, { farmId, month, now }),
    costHistory(db, actor, { farmId, now }),
    generateCostForecast(db, actor, { farmId, months: forecastMonths, now }),
  ]);
  const farmName = farmId ? farms.find((farm) => farm.id === farmId)?.name : null;
  const canManage = allows(actor, "costs.manage");
  const linkWith = (changes: Record<string, string | null>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ farm: farmId && one(search.farm) ? String(farmId) : null, month: askedMonth && !monthProblem ? month : null, forecast: forecastMonths === 6 ? "6" : null, ...changes })) if (value) params.set(key, value);
    return params.size ? `/costs?${params}` : "/costs";
  };

  return (
    <>
      <PageHeader
        title="Costs"
        description={`What ${farmName ?? "every farm"} cost in ${monthName(summary.period)}${summary.monthToDate ? " so far" : ""}, and what the next months will cost.`}
        actions={
          canManage ? (
            <Link href={farmId ? `/costs/rates?farm=${farmId}` : "/costs/rates"} className="rounded-md border border-stone-300 bg-white px-3 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50">
              Unit prices
            </Link>
          ) : null
        }
      />
      <div className="space-y-5">
        <CostFilters month={month} maxMonth={periodOf(now)} />
        {monthProblem ? (
          <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            The month in the address was not used ({monthProblem}); showing {monthName(month)}.
          </p>
        ) : null}
        {summary.mixedCurrencies ? (
          <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            The farms use different currencies ({summary.currency}); the sums below add them as they are. Pick a farm to read one currency.
          </p>
        ) : null}

        {summary.costs.total === 0 && summary.deviceCount === 0 ? (
          <EmptyState title={`No costs in ${monthName(summary.period)}`}>
            No device was in service, no work was done and no purchase is being amortised in this month. Pick another month or farm.
          </EmptyState>
        ) : (
          <CostSummaryCards summary={summary} />
        )}

        <Card title="Last 12 months">
          <CostHistoryChart currency={history.currency} months={history.months.map((entry) => ({ period: entry.period, monthToDate: entry.monthToDate, ...entry.costs }))} />
          <p className="mt-2 text-xs text-stone-500">* the current month, to date. Claims covered by suppliers show below the axis.</p>
        </Card>

        <CostForecastSection forecast={forecast} currency={history.currency} links={{ three: linkWith({ forecast: null }), six: linkWith({ forecast: "6" }) }} />

        <CostTables summary={summary} />
      </div>
    </>
  );
}
