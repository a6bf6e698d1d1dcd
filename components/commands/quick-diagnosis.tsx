"use client";

import { useEffect, useState } from "react";
import type { ActionResult } from "@/lib/actions/define-action";
import type { QuickDiagnosisIds, QuickDiagnosisReport } from "@/lib/commands/quick-diagnose";
import { CommandResult } from "./command-result";
import { CommandStatusBadge } from "./command-status";

const POLL_MS = 1500;
/** The longest the panel keeps asking: past the commands' own timeouts, the engine has decided. */
const GIVE_UP_MS = 150_000;

const CONNECTIVITY = {
  online: { label: "Answers", icon: "●", className: "bg-green-100 text-green-900" },
  unresponsive: { label: "Does not answer", icon: "✕", className: "bg-red-100 text-red-900" },
  waiting: { label: "Waiting for the device…", icon: "◌", className: "bg-sky-100 text-sky-900" },
  offline: { label: "Offline", icon: "✕", className: "bg-stone-200 text-stone-800" },
} as const;

/**
 * The report of one quick diagnosis, asked again every 1.5 s until both commands are final:
 * whether the device answers, its status, ping, alerts and errors of the last 24 h, and what to try.
 */
export function QuickDiagnosis({ ids, load, onClose }: { ids: QuickDiagnosisIds; load: (ids: QuickDiagnosisIds) => Promise<ActionResult<QuickDiagnosisReport>>; onClose: () => void }) {
  const [report, setReport] = useState<QuickDiagnosisReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function tick() {
      const result = await load(ids);
      if (stopped) return;
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setReport(result.data);
      if (!result.data.answered && Date.now() - started < GIVE_UP_MS) timer = setTimeout(tick, POLL_MS);
    }
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [ids, load]);

  const connectivity = CONNECTIVITY[report?.connectivity ?? "waiting"];
  return (
    <section aria-label="Quick diagnosis" className="rounded-lg border border-stone-200 bg-white p-3 text-sm shadow-sm" data-testid="quick-diagnosis">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-semibold text-stone-800">Quick diagnosis</h3>
        <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${connectivity.className}`} data-testid="connectivity">
          <span aria-hidden>{connectivity.icon}</span>
          {connectivity.label}
        </span>
      </div>
      {error ? (
        <p role="alert" className="mt-2 text-red-700">
          {error}
        </p>
      ) : null}
      {report ? (
        <div className="mt-2 space-y-3">
          <div className="grid gap-3 sm:grid-cols-2">
            {[report.status, report.ping].flatMap((command) => (command ? [command] : [])).map((command) => (
              <div key={command.id} className="rounded-md bg-stone-50 p-2" data-testid="quick-command" data-command-id={command.id}>
                <div className="mb-1 flex flex-wrap items-center justify-between gap-2">
                  <span className="font-medium text-stone-800">{command.label}</span>
                  <CommandStatusBadge status={command.status} late={command.late} />
                </div>
                <CommandResult command={command} />
              </div>
            ))}
          </div>
          {report.alerts.length || report.recentErrors.length ? (
            <div>
              <h4 className="text-xs font-semibold tracking-wide text-stone-500 uppercase">Last 24 h</h4>
              <ul className="mt-1 space-y-0.5 text-xs text-stone-700">
                {report.alerts.map((alert) => (
                  <li key={`alert-${alert.id}`}>
                    <span className="font-medium">{alert.severity}</span> · {alert.type.replace(/_/g, " ")} ({alert.state}){alert.message ? ` — ${alert.message}` : ""}
                  </li>
                ))}
                {report.recentErrors.map((entry, index) => (
                  <li key={`error-${index}`}>
                    <span className="font-medium">{entry.source}</span> · {entry.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="text-xs text-stone-600">No alerts or errors in the last 24 h.</p>
          )}
          {report.recommendations.length ? (
            <div>
              <h4 className="text-xs font-semibold tracking-wide text-stone-500 uppercase">What to try</h4>
              <ul className="mt-1 list-disc space-y-0.5 pl-5 text-stone-800" data-testid="recommendations">
                {report.recommendations.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : !error ? (
        <p className="mt-2 text-stone-600">Sending get_status and ping…</p>
      ) : null}
      <button type="button" onClick={onClose} className="mt-3 text-xs text-stone-600 underline">
        Close the report
      </button>
    </section>
  );
}
