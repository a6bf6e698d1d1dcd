"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { formatDateTime } from "@/components/devices/device-values";
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "@/lib/devices/device-id";
import type { JobAction } from "@/lib/ota/job-actions";
import type { JobJson, LogPageJson } from "./job-json";
import { JobActionButtons } from "./job-action-buttons";
import { formatPercent, JobCounts, JobProgressBar, JobStateBadge, LOG_STATE_LABEL, PHASE_STATE_LABEL, STRATEGY_LABEL } from "./update-job-badges";
import { UpdateJobLogs } from "./update-job-logs";
import { jobPayloadLabel } from "@/lib/ota/job-payload-label";

const POLL_MS = 2_500;
const ACTIVE = new Set(["scheduled", "in_progress", "paused"]);

/** Still changing while the person watches: running, devices mid-update, or completed devices not yet rolled back. */
export function jobIsLive(job: Pick<JobJson, "state" | "inFlightCount" | "rollbackStartedAt" | "counts">): boolean {
  return ACTIVE.has(job.state) || job.inFlightCount > 0 || (job.rollbackStartedAt !== null && job.counts.completed > 0);
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: "application/json" }, cache: "no-store" });
  const body = (await response.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!response.ok || !body) throw new Error(body?.error?.message ?? `The server answered ${response.status}.`);
  return body;
}

/**
 * An update job as it runs: the server renders the first view, then the browser asks for the job
 * every 2.5 s while it is live (and stops once it is over), so progress moves without a reload.
 */
