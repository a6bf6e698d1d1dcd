"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CATEGORY_COLOR, CATEGORY_LABEL, COST_CATEGORIES, type CostCategory } from "@/lib/costs/cost-categories";

export type HistoryBar = { period: string; monthToDate: boolean } & Record<CostCategory | "total", number>;

const monthLabel = (period: string) => new Date(`${period}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "short", year: "2-digit", timeZone: "UTC" });

/** The last 12 months stacked by category; claims covered hang below the axis (they reduce the cost). */
export function CostHistoryChart({ months, currency }: { months: HistoryBar[]; currency: string }) {
  const used = COST_CATEGORIES.filter((category) => months.some((month) => month[category] !== 0));
  const money = (value: number) => new Intl.NumberFormat("en-IE", { style: "currency", currency, maximumFractionDigits: 0 }).format(value);
  const described = months.map((month) => `${monthLabel(month.period)} ${money(month.total)}`).join(", ");
  return (
    <div className="h-72 w-full" role="img" aria-label={`Costs of the last 12 months: ${described}`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={months.map((month) => ({ ...month, label: `${monthLabel(month.period)}${month.monthToDate ? "*" : ""}` }))} stackOffset="sign" margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke="#e7e5e4" />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#57534e" }} tickLine={false} interval="preserveStartEnd" />
          <YAxis tick={{ fontSize: 11, fill: "#57534e" }} tickLine={false} axisLine={false} width={56} tickFormatter={money} />
          <Tooltip formatter={(value, name) => [money(Number(value)), CATEGORY_LABEL[name as CostCategory] ?? String(name)]} cursor={{ fill: "#f5f5f4" }} />
          <Legend formatter={(name) => CATEGORY_LABEL[name as CostCategory] ?? name} wrapperStyle={{ fontSize: 12 }} />
          {used.map((category) => (
            <Bar key={category} dataKey={category} stackId="cost" fill={CATEGORY_COLOR[category]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
