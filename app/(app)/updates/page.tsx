import type { Metadata } from "next";
import Link from "next/link";
import { Fragment, type ReactNode } from "react";
import { chosenColumns, toolbarColumns } from "@/components/lists/chosen-columns";
import { filterChipsFor } from "@/components/lists/filter-chips";
import { ListFrame } from "@/components/lists/list-frame";
import { DeviceListPagination } from "@/components/devices/device-list-pagination";
import { JobCounts, JobProgressBar, JobStateBadge, JOB_STATE_LABEL, STRATEGY_LABEL } from "@/components/ota/update-job-badges";
import { UpdateJobStateFilter } from "@/components/ota/update-job-state-filter";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TimeAgo } from "@/components/ui/time-ago";
import { can } from "@/lib/auth/permissions";
import { requirePageActor } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { DEVICE_TYPE_LABEL, type DeviceTypeName } from "@/lib/devices/device-id";
import { listUpdateJobs, UPDATE_JOB_STATE_FILTERS, type UpdateJobListItem } from "@/lib/ota/update-job-views";
import { jobPayloadLabel } from "@/lib/ota/job-payload-label";
import { UPDATE_COLUMNS, type UpdateColumnKey } from "@/lib/list-views/list-columns";
import { readListPresentation } from "@/lib/list-views/list-preferences";

export const metadata: Metadata = { title: "Updates" };
export const dynamic = "force-dynamic";
// A main area: going back to it within 30 s reuses what the browser has (no new request); an action
// that revalidates, or router.refresh() (after saving, the auto-refresh), drops that copy (README "Navigation cache").
export const unstable_dynamicStaleTime = 30;

const PAGE_SIZE_CHOICES = [25, 50, 100, 200] as const;

function readQuery(raw: Record<string, string | string[] | undefined>) {
  const one = (key: string) => (Array.isArray(raw[key]) ? raw[key]![0] : raw[key]) as string | undefined;
  const state = one("state");
  const page = Number(one("page") ?? 1);
  const pageSize = Number(one("pageSize") ?? 25);
  return {
    // A state or page we do not know (an old bookmark) falls back to the default rather than failing.
    state: state && (UPDATE_JOB_STATE_FILTERS as readonly string[]).includes(state) ? state : undefined,
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    pageSize: (PAGE_SIZE_CHOICES as readonly number[]).includes(pageSize) ? pageSize : 25,
  };
}

const ACTIVE = new Set(["scheduled", "in_progress", "paused"]);
const isLive = (job: UpdateJobListItem) => ACTIVE.has(job.state) || (job.rollbackStartedAt !== null && job.successCount > 0);

