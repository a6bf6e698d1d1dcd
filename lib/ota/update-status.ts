/**
 * Applies devices' `ota/status` reports (M92 `handle_update_status`) in sets: one locked read of
 * the logs concerned, the state rule of update-log-states.ts decided here in Node (so it is written
 * once), then one UPDATE of the logs, one of the devices, and the job and firmware counts moved by
 * exactly the transitions applied. A duplicate, late or unknown-job report changes nothing, so QoS 1 redelivery and
 * reordering can never skew a count.
 */
import { keepToBtreeLookups, type Sql } from "../telemetry/sql";
import { FINISHED_STATES, nextLogState, type UpdateLogStateName } from "./update-log-states";

export type StatusReport = {
  /** The reporting device's id as in its topic (MM001), never taken from the payload. */
  deviceId: string;
  jobId: number;
  status: Exclude<UpdateLogStateName, "pending">;
  progress?: number | null;
  error?: string | null;
  /** The version the device now runs, when it says. */
  version?: string | null;
  receivedAt: Date;
};

export type StatusResult = {
  applied: number;
  ignored: number;
  unknown: number;
  jobs: number[];
  /** Logs this batch moved to completed, failed or rolled back: the engine has a phase to judge. */
  finished: number;
};

type LogRow = {
  id: number;
  job_id: number;
  device_pk: number;
  device_id: string;
  state: UpdateLogStateName;
  progress: number;
  sent_at: Date | null;
  timestamp: Date;
  previous_version: string | null;
  target_version: string | null;
  firmware_id: number;
};

/** Device firmware_update_status for a log state (the device's own enum has no "verifying"). */
const DEVICE_STATUS: Record<UpdateLogStateName, string> = {
  pending: "scheduled",
  downloading: "downloading",
  installing: "installing",
  verifying: "installing",
  completed: "completed",
  failed: "failed",
  rolled_back: "rolled_back",
};

