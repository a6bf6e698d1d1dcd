const STYLE = {
  ok: { label: "OK", className: "bg-green-100 text-green-900" },
  due: { label: "Due", className: "bg-amber-100 text-amber-900" },
  overdue: { label: "Overdue", className: "bg-red-100 text-red-800" },
  not_required: { label: "Not required", className: "bg-stone-100 text-stone-700" },
} as const;

export function CalibrationStatusBadge({ status }: { status: keyof typeof STYLE }) {
  const style = STYLE[status];
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${style.className}`}>{style.label}</span>;
}
