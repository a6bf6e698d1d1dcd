/**
 * Amounts as the farm writes them, in its currency (FarmCostRates.currency, EUR unless set). Sums on
 * the record form are in whole cents, so 3 × 0.10 is 0.30 and not 0.30000000000000004.
 */
export function formatMoney(amount: number | string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  const value = typeof amount === "string" ? Number(amount) : amount;
  if (!Number.isFinite(value)) return "—";
  try {
    return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

/** "12,50" or "12.5" typed on a phone → cents; blank or not a number → null. */
export function toCents(text: string): number | null {
  const cleaned = text.trim().replace(",", ".");
  if (cleaned === "") return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? Math.round(value * 100) : null;
}
