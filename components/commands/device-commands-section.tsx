import Link from "next/link";
import type { ReactNode } from "react";
import { formatDateTime, formatDuration } from "@/components/devices/device-values";
import { diagnosticsResult } from "@/lib/commands/catalogue";
import type { CommandView } from "@/lib/commands/command-schemas";
import { DiagnosticTests } from "./command-result";
import { CommandList } from "./command-list";
import { isFinal } from "./command-status";
import { CancelQueuedCommand } from "./cancel-queued-command";
import { LiveRefresh } from "./live-refresh";

/** The M92 diagnostic fields of the device as the page loads them. */
export type DeviceDiagnosticFields = {
  deviceId: string;
  lastDiagnostic: Date | null;
  diagnosticReport: unknown;
  cpuPercent: number | null;
  memoryPercent: number | null;
  storagePercent: number | null;
  uptimeSeconds: number | null;
  restartCount: number;
  lastRestart: Date | null;
};

const percent = (value: number | null) => (value === null ? "—" : `${Math.round(value)} %`);

/**
 * The device's commands (replacing the plain list): history with live status and readable
 * results, and its last diagnostic report (M92: last run, pass/fail per test, CPU, memory,
 * storage, uptime, restarts). The log bundles list drops in at `logs`.
 */
export function DeviceCommandsSection({ device, commands, total, timeZone, canSend, logs }: { device: DeviceDiagnosticFields; commands: CommandView[]; total: number; timeZone: string; canSend: boolean; logs?: ReactNode }) {
  const report = diagnosticsResult.safeParse(device.diagnosticReport);
  const waiting = commands.some((command) => !isFinal(command.status));
  return (
    <section id="commands" aria-labelledby="commands-heading" className="scroll-mt-4 space-y-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm target:ring-2 target:ring-brand-600 lg:col-span-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="commands-heading" className="text-sm font-semibold text-stone-700">
          Commands
        </h2>
        <span className="flex flex-wrap items-center gap-3 text-xs text-stone-500">
          <LiveRefresh active={waiting} />
          <span>
            {total} in all
            {commands.length ? ` · latest ${commands.length}` : ""}
          </span>
          {total > commands.length ? (
            <Link href={`/diagnostics?device=${device.deviceId}`} className="text-brand-700 underline">
              See all
            </Link>
          ) : null}
        </span>
      </div>

      <div data-testid="last-diagnostic">
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-stone-500 uppercase">Last diagnostic</h3>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
          {(
            [
              ["Last run", formatDateTime(device.lastDiagnostic, timeZone)],
              ["CPU", percent(device.cpuPercent)],
              ["Memory", percent(device.memoryPercent)],
              ["Storage", percent(device.storagePercent)],
              ["Uptime", formatDuration(device.uptimeSeconds)],
              ["Restarts", String(device.restartCount)],
              ["Last restart", formatDateTime(device.lastRestart, timeZone)],
            ] as const
          ).map(([label, value]) => (
            <div key={label}>
              <dt className="text-xs text-stone-500">{label}</dt>
              <dd className="font-medium text-stone-800">{value}</dd>
            </div>
          ))}
        </dl>
        <div className="mt-2">{report.success ? <DiagnosticTests passed={report.data.passed} tests={report.data.tests} /> : <p className="text-xs text-stone-500">No diagnostic report yet{canSend ? ": “Run diagnostics” above asks the device for one." : "."}</p>}</div>
      </div>

      {logs ? <div>{logs}</div> : null}

      <div>
        <h3 className="mb-1 text-xs font-semibold tracking-wide text-stone-500 uppercase">History</h3>
        {commands.length ? (
          <CommandList commands={commands} timeZone={timeZone} showDevice={false} actions={canSend ? (command) => <CancelQueuedCommand command={command} /> : undefined} />
        ) : (
          <p className="py-3 text-sm text-stone-500">No commands sent to this device yet.</p>
        )}
      </div>
    </section>
  );
}
