/**
 * The update engine (M92 `process_update_job`, I-013 §4.2–4.3, §5.3), run by the worker every
 * second: starts jobs whose time has come, sends the devices of each job's current phase their
 * payload while its maintenance window is open, fails devices that stopped answering, judges the
 * phase (phase-verdict.ts) and promotes it, waits for approval, halts, or rolls the job back — and
 * sends rolled-back jobs' devices their previous version. One engine for two kinds of job
 * (payload-kinds.ts): firmware (firmware-kind.ts: a signed `ota/update` offer) and configuration
 * campaigns (lib/configuration/campaign-kind.ts: a new version of each device's settings).
 *
 * Everything it knows lives in the tables, so a restarted worker simply carries on where the last
 * tick left off. A payload is published before its log is marked sent: a crash in between sends it
 * again, which a device ignores (it is idempotent by job), rather than never sending it. One tick
 * runs at a time across workers (a PostgreSQL advisory lock), so two workers never send twice.
 */
import type { Outgoing } from "../mqtt/publish-many";
import type { SigningKey } from "../firmware/signing";
import type { Sql, SqlPool } from "../telemetry/sql";
import { ConfigurationKind } from "../configuration/campaign-kind";
import { FirmwareKind, type OtaOffer } from "./firmware-kind";
import { stopJob } from "./job-stops";
import { insideWindow, maintenanceWindowSchema, nextWindowOpening, type MaintenanceWindow } from "./maintenance-window";
import type { EngineJob, JobKindName, PayloadKind, TimedOutLog } from "./payload-kinds";
import { judgePhase } from "./phase-verdict";
import { ROLLBACK_DEFAULTS } from "./rollout-plan";
import { atomically, REACHABLE_SQL, runExclusively } from "../worker/engine-tick";

export { downloadUrl, type OtaOffer } from "./firmware-kind";

export type OtaEngineOptions = {
  /** Where devices download binaries: `${publicUrl}/api/v1/iot/firmware/versions/{id}/download`. */
  publicUrl: string;
  signingKey: SigningKey;
  /** Publishes offers (QoS 1); resolves once the broker took them all. */
  publish: (offers: OtaOffer[]) => Promise<void>;
  /**
   * Publishes other cloud → device messages (QoS 1, retained when asked): configuration campaigns'
   * versions. Without it configuration jobs wait (logged) — a worker that cannot send them must not fail them.
   */
  publishMessages?: (messages: Outgoing[]) => Promise<void>;
  /** Offers sent per job per tick, so one tick stays short whatever the fleet. */
  maxOffersPerTick?: number;
  log?: (line: string) => void;
};

export type TickResult = {
  ran: boolean;
  started: number;
  offered: number;
  rollbacksOffered: number;
  timedOut: number;
  promoted: number;
  completed: number;
  halted: number;
  rolledBack: number;
};

/** Any constant: the key of the advisory lock that makes one tick run at a time. */
const ENGINE_LOCK = 0x07a5_e491;

type JobRow = EngineJob;

type PhaseRow = {
  id: number;
  position: number;
  state: "pending" | "in_progress" | "awaiting_approval" | "succeeded" | "failed" | "cancelled";
  success_threshold: number;
  error_threshold: number;
  min_devices: number;
  requires_approval: boolean;
  soak_minutes: number;
  approved_at: Date | null;
};

