/**
 * What an update job sends: a firmware binary (an `ota/update` offer) or a configuration (a new
 * version of each device's settings on `devices/{id}/config`). The rollout engine (ota-engine.ts)
 * is the same for both — phases, thresholds, maintenance windows, device timeouts, pause, cancel,
 * approval, resume after a restart, rollback — and asks the job's kind only for what differs: how
 * a phase's devices are sent their payload, how a rolled-back job's devices are sent back, what the
 * device records say when the engine gives up on a device, and the job's closing line.
 */
import type { Sql } from "../telemetry/sql";

export const JOB_KINDS = ["firmware", "configuration"] as const;
export type JobKindName = (typeof JOB_KINDS)[number];

/** A running job as the engine reads it (update_jobs). */
export type EngineJob = {
  id: number;
  name: string;
  kind: JobKindName;
  state: "in_progress" | "paused";
  maintenance_window: unknown;
  rollback_on_failure: boolean;
  notify_on_complete: boolean;
  state_reason: string | null;
  device_count: number;
  firmware_id: number | null;
  config_change: unknown;
  created_by_id: number | null;
};

export type EnginePhase = { id: number; position: number };

/** A log the engine failed for silence: the device it belongs to and its job. */
export type TimedOutLog = { log_id: number; job_id: number; device_id: number; state: string };

export type JobOutcome = { succeeded: number; failed: number; unreached: number };

export interface PayloadKind {
  readonly kind: JobKindName;
  /**
   * Sends the phase's pending, not-yet-sent devices that are reachable now their payload (at most
   * `limit`), marks their logs sent, and returns how many. Runs in the engine's transaction, which
   * holds the job row and has checked that the job and the phase still run.
   */
  dispatch(sql: Sql, job: EngineJob, phase: EnginePhase, limit: number, now: Date): Promise<number>;
  /** Devices of this kind's rolled-back jobs that took the job's payload are sent their previous one (rollback_sent_at). */
  sendRollbacks(sql: Sql, limit: number, now: Date): Promise<number>;
  /** The engine failed these logs (no answer, or never online within the timeout): the kind's own records follow. */
  afterTimeouts(sql: Sql, logs: readonly TimedOutLog[], now: Date): Promise<void>;
  /** The engine gave up waiting for these devices to confirm their rollback. */
  afterRollbackTimeouts(sql: Sql, logs: readonly TimedOutLog[], now: Date): Promise<void>;
  /** The completed job's summary ("12 of 12 devices updated to 2.1.0, 0 failed"). */
  completionText(sql: Sql, job: EngineJob, outcome: JobOutcome): Promise<string>;
}
