import Link from "next/link";
import { Fragment, type ReactNode } from "react";
import type { CommandColumnKey } from "@/lib/list-views/list-columns";
import { formatDateTime } from "@/components/devices/device-values";
import type { CommandView } from "@/lib/commands/command-schemas";
import { CommandResult } from "./command-result";
import { CommandStatusBadge } from "./command-status";

/** "count 4, suite full" — what the command was sent with, in a line. */
export function parameterSummary(parameters: Record<string, unknown>): string {
  return Object.entries(parameters)
    .map(([name, value]) => `${name.replace(/_/g, " ")} ${Array.isArray(value) ? value.join("+") : String(value)}`)
    .join(", ");
}

/** Sent → answered in words: "answered in 1.2 s", "waiting since 12:01". */
function timing(command: CommandView, timeZone: string): string {
  const sent = command.sentAt ? new Date(command.sentAt) : null;
  const done = command.completedAt ? new Date(command.completedAt) : null;
  if (sent && done) {
    const seconds = (done.getTime() - sent.getTime()) / 1000;
    const figure = `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
    // A timed-out command's completed_at is when the engine gave up, not an answer.
    if (command.status === "timeout") return `no answer after ${figure}`;
    if (command.status === "cancelled" || command.status === "expired") return "";
    return `answered in ${figure}`;
  }
  if (command.status === "queued") return `waits for the device until ${formatDateTime(command.expiresAt, timeZone)}`;
  return "";
}

/** The table's columns by key (lib/list-views/list-columns.ts COMMAND_COLUMNS), as the column chooser names them. */
export const COMMAND_COLUMN_LABEL: Record<CommandColumnKey, string> = { sent: "Sent", device: "Device", command: "Command", status: "Status", result: "Result" };
const DEFAULT_COLUMNS: CommandColumnKey[] = ["sent", "device", "command", "status", "result"];

/**
 * Commands newest first: a table on a wide screen, cards on a phone. `showDevice` is off on the
 * device page, where every row is that device; `columns` are the table's columns in the order a
 * person chose on the commands list.
 */
export function CommandList({ commands, timeZone, showDevice = true, actions, columns = DEFAULT_COLUMNS }: { commands: CommandView[]; timeZone: string; showDevice?: boolean; actions?: (command: CommandView) => ReactNode; columns?: readonly CommandColumnKey[] }) {
  const shown = columns.filter((key) => showDevice || key !== "device");
  const cells: Record<CommandColumnKey, { header: ReactNode; cell: (command: CommandView) => ReactNode }> = {
    sent: {
      header: <th scope="col" className="px-3 py-2">Sent</th>,
      cell: (command) => (
        <td className="max-w-44 px-3 py-2 text-xs text-stone-600">
          <span className="whitespace-nowrap">{formatDateTime(command.createdAt, timeZone)}</span>
          {command.requestedBy ? (
            <span className="block truncate text-stone-500" title={command.requestedBy}>
              by {command.requestedBy}
            </span>
          ) : null}
          {command.batchId ? (
            <Link href={`/diagnostics/batches/${command.batchId}`} className="block text-brand-700 underline">
              bulk #{command.batchId}
            </Link>
          ) : null}
        </td>
      ),
    },
    device: {
      header: <th scope="col" className="px-3 py-2">Device</th>,
      cell: (command) => (
        <td className="px-3 py-2">
          <Link href={`/devices/${command.device.id}`} data-row-link className="group block">
            <span className="block font-mono text-xs text-brand-700 group-hover:underline">{command.device.id}</span>
            <span className="block text-xs text-stone-700">{command.device.name}</span>
          </Link>
        </td>
      ),
    },
    command: {
      header: <th scope="col" className="px-3 py-2">Command</th>,
      cell: (command) => (
        <td className="px-3 py-2">
          <span className="font-medium text-stone-900">{command.label}</span>
          {Object.keys(command.parameters).length ? <span className="block text-xs text-stone-500">{parameterSummary(command.parameters)}</span> : null}
          {/* the status column carries the row's action; with it hidden, the command does */}
          {actions && !shown.includes("status") ? actions(command) : null}
        </td>
      ),
    },
    status: {
      header: <th scope="col" className="px-3 py-2">Status</th>,
      cell: (command) => (
        <td className="px-3 py-2">
          <CommandStatusBadge status={command.status} late={command.late} />
          <span className="block text-xs text-stone-500">{timing(command, timeZone)}</span>
          {actions ? actions(command) : null}
        </td>
      ),
    },
    result: {
      header: <th scope="col" className="w-[45%] px-3 py-2">Result</th>,
      cell: (command) => (
        <td className="px-3 py-2">
          <CommandResult command={command} compact timeZone={timeZone} />
        </td>
      ),
    },
  };
  return (
    <>
      <ul className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white shadow-sm md:hidden" aria-label="Commands">
        {commands.map((command) => (
          <li key={command.id} className="space-y-1 px-3 py-2.5 text-sm" data-testid="command-row" data-command={command.command} data-command-id={command.id}>
            <div className="flex flex-wrap items-center justify-between gap-2">
              <span className="min-w-0">
                <span className="font-medium text-stone-900">{command.label}</span>
                {showDevice ? (
                  <>
                    {" "}
                    <Link href={`/devices/${command.device.id}`} className="font-mono text-xs text-brand-700 underline">
                      {command.device.id}
                    </Link>
                  </>
                ) : null}
              </span>
              <CommandStatusBadge status={command.status} late={command.late} />
            </div>
            {Object.keys(command.parameters).length ? <p className="text-xs text-stone-600">{parameterSummary(command.parameters)}</p> : null}
            <CommandResult command={command} compact timeZone={timeZone} />
            <p className="flex flex-wrap justify-between gap-x-3 text-xs text-stone-500">
              <span>
                {formatDateTime(command.createdAt, timeZone)}
                {command.requestedBy ? ` · ${command.requestedBy}` : ""}
              </span>
              <span>{timing(command, timeZone)}</span>
            </p>
            {actions ? actions(command) : null}
          </li>
        ))}
      </ul>
      <div className="sticky-table hidden max-h-[calc(100dvh-4rem)] overflow-auto rounded-xl border border-stone-200 bg-white shadow-sm md:block">
        <table data-list-rows className="w-full text-sm">
          <thead className="bg-stone-50 text-left text-xs tracking-wide text-stone-500 uppercase">
            <tr>
              {shown.map((key) => (
                <Fragment key={key}>{cells[key].header}</Fragment>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100 align-top">
            {commands.map((command) => (
              <tr key={command.id} className="list-row" tabIndex={-1} data-list-row data-testid="command-row" data-command={command.command} data-command-id={command.id}>
                {shown.map((key) => (
                  <Fragment key={key}>{cells[key].cell(command)}</Fragment>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