/** A job's stored window, or null (none, or one an older release stored in another shape). */
function parseWindow(stored: unknown): MaintenanceWindow | null {
  if (!stored) return null;
  const parsed = maintenanceWindowSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

async function audit(sql: Sql, jobId: number, action: string, after: object) {
  await sql.query(`INSERT INTO audit_events (entity_type, entity_id, action, actor_label, after) VALUES ('update_job', $1, $2, 'worker', $3::jsonb)`, [
    String(jobId),
    action,
    JSON.stringify(after),
  ]);
}

/** Timed-out logs by the kind of their job. */
function byKind(rows: readonly (TimedOutLog & { kind: JobKindName })[]): Map<JobKindName, TimedOutLog[]> {
  const out = new Map<JobKindName, TimedOutLog[]>();
  for (const row of rows) out.set(row.kind, [...(out.get(row.kind) ?? []), row]);
  return out;
}

export class OtaEngine {
  private readonly log: (line: string) => void;
  private readonly maxOffers: number;
  private readonly kinds: ReadonlyMap<JobKindName, PayloadKind>;

  constructor(
    private readonly pool: SqlPool,
    options: OtaEngineOptions,
  ) {
    this.log = options.log ?? ((line) => console.log(line));
    this.maxOffers = options.maxOffersPerTick ?? 20_000;
    const kinds: PayloadKind[] = [new FirmwareKind({ publicUrl: options.publicUrl, signingKey: options.signingKey, publish: options.publish, log: this.log })];
    if (options.publishMessages) kinds.push(new ConfigurationKind({ publish: options.publishMessages, log: this.log }));
    this.kinds = new Map(kinds.map((kind) => [kind.kind, kind]));
  }

  private kindOf(job: Pick<EngineJob, "id" | "kind">): PayloadKind {
    const kind = this.kinds.get(job.kind);
    if (!kind) throw new Error(`job ${job.id}: this worker cannot send ${job.kind} jobs (no publisher for them)`);
    return kind;
  }

  /** One pass over every running job. Returns ran: false when another worker holds the tick. */
  async tick(now = new Date()): Promise<TickResult> {
    const result: TickResult = { ran: false, started: 0, offered: 0, rollbacksOffered: 0, timedOut: 0, promoted: 0, completed: 0, halted: 0, rolledBack: 0 };
    const outcome = await runExclusively(this.pool, ENGINE_LOCK, (sql) => this.run(sql, now, result));
    result.ran = outcome.ran;
    return result;
  }

  private async run(sql: Sql, now: Date, result: TickResult) {
    result.started = await this.startDueJobs(sql, now);

    const { rows: jobs } = await sql.query<JobRow>(
      `SELECT j.id, j.name, j.kind::text AS kind, j.state::text AS state, j.maintenance_window, j.rollback_on_failure, j.notify_on_complete, j.state_reason,
              j.device_count, j.firmware_id, j.config_change, j.created_by_id
         FROM update_jobs j
        WHERE j.state IN ('in_progress', 'paused')
        ORDER BY j.id`,
    );
    const sending = jobs.filter((job) => job.state === "in_progress" && insideWindow(parseWindow(job.maintenance_window), now)).map((job) => job.id);
    result.timedOut = await this.timeOutSilentDevices(sql, now, sending);
    for (const job of jobs) {
      try {
        await this.advanceJob(sql, job, now, result);
      } catch (error) {
        // One broken job must not stop the others; the next tick tries it again.
        this.log(`ota: job ${job.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const kind of this.kinds.values()) {
      try {
        result.rollbacksOffered += await atomically(sql, () => kind.sendRollbacks(sql, this.maxOffers, now));
      } catch (error) {
        this.log(`ota: ${kind.kind} rollbacks: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    result.timedOut += await this.timeOutSilentRollbacks(sql, now);
  }

  /**
   * A device sent back to its previous version that has not confirmed within the job's timeout is
   * given up on, with the reason: it still runs the version it was updated to, and the job stops
   * showing it as "waiting to roll back".
   */
  private async timeOutSilentRollbacks(sql: Sql, now: Date): Promise<number> {
    return atomically(sql, async () => {
      // A configuration campaign also sends back devices that were sent its version and had not
      // confirmed it yet (their log is still pending): they are waited for the same way.
      const { rows } = await sql.query<TimedOutLog & { kind: JobKindName }>(
        `UPDATE update_logs AS l SET
                error_message = 'Rollback not confirmed: no answer within ' || m.minutes || CASE WHEN m.minutes = 1 THEN ' minute' ELSE ' minutes' END || ' of being sent back',
                log_details = l.log_details || jsonb_build_array(jsonb_build_object('state', l.state::text, 'at', $1::text, 'error', 'rollback not confirmed'))
           FROM update_jobs j CROSS JOIN LATERAL (SELECT COALESCE((j.strategy_config->>'deviceTimeoutMinutes')::int, $2) AS minutes) m
          WHERE j.rollback_started_at IS NOT NULL AND l.job_id = j.id AND l.error_message IS NULL
            AND (l.state = 'completed' OR (j.kind = 'configuration' AND l.state = 'pending'))
            AND l.rollback_sent_at < $1::timestamptz - make_interval(mins => m.minutes)
          RETURNING l.id AS log_id, l.job_id, l.device_id, l.state::text AS state, j.kind::text AS kind`,
        [now.toISOString(), ROLLBACK_DEFAULTS.deviceTimeoutMinutes],
      );
      if (rows.length === 0) return 0;
      for (const [name, logs] of byKind(rows)) await this.kinds.get(name)?.afterRollbackTimeouts(sql, logs, now);
      return rows.length;
    });
  }

  private async startDueJobs(sql: Sql, now: Date): Promise<number> {
    const { rows } = await sql.query<{ id: number; name: string }>(
      `UPDATE update_jobs SET state = 'in_progress', started_at = COALESCE(started_at, $1), state_reason = NULL
        WHERE state = 'scheduled' AND scheduled_at <= $1
        RETURNING id, name`,
      [now.toISOString()],
    );
    for (const job of rows) {
      await sql.query(
        `UPDATE update_phases SET state = 'in_progress', started_at = $2
          WHERE job_id = $1 AND state = 'pending' AND position = (SELECT min(position) FROM update_phases WHERE job_id = $1)`,
        [job.id, now.toISOString()],
      );
      await audit(sql, job.id, "started", { at: now.toISOString() });
      this.log(`ota: job ${job.id} (${job.name}) started`);
    }
    return rows.length;
  }

  /**
   * Two kinds of silence, both measured against the job's timeout and failed with the reason: a
   * device that took the offer and stopped answering (from when it was sent), and one that is
   * offline and so was never sent it — only in `sending` jobs (running, window open; a paused job
   * waits for its people, a shut window for its hour), counted from when its phase began sending
   * (the first offer of the phase), not from when the phase was opened.
   */
  private async timeOutSilentDevices(sql: Sql, now: Date, sending: number[]): Promise<number> {
    return atomically(sql, async () => {
      const { rows } = await sql.query<TimedOutLog & { kind: JobKindName }>(
        `WITH sending_since AS (
           SELECT p.id AS phase_id, COALESCE(min(l.sent_at), p.started_at) AS since
             FROM update_phases p LEFT JOIN update_logs l ON l.phase_id = p.id AND l.sent_at IS NOT NULL
            WHERE p.job_id = ANY($3::int[]) AND p.state = 'in_progress'
            GROUP BY p.id
         ), silent AS (
           SELECT l.id, m.minutes, l.sent_at IS NULL AS never_sent, COALESCE(l.sent_at, ss.since) AS since, j.kind
             FROM update_logs l
             JOIN update_jobs j ON j.id = l.job_id
             LEFT JOIN sending_since ss ON ss.phase_id = l.phase_id
             CROSS JOIN LATERAL (SELECT COALESCE((j.strategy_config->>'deviceTimeoutMinutes')::int, $2) AS minutes) m
            WHERE l.state IN ('pending', 'downloading', 'installing', 'verifying')
              -- Sent back already (a configuration rolled back before it was confirmed): the rollback's timeout applies.
              AND l.rollback_sent_at IS NULL
              AND ((l.sent_at IS NOT NULL AND l.sent_at < $1::timestamptz - make_interval(mins => m.minutes))
                OR (l.sent_at IS NULL AND l.state = 'pending' AND l.error_message IS NULL AND ss.since < $1::timestamptz - make_interval(mins => m.minutes)
                    AND EXISTS (SELECT 1 FROM devices d WHERE d.id = l.device_id AND d.connection_status NOT IN ${REACHABLE_SQL})))
         )
         UPDATE update_logs AS l SET state = 'failed', finished_at = $1,
                duration_seconds = GREATEST(0, EXTRACT(EPOCH FROM $1::timestamptz - s.since))::int,
                error_message = CASE WHEN s.never_sent THEN 'Offline: the device did not come online within ' || s.minutes || CASE WHEN s.minutes = 1 THEN ' minute' ELSE ' minutes' END || ' to take the update'
                                     ELSE 'No answer from the device for ' || s.minutes || CASE WHEN s.minutes = 1 THEN ' minute' ELSE ' minutes' END END,
                log_details = l.log_details || jsonb_build_array(jsonb_build_object('state', 'failed', 'at', $1::text, 'error', CASE WHEN s.never_sent THEN 'offline' ELSE 'timed out' END))
           FROM silent s
          -- Re-checked on the row itself: a report that completed it meanwhile wins over the timeout.
          WHERE l.id = s.id AND l.state IN ('pending', 'downloading', 'installing', 'verifying')
          RETURNING l.id AS log_id, l.job_id, l.device_id, 'failed' AS state, s.kind::text AS kind`,
        [now.toISOString(), ROLLBACK_DEFAULTS.deviceTimeoutMinutes, sending],
      );
      if (rows.length === 0) return 0;
      // These logs were in no count before: each adds one failure (as the reports move counts).
      await sql.query(
        `UPDATE update_jobs AS j SET failed_count = j.failed_count + c.n
           FROM (SELECT job_id, count(*)::int AS n FROM unnest($1::int[]) AS u(job_id) GROUP BY job_id) AS c WHERE j.id = c.job_id`,
        [rows.map((row) => row.job_id)],
      );
      for (const [name, logs] of byKind(rows)) await this.kinds.get(name)?.afterTimeouts(sql, logs, now);
      return rows.length;
    });
  }

  private async advanceJob(sql: Sql, job: JobRow, now: Date, result: TickResult) {
    const { rows: phases } = await sql.query<PhaseRow>(
      `SELECT id, position, state::text AS state, success_threshold, error_threshold, min_devices, requires_approval, soak_minutes, approved_at
         FROM update_phases WHERE job_id = $1 ORDER BY position`,
      [job.id],
    );
    // A promotion opens the next phase in the same tick: a canary that passed does not wait a second.
    for (let guard = 0; guard < phases.length + 1; guard++) {
      const current = phases.find((phase) => phase.state === "in_progress" || phase.state === "awaiting_approval");
      if (!current) {
        const next = phases.find((phase) => phase.state === "pending");
        if (next && job.state === "in_progress") {
          await this.openPhase(sql, next, now);
          continue;
        }
        if (!next) await this.complete(sql, job, now, result);
        return;
      }
      if (job.state === "in_progress" && current.state === "in_progress") {
        result.offered += await this.dispatch(sql, job, current, now);
      }
      const verdict = await this.judge(sql, job, current, now);
      switch (verdict.verdict) {
        case "running":
        case "soaking":
          return;
        case "rollback": {
          const reason = job.rollback_on_failure ? `Automatic rollback in phase ${current.position}: ${verdict.reason}` : `Stopped in phase ${current.position}: ${verdict.reason} (rollback on failure is off)`;
          if (!job.rollback_on_failure && job.state !== "in_progress") return;
          const stopped = await atomically(sql, async () => {
            const done = job.rollback_on_failure
              ? await stopJob(sql, job.id, { state: "failed", reason, at: now, rollback: true, failedPhaseId: current.id })
              : await stopJob(sql, job.id, { state: "paused", reason, at: now });
            if (done) await audit(sql, job.id, job.rollback_on_failure ? "auto_rollback" : "halted", { phase: current.position, reason });
            return done;
          });
          if (stopped) {
            result.rolledBack += job.rollback_on_failure ? 1 : 0;
            result.halted += job.rollback_on_failure ? 0 : 1;
            this.log(`ota: job ${job.id}: ${reason}`);
          }
          return;
        }
        case "halt": {
          if (job.state !== "in_progress") return;
          const reason = `Halted after phase ${current.position}: ${verdict.reason}. Resume to accept and go on, or roll back.`;
          await atomically(sql, async () => {
            await stopJob(sql, job.id, { state: "paused", reason, at: now });
            await audit(sql, job.id, "halted", { phase: current.position, reason });
          });
          result.halted += 1;
          this.log(`ota: job ${job.id}: ${reason}`);
          return;
        }
        case "awaiting_approval":
          if (current.state !== "awaiting_approval") {
            await sql.query(`UPDATE update_phases SET state = 'awaiting_approval' WHERE id = $1 AND state = 'in_progress'`, [current.id]);
            await sql.query(`UPDATE update_jobs SET state_reason = $2 WHERE id = $1 AND state IN ('in_progress', 'paused')`, [job.id, `Phase ${current.position} finished: waiting for approval of the next phase`]);
          }
          return;
        case "promote": {
          if (job.state !== "in_progress") return;
          const next = phases.find((phase) => phase.state === "pending");
          const promoted = await atomically(sql, async () => {
            // Only while the job still runs: a cancel that landed since this tick began wins.
            const { rows: done } = await sql.query(
              `UPDATE update_phases p SET state = 'succeeded', completed_at = $2 FROM update_jobs j
                WHERE p.id = $1 AND p.state IN ('in_progress', 'awaiting_approval') AND j.id = p.job_id AND j.state = 'in_progress' RETURNING p.id`,
              [current.id, now.toISOString()],
            );
            if (done.length && next) await this.openPhase(sql, next, now);
            return done.length > 0;
          });
          if (!promoted) return;
          current.state = "succeeded";
          if (next) next.state = "in_progress";
          result.promoted += 1;
          if (next) this.log(`ota: job ${job.id}: phase ${current.position} succeeded, phase ${next.position} started`);
          continue;
        }
      }
    }
  }

  private async openPhase(sql: Sql, phase: PhaseRow, now: Date) {
    await sql.query(`UPDATE update_phases SET state = 'in_progress', started_at = $2 WHERE id = $1 AND state = 'pending'`, [phase.id, now.toISOString()]);
    phase.state = "in_progress";
  }

  private async complete(sql: Sql, job: JobRow, now: Date, result: TickResult) {
    const summary = await atomically(sql, async () => {
      const { rows } = await sql.query<{ success_count: number; failed_count: number }>(
        `UPDATE update_jobs SET state = 'completed', completed_at = $2, state_reason = NULL
          WHERE id = $1 AND state = 'in_progress' RETURNING success_count, failed_count`,
        [job.id, now.toISOString()],
      );
      if (!rows[0]) return null;
      const { rows: offline } = await sql.query<{ count: number }>(`SELECT count(*)::int AS count FROM update_logs WHERE job_id = $1 AND state = 'failed' AND sent_at IS NULL`, [job.id]);
      const unreached = offline[0]?.count ?? 0;
      const text = await this.kindOf(job).completionText(sql, job, { succeeded: rows[0].success_count, failed: rows[0].failed_count, unreached });
      await sql.query(`UPDATE update_jobs SET state_reason = $2 WHERE id = $1`, [job.id, text]);
      // "Notify on complete": the job's history says so; the job list and dashboard show it.
      await audit(sql, job.id, "completed", { summary: text, notify: job.notify_on_complete });
      return text;
    });
    if (!summary) return;
    result.completed += 1;
    this.log(`ota: job ${job.id} completed: ${summary}`);
  }

  /** Sends the phase's not-yet-sent devices their offer, when the maintenance window is open. */
  private async dispatch(sql: Sql, job: JobRow, phase: PhaseRow, now: Date): Promise<number> {
    const window = parseWindow(job.maintenance_window);
    if (window && !insideWindow(window, now)) {
      // Worked out once per closed spell, not every tick.
      if (job.state_reason?.startsWith("Waiting for the maintenance window")) return 0;
      const opening = nextWindowOpening(window, now);
      const reason = `Waiting for the maintenance window (${window.start}–${window.end} ${window.timeZone}; next opening ${opening.toISOString().slice(0, 16).replace("T", " ")} UTC)`;
      await sql.query(`UPDATE update_jobs SET state_reason = $2 WHERE id = $1 AND state = 'in_progress'`, [job.id, reason]);
      job.state_reason = reason;
      return 0;
    }
    if (job.state_reason?.startsWith("Waiting for the maintenance window")) {
      await sql.query(`UPDATE update_jobs SET state_reason = NULL WHERE id = $1 AND state = 'in_progress'`, [job.id]);
      job.state_reason = null;
    }
    return atomically(sql, () => this.sendOffers(sql, job, phase, now));
  }

  /**
   * Within one transaction that holds the job row (FOR KEY SHARE): a person's pause or cancel
   * (SELECT … FOR UPDATE) waits for it, and one that came first is seen here — so every device is
   * either sent its payload and marked sent, or released by the cancel, never both. Reports moving
   * the job's counts meanwhile do not wait (their UPDATE takes no key lock): a configuration
   * report locks the device's shadow first, which this transaction may hold, so a stronger lock
   * here could close a cycle.
   */
  private async sendOffers(sql: Sql, job: JobRow, phase: PhaseRow, now: Date): Promise<number> {
    const { rows: still } = await sql.query(
      `SELECT 1 FROM update_jobs j JOIN update_phases p ON p.job_id = j.id
        WHERE j.id = $1 AND j.state = 'in_progress' AND p.id = $2 AND p.state = 'in_progress'
          FOR KEY SHARE OF j`,
      [job.id, phase.id],
    );
    if (still.length === 0) return 0;
    return this.kindOf(job).dispatch(sql, job, phase, this.maxOffers, now);
  }

  private async judge(sql: Sql, job: JobRow, phase: PhaseRow, now: Date) {
    // A device that never came online was never sent the update: it says nothing about the
    // firmware, so it counts neither for the phase's success rate nor towards a rollback.
    const { rows } = await sql.query<{ total: number; completed: number; failed: number; in_flight: number; last_finished: Date | null }>(
      `SELECT count(*) FILTER (WHERE sent_at IS NOT NULL OR state <> 'failed')::int AS total,
              count(*) FILTER (WHERE state = 'completed')::int AS completed,
              count(*) FILTER (WHERE state IN ('failed', 'rolled_back') AND sent_at IS NOT NULL)::int AS failed,
              count(*) FILTER (WHERE state IN ('pending', 'downloading', 'installing', 'verifying'))::int AS in_flight,
              max(finished_at) AS last_finished
         FROM update_logs WHERE phase_id = $1`,
      [phase.id],
    );
    const counts = rows[0]!;
    return judgePhase(
      { total: counts.total, completed: counts.completed, failed: counts.failed, inFlight: counts.in_flight },
      {
        successThreshold: phase.success_threshold,
        errorThreshold: phase.error_threshold,
        minDevices: phase.min_devices,
        requiresApproval: phase.requires_approval,
        soakMinutes: phase.soak_minutes,
      },
      { lastFinishedAt: counts.last_finished, approved: phase.approved_at !== null },
      now,
    );
  }

}
