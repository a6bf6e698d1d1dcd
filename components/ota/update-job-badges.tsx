/**
 * How update jobs and update logs look everywhere (list, job page, device page): a state with an
 * icon and a word (never colour alone), the progress bar, the counts. No hooks: server and client
 * components both use these.
 */

export const JOB_STATE_LABEL: Record<string, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  in_progress: "In progress",
  paused: "Paused",
  completed: "Completed",
  cancelled: "Cancelled",
  failed: "Failed",
};

export const STRATEGY_LABEL: Record<string, string> = {
  all_at_once: "All at once",
  canary: "Canary",
  phased: "Phased",
  emergency: "Emergency batches",
  /** A configuration campaign's batches (the engine's emergency strategy, chosen as "rolling"). */
  rolling: "Rolling batches",
};

export const LOG_STATE_LABEL: Record<string, string> = {
  pending: "Pending",
  downloading: "Downloading",
  installing: "Installing",
  verifying: "Verifying",
  completed: "Completed",
  failed: "Failed",
  rolled_back: "Rolled back",
};

export const PHASE_STATE_LABEL: Record<string, string> = {
  pending: "Pending",
  in_progress: "In progress",
  awaiting_approval: "Awaiting approval",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

const JOB_LOOK: Record<string, { icon: string; className: string }> = {
  draft: { icon: "○", className: "bg-stone-100 text-stone-700" },
  scheduled: { icon: "◷", className: "bg-sky-100 text-sky-900" },
  in_progress: { icon: "▶", className: "bg-brand-50 text-brand-800" },
  paused: { icon: "❚❚", className: "bg-amber-100 text-amber-900" },
  completed: { icon: "✓", className: "bg-green-100 text-green-800" },
  cancelled: { icon: "✕", className: "bg-stone-200 text-stone-700" },
  failed: { icon: "■", className: "bg-red-100 text-red-800" },
};

const LOG_LOOK: Record<string, { icon: string; className: string }> = {
  pending: { icon: "○", className: "text-stone-600" },
  downloading: { icon: "↓", className: "text-sky-800" },
  installing: { icon: "⟳", className: "text-sky-800" },
  verifying: { icon: "◐", className: "text-sky-800" },
  completed: { icon: "✓", className: "text-green-700" },
  failed: { icon: "✕", className: "text-red-700" },
  rolled_back: { icon: "↶", className: "text-amber-800" },
};

export function JobStateBadge({ state, rollingBack = false }: { state: string; rollingBack?: boolean }) {
  const look = JOB_LOOK[state] ?? JOB_LOOK.draft!;
  return (
    <span className="inline-flex flex-wrap items-center gap-1" data-testid="job-state">
      <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${look.className}`}>
        <span aria-hidden>{look.icon}</span>
        {JOB_STATE_LABEL[state] ?? state}
      </span>
      {rollingBack ? (
        <span className="inline-flex items-center gap-1 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-amber-900">
          <span aria-hidden>↶</span>
          Rolling back
        </span>
      ) : null}
    </span>
  );
}

export function LogStateBadge({ state }: { state: string }) {
  const look = LOG_LOOK[state] ?? LOG_LOOK.pending!;
  return (
    <span className={`inline-flex items-center gap-1 text-xs font-medium whitespace-nowrap ${look.className}`} data-testid="log-state">
      <span aria-hidden>{look.icon}</span>
      {LOG_STATE_LABEL[state] ?? state}
    </span>
  );
}

/** Finished share of the devices; the failed part shown in red so a bad rollout is seen at a glance. */
export function JobProgressBar({ percent, failedPercent = 0, label, size = "sm" }: { percent: number; failedPercent?: number; label: string; size?: "sm" | "lg" }) {
  const done = Math.max(0, Math.min(100, percent));
  const failed = Math.max(0, Math.min(done, failedPercent));
  return (
    <div className="flex items-center gap-2">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(done)}
        className={`flex min-w-16 flex-1 overflow-hidden rounded-full bg-stone-200 ${size === "lg" ? "h-3" : "h-2"}`}
      >
        <div className="bg-brand-600" style={{ width: `${done - failed}%` }} />
        <div className="bg-red-500" style={{ width: `${failed}%` }} />
      </div>
      <span className={`shrink-0 tabular-nums ${size === "lg" ? "text-sm font-semibold text-stone-900" : "text-xs text-stone-700"}`}>{formatPercent(done)} %</span>
    </div>
  );
}

export function formatPercent(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** ✓ completed · ✗ failed · in flight · pending, with words (screen readers and phones). */
export function JobCounts({ completed, failed, inFlight, pending }: { completed: number; failed: number; inFlight: number; pending: number }) {
  return (
    <span className="inline-flex flex-wrap gap-x-2.5 gap-y-0.5 text-xs tabular-nums" data-testid="job-counts">
      <span className="text-green-700" title="Completed">
        <span aria-hidden>✓</span> {completed.toLocaleString("en")} <span className="text-stone-500">done</span>
      </span>
      <span className={failed ? "text-red-700" : "text-stone-500"} title="Failed or rolled back">
        <span aria-hidden>✗</span> {failed.toLocaleString("en")} <span className="text-stone-500">failed</span>
      </span>
      <span className="text-sky-800" title="Downloading, installing or verifying">
        <span aria-hidden>⟳</span> {inFlight.toLocaleString("en")} <span className="text-stone-500">in flight</span>
      </span>
      <span className="text-stone-600" title="Not sent yet">
        <span aria-hidden>○</span> {pending.toLocaleString("en")} <span className="text-stone-500">pending</span>
      </span>
    </span>
  );
}
