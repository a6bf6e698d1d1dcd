/**
 * Reading update jobs (the jobs list, a job's page, its per-device logs, a device's update
 * history) for the pages and /api/v1. Counts come from the logs themselves, grouped in SQL on the
 * (job_id, state) index, and the per-device logs are paged by keyset: a job of 10,000 devices
 * reads as fast as a job of ten. A farm's people see only jobs every device of which is on their
 * farm (the same rule as job-actions.ts), so a cross-farm campaign stays an admin's.
 */
import { Prisma } from "@prisma/client";
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { CONNECTION_STATUSES } from "../devices/device-fields";
import { deviceWhere, parseDeviceListQuery } from "../devices/device-list";
import type { BulkTarget } from "../devices/device-schemas";
import { InvalidError, NotFoundError } from "../errors";
import { containsPattern } from "../search/like-pattern";
import { campaignChangeOf, campaignChangeSummary } from "../configuration/campaign-change";
import type { ConfigObject } from "../configuration/config-schemas";
import { allowedJobActions, type JobAction } from "./job-actions";
import type { JobKindName } from "./payload-kinds";
import { ROLLBACK_DEFAULTS } from "./rollout-plan";
import { IN_FLIGHT_STATES, UPDATE_LOG_STATES, type UpdateLogStateName } from "./update-log-states";

type ConnectionStatusName = (typeof CONNECTION_STATUSES)[number];
/** The connections the engine sends an update over (ota-engine.ts `dispatch`); any other waits. */
const SENDABLE_CONNECTIONS = ["online", "degraded"] as const satisfies readonly ConnectionStatusName[];

type Reader = Pick<Db, "$queryRaw" | "device">;

export const UPDATE_JOB_STATES = ["draft", "scheduled", "in_progress", "paused", "completed", "cancelled", "failed"] as const;
export type UpdateJobStateName = (typeof UPDATE_JOB_STATES)[number];
/** "active": anything that may still send an update (scheduled, in progress, paused). */
export const UPDATE_JOB_STATE_FILTERS = ["active", ...UPDATE_JOB_STATES] as const;
const ACTIVE_STATES: UpdateJobStateName[] = ["scheduled", "in_progress", "paused"];

/** Log filters: one state, or "in_flight" (downloading, installing, verifying). */
export const UPDATE_LOG_STATE_FILTERS = [...UPDATE_LOG_STATES, "in_flight"] as const;

/** What a configuration campaign changes (null for a firmware job). */
export type UpdateJobConfigChange = {
  deviceType: string;
  changes: ConfigObject;
  reason: string;
  /** "thresholds.ammonia_ppm.alarm = 30; …" */
  summary: string;
};

export type UpdateJobListItem = {
  id: number;
  name: string;
  /** firmware (an update to a firmware version) or configuration (a campaign of settings). */
  kind: JobKindName;
  state: UpdateJobStateName;
  /** The rollout strategy as chosen: all_at_once, canary, phased, emergency — or rolling for a configuration campaign. */
  strategy: string;
  /** The version a firmware job sends; null for a configuration campaign. */
  firmware: { id: number; version: string; deviceType: string; name: string } | null;
  configChange: UpdateJobConfigChange | null;
  scheduledAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  deviceCount: number;
  successCount: number;
  failedCount: number;
  inFlightCount: number;
  pendingCount: number;
  /** Devices that finished (completed, failed or rolled back) ÷ devices, 0..100. */
  progressPercent: number;
  stateReason: string | null;
  rollbackStartedAt: Date | null;
  /** The phase running or waiting for approval, by position. */
  currentPhase: number | null;
  phaseCount: number;
  createdBy: string | null;
};

type LogCounts = Record<UpdateLogStateName, number>;

const emptyCounts = (): LogCounts => Object.fromEntries(UPDATE_LOG_STATES.map((state) => [state, 0])) as LogCounts;

