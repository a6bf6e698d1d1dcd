/** A command's status with an icon and a word (never colour alone), and whether it came late. */
import { COMMAND_STATUSES, FINAL_COMMAND_STATUSES, type CommandStatusName } from "@/lib/commands/command-schemas";

const FINAL: ReadonlySet<string> = new Set(FINAL_COMMAND_STATUSES);
/** Nothing changes such a command any more (a late answer after a timeout aside), so nothing to poll for. */
export const isFinal = (status: string) => FINAL.has(status);

const STATUS: Record<CommandStatusName, { label: string; icon: string; className: string }> = {
  queued: { label: "Queued", icon: "◌", className: "bg-stone-100 text-stone-700" },
  sent: { label: "Sent", icon: "→", className: "bg-sky-100 text-sky-900" },
  executing: { label: "Executing", icon: "◐", className: "bg-sky-100 text-sky-900" },
  completed: { label: "Completed", icon: "✓", className: "bg-green-100 text-green-800" },
  failed: { label: "Failed", icon: "✕", className: "bg-red-100 text-red-800" },
  timeout: { label: "Timed out", icon: "◷", className: "bg-amber-100 text-amber-900" },
  cancelled: { label: "Cancelled", icon: "⊘", className: "bg-stone-100 text-stone-600" },
  expired: { label: "Expired", icon: "⊘", className: "bg-stone-100 text-stone-600" },
};

export const COMMAND_STATUS_LABEL = Object.fromEntries(COMMAND_STATUSES.map((status) => [status, STATUS[status].label])) as Record<CommandStatusName, string>;

export function CommandStatusBadge({ status, late = false }: { status: string; late?: boolean }) {
  const shown = STATUS[status as CommandStatusName] ?? { label: status, icon: "?", className: "bg-stone-100 text-stone-700" };
  return (
    <span className="inline-flex flex-wrap items-center gap-1" data-testid="command-status" data-status={status}>
      <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${shown.className}`}>
        <span aria-hidden>{shown.icon}</span>
        {shown.label}
      </span>
      {late ? (
        <span className="rounded-full bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-300" title="The device answered after the command had timed out">
          late answer
        </span>
      ) : null}
    </span>
  );
}
