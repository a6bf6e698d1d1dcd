/**
 * What people do to a running update job (I-013 §4.1 campaign control): pause, resume, cancel,
 * approve the next phase, roll back — each checked against the role on the server, written with
 * who and why, and refused with a reason when the job's state does not allow it. The worker's
 * engine (ota-engine.ts) notices the change on its next tick.
 */
import type { Prisma } from "@prisma/client";
import { can, farmScope, type Actor, type Permission } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { prismaSql, stopJob } from "./job-stops";
import { scheduleUpdate, type ScheduledJob } from "./schedule-update";

export const JOB_ACTIONS = ["pause", "resume", "cancel", "approve", "rollback"] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

export const JOB_ACTION_PERMISSION: Record<JobAction, Permission> = {
  pause: "ota.schedule",
  resume: "ota.schedule",
  cancel: "ota.schedule",
  approve: "ota.approve",
  rollback: "ota.approve",
};

export const JOB_ACTION_LABEL: Record<JobAction, string> = {
  pause: "Pause",
  resume: "Resume",
  cancel: "Cancel job",
  approve: "Approve next phase",
  rollback: "Roll back",
};

export type JobActionFacts = {
  state: "draft" | "scheduled" | "in_progress" | "paused" | "completed" | "cancelled" | "failed";
  rollbackStartedAt: Date | null;
  successCount: number;
  /** A phase is waiting for a person (awaiting_approval). */
  awaitingApproval: boolean;
};

/** The buttons a job's state allows (the role is checked separately). */
export function allowedJobActions(job: JobActionFacts): JobAction[] {
  const actions: JobAction[] = [];
  const active = job.state === "scheduled" || job.state === "in_progress";
  if (active) actions.push("pause");
  if (job.state === "paused") actions.push("resume");
  if (job.awaitingApproval && (job.state === "in_progress" || job.state === "paused")) actions.push("approve");
  if (active || job.state === "paused") actions.push("cancel");
  if (!job.rollbackStartedAt && job.successCount > 0) actions.push("rollback");
  return actions;
}

/**
 * Only admins reach jobs whose devices span farms; a farm's people reach their farm's jobs, and a
 * job they cannot reach is one that does not exist (the same rule as update-job-views.ts's SQL).
 */
export async function reachesJob(db: Prisma.TransactionClient, actor: Actor, jobId: number): Promise<boolean> {
  const scope = farmScope(actor);
  if (scope === null) return true;
  return (await db.updateLog.count({ where: { jobId, device: { farmId: { not: scope } } } })) === 0;
}

async function loadJob(db: Prisma.TransactionClient, actor: Actor, jobId: number) {
  const job = await db.updateJob.findUnique({
    where: { id: jobId },
    select: {
      id: true,
      name: true,
      kind: true,
      state: true,
      stateReason: true,
      startedAt: true,
      rollbackStartedAt: true,
      successCount: true,
      phases: { select: { id: true, position: true, state: true }, orderBy: { position: "asc" } },
    },
  });
  return job && (await reachesJob(db, actor, jobId)) ? job : null;
}

export type JobActionResult = { jobId: number; action: JobAction; message: string };

