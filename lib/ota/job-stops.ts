/**
 * The ways an update job ends or halts, written once for the people's buttons (job-actions.ts,
 * through Prisma) and the worker's engine (ota-engine.ts, through node-postgres): both pass an
 * `Sql`. A stopped job sends nothing more; devices it never reached are released (no target, no
 * "scheduled" badge), while devices already updating are left to report how it ended.
 */
import type { Prisma } from "@prisma/client";
import type pg from "pg";
import type { Sql } from "../telemetry/sql";

/** Prisma's transaction client as an `Sql`, so one SQL text serves the web and the worker. */
export function prismaSql(tx: Pick<Prisma.TransactionClient, "$queryRawUnsafe">): Sql {
  return {
    async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      const rows = await tx.$queryRawUnsafe<R[]>(text, ...values);
      return { rows, rowCount: rows.length, command: "", oid: 0, fields: [] } as pg.QueryResult<R>;
    },
  };
}

/**
 * Devices of the job that were never sent the update go back to "no update" (firmware jobs: a
 * configuration campaign never touched the device's firmware status, which may be another job's).
 */
export async function releaseUnsentDevices(sql: Sql, jobId: number) {
  await sql.query(
    `UPDATE devices AS d SET target_firmware_id = NULL, firmware_update_status = 'none', firmware_update_scheduled = NULL, updated_at = now()
       FROM update_logs l JOIN update_jobs j ON j.id = l.job_id AND j.kind = 'firmware'
      WHERE l.job_id = $1 AND l.device_id = d.id AND l.state = 'pending' AND l.sent_at IS NULL
        AND d.firmware_update_status = 'scheduled'`,
    [jobId],
  );
  await sql.query(
    `UPDATE update_logs SET error_message = 'Not sent: the job stopped before reaching this device'
      WHERE job_id = $1 AND state = 'pending' AND sent_at IS NULL AND error_message IS NULL`,
    [jobId],
  );
}

export type JobStop = {
  state: "paused" | "cancelled" | "failed" | "completed";
  reason: string;
  at: Date;
  /** Send the job's updated devices back to their previous version. */
  rollback?: boolean;
  /** The phase whose thresholds stopped the job (marked failed, the rest cancelled). */
  failedPhaseId?: number | null;
};

/** Ends (or pauses) a job. Returns false when it was already finished, so nothing changed. */
export async function stopJob(sql: Sql, jobId: number, stop: JobStop): Promise<boolean> {
  const finishing = stop.state !== "paused";
  const { rows } = await sql.query<{ id: number }>(
    `UPDATE update_jobs SET state = $2::"UpdateJobState", state_reason = $3,
            completed_at = CASE WHEN $4 THEN $5::timestamptz ELSE completed_at END,
            rollback_started_at = CASE WHEN $6 THEN COALESCE(rollback_started_at, $5::timestamptz) ELSE rollback_started_at END
      WHERE id = $1 AND (state IN ('scheduled', 'in_progress', 'paused') OR ($6 AND rollback_started_at IS NULL))
      RETURNING id`,
    [jobId, stop.state, stop.reason, finishing, stop.at.toISOString(), stop.rollback ?? false],
  );
  if (rows.length === 0) return false;
  if (!finishing) return true;
  if (stop.failedPhaseId) {
    await sql.query(`UPDATE update_phases SET state = 'failed', completed_at = $2 WHERE id = $1`, [stop.failedPhaseId, stop.at.toISOString()]);
  }
  await sql.query(
    `UPDATE update_phases SET state = 'cancelled', completed_at = $2
      WHERE job_id = $1 AND state IN ('pending', 'in_progress', 'awaiting_approval')`,
    [jobId, stop.at.toISOString()],
  );
  await releaseUnsentDevices(sql, jobId);
  return true;
}