/** A job's numbers from its log counts (device_count is the fallback for a job without logs). */
function tally(counts: LogCounts, deviceCount: number) {
  const total = UPDATE_LOG_STATES.reduce((sum, state) => sum + counts[state], 0) || deviceCount;
  const finished = counts.completed + counts.failed + counts.rolled_back;
  return {
    deviceCount: total,
    successCount: counts.completed,
    failedCount: counts.failed + counts.rolled_back,
    inFlightCount: IN_FLIGHT_STATES.reduce((sum, state) => sum + counts[state], 0),
    pendingCount: counts.pending,
    progressPercent: total ? Math.floor((finished * 1000) / total) / 10 : 0,
  };
}

/**
 * The job is visible to the actor: every device of it is on the actor's farm (or no scope). A job
 * that spans farms names devices and farms a farm-bound person may not see, so it is not theirs
 * to open; every view of jobs (pages, API, the dashboard) takes this one rule.
 */
export function updateJobVisibleTo(actor: Pick<Actor, "role" | "farmId">, job: Prisma.Sql = Prisma.sql`j.id`): Prisma.Sql {
  const scope = farmScope(actor);
  if (scope === null) return Prisma.sql`TRUE`;
  return Prisma.sql`NOT EXISTS (SELECT 1 FROM update_logs sl JOIN devices sd ON sd.id = sl.device_id WHERE sl.job_id = ${job} AND sd.farm_id <> ${scope})`;
}

/** The columns of one device's update that the job page and the device page both show. */
type LogColumns = {
  state: UpdateLogStateName;
  progress: number;
  previous_version: string | null;
  target_version: string | null;
  config_version: number | null;
  previous_config_version: number | null;
  rollback_config_version: number | null;
  sent_at: Date | null;
  finished_at: Date | null;
  duration_seconds: number | null;
  error_message: string | null;
};

/** Those columns as every log query selects them (with `l` for update_logs). */
const LOG_COLUMNS = Prisma.raw(
  "l.state::text AS state, l.progress, l.previous_version, l.target_version, l.config_version, l.previous_config_version, l.rollback_config_version, l.sent_at, l.finished_at, l.duration_seconds, l.error_message",
);

/** What a log says about one device's update, in every view of logs. */
export type UpdateLogOutcome = {
  state: UpdateLogStateName;
  progress: number;
  previousVersion: string | null;
  targetVersion: string | null;
  /** Configuration campaigns: the version the campaign made for the device, the one it had before, and the one that rolled it back. */
  configVersion: number | null;
  previousConfigVersion: number | null;
  rollbackConfigVersion: number | null;
  sentAt: Date | null;
  finishedAt: Date | null;
  durationSeconds: number | null;
  errorMessage: string | null;
};

function logFields(row: LogColumns): UpdateLogOutcome {
  return {
    state: row.state,
    progress: row.progress,
    previousVersion: row.previous_version,
    targetVersion: row.target_version,
    configVersion: row.config_version,
    previousConfigVersion: row.previous_config_version,
    rollbackConfigVersion: row.rollback_config_version,
    sentAt: row.sent_at,
    finishedAt: row.finished_at,
    durationSeconds: row.duration_seconds,
    errorMessage: row.error_message,
  };
}

type JobRow = {
  id: number;
  name: string;
  kind: JobKindName;
  state: UpdateJobStateName;
  strategy: string;
  campaign_strategy: string | null;
  config_change: unknown;
  scheduled_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
  device_count: number;
  success_count: number;
  state_reason: string | null;
  rollback_started_at: Date | null;
  firmware_id: number | null;
  firmware_version: string | null;
  firmware_device_type: string | null;
  firmware_name: string | null;
  created_by: string | null;
  current_phase: number | null;
  phase_count: number;
};

