/**
 * Configuration campaigns (update jobs of kind `configuration`) learn how each device took its
 * version from the same reports that move the shadow: called by the worker's report path in the
 * same transaction (ack-after-commit). A report of the version the campaign wrote for the device
 * (update_logs.config_version) finishes its log — applied → completed, rejected or failed → failed
 * with the device's reason; a report that the rollback version (rollback_config_version) was
 * applied → rolled_back. Logs only move forward (update-log-states.ts), so a duplicate or late
 * report changes nothing, and the job's counts move by exactly the transitions applied.
 */
import { keepToBtreeLookups, type Sql } from "../telemetry/sql";
import { FINISHED_STATES, nextLogState, type UpdateLogStateName } from "../ota/update-log-states";
import type { ConfigReport } from "./config-reports";

export type CampaignReportResult = {
  /** Campaign logs this batch finished (completed, failed, rolled back): the engine has a phase to judge. */
  finished: number;
  /** Logs this batch changed (finished, or a rollback's refusal noted). */
  changed: number;
};

/** One log's move, as the reports and the engine (campaign-kind.ts) make them. */
export type LogMove = {
  logId: number;
  jobId: number;
  from: UpdateLogStateName;
  to: UpdateLogStateName;
  /** Kept in error_message (null leaves the one there). */
  error: string | null;
  at: Date;
  /** The steps for the log's trail (log_details); default one step to `to`. */
  steps?: { state: UpdateLogStateName; at: Date; error: string | null; version?: number }[];
};

const isFailed = (state: UpdateLogStateName) => state === "failed" || state === "rolled_back";

/**
 * Writes the moves (one UPDATE of the logs) and moves the jobs' success and failure counts by
 * exactly these transitions. The caller holds the logs (FOR UPDATE) or has just written them.
 */
export async function moveCampaignLogs(sql: Sql, moves: readonly LogMove[]): Promise<void> {
  if (moves.length === 0) return;
  await sql.query(
    `UPDATE update_logs AS l SET
        state = c.state::"UpdateLogState",
        progress = CASE WHEN c.state = 'completed' THEN 100 ELSE l.progress END,
        error_message = COALESCE(c.error, l.error_message),
        finished_at = CASE WHEN c.finished THEN COALESCE(l.finished_at, c.at) ELSE l.finished_at END,
        duration_seconds = CASE WHEN c.finished AND l.duration_seconds IS NULL THEN GREATEST(0, EXTRACT(EPOCH FROM c.at - COALESCE(l.sent_at, l.timestamp)))::int ELSE l.duration_seconds END,
        log_details = l.log_details || c.steps
       FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[], $5::bool[], $6::jsonb[]) AS c(id, state, error, at, finished, steps)
      WHERE l.id = c.id`,
    [
      moves.map((move) => move.logId),
      moves.map((move) => move.to),
      moves.map((move) => move.error),
      moves.map((move) => move.at.toISOString()),
      moves.map((move) => FINISHED_STATES.includes(move.to)),
      moves.map((move) =>
        JSON.stringify(
          (move.steps ?? [{ state: move.to, at: move.at, error: move.error }]).map((step) => ({
            state: step.state,
            at: step.at.toISOString(),
            ...(step.error ? { error: step.error } : {}),
            ...(step.version !== undefined ? { version: step.version } : {}),
          })),
        ),
      ),
    ],
  );
  const deltas = new Map<number, { completed: number; failed: number }>();
  for (const move of moves) {
    const delta = deltas.get(move.jobId) ?? { completed: 0, failed: 0 };
    delta.completed += Number(move.to === "completed") - Number(move.from === "completed");
    delta.failed += Number(isFailed(move.to)) - Number(isFailed(move.from));
    deltas.set(move.jobId, delta);
  }
  const moved = [...deltas.entries()].filter(([, delta]) => delta.completed !== 0 || delta.failed !== 0);
  if (moved.length === 0) return;
  await sql.query(
    `UPDATE update_jobs AS j SET success_count = j.success_count + c.completed, failed_count = j.failed_count + c.failed
       FROM unnest($1::int[], $2::int[], $3::int[]) AS c(job_id, completed, failed)
      WHERE j.id = c.job_id`,
    [moved.map(([jobId]) => jobId), moved.map(([, delta]) => delta.completed), moved.map(([, delta]) => delta.failed)],
  );
}

type LogRow = {
  id: number;
  job_id: number;
  device_id: string;
  state: UpdateLogStateName;
  config_version: number;
  rollback_config_version: number | null;
  config_hash: string | null;
  error_message: string | null;
};

const reasonOf = (report: ConfigReport) => report.reason?.trim() || "no reason given";

/**
 * A report as the worker's report path hands it over (config-report-apply.ts): the device's
 * shadow already locked in this transaction, and the version it names read — its row's hash and the
 * campaign that wrote it (device_configs.job_id), which finds the log by its unique key at once.
 */
export type CampaignReport = ConfigReport & { devicePk: number; jobId: number; versionHash: string };

