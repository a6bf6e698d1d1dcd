/**
 * "Start now" on a scheduled update job (I-013 A.1 `POST /ota/campaigns/{id}/start`): the job's
 * time is moved to now and the worker's engine picks it up on its next tick. Only a job that has
 * not begun can be started; the maintenance window still applies, because it is there to keep a
 * milk meter from rebooting during milking, which "start now" does not change.
 */
import { can, type Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { reachesJob } from "./job-actions";
import { maintenanceWindowSchema, nextWindowOpening } from "./maintenance-window";

export type StartedJob = {
  jobId: number;
  scheduledAt: Date;
  /** When the first device can be sent the update: now, or the next opening of the maintenance window. */
  firstSendAt: Date;
  message: string;
};

export async function startJobNow(db: Db, actor: Actor, jobId: number, now = new Date()): Promise<StartedJob> {
  if (!can(actor.role, "ota.schedule")) throw new ForbiddenError(`Your role (${actor.role}) does not allow ota.schedule.`);

  return db.$transaction(async (tx) => {
    const job = await tx.updateJob.findUnique({ where: { id: jobId }, select: { id: true, state: true, scheduledAt: true, firmwareId: true, maintenanceWindow: true } });
    // The same reach as the job's other buttons.
    if (!job || !(await reachesJob(tx, actor, jobId))) throw new NotFoundError("No such update job.");

    // Conditional on the state in the same statement, so a job the engine starts meanwhile is a 409, not a second start.
    const { count } = await tx.updateJob.updateMany({ where: { id: jobId, state: "scheduled" }, data: { scheduledAt: now, stateReason: `Started now by ${actor.name}` } });
    if (count === 0) {
      const state = job.state === "scheduled" ? "already starting" : job.state.replace("_", " ");
      throw new ConflictError(`This job is ${state}: only a scheduled job can be started now.`);
    }
    // The devices' "update scheduled for" follows the job, for the devices it has not reached yet
    // (firmware jobs: a configuration campaign does not touch the device's firmware fields).
    if (job.firmwareId !== null) await tx.device.updateMany({
      where: { updateLogs: { some: { jobId, state: "pending", sentAt: null } }, targetFirmwareId: job.firmwareId, firmwareUpdateStatus: "scheduled" },
      data: { firmwareUpdateScheduled: now },
    });
    await recordAudit(tx, actor, { entityType: "update_job", entityId: String(jobId), action: "started", before: { scheduledAt: job.scheduledAt.toISOString() }, after: { scheduledAt: now.toISOString() } });

    const window = maintenanceWindowSchema.safeParse(job.maintenanceWindow);
    const firstSendAt = window.success ? nextWindowOpening(window.data, now) : now;
    const waits = firstSendAt.getTime() > now.getTime();
    const message = waits
      ? `Started: its maintenance window (${window.data!.start}–${window.data!.end} ${window.data!.timeZone}) opens at ${firstSendAt.toISOString()}; devices are sent the update from then.`
      : "Started: the first devices are sent the update within seconds.";
    return { jobId, scheduledAt: now, firstSendAt, message };
  });
}
