/**
 * The update engine (M92 `process_update_job`, I-013 §4.2–4.3), run by the worker every second:
 * starts jobs whose time has come, sends `ota/update` to the devices of each job's current phase
 * while its maintenance window is open, fails devices that stopped answering, judges the phase
 * (phase-verdict.ts) and promotes it, waits for approval, halts, or rolls the job back — and sends
 * rolled-back jobs' devices their previous version.
 *
 * Everything it knows lives in the tables, so a restarted worker simply carries on where the last
 * tick left off. An offer is published before its log is marked sent: a crash in between sends it
 * again, which a device ignores (it is idempotent by job), rather than never sending it. One tick
 * runs at a time across workers (a PostgreSQL advisory lock), so two workers never send twice.
 */
import type { OtaUpdatePayload } from "../mqtt/payloads";
import { signedManifestOf, type ManifestFields } from "../firmware/firmware-versions";
import type { SigningKey } from "../firmware/signing";
import type { Sql, SqlPool } from "../telemetry/sql";
import { stopJob } from "./job-stops";
import { insideWindow, maintenanceWindowSchema, nextWindowOpening, type MaintenanceWindow } from "./maintenance-window";
import { judgePhase } from "./phase-verdict";
import { ROLLBACK_DEFAULTS } from "./rollout-plan";
import { atomically, REACHABLE_SQL, runExclusively } from "../worker/engine-tick";

export type OtaOffer = { deviceId: string; payload: OtaUpdatePayload };

