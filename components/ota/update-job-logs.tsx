"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { formatDateTime, formatDuration } from "@/components/devices/device-values";
import type { LogPageJson } from "./job-json";
import { LOG_STATE_LABEL, LogStateBadge } from "./update-job-badges";

const PAGE = 50;
const POLL_MS = 2_500;
const FILTERS = [
  { value: "", label: "Any state" },
  { value: "pending", label: "Pending (not sent yet)" },
  { value: "in_flight", label: "In flight (downloading, installing, verifying)" },
  ...(["completed", "failed", "rolled_back"] as const).map((state) => ({ value: state, label: LOG_STATE_LABEL[state]! })),
];

type LogJson = LogPageJson["items"][number];
type Waiting = { text: string; offline: boolean };

/** The connections the engine sends an update over (ota-engine.ts `dispatch`); other devices wait for one. */
const SENDABLE = new Set(["online", "degraded"]);

/**
 * Why a device has not been sent the update yet, or null once it has (or the job stopped before
 * reaching it: its error message says so).
 */
function waitingFor(log: LogJson): Waiting | null {
  if (log.state !== "pending" || log.sentAt || log.errorMessage) return null;
  return SENDABLE.has(log.connectionStatus) ? { text: "Waiting to be sent", offline: false } : { text: "Waiting for the device to come online", offline: true };
}

/**
 * What the job moves the device from and to: firmware versions, or for a configuration campaign the
 * device's configuration versions (the one it ran before → the one the campaign made, ↩ the one
 * that rolled it back). A configuration log not dispatched yet has neither: a dash, not "? → ?".
 */
function versionMove(log: LogJson): string {
  if (log.configVersion !== null || log.previousConfigVersion !== null) {
    const config = (version: number | null) => (version === null ? "?" : `v${version}`);
    return `${config(log.previousConfigVersion)} → ${config(log.configVersion)}${log.rollbackConfigVersion !== null ? ` ↩ v${log.rollbackConfigVersion}` : ""}`;
  }
  if (log.previousVersion === null && log.targetVersion === null) return "—";
  return `${log.previousVersion ?? "?"} → ${log.targetVersion ?? "?"}`;
}

/** The version a rollback sends the device back to. */
function sentBackTo(log: LogJson): string {
  return log.previousConfigVersion !== null ? `v${log.previousConfigVersion}` : (log.previousVersion ?? "?");
}

async function fetchLogs(jobId: number, state: string, search: string, cursor: number | null): Promise<LogPageJson> {
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (state) params.set("state", state);
  if (search) params.set("search", search);
  if (cursor !== null) params.set("cursor", String(cursor));
  const response = await fetch(`/updates/${jobId}/logs?${params}`, { headers: { accept: "application/json" }, cache: "no-store" });
  const body = (await response.json().catch(() => null)) as (LogPageJson & { error?: { message?: string } }) | null;
  if (!response.ok || !body) throw new Error(body?.error?.message ?? `The server answered ${response.status}.`);
  return body;
}

/**
 * Every device of the job, 50 at a time in a stable order ("Load more" continues after the last
 * one shown, so a page never repeats or skips a device while states change), polled while live.
 */
