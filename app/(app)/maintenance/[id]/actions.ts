"use server";

/**
 * A maintenance record's steps, the same verbs as /api/v1/maintenance/{id}/…: start, record and
 * finish, cancel, move or reassign (files go to POST /api/v1/maintenance/{id}/attachments, which
 * streams them; a server action takes 1 MB at most). The id is bound by the page (`action.bind(null,
 * id)`); it is as untrusted as any form field, and lib/maintenance checks the actor's farm for it.
 */
import { revalidatePath } from "next/cache";
import { defineAction, type ActionResult } from "@/lib/actions/define-action";
import { getDb } from "@/lib/db";
import { getOccurrence } from "@/lib/maintenance/maintenance-queries";
import { cancelWorkSchema, completeWorkSchema, maintenanceIdSchema, rescheduleWorkSchema, startWorkSchema } from "@/lib/maintenance/maintenance-schemas";
import { cancelWork, completeWork, rescheduleWork, startWork } from "@/lib/maintenance/maintenance-work";

type Done = { id: number; message: string };
export type Recorded = Done & { calibration: { previousDue: string | null; nextDue: string | null } | null };

type Runner<T> = (previous: ActionResult<T> | null, input: FormData) => Promise<ActionResult<T>>;

function forWork<T>(id: unknown, make: (id: number) => Runner<T>): Runner<T> {
  const parsed = maintenanceIdSchema.safeParse(id);
  if (!parsed.success) return async () => ({ ok: false, error: "Unknown maintenance record." });
  return make(parsed.data);
}

function refresh(id: number, deviceId?: string) {
  revalidatePath(`/maintenance/${id}`);
  revalidatePath("/maintenance", "layout");
  if (deviceId) revalidatePath(`/devices/${deviceId}`);
}

const start = (id: number) =>
  defineAction({ permission: "maintenance.write", schema: startWorkSchema }, async (input, actor): Promise<Done> => {
    const work = await startWork(getDb(), actor, id, input);
    refresh(id, work.deviceId);
    return { id, message: work.deviceInMaintenance && work.modeSetByWork ? `Started. ${work.deviceId} is in maintenance mode until the work is finished.` : "Started." };
  });

export async function startWorkAction(id: number, previous: ActionResult<Done> | null, input: FormData): Promise<ActionResult<Done>> {
  return forWork(id, start)(previous, input);
}

const record = (id: number) =>
  defineAction({ permission: "maintenance.write", schema: completeWorkSchema }, async (input, actor): Promise<Recorded> => {
    const db = getDb();
    // The due date before, to show the technician how far the calibration moved it.
    const before = input.calibration ? await getOccurrence(db, actor, id) : null;
    const previousDue = before ? await db.device.findUnique({ where: { id: before.deviceRowId }, select: { nextCalibrationDue: true } }) : null;
    const work = await completeWork(db, actor, id, input);
    refresh(id, work.deviceId);
    return {
      id,
      message: "Recorded and finished.",
      calibration: work.calibration ? { previousDue: previousDue?.nextCalibrationDue?.toISOString().slice(0, 10) ?? null, nextDue: work.calibration.nextDueOn } : null,
    };
  });

export async function recordWorkAction(id: number, previous: ActionResult<Recorded> | null, input: FormData): Promise<ActionResult<Recorded>> {
  return forWork(id, record)(previous, input);
}

const cancel = (id: number) =>
  defineAction({ permission: "maintenance.plan", schema: cancelWorkSchema }, async (input, actor): Promise<Done> => {
    const work = await cancelWork(getDb(), actor, id, input);
    refresh(id, work.deviceId);
    return { id, message: "Cancelled." };
  });

export async function cancelWorkAction(id: number, previous: ActionResult<Done> | null, input: FormData): Promise<ActionResult<Done>> {
  return forWork(id, cancel)(previous, input);
}

const reschedule = (id: number) =>
  defineAction({ permission: "maintenance.plan", schema: rescheduleWorkSchema }, async (input, actor): Promise<Done> => {
    const work = await rescheduleWork(getDb(), actor, id, input);
    refresh(id, work.deviceId);
    return { id, message: input.scheduledDate ? `Moved to ${work.scheduledDate}.` : work.assigneeName ? `Assigned to ${work.assigneeName}.` : "Saved." };
  });

export async function rescheduleWorkAction(id: number, previous: ActionResult<Done> | null, input: FormData): Promise<ActionResult<Done>> {
  return forWork(id, reschedule)(previous, input);
}
