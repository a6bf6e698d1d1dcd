import { WARRANTY_STATUS_LABEL, type WarrantyStatusName } from "@/lib/warranty/warranty-status";

const TONE: Record<WarrantyStatusName, string> = {
  active: "bg-green-100 text-green-900",
  expiring: "bg-amber-100 text-amber-900",
  expired: "bg-red-100 text-red-800",
  void: "bg-stone-800 text-white",
  none: "bg-stone-100 text-stone-700",
};

export function WarrantyStatusBadge({ status }: { status: WarrantyStatusName }) {
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${TONE[status]}`}>{WARRANTY_STATUS_LABEL[status]}</span>;
}

/** "12 days left", "last day", "ended 3 days ago". */
export function daysLeftText(daysLeft: number | null): string {
  if (daysLeft === null) return "";
  if (daysLeft === 0) return "last day";
  if (daysLeft === 1) return "1 day left";
  if (daysLeft > 0) return `${daysLeft} days left`;
  return daysLeft === -1 ? "ended yesterday" : `ended ${-daysLeft} days ago`;
}