export async function applyStatusReports(sql: Sql, reports: readonly StatusReport[]): Promise<StatusResult> {
  if (reports.length === 0) return { applied: 0, ignored: 0, unknown: 0, jobs: [], finished: 0 };
  await keepToBtreeLookups(sql);
  const { rows } = await sql.query<LogRow>(
    `SELECT l.id, l.job_id, l.device_id AS device_pk, d.device_id, l.state::text AS state, l.progress, l.sent_at, l.timestamp,
            l.previous_version, l.target_version, j.firmware_id
       FROM update_logs l
       JOIN devices d ON d.id = l.device_id
       -- A configuration campaign's logs move by configuration reports (campaign-reports.ts), never by ota/status.
       JOIN update_jobs j ON j.id = l.job_id AND j.kind = 'firmware'
       JOIN unnest($1::int[], $2::text[]) AS r(job_id, device_id) ON r.job_id = l.job_id AND r.device_id = d.device_id
      ORDER BY l.id
        FOR UPDATE OF l`,
    [reports.map((report) => report.jobId), reports.map((report) => report.deviceId)],
  );
  const logs = new Map(rows.map((row) => [`${row.job_id}:${row.device_id}`, row]));

  type Step = { state: UpdateLogStateName; at: Date; error: string | null };
  /** `steps`: every state this batch moved the log through, for its trail (log_details). */
  type Change = { log: LogRow; state: UpdateLogStateName; progress: number; error: string | null; version: string | null; at: Date; steps: Step[] };
  const changes = new Map<number, Change>();
  let unknown = 0;
  let ignored = 0;
  // Reports of one batch in arrival order: each is judged against the state the previous left.
  for (const report of reports) {
    const log = logs.get(`${report.jobId}:${report.deviceId}`);
    if (!log) {
      unknown++;
      continue;
    }
    // "Completed" while running some other version than the update's is no success: the device
    // did not take the firmware it was sent (a bootloader fell back, another job got there first).
    const wrongVersion = report.status === "completed" && report.version && log.target_version && report.version !== log.target_version;
    const status: UpdateLogStateName = wrongVersion ? "failed" : report.status;
    const error = wrongVersion ? `reported success but runs ${report.version}, not ${log.target_version}` : (report.error ?? null);
    const current = changes.get(log.id)?.state ?? log.state;
    const next = nextLogState(current, status);
    const progress = Math.round(report.progress ?? (status === "completed" ? 100 : changes.get(log.id)?.progress ?? log.progress));
    if (!next) {
      // The same state with more progress (downloading 40 % → 70 %) is news; anything else is not.
      const change = changes.get(log.id);
      if (status === current && progress > (change?.progress ?? log.progress) && !FINISHED_STATES.includes(current)) {
        changes.set(log.id, { log, state: current, progress, error: change?.error ?? null, version: change?.version ?? null, at: report.receivedAt, steps: change?.steps ?? [] });
      } else ignored++;
      continue;
    }
    const steps = [...(changes.get(log.id)?.steps ?? []), { state: next, at: report.receivedAt, error }];
    changes.set(log.id, { log, state: next, progress, error, version: report.version ?? null, at: report.receivedAt, steps });
  }
  const list = [...changes.values()];
  if (list.length === 0) return { applied: 0, ignored, unknown, jobs: [], finished: 0 };

  const finished = (change: Change) => FINISHED_STATES.includes(change.state);
  await sql.query(
    `UPDATE update_logs AS l SET
        state = c.state::"UpdateLogState",
        progress = GREATEST(l.progress, c.progress),
        error_message = COALESCE(c.error, l.error_message),
        finished_at = CASE WHEN c.finished THEN c.at ELSE l.finished_at END,
        duration_seconds = CASE WHEN c.finished THEN GREATEST(0, EXTRACT(EPOCH FROM c.at - COALESCE(l.sent_at, l.timestamp)))::int ELSE l.duration_seconds END,
        log_details = l.log_details || c.steps
       FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::bool[], $7::jsonb[]) AS c(id, state, progress, error, at, finished, steps)
      WHERE l.id = c.id`,
    [
      list.map((c) => c.log.id),
      list.map((c) => c.state),
      list.map((c) => c.progress),
      list.map((c) => c.error),
      list.map((c) => c.at.toISOString()),
      list.map(finished),
      list.map((c) => JSON.stringify(c.steps.map((step) => ({ state: step.state, at: step.at.toISOString(), ...(step.error ? { error: step.error } : {}) })))),
    ],
  );

  // The device record follows its latest update: the new version once completed, the previous one
  // once rolled back.
  await sql.query(
    `UPDATE devices AS d SET
        firmware_update_status = c.status::"FirmwareUpdateStatus",
        firmware_update_error = CASE WHEN c.state = 'failed' THEN c.error ELSE NULL END,
        firmware_id = CASE WHEN c.state = 'completed' THEN c.firmware_id
                           WHEN c.state = 'rolled_back' THEN (SELECT f.id FROM firmware_versions f
                                                               WHERE f.device_type = d.device_type AND f.version = COALESCE(c.version, c.previous_version))
                           ELSE d.firmware_id END,
        firmware_version = CASE WHEN c.state = 'completed' THEN COALESCE(c.version, c.target_version)
                                WHEN c.state = 'rolled_back' THEN COALESCE(c.version, c.previous_version, d.firmware_version)
                                ELSE d.firmware_version END,
        target_firmware_id = CASE WHEN c.state IN ('completed', 'failed', 'rolled_back') THEN NULL ELSE d.target_firmware_id END,
        firmware_update_completed = CASE WHEN c.state = 'completed' THEN c.at ELSE d.firmware_update_completed END,
        updated_at = now()
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
         AS c(device_pk, state, status, error, firmware_id, version, target_version, previous_version, at)
      WHERE d.id = c.device_pk`,
    [
      list.map((c) => c.log.device_pk),
      list.map((c) => c.state),
      list.map((c) => DEVICE_STATUS[c.state]),
      list.map((c) => c.error),
      list.map((c) => c.log.firmware_id),
      list.map((c) => c.version),
      list.map((c) => c.log.target_version),
      list.map((c) => c.log.previous_version),
      list.map((c) => c.at.toISOString()),
    ],
  );

  // Counts move by what this batch changed: the logs are locked, so each transition is counted
  // exactly once (a recount over a 10,000-device job per batch was most of the batch's time).
  const isFailed = (state: UpdateLogStateName) => state === "failed" || state === "rolled_back";
  const deltas = new Map<string, { jobId: number; firmwareId: number; completed: number; failed: number }>();
  for (const c of list) {
    const key = `${c.log.job_id}:${c.log.firmware_id}`;
    const delta = deltas.get(key) ?? { jobId: c.log.job_id, firmwareId: c.log.firmware_id, completed: 0, failed: 0 };
    delta.completed += Number(c.state === "completed") - Number(c.log.state === "completed");
    delta.failed += Number(isFailed(c.state)) - Number(isFailed(c.log.state));
    deltas.set(key, delta);
  }
  const moved = [...deltas.values()].filter((delta) => delta.completed !== 0 || delta.failed !== 0);
  if (moved.length) {
    const values = [moved.map((d) => d.jobId), moved.map((d) => d.firmwareId), moved.map((d) => d.completed), moved.map((d) => d.failed)];
    await sql.query(
      `UPDATE update_jobs AS j SET success_count = j.success_count + c.completed, failed_count = j.failed_count + c.failed
         FROM (SELECT job_id, sum(completed)::int AS completed, sum(failed)::int AS failed
                 FROM unnest($1::int[], $2::int[], $3::int[], $4::int[]) AS u(job_id, firmware_id, completed, failed) GROUP BY job_id) AS c
        WHERE j.id = c.job_id`,
      values,
    );
    await sql.query(
      `UPDATE firmware_versions AS f SET successful_updates = f.successful_updates + c.completed, failed_updates = f.failed_updates + c.failed
         FROM (SELECT firmware_id, sum(completed)::int AS completed, sum(failed)::int AS failed
                 FROM unnest($1::int[], $2::int[], $3::int[], $4::int[]) AS u(job_id, firmware_id, completed, failed) GROUP BY firmware_id) AS c
        WHERE f.id = c.firmware_id`,
      values,
    );
  }
  const jobs = [...new Set(list.map((c) => c.log.job_id))];
  return { applied: list.length, ignored, unknown, jobs, finished: list.filter(finished).length };
}
