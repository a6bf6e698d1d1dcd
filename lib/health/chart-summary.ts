/**
 * The sentence under a chart (issue 21, WCAG 1.1.1): what a sighted reader takes from the line —
 * the latest value, the lowest and highest, and the span — for anyone who cannot see it. Pure, so
 * the words are tested without a browser.
 */
export function seriesSummary(values: readonly (number | null)[], { unit = "", range }: { unit?: string; range: string }): string {
  const known = values.filter((value): value is number => value !== null && Number.isFinite(value));
  const latest = known.at(-1);
  if (latest === undefined) return `No values in the last ${range}.`;
  const show = (value: number) => `${Number.isInteger(value) ? value : value.toFixed(1)}${unit ? (unit === "%" ? "%" : ` ${unit}`) : ""}`;
  const low = Math.min(...known);
  const high = Math.max(...known);
  const gaps = values.length - known.length;
  const spread = low === high ? `steady at ${show(low)}` : `lowest ${show(low)}, highest ${show(high)}`;
  return `Last ${range}: latest ${show(latest)}, ${spread}${gaps > 0 ? `; ${gaps} of ${values.length} intervals without telemetry` : ""}.`;
}
