/** An amount in a currency as people read it: "€1,234.50"; an unknown code falls back to "1,234.50 XYZ". */
export function formatMoney(value: number, currency: string | null): string {
  if (!currency) return value.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  try {
    return new Intl.NumberFormat("en-GB", { style: "currency", currency, maximumFractionDigits: 2 }).format(value);
  } catch {
    return `${value.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
  }
}