const JOB_COLUMNS = Prisma.sql`
  j.id, j.name, j.kind::text AS kind, j.state::text AS state, j.strategy::text AS strategy, j.strategy_config->>'campaignStrategy' AS campaign_strategy, j.config_change, j.scheduled_at, j.started_at, j.completed_at, j.created_at,
  j.device_count, j.success_count, j.state_reason, j.rollback_started_at,
  f.id AS firmware_id, f.version AS firmware_version, f.device_type::text AS firmware_device_type, f.name AS firmware_name,
  u.name AS created_by,
  (SELECT min(p.position) FROM update_phases p WHERE p.job_id = j.id AND p.state IN ('in_progress', 'awaiting_approval'))::int AS current_phase,
  (SELECT count(*) FROM update_phases p WHERE p.job_id = j.id)::int AS phase_count`;

/** A configuration campaign has no firmware: LEFT JOIN, and the list item says which kind it is. */
const JOB_FROM = Prisma.sql`FROM update_jobs j LEFT JOIN firmware_versions f ON f.id = j.firmware_id LEFT JOIN users u ON u.id = j.created_by_id`;

/** Log counts per job and state: an index-only GROUP BY on update_logs(job_id, state). */
async function logCountsByJob(db: Pick<Db, "$queryRaw">, jobIds: number[]): Promise<Map<number, LogCounts>> {
  const counts = new Map<number, LogCounts>(jobIds.map((id) => [id, emptyCounts()]));
  if (jobIds.length === 0) return counts;
  const rows = await db.$queryRaw<{ job_id: number; state: UpdateLogStateName; n: number }[]>`
    SELECT job_id, state::text AS state, count(*)::int AS n FROM update_logs WHERE job_id = ANY(${jobIds}::int[]) GROUP BY job_id, state`;
  for (const row of rows) counts.get(row.job_id)![row.state] = row.n;
  return counts;
}

function configChangeOf(row: JobRow): UpdateJobConfigChange | null {
  if (row.kind !== "configuration") return null;
  const change = campaignChangeOf(row.config_change);
  return change ? { ...change, summary: campaignChangeSummary(change.changes) } : null;
}

function listItem(row: JobRow, counts: LogCounts): UpdateJobListItem {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    state: row.state,
    strategy: row.kind === "configuration" && row.campaign_strategy ? row.campaign_strategy : row.strategy,
    firmware:
      row.firmware_id !== null ? { id: row.firmware_id, version: row.firmware_version ?? "", deviceType: row.firmware_device_type ?? "", name: row.firmware_name ?? "" } : null,
    configChange: configChangeOf(row),
    scheduledAt: row.scheduled_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    createdAt: row.created_at,
    ...tally(counts, row.device_count),
    stateReason: row.state_reason,
    rollbackStartedAt: row.rollback_started_at,
    currentPhase: row.current_phase,
    phaseCount: row.phase_count,
    createdBy: row.created_by,
  };
}

/** `kind`: only firmware jobs or only configuration campaigns (/api/v1/config-campaigns); both when absent. */
export type UpdateJobListQuery = { state?: string; page?: number; pageSize?: number; kind?: JobKindName };

const positiveInt = (value: number | undefined, fallback: number, max: number, what: string) => {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidError(`${what} must be a whole number from 1 to ${max}.`, { [what]: [`1 to ${max}`] });
  return value;
};

function stateCondition(state: string | undefined): Prisma.Sql {
  if (!state) return Prisma.sql`TRUE`;
  if (!(UPDATE_JOB_STATE_FILTERS as readonly string[]).includes(state)) {
    throw new InvalidError(`Unknown job state "${state}"; use one of ${UPDATE_JOB_STATE_FILTERS.join(", ")}.`, { state: ["Unknown job state"] });
  }
  const states = state === "active" ? ACTIVE_STATES : [state];
  return Prisma.sql`j.state IN (${Prisma.join(states.map((value) => Prisma.sql`${value}::"UpdateJobState"`))})`;
}

