/**
 * Doing maintenance: scheduled|overdue → in_progress → done, or → cancelled; recording straight
 * from scheduled/overdue. Doing needs maintenance.write, planning (one-off work, cancel,
 * reschedule, reassign) maintenance.plan; another farm's work is not found. Every step is audited.
 */
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import type { CancelWorkInput, CompleteWorkInput, RescheduleWorkInput, StartWorkInput, WorkInput } from "./maintenance-schemas";
import type { OccurrenceDetail } from "./maintenance-types";

/** One-off work on one device (maintenance.plan). */
export async function createWork(db: Db, actor: Actor, input: WorkInput): Promise<OccurrenceDetail> {
  void db; void actor; void input;
  throw new Error("not implemented yet");
}

/** Starts work: the device goes into maintenance mode if the work uses it and it is not already. */
export async function startWork(db: Db, actor: Actor, id: number, input: StartWorkInput = {}): Promise<OccurrenceDetail> {
  void db; void actor; void id; void input;
  throw new Error("not implemented yet");
}

/** Records work done: cost = parts + labour; calibration readings make a calibration record. 409 when already done. */
export async function completeWork(db: Db, actor: Actor, id: number, input: CompleteWorkInput): Promise<OccurrenceDetail> {
  void db; void actor; void id; void input;
  throw new Error("not implemented yet");
}

/** Cancels open work with a reason (maintenance.plan). */
export async function cancelWork(db: Db, actor: Actor, id: number, input: CancelWorkInput): Promise<OccurrenceDetail> {
  void db; void actor; void id; void input;
  throw new Error("not implemented yet");
}

/** Moves open work to another day and/or assignee (maintenance.plan). */
export async function rescheduleWork(db: Db, actor: Actor, id: number, input: RescheduleWorkInput): Promise<OccurrenceDetail> {
  void db; void actor; void id; void input;
  throw new Error("not implemented yet");
}
