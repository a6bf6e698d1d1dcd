import Link from "next/link";
import { formatDateTime, formatDuration } from "@/components/devices/device-values";
import { debugResult, diagnosticsResult, logsResult, pingResult, restartResult, statusResult } from "@/lib/commands/catalogue";

import type { CommandView } from "@/lib/commands/command-schemas";

/** Just what the result view reads from a command. */
export type CommandResultInput = Pick<CommandView, "command" | "status" | "result" | "error" | "logBundleId"> & { device: { id: string } };

const percent = (value: number | null | undefined) => (value === null || value === undefined ? "—" : `${Math.round(value)} %`);
const ms = (value: number | null | undefined) => (value === null || value === undefined ? "—" : `${value.toFixed(value < 10 ? 1 : 0)} ms`);

/**
 * A device's answer in words: ping round trips, the status fields, the diagnostic tests passed or
 * failed, a link to the log bundle. Anything the catalogue does not describe is shown as it came.
 */
export function CommandResult({ command, compact = false, timeZone = "UTC" }: { command: CommandResultInput; compact?: boolean; timeZone?: string }) {
  const { result } = command;
  const error = command.error ? <p className="text-xs text-red-700">{command.error}</p> : null;
  if (result === null || result === undefined) {
    if (command.command === "get_logs" && command.logBundleId && command.status === "completed") return <BundleLink command={command} />;
    return error;
  }

  if (command.command === "ping") {
    const ping = pingResult.safeParse(result);
    if (ping.success) {
      const { sent, received } = ping.data;
      return (
        <div className="text-xs text-stone-700" data-testid="ping-result">
          {received}/{sent} answered{received < sent ? ` (${Math.round(((sent - received) / Math.max(sent, 1)) * 100)} % lost)` : ""} · round trip min {ms(ping.data.rtt_ms_min)} / avg {ms(ping.data.rtt_ms_avg)} / max {ms(ping.data.rtt_ms_max)}
          {error}
        </div>
      );
    }
  }

  if (command.command === "get_status") {
    const status = statusResult.safeParse(result);
    if (status.success) {
      const s = status.data;
      const items: [string, string][] = [
        ["State", s.state ?? "—"],
        ["CPU", percent(s.cpu_percent)],
        ["Memory", percent(s.memory_percent)],
        ["Storage", percent(s.storage_percent)],
        ["Uptime", formatDuration(s.uptime_seconds)],
        ["Firmware", s.firmware_version ?? "—"],
      ];
      if (!compact) {
        if (s.battery_level !== null && s.battery_level !== undefined) items.push(["Battery", percent(s.battery_level)]);
        if (s.signal_strength !== null && s.signal_strength !== undefined) items.push(["Signal", `${s.signal_strength} dBm`]);
        if (s.error_count !== null && s.error_count !== undefined) items.push(["Errors", String(s.error_count)]);
        if (s.debug_level) items.push(["Log level", s.debug_level]);
      }
      return (
        <dl className="grid grid-cols-2 gap-x-3 gap-y-0.5 text-xs sm:grid-cols-3" data-testid="status-result">
          {items.map(([label, value]) => (
            <div key={label} className="flex gap-1">
              <dt className="text-stone-500">{label}</dt>
              <dd className="font-medium text-stone-800">{value}</dd>
            </div>
          ))}
        </dl>
      );
    }
  }

  if (command.command === "run_diagnostics") {
    const report = diagnosticsResult.safeParse(result);
    if (report.success) return <DiagnosticTests passed={report.data.passed} tests={report.data.tests} compact={compact} />;
  }

  if (command.command === "get_logs") {
    const logs = logsResult.safeParse(result);
    if (logs.success) return <BundleLink command={{ ...command, logBundleId: command.logBundleId ?? logs.data.bundle_id }} lines={logs.data.lines} size={logs.data.size_bytes} />;
  }

  if (command.command === "set_debug_level") {
    const debug = debugResult.safeParse(result);
    if (debug.success) {
      return (
        <p className="text-xs text-stone-700">
          {debug.data.level === "info" ? "Logging back at info" : `Logging at ${debug.data.level}${debug.data.expires_at ? ` until ${formatDateTime(debug.data.expires_at, timeZone)}` : ""}`}
        </p>
      );
    }
  }

  if (command.command === "restart") {
    const restart = restartResult.safeParse(result);
    if (restart.success) return <p className="text-xs text-stone-700">{restart.data.restarted_at ? `Back up ${formatDateTime(restart.data.restarted_at, timeZone)}` : "Restarted"}</p>;
  }

  return (
    <div>
      <AnswerFields value={result} />
      {error}
    </div>
  );
}

/** An answer the catalogue does not describe: its fields as they came, one per line. */
function AnswerFields({ value }: { value: Record<string, unknown> }) {
  const entries = Object.entries(value);
  if (entries.length === 0) return <p className="text-xs text-stone-600">Done (no details).</p>;
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
      {entries.slice(0, 12).map(([key, field]) => (
        <div key={key} className="contents">
          <dt className="text-stone-500">{key.replace(/_/g, " ")}</dt>
          <dd className="min-w-0 font-medium break-words text-stone-800">{field !== null && typeof field === "object" ? JSON.stringify(field) : String(field)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function DiagnosticTests({ passed, tests, compact = false }: { passed: boolean | null; tests: { name: string; passed: boolean; detail?: string | null; value?: unknown }[]; compact?: boolean }) {
  const failed = tests.filter((test) => !test.passed);
  const shown = compact ? failed : tests;
  return (
    <div className="text-xs" data-testid="diagnostic-result">
      <p className={passed ? "font-medium text-green-800" : "font-medium text-red-800"}>
        <span aria-hidden>{passed ? "✓ " : "✕ "}</span>
        {passed ? "Passed" : "Failed"} · {tests.length - failed.length} of {tests.length} tests passed
      </p>
      {shown.length ? (
        <ul className="mt-1 space-y-0.5">
          {shown.map((test) => (
            <li key={test.name} className="flex flex-wrap gap-x-2">
              <span className={test.passed ? "text-green-800" : "text-red-800"}>
                <span aria-hidden>{test.passed ? "✓" : "✕"}</span> {test.name.replace(/_/g, " ")}
                <span className="sr-only">{test.passed ? " passed" : " failed"}</span>
              </span>
              {test.value !== null && test.value !== undefined ? <span className="text-stone-600">{String(test.value)}</span> : null}
              {test.detail ? <span className="text-stone-500">{test.detail}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function BundleLink({ command, lines, size }: { command: CommandResultInput; lines?: number | null; size?: number }) {
  if (!command.logBundleId) return null;
  const details = [lines !== null && lines !== undefined ? `${lines.toLocaleString("en")} lines` : null, size !== undefined ? formatBytes(size) : null].filter(Boolean).join(", ");
  return (
    <Link href={`/devices/${command.device.id}/logs/${command.logBundleId}`} className="text-xs font-medium text-brand-700 underline">
      Read the logs{details ? ` (${details})` : ""}
    </Link>
  );
}

function formatBytes(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
