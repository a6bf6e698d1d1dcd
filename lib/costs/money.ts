/**
 * Money in the cost reports: PostgreSQL sums the numeric columns exactly and rounds each figure to
 * cents; here a figure is whole cents, so adding the categories gives exactly the total shown.
 */

/** "123.45" / "-7.5" / "0" (numeric::text) → cents. */
export function centsOf(text: string | null | undefined): number {
  if (!text) return 0;
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a money amount: ${text}`);
  const [, sign, whole, fraction = ""] = match;
  const digits = (fraction + "00").slice(0, 3);
  const cents = Number(whole) * 100 + Number(digits.slice(0, 2)) + (Number(digits[2]) >= 5 ? 1 : 0);
  return sign ? -cents : cents;
}

/** cents → a number of the currency (2 decimals), for JSON. */
export function fromCents(cents: number): number {
  return Math.round(cents) / 100;
}

export function formatMoney(amount: number, currency: string, options: { precise?: boolean } = {}): string {
  const digits = options.precise ? 4 : 2;
  try {
    return new Intl.NumberFormat("en-IE", { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: digits }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}
