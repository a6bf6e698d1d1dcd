"use client";

import { useState } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { seriesSummary } from "@/lib/health/chart-summary";
import { HISTORY_RANGES, type HealthHistory, type HistoryRange, type ReferenceLine as Threshold } from "@/lib/health/health-history";

type Metric = "battery" | "signal" | "score" | "errors";

const METRICS: { key: Metric; title: string; unit: string; color: string; domain: [number | "auto" | ((value: number) => number), number | "auto" | ((value: number) => number)] }[] = [
  { key: "battery", title: "Battery", unit: "%", color: "#1f7a44", domain: [0, 100] },
  { key: "signal", title: "Signal", unit: "dBm", color: "#2563eb", domain: [(min: number) => Math.min(Math.floor(min / 10) * 10, -100), (max: number) => Math.max(Math.ceil(max / 10) * 10, -40)] },
  { key: "score", title: "Health score", unit: "", color: "#7c3aed", domain: [0, 100] },
  { key: "errors", title: "Errors", unit: "", color: "#b45309", domain: [0, (max: number) => Math.max(12, Math.ceil(max * 1.1))] },
];

const TONE = { warn: "#d97706", bad: "#dc2626" } as const;

/** Said instead of an empty chart: a mains-powered meter has no battery to draw. */
const NO_VALUES: Record<Metric, string> = {
  battery: "No battery readings: the device runs on mains power or does not report its battery.",
  signal: "No signal readings: wired devices do not report a signal strength.",
  score: "No health score in this range.",
  errors: "No error counts in this range.",
};

/**
 * Close lines (10 % and 20 %) would print their labels on top of each other: the lowest writes
 * below its line, the others above theirs (recharts' "insideTop" is below a horizontal line).
 */
function labelPosition(lines: Threshold[], line: Threshold) {
  const lowest = Math.min(...lines.map((other) => other.value));
  return line.value === lowest ? "insideTopRight" : "insideBottomRight";
}

function formatTick(range: HistoryRange, timeZone: string) {
  const format =
    range === "24h"
      ? new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone })
      : new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone });
  return (value: number) => format.format(new Date(value));
}

function formatWhen(timeZone: string) {
  const format = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone });
  return (value: number) => format.format(new Date(value));
}

/**
 * Battery, signal, health score and errors of one device with the limits drawn, over a range the
 * user picks. The 24 h series comes with the page; the longer ones are fetched when first asked for.
 */
export function DeviceHealthChartPanel({
  deviceId,
  initial,
  thresholds,
  timeZone,
}: {
  deviceId: string;
  initial: HealthHistory;
  thresholds: Record<Metric, Threshold[]>;
  timeZone: string;
}) {
  const [range, setRange] = useState<HistoryRange>(initial.range);
  const [loaded, setLoaded] = useState<Partial<Record<HistoryRange, HealthHistory>>>({ [initial.range]: initial });
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const history = loaded[range];

  async function choose(next: HistoryRange) {
    setRange(next);
    setError(null);
    if (loaded[next]) return;
    setLoading(true);
    try {
      const response = await fetch(`/api/v1/iot/devices/${encodeURIComponent(deviceId)}/health?history=${next}`, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`The server answered ${response.status}.`);
      const body = (await response.json()) as { history: HealthHistory };
      setLoaded((current) => ({ ...current, [next]: body.history }));
    } catch (cause) {
      setError(`Could not load the ${HISTORY_RANGES[next].label} history. ${cause instanceof Error ? cause.message : ""}`.trim());
    } finally {
      setLoading(false);
    }
  }

  const tick = formatTick(range, timeZone);
  const when = formatWhen(timeZone);

  return (
    <section className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm" aria-labelledby="health-history-title" data-testid="health-history">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="health-history-title" className="text-sm font-semibold text-stone-700">
          Health history
        </h2>
        <div role="group" aria-label="Time range" className="inline-flex overflow-hidden rounded-md border border-stone-300 text-sm">
          {(Object.keys(HISTORY_RANGES) as HistoryRange[]).map((key) => (
            <button
              key={key}
              type="button"
              aria-pressed={range === key}
              onClick={() => void choose(key)}
              className={`px-3 py-1 ${range === key ? "bg-brand-700 text-white" : "bg-white text-stone-700 hover:bg-stone-50"} border-l border-stone-300 first:border-l-0`}
            >
              {HISTORY_RANGES[key].label}
            </button>
          ))}
        </div>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : !history || loading ? (
        <p className="py-10 text-center text-sm text-stone-500">Loading…</p>
      ) : history.samples === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 px-4 py-8 text-center text-sm text-stone-600" data-testid="health-history-empty">
          No telemetry from this device in the last {HISTORY_RANGES[range].label}. The charts fill in as soon as it reports.
        </p>
      ) : (
        <>
          <p className="mb-2 text-xs text-stone-500">
            {history.samples.toLocaleString("en-GB")} samples, averaged per {history.bucketMs >= 3600_000 ? `${history.bucketMs / 3600_000} h` : `${history.bucketMs / 60_000} min`} (errors: the highest count). Gaps are times without telemetry.
          </p>
          <div className="grid gap-4 md:grid-cols-2">
            {METRICS.map((metric) => (
              <figure key={metric.key} className="min-w-0" data-testid={`chart-${metric.key}`}>
                <figcaption className="mb-1 text-xs font-medium text-stone-600">
                  {metric.title}
                  {metric.unit ? ` (${metric.unit})` : ""}
                </figcaption>
                {!history.points.some((point) => point[metric.key] !== null) ? (
                  <p className="flex h-40 items-center justify-center rounded-lg bg-stone-50 px-3 text-center text-xs text-stone-500">{NO_VALUES[metric.key]}</p>
                ) : (
                  <>
                    <div className="h-40 w-full" aria-hidden>
                      <ResponsiveContainer width="100%" height="100%">
                        <LineChart data={history.points} margin={{ top: 6, right: 8, bottom: 0, left: -12 }} accessibilityLayer={false}>
                          <CartesianGrid stroke="#e7e5e4" strokeDasharray="3 3" />
                          <XAxis dataKey="t" type="number" scale="time" domain={[history.from, history.to]} tickFormatter={tick} tick={{ fontSize: 11 }} minTickGap={24} />
                          <YAxis domain={metric.domain} tick={{ fontSize: 11 }} width={44} allowDecimals={false} />
                          <Tooltip labelFormatter={(value) => when(Number(value))} formatter={(value) => [`${value}${metric.unit ? ` ${metric.unit}` : ""}`, metric.title]} />
                          {thresholds[metric.key].map((line) => (
                            <ReferenceLine
                              key={line.label}
                              y={line.value}
                              stroke={TONE[line.tone]}
                              strokeDasharray="4 3"
                              ifOverflow="extendDomain"
                              label={{ value: line.label, position: labelPosition(thresholds[metric.key], line), fontSize: 10, fill: TONE[line.tone] }}
                            />
                          ))}
                          <Line type="monotone" dataKey={metric.key} stroke={metric.color} strokeWidth={1.8} dot={false} connectNulls={false} isAnimationActive={false} />
                        </LineChart>
                      </ResponsiveContainer>
                    </div>
                    {/* The line in words; the drawing above is hidden from screen readers and keyboard (its tooltips need a pointer). */}
                    <p className="mt-1 text-xs text-stone-600" data-testid={`chart-${metric.key}-summary`}>
                      {seriesSummary(
                        history.points.map((point) => point[metric.key]),
                        { unit: metric.unit, range: HISTORY_RANGES[range].label },
                      )}
                    </p>
                  </>
                )}
              </figure>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
