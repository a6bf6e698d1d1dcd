"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CATEGORY_COLOR, CATEGORY_LABEL, FORECAST_PARTS, type ForecastPart } from "@/lib/costs/cost-categories";

export type ForecastBar = { period: string; total: number } & Record<ForecastPart, number>;

const monthLabel = (period: string) => new Date(`${period}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "short", year: "2-digit", timeZone: "UTC" });

/** The months to come: each part as a stacked bar, the total as a line over them. */
export function CostForecastChart({ months, currency }: { months: ForecastBar[]; currency: string }) {
  const money = (value: number) => new Intl.NumberFormat("en-IE", { style: "currency", currency, maximumFractionDigits: 0 }).format(value);
  const label = (name: string) => (name === "total" ? "Total" : CATEGORY_LABEL[name as ForecastPart]);
  return (
    <div className="h-64 w-full" role="img" aria-label={`Forecast: ${months.map((month) => `${monthLabel(month.period)} ${money(month.total)}`).join(", ")}`}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={months.map((month) => ({ ...month, label: monthLabel(month.period) }))} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke="#e7e5e4" />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#57534e" }} tickLine={false} />
          <YAxis tick={{ fontSize: 11, fill: "#57534e" }} tickLine={false} axisLine={false} width={56} tickFormatter={money} />
          <Tooltip formatter={(value, name) => [money(Number(value)), label(String(name))]} cursor={{ fill: "#f5f5f4" }} />
          <Legend formatter={(name) => label(String(name))} wrapperStyle={{ fontSize: 12 }} />
          {FORECAST_PARTS.map((part) => (
            <Bar key={part} dataKey={part} stackId="forecast" fill={CATEGORY_COLOR[part]} fillOpacity={0.8} isAnimationActive={false} />
          ))}
          <Line dataKey="total" stroke="#1c1917" strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