export async function applyJobAction(db: Db, actor: Actor, jobId: number, action: JobAction, note?: string | null, now = new Date()): Promise<JobActionResult> {
  if (!(JOB_ACTIONS as readonly string[]).includes(action)) throw new InvalidError(`Unknown action "${action}"; use one of ${JOB_ACTIONS.join(", ")}.`);
  const permission = JOB_ACTION_PERMISSION[action];
  if (!can(actor.role, permission)) throw new ForbiddenError(`Your role (${actor.role}) does not allow ${permission}.`);
  const cleanNote = note?.trim().slice(0, 1000) || null;

  return db.$transaction(async (tx) => {
    // The row lock orders this against the engine's tick (which holds the job while it sends) and
    // against another person's click: the state checked below is the state changed.
    await tx.$queryRaw`SELECT id FROM update_jobs WHERE id = ${jobId} FOR UPDATE`;
    const job = await loadJob(tx, actor, jobId);
    if (!job) throw new NotFoundError("No such update job.");
    const awaiting = job.phases.find((phase) => phase.state === "awaiting_approval");
    const allowed = allowedJobActions({ ...job, awaitingApproval: Boolean(awaiting) });
    if (!allowed.includes(action)) {
      throw new ConflictError(`This job is ${job.state.replace("_", " ")}${job.rollbackStartedAt ? " and rolling back" : ""}: “${JOB_ACTION_LABEL[action]}” does not apply.`);
    }
    const who = `${actor.name}${cleanNote ? `: ${cleanNote}` : ""}`;
    const sql = prismaSql(tx);
    let message: string;
    switch (action) {
      case "pause":
        if (!(await stopJob(sql, jobId, { state: "paused", reason: `Paused by ${who}`, at: now }))) throw new ConflictError("This job has already finished.");
        message = job.kind === "configuration" ? "Paused: no device is sent the new configuration until you resume. Devices already sent it report as usual." : "Paused: no device is sent the update until you resume. Devices already updating finish.";
        break;
      case "resume": {
        // Resuming a phase the engine stopped (success rate missed, or failures with rollback off)
        // accepts it (phase-verdict.ts); resuming a person's pause approves nothing.
        const engineStopped = /^(Halted after phase|Stopped in phase)/.test(job.stateReason ?? "");
        const current = job.phases.find((phase) => phase.state === "in_progress" || phase.state === "awaiting_approval");
        if (current && engineStopped) await tx.updatePhase.update({ where: { id: current.id }, data: { approvedAt: now, approvedById: actor.kind === "user" ? actor.id : null } });
        await tx.updateJob.update({ where: { id: jobId }, data: { state: job.startedAt ? "in_progress" : "scheduled", stateReason: `Resumed by ${who}` } });
        message = "Resumed.";
        break;
      }
      case "approve":
        await tx.updatePhase.update({ where: { id: awaiting!.id }, data: { approvedAt: now, approvedById: actor.kind === "user" ? actor.id : null } });
        await tx.updateJob.update({ where: { id: jobId }, data: { state: "in_progress", stateReason: `Phase ${awaiting!.position} approved by ${who}` } });
        message = `Phase ${awaiting!.position} approved: the next phase starts within seconds.`;
        break;
      case "cancel":
        if (!(await stopJob(sql, jobId, { state: "cancelled", reason: `Cancelled by ${who}`, at: now }))) throw new ConflictError("This job has already finished.");
        message = job.kind === "configuration" ? "Cancelled: devices not yet sent the change keep their configuration." : "Cancelled: devices not yet sent the update keep their firmware.";
        break;
      case "rollback": {
        const state = job.state === "completed" || job.state === "failed" || job.state === "cancelled" ? job.state : "cancelled";
        await stopJob(sql, jobId, { state, reason: `Rolled back by ${who}`, at: now, rollback: true });
        message =
          job.kind === "configuration"
            ? `Rolling back: every device sent the change gets its previous configuration again as a new version.`
            : `Rolling back: ${job.successCount} updated device${job.successCount === 1 ? " is" : "s are"} being sent their previous version.`;
        break;
      }
    }
    await recordAudit(tx, actor, { entityType: "update_job", entityId: String(jobId), action, after: { note: cleanNote, previousState: job.state } });
    return { jobId, action, message };
  });
}

/**
 * "Roll back to previous version" on a device page: a one-device job to the version it ran before
 * its last completed update — even if that version is deprecated now (going back is the repair).
 */
export async function rollbackDevice(db: Db, actor: Actor, deviceId: string, now = new Date()): Promise<ScheduledJob> {
  if (!can(actor.role, "ota.schedule")) throw new ForbiddenError(`Your role (${actor.role}) does not allow ota.schedule.`);
  // Another farm's device is "not found", before anything about its updates is told.
  const scope = farmScope(actor);
  const device = await db.device.findUnique({ where: { deviceId }, select: { farmId: true } });
  if (!device || (scope !== null && device.farmId !== scope)) throw new NotFoundError(`No device ${deviceId}.`);
  const last = await db.updateLog.findFirst({
    where: { device: { deviceId }, state: "completed", previousVersion: { not: null } },
    orderBy: { finishedAt: "desc" },
    select: { previousVersion: true, device: { select: { deviceType: true, firmwareVersion: true } } },
  });
  if (!last) throw new ConflictError(`${deviceId} has no completed update to roll back.`);
  if (last.device.firmwareVersion === last.previousVersion) throw new ConflictError(`${deviceId} already runs ${last.previousVersion}.`);
  const previous = await db.firmwareVersion.findUnique({
    where: { version_deviceType: { version: last.previousVersion!, deviceType: last.device.deviceType } },
    select: { id: true, storageKey: true },
  });
  if (!previous?.storageKey) throw new ConflictError(`Version ${last.previousVersion} has no binary in the firmware library, so ${deviceId} cannot be sent back to it.`);
  return scheduleUpdate(
    db,
    actor,
    { name: `Roll back ${deviceId} to ${last.previousVersion}`, firmwareId: previous.id, target: { deviceIds: [deviceId] }, force: true, rollbackOnFailure: false },
    now,
    { allowAnyState: true },
  );
}