export function UpdateJobLogs({ jobId, initialLogs, live, timeZone }: { jobId: number; initialLogs: LogPageJson; live: boolean; timeZone: string }) {
  const [state, setState] = useState("");
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), 400);
    return () => clearTimeout(timer);
  }, [typed]);
  const unfiltered = state === "" && search === "";
  const query = useInfiniteQuery({
    queryKey: ["update-job-logs", jobId, state, search],
    queryFn: ({ pageParam }) => fetchLogs(jobId, state, search, pageParam),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: unfiltered ? { pages: [initialLogs], pageParams: [null] } : undefined,
    refetchInterval: live ? POLL_MS : false,
  });
  const logs = query.data?.pages.flatMap((page) => page.items) ?? [];
  const at = (value: string | null) => formatDateTime(value, timeZone);

  return (
    <section aria-labelledby="job-devices" className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <h2 id="job-devices" className="text-sm font-semibold text-stone-700">
          Devices
        </h2>
        <div className="flex w-full flex-wrap items-end gap-2 sm:w-auto">
          <div className="flex min-w-0 flex-1 flex-col gap-1 sm:flex-none">
            <label htmlFor="log-search" className="text-xs font-medium text-stone-600">
              Device id or name
            </label>
            <input id="log-search" type="search" value={typed} onChange={(event) => setTyped(event.target.value)} placeholder="e.g. MM001" className="w-full rounded-md border border-stone-300 px-3 py-1.5 text-sm sm:w-48" />
          </div>
          <div className="flex min-w-0 flex-1 flex-col gap-1 sm:flex-none">
            <label htmlFor="log-state" className="text-xs font-medium text-stone-600">
              Update state
            </label>
            <select id="log-state" value={state} onChange={(event) => setState(event.target.value)} className="w-full rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm sm:w-auto">
              {FILTERS.map((filter) => (
                <option key={filter.value} value={filter.value}>
                  {filter.label}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>

      {query.isError ? (
        <p role="alert" className="mb-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          Could not load the devices: {query.error.message}
        </p>
      ) : null}
      {query.isPending ? (
        <p className="py-4 text-sm text-stone-500">Loading devices…</p>
      ) : logs.length === 0 ? (
        <p className="py-4 text-sm text-stone-500">{unfiltered ? "This job has no devices." : "No device of this job matches."}</p>
      ) : (
        <>
          <ul className="divide-y divide-stone-100 md:hidden" aria-label="Device updates">
            {logs.map((log) => (
              <LogCard key={log.id} log={log} at={at} />
            ))}
          </ul>
          <div className="hidden overflow-x-auto md:block">
            <table className="w-full min-w-[860px] text-sm [&_td]:px-2.5 [&_td]:py-2 [&_th]:px-2.5 [&_th]:py-2" aria-label="Device updates">
              <thead className="bg-stone-50 text-left text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Phase</th>
                  <th scope="col">State</th>
                  <th scope="col" className="text-right">
                    Progress
                  </th>
                  <th scope="col">Version</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Took</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {logs.map((log) => (
                  <LogRow key={log.id} log={log} at={at} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="mt-3 flex flex-wrap items-center gap-3 text-sm">
            <span className="text-stone-600">
              {logs.length.toLocaleString("en")} shown{query.hasNextPage ? "" : " · all of them"}
            </span>
            {query.hasNextPage ? (
              <button type="button" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 font-medium text-stone-800 hover:bg-stone-50 disabled:opacity-60">
                {query.isFetchingNextPage ? "Loading…" : `Load ${PAGE} more`}
              </button>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}

type At = (value: string | null) => string;

function LogCard({ log, at }: { log: LogJson; at: At }) {
  const waiting = waitingFor(log);
  return (
    <li className="py-2.5 text-sm">
      <div className="flex items-center justify-between gap-2">
        <Link href={`/devices/${log.deviceId}`} className="min-w-0 truncate">
          <span className="font-mono text-xs text-brand-700">{log.deviceId}</span> <span className="text-stone-800">{log.deviceName}</span>
        </Link>
        <LogStateBadge state={log.state} />
      </div>
      <p className="mt-0.5 text-xs text-stone-600">
        <span className="font-mono">{versionMove(log)}</span>
        {log.phase ? ` · phase ${log.phase}` : ""} · {log.progress} %{log.sentAt ? ` · sent ${at(log.sentAt)}` : waiting ? "" : " · not sent"}
        {log.durationSeconds !== null ? ` · took ${formatDuration(log.durationSeconds)}` : ""}
      </p>
      {waiting ? <WaitingNote waiting={waiting} className="mt-0.5" /> : null}
      {log.errorMessage ? <p className="mt-0.5 text-xs break-words text-red-800">{log.errorMessage}</p> : null}
      {log.rollbackSentAt ? <p className="mt-0.5 text-xs text-amber-800">Sent back to {sentBackTo(log)} {at(log.rollbackSentAt)}</p> : null}
    </li>
  );
}

function LogRow({ log, at }: { log: LogJson; at: At }) {
  const waiting = waitingFor(log);
  return (
    <tr className="align-top hover:bg-stone-50">
      <td>
        <Link href={`/devices/${log.deviceId}`} className="group">
          <span className="font-mono text-xs text-brand-700 group-hover:underline">{log.deviceId}</span> <span className="text-stone-800 group-hover:underline">{log.deviceName}</span>
        </Link>
      </td>
      <td className="tabular-nums">{log.phase ?? "—"}</td>
      <td>
        <LogStateBadge state={log.state} />
        {log.rollbackSentAt ? <span className="block text-xs text-amber-800">sent back {at(log.rollbackSentAt)}</span> : null}
      </td>
      <td className="text-right tabular-nums">{log.progress} %</td>
      <td className="font-mono text-xs whitespace-nowrap">{versionMove(log)}</td>
      <td className="max-w-44 text-xs text-stone-600">{log.sentAt ? <span className="whitespace-nowrap">{at(log.sentAt)}</span> : waiting ? <WaitingNote waiting={waiting} /> : "not sent"}</td>
      <td className="text-xs whitespace-nowrap text-stone-600">{log.durationSeconds !== null ? formatDuration(log.durationSeconds) : "—"}</td>
      <td className="max-w-xs text-xs break-words text-red-800">{log.errorMessage}</td>
    </tr>
  );
}

/** Amber while the device is away (it may yet time out), plain while it only waits its turn. */
function WaitingNote({ waiting, className = "" }: { waiting: Waiting; className?: string }) {
  return (
    <p className={`text-xs ${waiting.offline ? "text-amber-800" : "text-stone-600"} ${className}`} data-testid="log-waiting">
      {waiting.text}
    </p>
  );
}