/** Newest first. */
export async function listUpdateJobs(db: Pick<Db, "$queryRaw">, actor: Actor, query: UpdateJobListQuery = {}): Promise<{ items: UpdateJobListItem[]; total: number }> {
  const page = positiveInt(query.page, 1, 100_000, "page");
  const pageSize = positiveInt(query.pageSize, 20, 200, "pageSize");
  const kind = query.kind ? Prisma.sql`j.kind = ${query.kind}::"UpdateJobKind"` : Prisma.sql`TRUE`;
  const where = Prisma.sql`${stateCondition(query.state)} AND ${kind} AND ${updateJobVisibleTo(actor)}`;
  const [counted, rows] = await Promise.all([
    db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM update_jobs j WHERE ${where}`,
    db.$queryRaw<JobRow[]>`SELECT ${JOB_COLUMNS} ${JOB_FROM} WHERE ${where} ORDER BY j.created_at DESC, j.id DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
  ]);
  const counts = await logCountsByJob(db, rows.map((row) => row.id));
  return { items: rows.map((row) => listItem(row, counts.get(row.id)!)), total: counted[0]?.total ?? 0 };
}

export type UpdateJobPhase = {
  id: number;
  position: number;
  state: string;
  /** Cumulative share of the job's devices reached by the end of this phase. */
  targetPercentage: number;
  deviceCount: number;
  completed: number;
  failed: number;
  inFlight: number;
  pending: number;
  soakMinutes: number;
  requiresApproval: boolean;
  successThreshold: number;
  errorThreshold: number;
  minDevices: number;
  startedAt: Date | null;
  completedAt: Date | null;
  approvedAt: Date | null;
};

export type UpdateJobDetail = UpdateJobListItem & {
  targetSpec: unknown;
  strategyConfig: unknown;
  maintenanceWindow: unknown;
  forceUpdate: boolean;
  rollbackOnFailure: boolean;
  notifyOnComplete: boolean;
  /** The farm's time zone when every device of the job is on one farm (times are shown in it), else null. */
  timeZone: string | null;
  /** How long the engine waits for a device (offline, or silent after the offer) before failing it. */
  deviceTimeoutMinutes: number;
  counts: LogCounts;
  /** Completed devices told to go back (rollback_sent_at) that have not reported rolled_back yet. */
  rollbackPending: number;
  /**
   * Of the failed, devices that were never sent the update (offline for the whole device
   * timeout): they say nothing about the firmware, so the engine leaves them out of its verdicts.
   */
  neverCameOnline: number;
  phases: UpdateJobPhase[];
  allowedActions: JobAction[];
};

/** The job's own timeout; a job stored before it could be set has the engine's default (ota-engine.ts). */
function deviceTimeoutOf(strategyConfig: unknown): number {
  const stored = strategyConfig && typeof strategyConfig === "object" && "deviceTimeoutMinutes" in strategyConfig ? Number(strategyConfig.deviceTimeoutMinutes) : NaN;
  return Number.isInteger(stored) && stored > 0 ? stored : ROLLBACK_DEFAULTS.deviceTimeoutMinutes;
}