export default async function UpdatesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePageActor("ota.read");
  const raw = await searchParams;
  const query = readQuery(raw);
  const db = getDb();
  const [{ items, total }, presentation] = await Promise.all([listUpdateJobs(db, actor, query), readListPresentation(db, actor, "updates", raw)]);
  const pages = Math.max(1, Math.ceil(total / query.pageSize));
  const maySchedule = can(actor.role, "ota.schedule");
  const now = new Date();
  const linkTo = (changes: { state?: string; page?: number; pageSize?: number }) => {
    const next = { ...query, ...changes };
    const params = new URLSearchParams();
    if (next.state) params.set("state", next.state);
    if (next.page && next.page > 1) params.set("page", String(next.page));
    if (next.pageSize !== 25) params.set("pageSize", String(next.pageSize));
    return params.size ? `/updates?${params}` : "/updates";
  };
  const stateOptions = UPDATE_JOB_STATE_FILTERS.filter((state) => state !== "draft").map((state) => ({ value: state, label: state === "active" ? "Active (scheduled, running, paused)" : JOB_STATE_LABEL[state]! }));

  /** Every column a person may show, keyed as in lib/list-views/list-columns.ts. */
  const columnDefs: Record<UpdateColumnKey, { label: string; header: ReactNode; cell: (job: UpdateJobListItem) => ReactNode }> = {
    job: {
      label: "Job",
      header: <th scope="col">Job</th>,
      cell: (job) => (
        <td className="max-w-xs">
          <Link href={`/updates/${job.id}`} data-row-link className="font-medium text-brand-700 hover:underline">
            {job.name}
          </Link>
          <span className="block text-xs text-stone-500">
            Job {job.id}
            {job.createdBy ? ` · by ${job.createdBy}` : ""}
          </span>
        </td>
      ),
    },
    sends: {
      label: "Type · sends",
      header: <th scope="col">Type · sends</th>,
      cell: (job) => (
        <td className="max-w-64">
          <JobKind job={job} />
          <span className="block text-xs text-stone-500">{DEVICE_TYPE_LABEL[jobPayloadLabel(job).deviceType as DeviceTypeName] ?? jobPayloadLabel(job).deviceType}</span>
        </td>
      ),
    },
    strategy: {
      label: "Strategy",
      header: <th scope="col">Strategy</th>,
      cell: (job) => (
        <td>
          {STRATEGY_LABEL[job.strategy] ?? job.strategy}
          {job.phaseCount > 1 ? <span className="block text-xs text-stone-500">{job.currentPhase ? `phase ${job.currentPhase} of ${job.phaseCount}` : `${job.phaseCount} phases`}</span> : null}
        </td>
      ),
    },
    state: {
      label: "State",
      header: <th scope="col">State</th>,
      cell: (job) => (
        <td className="max-w-56">
          <JobStateBadge state={job.state} rollingBack={job.rollbackStartedAt !== null} />
          {job.stateReason ? (
            <span className="mt-0.5 line-clamp-3 block text-xs break-words text-stone-600" title={job.stateReason}>
              {job.stateReason}
            </span>
          ) : null}
        </td>
      ),
    },
    progress: {
      label: "Progress",
      header: (
        <th scope="col" className="w-48">
          Progress
        </th>
      ),
      cell: (job) => (
        <td>
          <JobProgressBar percent={job.progressPercent} failedPercent={job.deviceCount ? (job.failedCount * 100) / job.deviceCount : 0} label={`Progress of ${job.name}`} />
        </td>
      ),
    },
    devices: {
      label: "Devices",
      header: <th scope="col">Devices</th>,
      cell: (job) => (
        <td>
          <span className="text-xs text-stone-800 tabular-nums">{job.deviceCount.toLocaleString("en")} devices</span>
          <span className="block">
            <JobCounts completed={job.successCount} failed={job.failedCount} inFlight={job.inFlightCount} pending={job.pendingCount} />
          </span>
        </td>
      ),
    },
    when: {
      label: "When",
      header: <th scope="col">When</th>,
      cell: (job) => (
        <td className="text-xs whitespace-nowrap text-stone-600">
          <When job={job} now={now} />
        </td>
      ),
    },
  };
  const columns = chosenColumns(presentation.columns, columnDefs);
  const chips = filterChipsFor("/updates", raw, [{ name: "state", label: "State", options: stateOptions.map((option) => ({ value: option.value, label: option.label })) }], query.state || !raw.state ? [] : ["state"]);

  return (
    <>
      <PageHeader
        title="Updates"
        description={`${total.toLocaleString("en")} update ${total === 1 ? "job" : "jobs"}${query.state ? " match the filter" : ""} · newest first. Each job sends one firmware version or one configuration change to its devices, all at once or in phases, and rolls back when too many fail.`}
        actions={
          <>
            <AutoRefresh seconds={items.some(isLive) ? 3 : 15} />
            {maySchedule && can(actor.role, "config.manage") ? (
              <Link href="/updates/new?kind=configuration" className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50">
                Change configuration
              </Link>
            ) : null}
            {maySchedule ? (
              <Link href="/updates/new" className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800">
                Schedule update
              </Link>
            ) : null}
          </>
        }
      />
      <UpdateJobStateFilter value={query.state ?? ""} options={stateOptions} />
      <ListFrame actor={actor} list="updates" params={raw} presentation={presentation} columns={toolbarColumns(UPDATE_COLUMNS, (key) => columnDefs[key].label)} chips={chips}>

      {items.length === 0 ? (
        <EmptyState title={query.state ? "No update job matches this filter" : "No update jobs yet"}>
          {query.state ? (
            <Link className="text-brand-700 underline" href="/updates">
              Show every job
            </Link>
          ) : maySchedule ? (
            <p>
              Upload a binary on the <Link href="/firmware" className="text-brand-700 underline">Firmware</Link> page, move it to testing or stable, then{" "}
              <Link href="/updates/new" className="text-brand-700 underline">
                schedule an update
              </Link>{" "}
              for a few devices, a group or a filtered device list.
            </p>
          ) : (
            "A farm manager or an admin schedules firmware updates; they show up here with their live progress."
          )}
        </EmptyState>
      ) : (
        <>
          <ul className="space-y-3 md:hidden" aria-label="Update jobs">
            {items.map((job) => (
              <li key={job.id} className="rounded-xl border border-stone-200 bg-white p-3 text-sm shadow-sm">
                <div className="flex items-start justify-between gap-2">
                  <Link href={`/updates/${job.id}`} className="min-w-0 font-medium break-words text-brand-700 hover:underline">
                    {job.name}
                  </Link>
                  <JobStateBadge state={job.state} rollingBack={job.rollbackStartedAt !== null} />
                </div>
                <p className="mt-0.5 text-xs text-stone-600">
                  <JobKind job={job} /> · {DEVICE_TYPE_LABEL[jobPayloadLabel(job).deviceType as DeviceTypeName] ?? jobPayloadLabel(job).deviceType} · {STRATEGY_LABEL[job.strategy] ?? job.strategy}
                  {job.phaseCount > 1 ? ` · ${job.currentPhase ? `phase ${job.currentPhase} of ${job.phaseCount}` : `${job.phaseCount} phases`}` : ""}
                </p>
                <div className="mt-2">
                  <JobProgressBar percent={job.progressPercent} failedPercent={job.deviceCount ? (job.failedCount * 100) / job.deviceCount : 0} label={`Progress of ${job.name}`} />
                </div>
                <div className="mt-1.5 flex flex-wrap items-center justify-between gap-2">
                  <JobCounts completed={job.successCount} failed={job.failedCount} inFlight={job.inFlightCount} pending={job.pendingCount} />
                  <span className="text-xs text-stone-500">
                    {job.deviceCount.toLocaleString("en")} devices · <When job={job} now={now} />
                  </span>
                </div>
                {job.stateReason ? <p className="mt-1.5 text-xs break-words text-pretty text-stone-600">{job.stateReason}</p> : null}
              </li>
            ))}
          </ul>
          <div className="sticky-table hidden max-h-[calc(100dvh-4rem)] overflow-auto rounded-xl border border-stone-200 bg-white shadow-sm md:block">
            <table data-list-rows className={`w-full text-sm [&_td]:px-3 [&_td]:py-2 [&_th]:px-3 [&_th]:py-2 ${columns.length > 4 ? "min-w-[960px]" : ""}`}>
              <thead className="text-left text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  {columns.map((column) => (
                    <Fragment key={column.key}>{column.header}</Fragment>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {items.map((job) => (
                  <tr key={job.id} className="list-row align-top hover:bg-stone-50" tabIndex={-1} data-list-row>
                    {columns.map((column) => (
                      <Fragment key={column.key}>{column.cell(job)}</Fragment>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      </ListFrame>
      <DeviceListPagination page={query.page} pages={pages} pageSize={query.pageSize} total={total} hrefFor={({ page, pageSize }) => linkTo({ page: page ?? query.page, pageSize: pageSize ?? query.pageSize })} />
    </>
  );
}

/** Started (or finished) when it has, else when it is scheduled for. */
function When({ job, now }: { job: UpdateJobListItem; now: Date }) {
  if (job.completedAt) {
    return (
      <>
        ended <TimeAgo date={job.completedAt} />
      </>
    );
  }
  if (job.startedAt) {
    return (
      <>
        started <TimeAgo date={job.startedAt} />
      </>
    );
  }
  const future = job.scheduledAt > now;
  return future ? (
    <>
      starts <time dateTime={job.scheduledAt.toISOString()}>{job.scheduledAt.toISOString().replace("T", " ").slice(0, 16)} UTC</time>
    </>
  ) : (
    <>
      scheduled <TimeAgo date={job.scheduledAt} />
    </>
  );
}

/** The job's type in a word (Firmware / Configuration), then the version it sends or the change it makes. */
function JobKind({ job }: { job: UpdateJobListItem }) {
  const payload = jobPayloadLabel(job);
  const configuration = job.kind === "configuration";
  return (
    <span data-job-kind={job.kind}>
      <span className={`mr-1 rounded px-1.5 py-0.5 text-[11px] font-medium ${configuration ? "bg-sky-100 text-sky-900" : "bg-stone-100 text-stone-700"}`}>{configuration ? "Configuration" : "Firmware"}</span>
      {configuration ? <span className="line-clamp-2 break-words text-xs text-stone-700" title={payload.detail}>{payload.detail || "—"}</span> : <span className="font-mono">{payload.title}</span>}
    </span>
  );
}
