/** A person's status as a word with an icon, never by colour alone. */
const STATUS = {
  active: { label: "Active", icon: "●", className: "bg-green-100 text-green-800" },
  invited: { label: "Invited", icon: "✉", className: "bg-sky-100 text-sky-900" },
  expired: { label: "Invitation expired", icon: "⌛", className: "bg-amber-100 text-amber-900" },
  deactivated: { label: "Deactivated", icon: "○", className: "bg-stone-200 text-stone-700" },
} as const;

export function UserStatusBadge({ status, invitation }: { status: "invited" | "active" | "deactivated"; invitation: "pending" | "expired" | null }) {
  const shown = STATUS[status === "invited" && invitation === "expired" ? "expired" : status];
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${shown.className}`}>
      <span aria-hidden>{shown.icon}</span>
      {shown.label}
    </span>
  );
}