/** NotFoundError for a missing job and for another farm's (its existence is not the person's to know). */
export async function getUpdateJob(db: Pick<Db, "$queryRaw">, actor: Actor, id: number): Promise<UpdateJobDetail> {
  if (!Number.isSafeInteger(id) || id < 1) throw new NotFoundError("No such update job.");
  const [job] = await db.$queryRaw<(JobRow & { target_spec: unknown; strategy_config: unknown; maintenance_window: unknown; force_update: boolean; rollback_on_failure: boolean; notify_on_complete: boolean; time_zone: string | null })[]>`
    SELECT ${JOB_COLUMNS}, j.target_spec, j.strategy_config, j.maintenance_window, j.force_update, j.rollback_on_failure, j.notify_on_complete,
           (SELECT CASE WHEN count(DISTINCT fa.id) = 1 THEN min(fa.timezone) END
              FROM update_logs tl JOIN devices td ON td.id = tl.device_id JOIN farms fa ON fa.id = td.farm_id WHERE tl.job_id = j.id) AS time_zone
    ${JOB_FROM} WHERE j.id = ${id} AND ${updateJobVisibleTo(actor)}`;
  if (!job) throw new NotFoundError("No such update job.");
  const [phases, groups] = await Promise.all([
    db.$queryRaw<
      { id: number; position: number; state: string; target_percentage: number; soak_minutes: number; requires_approval: boolean; success_threshold: number; error_threshold: number; min_devices: number; started_at: Date | null; completed_at: Date | null; approved_at: Date | null }[]
    >`SELECT id, position, state::text AS state, target_percentage, soak_minutes, requires_approval, success_threshold, error_threshold, min_devices, started_at, completed_at, approved_at
        FROM update_phases WHERE job_id = ${id} ORDER BY position`,
    // One pass over the job's logs (found through the job_id index) gives every count of the page.
    db.$queryRaw<{ phase_id: number | null; state: UpdateLogStateName; n: number; rollback_sent: number; never_sent: number }[]>`
      SELECT phase_id, state::text AS state, count(*)::int AS n, count(*) FILTER (WHERE rollback_sent_at IS NOT NULL AND error_message IS NULL)::int AS rollback_sent,
             count(*) FILTER (WHERE sent_at IS NULL)::int AS never_sent
        FROM update_logs WHERE job_id = ${id} GROUP BY phase_id, state`,
  ]);
  const counts = emptyCounts();
  const byPhase = new Map<number, LogCounts>();
  let rollbackPending = 0;
  let neverCameOnline = 0;
  for (const group of groups) {
    counts[group.state] += group.n;
    if (group.state === "completed") rollbackPending += group.rollback_sent;
    if (group.state === "failed") neverCameOnline += group.never_sent;
    if (group.phase_id !== null) {
      const phase = byPhase.get(group.phase_id) ?? emptyCounts();
      phase[group.state] += group.n;
      byPhase.set(group.phase_id, phase);
    }
  }
  return {
    ...listItem(job, counts),
    targetSpec: job.target_spec,
    strategyConfig: job.strategy_config,
    maintenanceWindow: job.maintenance_window,
    forceUpdate: job.force_update,
    rollbackOnFailure: job.rollback_on_failure,
    notifyOnComplete: job.notify_on_complete,
    timeZone: job.time_zone,
    deviceTimeoutMinutes: deviceTimeoutOf(job.strategy_config),
    counts,
    rollbackPending,
    neverCameOnline,
    phases: phases.map((phase) => {
      const c = byPhase.get(phase.id) ?? emptyCounts();
      const numbers = tally(c, 0);
      return {
        id: phase.id,
        position: phase.position,
        state: phase.state,
        targetPercentage: phase.target_percentage,
        deviceCount: numbers.deviceCount,
        completed: c.completed,
        failed: numbers.failedCount,
        inFlight: numbers.inFlightCount,
        pending: c.pending,
        soakMinutes: phase.soak_minutes,
        requiresApproval: phase.requires_approval,
        successThreshold: phase.success_threshold,
        errorThreshold: phase.error_threshold,
        minDevices: phase.min_devices,
        startedAt: phase.started_at,
        completedAt: phase.completed_at,
        approvedAt: phase.approved_at,
      };
    }),
    // The same rule applyJobAction checks on the server (the role is checked there too).
    allowedActions: allowedJobActions({ state: job.state, rollbackStartedAt: job.rollback_started_at, successCount: job.success_count, awaitingApproval: phases.some((phase) => phase.state === "awaiting_approval") }),
  };
}

export type UpdateJobLog = UpdateLogOutcome & {
  id: number;
  deviceId: string;
  deviceName: string;
  phase: number | null;
  rollbackSentAt: Date | null;
  /** The device's connection now: a pending log not yet sent waits for an online (or degraded) device. */
  connectionStatus: ConnectionStatusName;
};

/** `cursor`: the `nextCursor` of the previous page (a log id; a URL's string form is accepted). */
export type UpdateJobLogQuery = { state?: string; search?: string; cursor?: number | string | null; limit?: number };