export type OtaEngineOptions = {
  /** Where devices download binaries: `${publicUrl}/api/v1/iot/firmware/versions/{id}/download`. */
  publicUrl: string;
  signingKey: SigningKey;
  /** Publishes offers (QoS 1); resolves once the broker took them all. */
  publish: (offers: OtaOffer[]) => Promise<void>;
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

type JobRow = {
  id: number;
  name: string;
  state: "in_progress" | "paused";
  maintenance_window: unknown;
  rollback_on_failure: boolean;
  notify_on_complete: boolean;
  state_reason: string | null;
  device_count: number;
  firmware_id: number;
} & FirmwareRow;

type FirmwareRow = {
  device_type: string;
  version: string;
  file_name: string | null;
  sha256: string | null;
  min_previous_version: string | null;
  compatible_models: string[];
  is_mandatory: boolean;
  size_bytes: string;
};

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

const manifestFields = (row: FirmwareRow): ManifestFields => ({
  deviceType: row.device_type as ManifestFields["deviceType"],
  version: row.version,
  fileName: row.file_name,
  sha256: row.sha256,
  minPreviousVersion: row.min_previous_version,
  compatibleModels: row.compatible_models,
  isMandatory: row.is_mandatory,
  sizeBytes: BigInt(row.size_bytes),
});

/** A job's stored window, or null (none, or one an older release stored in another shape). */
function parseWindow(stored: unknown): MaintenanceWindow | null {
  if (!stored) return null;
  const parsed = maintenanceWindowSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

export function downloadUrl(publicUrl: string, firmwareId: number) {
  return `${publicUrl.replace(/\/+$/, "")}/api/v1/iot/firmware/versions/${firmwareId}/download`;
}

async function audit(sql: Sql, jobId: number, action: string, after: object) {
  await sql.query(`INSERT INTO audit_events (entity_type, entity_id, action, actor_label, after) VALUES ('update_job', $1, $2, 'worker', $3::jsonb)`, [
    String(jobId),
    action,
    JSON.stringify(after),
  ]);
}

export class OtaEngine {
  private readonly log: (line: string) => void;
  private readonly maxOffers: number;

  constructor(
    private readonly pool: SqlPool,
    private readonly options: OtaEngineOptions,
  ) {
    this.log = options.log ?? ((line) => console.log(line));
    this.maxOffers = options.maxOffersPerTick ?? 20_000;
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
      `SELECT j.id, j.name, j.state::text AS state, j.maintenance_window, j.rollback_on_failure, j.notify_on_complete, j.state_reason,
              j.device_count, j.firmware_id, f.device_type::text AS device_type, f.version, f.file_name, f.sha256, f.min_previous_version,
              f.compatible_models, f.is_mandatory, f.size_bytes::text AS size_bytes
         FROM update_jobs j JOIN firmware_versions f ON f.id = j.firmware_id
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
    result.rollbacksOffered = await this.offerRollbacks(sql, now);
    result.timedOut += await this.timeOutSilentRollbacks(sql, now);
  }

  /**
   * A device sent back to its previous version that has not confirmed within the job's timeout is
   * given up on, with the reason: it still runs the version it was updated to, and the job stops
   * showing it as "waiting to roll back".
   */
  private async timeOutSilentRollbacks(sql: Sql, now: Date): Promise<number> {
    return atomically(sql, async () => {
      const { rows } = await sql.query<{ device_id: number }>(
        `UPDATE update_logs AS l SET
                error_message = 'Rollback not confirmed: no answer within ' || m.minutes || CASE WHEN m.minutes = 1 THEN ' minute' ELSE ' minutes' END || ' of being sent back',
                log_details = l.log_details || jsonb_build_array(jsonb_build_object('state', 'completed', 'at', $1::text, 'error', 'rollback not confirmed'))
           FROM update_jobs j CROSS JOIN LATERAL (SELECT COALESCE((j.strategy_config->>'deviceTimeoutMinutes')::int, $2) AS minutes) m
          WHERE j.rollback_started_at IS NOT NULL AND l.job_id = j.id AND l.state = 'completed' AND l.error_message IS NULL
            AND l.rollback_sent_at < $1::timestamptz - make_interval(mins => m.minutes)
          RETURNING l.device_id`,
        [now.toISOString(), ROLLBACK_DEFAULTS.deviceTimeoutMinutes],
      );
      if (rows.length === 0) return 0;
      await sql.query(
        `UPDATE devices SET firmware_update_status = 'failed', firmware_update_error = 'Rollback not confirmed (timed out)', target_firmware_id = NULL, updated_at = now()
          WHERE id = ANY($1::int[]) AND firmware_update_status = 'scheduled'`,
        [rows.map((row) => row.device_id)],
      );
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
      const { rows } = await sql.query<{ job_id: number; device_id: number; firmware_id: number }>(
        `WITH sending_since AS (
           SELECT p.id AS phase_id, COALESCE(min(l.sent_at), p.started_at) AS since
             FROM update_phases p LEFT JOIN update_logs l ON l.phase_id = p.id AND l.sent_at IS NOT NULL
            WHERE p.job_id = ANY($3::int[]) AND p.state = 'in_progress'
            GROUP BY p.id
         ), silent AS (
           SELECT l.id, m.minutes, l.sent_at IS NULL AS never_sent, COALESCE(l.sent_at, ss.since) AS since, j.firmware_id
             FROM update_logs l
             JOIN update_jobs j ON j.id = l.job_id
             LEFT JOIN sending_since ss ON ss.phase_id = l.phase_id
             CROSS JOIN LATERAL (SELECT COALESCE((j.strategy_config->>'deviceTimeoutMinutes')::int, $2) AS minutes) m
            WHERE l.state IN ('pending', 'downloading', 'installing', 'verifying')
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
          RETURNING l.job_id, l.device_id, s.firmware_id`,
        [now.toISOString(), ROLLBACK_DEFAULTS.deviceTimeoutMinutes, sending],
      );
      if (rows.length === 0) return 0;
      await sql.query(
        `UPDATE devices SET firmware_update_status = 'failed', firmware_update_error = 'No answer to the update (timed out)', target_firmware_id = NULL, updated_at = now()
          WHERE id = ANY($1::int[])`,
        [rows.map((row) => row.device_id)],
      );
      // These logs were in no count before: each adds one failure (as applyStatusReports moves counts).
      await sql.query(
        `UPDATE update_jobs AS j SET failed_count = j.failed_count + c.n
           FROM (SELECT job_id, count(*)::int AS n FROM unnest($1::int[]) AS u(job_id) GROUP BY job_id) AS c WHERE j.id = c.job_id`,
        [rows.map((row) => row.job_id)],
      );
      await sql.query(
        `UPDATE firmware_versions AS f SET failed_updates = f.failed_updates + c.n
           FROM (SELECT firmware_id, count(*)::int AS n FROM unnest($1::int[]) AS u(firmware_id) GROUP BY firmware_id) AS c WHERE f.id = c.firmware_id`,
        [rows.map((row) => row.firmware_id)],
      );
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
      const text =
        `${rows[0].success_count} of ${job.device_count} devices updated to ${job.version}, ${rows[0].failed_count - unreached} failed` +
        (unreached ? `, ${unreached} never came online` : "");
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
   * Within one transaction that holds the job row (FOR SHARE): a person's pause or cancel waits
   * for it, and one that came first is seen here — so every device is either sent its offer and
   * marked sent, or released by the cancel, never both.
   */
  private async sendOffers(sql: Sql, job: JobRow, phase: PhaseRow, now: Date): Promise<number> {
    const { rows: still } = await sql.query(
      `SELECT 1 FROM update_jobs j JOIN update_phases p ON p.job_id = j.id
        WHERE j.id = $1 AND j.state = 'in_progress' AND p.id = $2 AND p.state = 'in_progress'
          FOR SHARE OF j`,
      [job.id, phase.id],
    );
    if (still.length === 0) return 0;
    // Only devices that are connected now: an offer to a device that is away is lost with its
    // session (or lands hours later on a device that has moved on). The others wait, and get theirs
    // on the first tick after they come back — or fail after the job's timeout (timeOutSilentDevices).
    const { rows } = await sql.query<{ id: number; device_id: string }>(
      `SELECT l.id, d.device_id FROM update_logs l JOIN devices d ON d.id = l.device_id
        WHERE l.phase_id = $1 AND l.state = 'pending' AND l.sent_at IS NULL AND l.error_message IS NULL
          AND d.connection_status IN ${REACHABLE_SQL}
        ORDER BY l.id LIMIT $2`,
      [phase.id, this.maxOffers],
    );
    if (rows.length === 0) return 0;
    const signed = signedManifestOf(manifestFields(job), this.options.signingKey);
    const payload: OtaUpdatePayload = {
      job_id: job.id,
      version: job.version,
      download_url: downloadUrl(this.options.publicUrl, job.firmware_id),
      sha256: job.sha256 ?? "",
      size: Number(job.size_bytes),
      signature: signed.signature,
      mandatory: job.is_mandatory,
      manifest: signed.manifest,
      signing_key_id: signed.keyId,
      rollback: false,
    };
    const started = performance.now();
    await this.options.publish(rows.map((row) => ({ deviceId: row.device_id, payload })));
    await sql.query(`UPDATE update_logs SET sent_at = COALESCE(sent_at, $2) WHERE id = ANY($1::int[])`, [rows.map((row) => row.id), now.toISOString()]);
    this.log(`ota: job ${job.id}: phase ${phase.position}: ${rows.length} offer(s) of ${job.version} sent in ${Math.round(performance.now() - started)} ms`);
    return rows.length;
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

  /**
   * Rolled-back jobs: every device that completed the update (now, or later — one still installing
   * when the rollback began is caught when it finishes) is offered its previous version.
   */
  private async offerRollbacks(sql: Sql, now: Date): Promise<number> {
    const { rows } = await sql.query<{ log_id: number; job_id: number; device_id: string; device_pk: number; previous_id: number | null; previous_version: string | null } & FirmwareRow>(
      `SELECT l.id AS log_id, l.job_id, d.device_id, d.id AS device_pk, p.id AS previous_id, l.previous_version,
              p.device_type::text AS device_type, p.version, p.file_name, p.sha256, p.min_previous_version, p.compatible_models, p.is_mandatory,
              p.size_bytes::text AS size_bytes
         FROM update_jobs j
         JOIN update_logs l ON l.job_id = j.id AND l.state = 'completed' AND l.rollback_sent_at IS NULL AND l.error_message IS NULL
         JOIN devices d ON d.id = l.device_id
         JOIN firmware_versions f ON f.id = j.firmware_id
         LEFT JOIN firmware_versions p ON p.device_type = f.device_type AND p.version = l.previous_version AND p.storage_key IS NOT NULL
        WHERE j.rollback_started_at IS NOT NULL
          -- As for offers: a device that is away would lose it; it is sent when the device is back.
          AND d.connection_status IN ${REACHABLE_SQL}
        ORDER BY l.id LIMIT $1`,
      [this.maxOffers],
    );
    if (rows.length === 0) return 0;
    const cannot = rows.filter((row) => row.previous_id === null);
    if (cannot.length) {
      await sql.query(
        `UPDATE update_logs AS l SET error_message = c.message
           FROM unnest($1::int[], $2::text[]) AS c(id, message) WHERE l.id = c.id`,
        [cannot.map((row) => row.log_id), cannot.map((row) => `Cannot roll back: version ${row.previous_version ?? "unknown"} is not in the firmware library`)],
      );
    }
    const offers: OtaOffer[] = [];
    const signedBy = new Map<number, ReturnType<typeof signedManifestOf>>();
    const sendable = rows.filter((row) => row.previous_id !== null);
    for (const row of sendable) {
      const id = row.previous_id!;
      if (!signedBy.has(id)) signedBy.set(id, signedManifestOf(manifestFields(row), this.options.signingKey));
      const signed = signedBy.get(id)!;
      offers.push({
        deviceId: row.device_id,
        payload: {
          job_id: row.job_id,
          version: row.version,
          download_url: downloadUrl(this.options.publicUrl, id),
          sha256: row.sha256 ?? "",
          size: Number(row.size_bytes),
          signature: signed.signature,
          mandatory: true,
          manifest: signed.manifest,
          signing_key_id: signed.keyId,
          rollback: true,
        },
      });
    }
    if (offers.length === 0) return 0;
    await this.options.publish(offers);
    await sql.query(`UPDATE update_logs SET rollback_sent_at = $2 WHERE id = ANY($1::int[])`, [sendable.map((row) => row.log_id), now.toISOString()]);
    await sql.query(
      `UPDATE devices AS d SET target_firmware_id = c.previous_id, firmware_update_status = 'scheduled', updated_at = now()
         FROM unnest($1::int[], $2::int[]) AS c(device_pk, previous_id) WHERE d.id = c.device_pk`,
      [sendable.map((row) => row.device_pk), sendable.map((row) => row.previous_id)],
    );
    this.log(`ota: sent ${offers.length} rollback offer(s)`);
    return offers.length;
  }
}