export function UpdateJobView({ initialJob, initialLogs, permitted }: { initialJob: JobJson; initialLogs: LogPageJson; permitted: JobAction[] }) {
  const { data: job, error, isFetching, dataUpdatedAt } = useQuery({
    queryKey: ["update-job", initialJob.id],
    queryFn: () => fetchJson<JobJson>(`/updates/${initialJob.id}/live`),
    initialData: initialJob,
    refetchInterval: (query) => (query.state.data && jobIsLive(query.state.data) ? POLL_MS : false),
    refetchIntervalInBackground: false,
  });
  const live = jobIsLive(job);
  const timeZone = job.timeZone ?? "UTC";
  const at = (value: string | null) => formatDateTime(value, timeZone);
  const actions = job.allowedActions.filter((action) => permitted.includes(action));
  const failedPercent = job.deviceCount ? (job.failedCount * 100) / job.deviceCount : 0;
  const payload = jobPayloadLabel(job);

  return (
    <div className="space-y-5">
      <div>
        <Link href="/updates" className="text-sm text-brand-700 hover:underline">
          ← Updates
        </Link>
        <div className="mt-1 flex flex-wrap items-end justify-between gap-3">
          <div className="min-w-0">
            <h1 className="text-2xl font-semibold tracking-tight break-words text-stone-900">{job.name}</h1>
            <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-stone-600">
              <JobStateBadge state={job.state} rollingBack={job.rollbackStartedAt !== null} />
              <span>
                Job {job.id} · <span className={payload.mono ? "font-mono" : undefined}>{payload.title}</span> for {DEVICE_TYPE_LABEL[payload.deviceType as DeviceTypeName] ?? payload.deviceType} ·{" "}
                {STRATEGY_LABEL[job.strategy] ?? job.strategy}
              </span>
            </p>
          </div>
          <p className="text-xs text-stone-500" aria-live="polite">
            {error ? <span className="text-red-700">Live updates paused: {error.message}</span> : live ? `Live · every ${POLL_MS / 1000} s${isFetching ? " · updating…" : ""}` : "Finished · not refreshing"}
            {/* the server's clock stamps the first render and the browser's the hydration: expected to differ */}
            {dataUpdatedAt && live ? (
              <span className="sr-only" suppressHydrationWarning>
                {" "}
                · last {new Date(dataUpdatedAt).toISOString()}
              </span>
            ) : null}
          </p>
        </div>
      </div>

      {job.stateReason ? (
        <p role="status" className={`rounded-xl border px-4 py-3 text-sm break-words text-pretty shadow-sm ${job.state === "failed" || job.rollbackStartedAt ? "border-red-200 bg-red-50 text-red-900" : job.state === "paused" ? "border-amber-200 bg-amber-50 text-amber-900" : "border-stone-200 bg-white text-stone-800"}`}>
          {job.stateReason}
        </p>
      ) : null}

      <section aria-label="Progress" className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
        <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="text-sm font-semibold text-stone-700">Progress</h2>
          <span className="text-xs text-stone-600" data-testid="job-device-count">
            {job.deviceCount.toLocaleString("en")} {job.deviceCount === 1 ? "device" : "devices"}
            {job.phaseCount > 1 ? ` · ${job.currentPhase ? `phase ${job.currentPhase} of ${job.phaseCount}` : `${job.phaseCount} phases`}` : ""}
          </span>
        </div>
        <JobProgressBar percent={job.progressPercent} failedPercent={failedPercent} label="Devices finished" size="lg" />
        <div className="mt-2">
          <JobCounts completed={job.successCount} failed={job.failedCount} inFlight={job.inFlightCount} pending={job.pendingCount} />
        </div>
        <dl className="mt-3 grid grid-cols-3 gap-1.5 text-center sm:grid-cols-4 sm:gap-2 lg:grid-cols-7" data-testid="job-state-counts">
          {(["pending", "downloading", "installing", "verifying", "completed", "failed", "rolled_back"] as const).map((state) => (
            <div key={state} className="rounded-lg bg-stone-50 px-2 py-1.5">
              <dt className="text-xs text-stone-500">{LOG_STATE_LABEL[state]}</dt>
              <dd className="text-lg font-semibold text-stone-900 tabular-nums">{job.counts[state].toLocaleString("en")}</dd>
            </div>
          ))}
        </dl>
        {job.neverCameOnline ? (
          <p className="mt-3 text-sm break-words text-stone-700" data-testid="job-never-online">
            {job.neverCameOnline.toLocaleString("en")} of the failed never came online to take the update: they say nothing about the firmware and count neither for the success rate nor towards a rollback.
          </p>
        ) : null}
        {job.rollbackStartedAt ? (
          <p className="mt-3 text-sm text-amber-900">
            Rollback started {at(job.rollbackStartedAt)}: {job.counts.rolled_back} rolled back, {job.rollbackPending} sent back and waiting for the device
            {job.counts.completed - job.rollbackPending > 0 ? `, ${job.counts.completed - job.rollbackPending} still to send` : ""}.
          </p>
        ) : null}
      </section>

      {/* Mounted while the person may act at all, so the answer to the last action stays after the buttons go. */}
      {permitted.length ? <JobActionButtons jobId={job.id} actions={actions} successCount={job.successCount} /> : null}

      <div className="grid gap-4 lg:grid-cols-2">
        <section aria-labelledby="job-facts" className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
          <h2 id="job-facts" className="mb-3 text-sm font-semibold text-stone-700">
            Schedule and options
          </h2>
          <dl className="grid grid-cols-[minmax(0,9rem)_1fr] gap-x-3 gap-y-2 text-sm">
            <Fact label={job.firmware ? "Firmware" : "Change"}>
              <span className={payload.mono ? "font-mono" : undefined}>{job.firmware ? payload.title : ""}</span> {payload.detail}
            </Fact>
            <Fact label="Scheduled for">{at(job.scheduledAt)}</Fact>
            <Fact label="Started">{at(job.startedAt)}</Fact>
            <Fact label="Finished">{at(job.completedAt)}</Fact>
            <Fact label="Maintenance window">{describeWindow(job.maintenanceWindow)}</Fact>
            <Fact label="Options">
              {[job.forceUpdate ? "forced (compatibility checks overridden)" : null, job.rollbackOnFailure ? "rolls back on failure" : "no automatic rollback", job.notifyOnComplete ? "notifies when done" : null].filter(Boolean).join(" · ")}
            </Fact>
            <Fact label="Device timeout">{job.deviceTimeoutMinutes} min · an offline or silent device fails after it</Fact>
            <Fact label="Target">{describeTarget(job.targetSpec)}</Fact>
            <Fact label="Scheduled by">{job.createdBy ?? "an API key"}</Fact>
          </dl>
          {timeZone !== "UTC" ? <p className="mt-2 text-xs text-stone-500">Times in the farm&apos;s time zone ({timeZone}).</p> : <p className="mt-2 text-xs text-stone-500">Times in UTC.</p>}
        </section>

        <section aria-labelledby="job-phases" className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
          <h2 id="job-phases" className="mb-3 text-sm font-semibold text-stone-700">
            Phases
          </h2>
          <ol className="space-y-2" aria-label="Phases">
            {job.phases.map((phase) => {
              const finished = phase.completed + phase.failed;
              return (
                <li key={phase.id} className={`rounded-lg border px-3 py-2 text-sm ${phase.position === job.currentPhase ? "border-brand-600 bg-brand-50/40" : "border-stone-200"}`} data-testid="job-phase">
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <span className="font-medium text-stone-900">
                      Phase {phase.position} <span className="font-normal text-stone-600">· up to {formatPercent(phase.targetPercentage)} % · {phase.deviceCount} {phase.deviceCount === 1 ? "device" : "devices"}</span>
                    </span>
                    <span className="text-xs font-medium text-stone-700">{PHASE_STATE_LABEL[phase.state] ?? phase.state}</span>
                  </div>
                  <div className="mt-1">
                    <JobProgressBar percent={phase.deviceCount ? Math.floor((finished * 1000) / phase.deviceCount) / 10 : 0} failedPercent={phase.deviceCount ? (phase.failed * 100) / phase.deviceCount : 0} label={`Phase ${phase.position} finished`} />
                  </div>
                  <div className="mt-1 flex flex-wrap items-center justify-between gap-2">
                    <JobCounts completed={phase.completed} failed={phase.failed} inFlight={phase.inFlight} pending={phase.pending} />
                    <span className="text-xs text-stone-500">
                      needs ≥ {phase.successThreshold} % success, stops at &gt; {phase.errorThreshold} % failed (from {phase.minDevices} devices)
                      {phase.soakMinutes ? ` · soak ${phase.soakMinutes} min` : ""}
                      {phase.requiresApproval ? (phase.approvedAt ? " · approved" : " · needs approval") : ""}
                    </span>
                  </div>
                </li>
              );
            })}
          </ol>
        </section>
      </div>

      <UpdateJobLogs jobId={job.id} initialLogs={initialLogs} live={live} timeZone={timeZone} />
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-stone-500">{label}</dt>
      <dd className="min-w-0 break-words text-stone-900">{children}</dd>
    </>
  );
}

function describeWindow(window: unknown): string {
  if (!window || typeof window !== "object") return "none (any time)";
  const { start, end, days, timeZone } = window as { start?: string; end?: string; days?: string[]; timeZone?: string };
  const dayText = days && days.length < 7 ? days.map((day) => day.slice(0, 1).toUpperCase() + day.slice(1)).join(", ") : "every day";
  return `${start}–${end}, ${dayText} (${timeZone})`;
}

function describeTarget(target: unknown): string {
  if (!target || typeof target !== "object") return "—";
  if ("deviceIds" in target && Array.isArray(target.deviceIds)) {
    const ids = target.deviceIds as string[];
    return ids.length > 8 ? `${ids.slice(0, 8).join(", ")} and ${ids.length - 8} more` : ids.join(", ");
  }
  if ("filter" in target && target.filter && typeof target.filter === "object") {
    const entries = Object.entries(target.filter as Record<string, unknown>).filter(([, value]) => value !== undefined && value !== "");
    return entries.length ? `devices where ${entries.map(([key, value]) => `${key} = ${Array.isArray(value) ? value.join(", ") : String(value)}`).join(", ")}` : "every device";
  }
  return "—";
}