/** A job's per-device logs in a stable order (log id), `limit` at a time after `cursor`. */
export async function listUpdateJobLogs(db: Pick<Db, "$queryRaw">, actor: Actor, jobId: number, query: UpdateJobLogQuery = {}): Promise<{ items: UpdateJobLog[]; nextCursor: number | null }> {
  if (!Number.isSafeInteger(jobId) || jobId < 1) throw new NotFoundError("No such update job.");
  const limit = positiveInt(query.limit, 50, 500, "limit");
  const [job] = await db.$queryRaw<{ id: number }[]>`SELECT j.id FROM update_jobs j WHERE j.id = ${jobId} AND ${updateJobVisibleTo(actor)}`;
  if (!job) throw new NotFoundError("No such update job.");

  const and: Prisma.Sql[] = [Prisma.sql`l.job_id = ${jobId}`];
  if (query.state) {
    if (!(UPDATE_LOG_STATE_FILTERS as readonly string[]).includes(query.state)) {
      throw new InvalidError(`Unknown update state "${query.state}"; use one of ${UPDATE_LOG_STATE_FILTERS.join(", ")}.`, { state: ["Unknown update state"] });
    }
    const states = query.state === "in_flight" ? IN_FLIGHT_STATES : [query.state];
    and.push(Prisma.sql`l.state IN (${Prisma.join(states.map((state) => Prisma.sql`${state}::"UpdateLogState"`))})`);
  }
  const search = query.search?.trim().slice(0, 100);
  if (search) {
    const pattern = containsPattern(search);
    and.push(Prisma.sql`(d.device_id ILIKE ${pattern} OR d.name ILIKE ${pattern})`);
  }
  if (query.cursor !== undefined && query.cursor !== null && query.cursor !== "") {
    const cursor = Number(query.cursor);
    if (!Number.isSafeInteger(cursor) || cursor < 0) throw new InvalidError("cursor must be a log id.", { cursor: ["Not a log id"] });
    and.push(Prisma.sql`l.id > ${cursor}`);
  }
  const rows = await db.$queryRaw<
    (LogColumns & { id: number; device_id: string; device_name: string; phase: number | null; rollback_sent_at: Date | null; connection_status: ConnectionStatusName })[]
  >`SELECT l.id, d.device_id, d.name AS device_name, p.position AS phase, ${LOG_COLUMNS}, l.rollback_sent_at,
           d.connection_status::text AS connection_status
      FROM update_logs l JOIN devices d ON d.id = l.device_id LEFT JOIN update_phases p ON p.id = l.phase_id
     WHERE ${Prisma.join(and, " AND ")}
     ORDER BY l.id
     LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => ({
      id: row.id,
      deviceId: row.device_id,
      deviceName: row.device_name,
      phase: row.phase,
      ...logFields(row),
      rollbackSentAt: row.rollback_sent_at,
      connectionStatus: row.connection_status,
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

export type DeviceUpdateHistoryItem = UpdateLogOutcome & {
  logId: number;
  jobId: number | null;
  jobName: string | null;
};

const HISTORY_LIMIT = 50;

/**
 * A device's updates, newest first, and whether "Roll back to previous version" can work: the
 * same conditions rollbackDevice (job-actions.ts) checks — the last completed update came from
 * another version than the device runs now, and that version's binary is in the library.
 */
export async function deviceUpdateHistory(db: Reader, actor: Actor, deviceId: string): Promise<{ items: DeviceUpdateHistoryItem[]; canRollBack: boolean; previousVersion: string | null }> {
  const scope = farmScope(actor);
  const device = await db.device.findUnique({ where: { deviceId }, select: { id: true, farmId: true, deviceType: true, firmwareVersion: true } });
  if (!device || (scope !== null && device.farmId !== scope)) throw new NotFoundError("No such device.");
  const [rows, last] = await Promise.all([
    db.$queryRaw<
      (LogColumns & { id: number; job_id: number | null; job_name: string | null })[]
    >`SELECT l.id, l.job_id, j.name AS job_name, ${LOG_COLUMNS}
        FROM update_logs l LEFT JOIN update_jobs j ON j.id = l.job_id
       -- Firmware updates: a configuration campaign's steps are the device's configuration versions.
       WHERE l.device_id = ${device.id} AND (j.kind IS NULL OR j.kind = 'firmware')
       ORDER BY l.timestamp DESC, l.id DESC
       LIMIT ${HISTORY_LIMIT}`,
    db.$queryRaw<{ previous_version: string; has_binary: boolean }[]>`
      SELECT l.previous_version,
             EXISTS (SELECT 1 FROM firmware_versions f WHERE f.version = l.previous_version AND f.device_type = ${device.deviceType}::"DeviceType" AND f.storage_key IS NOT NULL) AS has_binary
        FROM update_logs l
       WHERE l.device_id = ${device.id} AND l.state = 'completed' AND l.previous_version IS NOT NULL
       ORDER BY l.finished_at DESC
       LIMIT 1`,
  ]);
  const previous = last[0] ?? null;
  return {
    items: rows.map((row) => ({
      logId: row.id,
      jobId: row.job_id,
      jobName: row.job_name,
      ...logFields(row),
    })),
    canRollBack: Boolean(previous && previous.has_binary && previous.previous_version !== device.firmwareVersion),
    previousVersion: previous?.previous_version ?? null,
  };
}

export type UpdateTargetPreview = {
  /** Devices the target matches (retired ones never count). */
  count: number;
  byType: { deviceType: string; count: number }[];
  /** Ids asked for that are not found, retired or on another farm. */
  missing: string[];
  /**
   * Of `count`, devices not connected now (neither online nor degraded): the engine sends them
   * the update only once they come back, and fails them after the job's device timeout.
   */
  offline: number;
};

/** How many devices an update target reaches, for the scheduling form, before anything is written. */
export async function previewUpdateTarget(db: Pick<Db, "$queryRaw" | "device">, actor: Actor, target: BulkTarget): Promise<UpdateTargetPreview> {
  let where: Prisma.DeviceWhereInput;
  if ("deviceIds" in target) {
    const scope = farmScope(actor);
    where = { deviceId: { in: target.deviceIds }, ...(scope !== null ? { farmId: scope } : {}) };
  } else {
    where = await deviceWhere(db, actor, parseDeviceListQuery(target.filter));
  }
  where = { AND: [where, { state: { not: "decommissioned" } }] };
  const [groups, offline] = await Promise.all([
    db.device.groupBy({ by: ["deviceType"], where, _count: { _all: true }, orderBy: { deviceType: "asc" } }),
    db.device.count({ where: { AND: [where, { connectionStatus: { notIn: [...SENDABLE_CONNECTIONS] } }] } }),
  ]);
  let missing: string[] = [];
  if ("deviceIds" in target) {
    const found = new Set((await db.device.findMany({ where, select: { deviceId: true } })).map((row) => row.deviceId));
    missing = target.deviceIds.filter((id) => !found.has(id));
  }
  return {
    count: groups.reduce((sum, group) => sum + group._count._all, 0),
    byType: groups.map((group) => ({ deviceType: group.deviceType, count: group._count._all })),
    missing,
    offline,
  };
}

export type SchedulableFirmware = { id: number; version: string; name: string; deviceType: string; state: "testing" | "stable"; isMandatory: boolean; releaseDate: Date };

/** The versions an update job may send: testing or stable, with a binary; newest first per type. */
export async function schedulableFirmware(db: Pick<Db, "firmwareVersion">): Promise<SchedulableFirmware[]> {
  const rows = await db.firmwareVersion.findMany({
    where: { state: { in: ["testing", "stable"] }, storageKey: { not: null } },
    orderBy: [{ deviceType: "asc" }, { createdAt: "desc" }, { id: "desc" }],
    select: { id: true, version: true, name: true, deviceType: true, state: true, isMandatory: true, releaseDate: true },
  });
  return rows.map((row) => ({ ...row, state: row.state as "testing" | "stable" }));
}
