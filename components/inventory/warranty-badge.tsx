import { formatDate } from "@/components/devices/device-values";
import { WARRANTY_STATUS_LABEL, type WarrantyStatusName } from "@/lib/warranty/warranty-status";

const STYLE: Record<WarrantyStatusName, { icon: string; className: string }> = {
  active: { icon: "●", className: "bg-green-100 text-green-800" },
  expiring: { icon: "▲", className: "bg-amber-100 text-amber-900" },
  expired: { icon: "■", className: "bg-red-100 text-red-800" },
  void: { icon: "✕", className: "bg-stone-200 text-stone-800" },
  none: { icon: "○", className: "bg-stone-100 text-stone-600" },
};

/** A warranty's status with an icon and a word (never colour alone), and its end date. */
export function WarrantyBadge({ status, end }: { status: WarrantyStatusName; end?: Date | string | null }) {
  const style = STYLE[status];
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${style.className}`}>
        <span aria-hidden>{style.icon}</span>
        {WARRANTY_STATUS_LABEL[status]}
      </span>
      {end && status !== "none" ? <span className="text-xs whitespace-nowrap text-stone-500">until {formatDate(end)}</span> : null}
    </span>
  );
}
