import { CLAIM_STATUS_LABEL, type ClaimStatus } from "@/lib/warranty/warranty-schemas";

const TONE: Record<ClaimStatus, string> = {
  open: "bg-sky-100 text-sky-900",
  submitted: "bg-amber-100 text-amber-900",
  approved: "bg-green-100 text-green-900",
  rejected: "bg-red-100 text-red-800",
  closed: "bg-stone-100 text-stone-700",
};

export function ClaimStatusBadge({ status }: { status: string }) {
  const known = status as ClaimStatus;
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${TONE[known] ?? TONE.closed}`}>{CLAIM_STATUS_LABEL[known] ?? status}</span>;
}

export function formatMoney(amount: number | string | { toString(): string } | null, currency: string): string {
  if (amount === null) return "—";
  const value = Number(amount.toString());
  try {
    return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}
