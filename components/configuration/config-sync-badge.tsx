import { SYNC_STATUS_LABEL, type SyncStatus } from "@/lib/configuration/sync-status";

/** Icon and word, never colour alone (STYLE.md). */
const LOOK: Record<SyncStatus, { icon: string; className: string }> = {
  in_sync: { icon: "✓", className: "bg-green-100 text-green-800" },
  pending: { icon: "◌", className: "bg-stone-100 text-stone-700" },
  sent: { icon: "➚", className: "bg-sky-100 text-sky-900" },
  rejected: { icon: "✕", className: "bg-red-100 text-red-800" },
  failed: { icon: "✕", className: "bg-red-100 text-red-800" },
  drift: { icon: "▲", className: "bg-amber-100 text-amber-900" },
  unknown: { icon: "?", className: "bg-stone-100 text-stone-600" },
};

export function ConfigSyncBadge({ status }: { status: SyncStatus }) {
  const look = LOOK[status];
  return (
    <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${look.className}`} data-sync-status={status}>
      <span aria-hidden>{look.icon}</span>
      {SYNC_STATUS_LABEL[status]}
    </span>
  );
}