export async function applyCampaignReports(sql: Sql, reports: readonly ConfigReport[]): Promise<CampaignReportResult> {
  if (reports.length === 0) return { finished: 0, changed: 0 };
  await keepToBtreeLookups(sql);
  const deviceIds = [...new Set(reports.map((report) => report.deviceId))];
  // The engine writes a campaign's versions and its logs' config_version in one transaction, holding
  // the devices' shadows until it commits. Waiting for those rows first means a report that raced
  // the commit (a device answers within milliseconds of the publish) finds its version below.
  await sql.query(
    `SELECT s.device_id FROM device_states s JOIN devices d ON d.id = s.device_id WHERE d.device_id = ANY($1::text[]) ORDER BY s.device_id FOR UPDATE OF s`,
    [deviceIds],
  );
  const { rows } = await sql.query<LogRow>(
    `SELECT l.id, l.job_id, d.device_id, l.state::text AS state, l.config_version, l.rollback_config_version, c.hash AS config_hash, l.error_message
       FROM (SELECT DISTINCT device_id, version FROM unnest($1::text[], $2::int[]) AS u(device_id, version)) r
       JOIN devices d ON d.device_id = r.device_id
       JOIN update_logs l ON l.device_id = d.id AND (l.config_version = r.version OR l.rollback_config_version = r.version)
       LEFT JOIN device_configs c ON c.device_id = d.id AND c.version = l.config_version
      ORDER BY l.id
        FOR UPDATE OF l`,
    [reports.map((report) => report.deviceId), reports.map((report) => report.version)],
  );
  return applyToLogs(sql, reports, rows);
}

/**
 * The same for the worker's report path, which holds the shadows already (config-report-apply.ts
 * locked them in device order and read the versions named): no second lock of the shadows, and
 * each log found through (job_id, device_id) — reports of versions no campaign wrote never get here.
 */
export async function applyCampaignReportsOf(sql: Sql, reports: readonly CampaignReport[]): Promise<CampaignReportResult> {
  if (reports.length === 0) return { finished: 0, changed: 0 };
  const hashOf = new Map(reports.map((report) => [`${report.deviceId}:${report.version}`, report.versionHash]));
  const { rows } = await sql.query<Omit<LogRow, "config_hash">>(
    `SELECT l.id, l.job_id, u.device_id, l.state::text AS state, l.config_version, l.rollback_config_version, l.error_message
       FROM (SELECT DISTINCT job_id, device_pk, device_id FROM unnest($1::int[], $2::int[], $3::text[]) AS u(job_id, device_pk, device_id)) u
       JOIN update_logs l ON l.job_id = u.job_id AND l.device_id = u.device_pk
      ORDER BY l.id
        FOR UPDATE OF l`,
    [reports.map((report) => report.jobId), reports.map((report) => report.devicePk), reports.map((report) => report.deviceId)],
  );
  // The campaign version's hash, when a report named it (the only case the hash is compared).
  return applyToLogs(sql, reports, rows.map((row) => ({ ...row, config_hash: hashOf.get(`${row.device_id}:${row.config_version}`) ?? null })));
}

async function applyToLogs(sql: Sql, reports: readonly ConfigReport[], rows: readonly LogRow[]): Promise<CampaignReportResult> {
  if (rows.length === 0) return { finished: 0, changed: 0 };
  const byVersion = new Map<string, LogRow>();
  for (const row of rows) {
    byVersion.set(`${row.device_id}:${row.config_version}`, row);
    if (row.rollback_config_version !== null) byVersion.set(`${row.device_id}:${row.rollback_config_version}`, row);
  }

  const moves = new Map<number, LogMove>();
  // Refusals of a rollback: the log keeps its state, the reason is kept (once).
  const notes = new Map<number, { log: LogRow; error: string; at: Date }>();
  for (const report of reports) {
    const log = byVersion.get(`${report.deviceId}:${report.version}`);
    if (!log) continue;
    const current = moves.get(log.id)?.to ?? log.state;
    let target: UpdateLogStateName;
    let error: string | null = null;
    if (report.version === log.rollback_config_version) {
      if (report.status !== "applied") {
        if (!log.error_message && !notes.has(log.id)) notes.set(log.id, { log, error: `Rollback ${report.status} by the device: ${reasonOf(report)}`, at: report.receivedAt });
        continue;
      }
      target = "rolled_back";
    } else if (report.status === "applied") {
      // "Applied" with another configuration than the one sent is no success: the device runs something else.
      const mismatch = report.hash && log.config_hash && report.hash !== log.config_hash;
      target = mismatch ? "failed" : "completed";
      if (mismatch) error = `Reported version ${report.version} applied, but with another configuration (hash ${report.hash!.slice(0, 12)}…)`;
    } else {
      target = "failed";
      error = report.status === "rejected" ? `Rejected by the device: ${reasonOf(report)}` : `Failed on the device: ${reasonOf(report)}`;
    }
    const next = nextLogState(current, target);
    if (!next) continue;
    const previous = moves.get(log.id);
    const steps = [...(previous?.steps ?? []), { state: next, at: report.receivedAt, error, version: report.version }];
    moves.set(log.id, { logId: log.id, jobId: log.job_id, from: log.state, to: next, error: error ?? previous?.error ?? null, at: report.receivedAt, steps });
  }
  const list = [...moves.values()];
  await moveCampaignLogs(sql, list);
  const noted = [...notes.values()].filter((note) => !moves.has(note.log.id));
  if (noted.length) {
    await sql.query(
      `UPDATE update_logs AS l SET error_message = COALESCE(l.error_message, c.error),
              log_details = l.log_details || jsonb_build_array(jsonb_build_object('state', l.state::text, 'at', c.at::text, 'error', c.error))
         FROM unnest($1::int[], $2::text[], $3::text[]) AS c(id, error, at) WHERE l.id = c.id`,
      [noted.map((note) => note.log.id), noted.map((note) => note.error), noted.map((note) => note.at.toISOString())],
    );
  }
  return { finished: list.filter((move) => FINISHED_STATES.includes(move.to)).length, changed: list.length + noted.length };
}
