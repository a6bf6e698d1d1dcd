/**
 * Doing maintenance (M92 `iot.device.maintenance`): scheduled|overdue → in_progress → done, or
 * → cancelled; a technician may also record work done straight from scheduled/overdue. Doing
 * (start, record) needs maintenance.write; planning (one-off work, cancel, reschedule, reassign)
 * maintenance.plan. Another farm's work is not found. Every step is audited, and each one is a
 * conditional update on the status it read, so two people finishing the same work at once get
 * one "done" and one 409.
 *
 * Maintenance mode: starting work that uses it puts an active device into maintenance mode (the
 * health sweep skips it) and marks the work modeSetByWork; finishing or cancelling takes the
 * device out only then — a mode someone had set by hand stays as they left it.
 */
import { Prisma } from "@prisma/client";
import type { Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import { CALIBRATED_DEVICE_SELECT, recordCalibrationIn } from "../calibration/record-calibration";
import type { Db } from "../db";
import { setMaintenance } from "../devices/device-bulk";
import { auditActor } from "../devices/device-history";
import { ConflictError, InvalidError } from "../errors";
import { prismaSql } from "../ota/job-stops";
import { actorUserId, assertAssignable, assertMay, deviceForWork } from "./maintenance-access";
import { MAINTENANCE_STATUS_LABEL, MAINTENANCE_TYPE_LABEL } from "./maintenance-fields";
import { getOccurrence, loadScopedWork, todayUtc } from "./maintenance-queries";
import type { CancelWorkInput, CompleteWorkInput, Part, RescheduleWorkInput, StartWorkInput, WorkInput } from "./maintenance-schemas";
import { syncOverdueAlerts } from "./maintenance-sweep";
import type { OccurrenceDetail } from "./maintenance-types";
import { isoDay } from "./recurrence";

type Tx = Prisma.TransactionClient;
type Work = Awaited<ReturnType<typeof loadScopedWork>>;

/** Why work in this state cannot take the step: "already done on 2026-12-03 by Tom Baker". */
async function refusal(db: Pick<Db, "user">, work: Work, wanted: string): Promise<ConflictError> {
  const name = async (id: number | null) => (id === null ? null : ((await db.user.findUnique({ where: { id }, select: { name: true } }))?.name ?? null));
  if (work.status === "done") {
    const who = await name(work.performedById);
    return new ConflictError(`Maintenance ${work.id} is already done on ${work.performedAt ? isoDay(work.performedAt) : "?"}${who ? ` by ${who}` : ""}.`);
  }
  if (work.status === "cancelled") {
    const who = await name(work.cancelledById);
    return new ConflictError(`Maintenance ${work.id} was cancelled${work.cancelledAt ? ` on ${isoDay(work.cancelledAt)}` : ""}${who ? ` by ${who}` : ""}${work.cancelReason ? ` (${work.cancelReason})` : ""}; it cannot be ${wanted}.`);
  }
  if (work.status === "in_progress") {
    const who = await name(work.startedById);
    return new ConflictError(`Maintenance ${work.id} is already in progress since ${work.startedAt ? isoDay(work.startedAt) : "?"}${who ? ` (${who})` : ""}.`);
  }
  return new ConflictError(`Maintenance ${work.id} is ${MAINTENANCE_STATUS_LABEL[work.status].toLowerCase()}; it cannot be ${wanted}.`);
}

/** A step conditional on the statuses it may start from; a race lost becomes the 409 of the new state. */
/**
 * The statuses finishing or cancelling may move from: the side of "started" that was read. Work
 * someone started meanwhile is refused (409) rather than finished with the stale read, which would
 * leave the maintenance mode that start set on the device for good.
 */
const sameSideOfStart = (work: Work): Work["status"][] => (work.status === "in_progress" ? ["in_progress"] : ["scheduled", "overdue"]);

async function transition(tx: Tx, actor: Actor, work: Work, from: Work["status"][], data: Prisma.MaintenanceUncheckedUpdateManyInput, wanted: string) {
  const { count } = await tx.maintenance.updateMany({ where: { id: work.id, status: { in: from } }, data });
  if (count === 0) throw await refusal(tx, await loadScopedWork(tx, actor, work.id), wanted);
}

async function switchMode(tx: Tx, actor: Actor, device: { id: number; deviceId: string; state: string }, on: boolean, workId: number) {
  await setMaintenance(tx, [device], on, on ? `Maintenance work #${workId}` : undefined);
  await tx.auditEvent.create({
    data: {
      ...auditActor(actor),
      entityType: "device",
      entityId: device.deviceId,
      action: on ? "maintenance_on" : "maintenance_off",
      before: { maintenanceMode: !on, state: device.state },
      after: { maintenanceMode: on, state: on ? "maintenance" : "active", maintenanceId: workId },
    },
  });
}

/** Takes the device out of maintenance mode if this work put it there (and it is still in it). */
async function releaseMode(tx: Tx, actor: Actor, work: Work) {
  if (!work.modeSetByWork) return;
  const device = await tx.device.findUniqueOrThrow({ where: { id: work.deviceId }, select: { id: true, deviceId: true, state: true, maintenanceMode: true } });
  if (device.maintenanceMode && device.state === "maintenance") await switchMode(tx, actor, device, false, work.id);
}

/** One-off work on one device (maintenance.plan): a repair, a visit. */
export async function createWork(db: Db, actor: Actor, input: WorkInput): Promise<OccurrenceDetail> {
  assertMay(actor, "maintenance.plan");
  const device = await deviceForWork(db, actor, input.device!, { id: true, deviceId: true, farmId: true, state: true });
  await assertAssignable(db, device.farmId, input.assigneeId);
  const id = await db.$transaction(async (tx) => {
    const work = await tx.maintenance.create({
      data: {
        deviceId: device.id,
        farmId: device.farmId,
        maintenanceType: input.maintenanceType,
        status: "scheduled",
        scheduledDate: input.scheduledDate,
        assigneeId: input.assigneeId ?? null,
        description: input.description ?? null,
        durationMinutes: input.durationMinutes ?? null,
        useMaintenanceMode: input.useMaintenanceMode ?? true,
        createdById: actorUserId(actor),
      },
    });
    await recordAudit(tx, actor, {
      entityType: "maintenance",
      entityId: String(work.id),
      action: "create",
      after: { deviceId: device.deviceId, maintenanceType: work.maintenanceType, scheduledDate: isoDay(work.scheduledDate), assigneeId: work.assigneeId },
    });
    return work.id;
  });
  return getOccurrence(db, actor, id);
}

/** Starts work: the device goes into maintenance mode if the work uses it and it is not already. */
export async function startWork(db: Db, actor: Actor, id: number, input: StartWorkInput = {}, now: Date = new Date()): Promise<OccurrenceDetail> {
  assertMay(actor, "maintenance.write");
  const work = await loadScopedWork(db, actor, id);
  if (work.status !== "scheduled" && work.status !== "overdue") throw await refusal(db, work, "started");
  await db.$transaction(async (tx) => {
    const device = await tx.device.findUniqueOrThrow({ where: { id: work.deviceId }, select: { id: true, deviceId: true, state: true, maintenanceMode: true } });
    if (device.state === "decommissioned") throw new InvalidError(`${device.deviceId} is retired: cancel this work instead.`);
    const setMode = work.useMaintenanceMode && !device.maintenanceMode && device.state === "active";
    await transition(tx, actor, work, ["scheduled", "overdue"], { status: "in_progress", startedAt: now, startedById: actorUserId(actor), modeSetByWork: setMode, ...(input.notes ? { notes: input.notes } : {}) }, "started");
    if (setMode) await switchMode(tx, actor, device, true, id);
    if (work.status === "overdue") await syncOverdueAlerts(prismaSql(tx), { now, devices: [work.deviceId] });
    await recordAudit(tx, actor, { entityType: "maintenance", entityId: String(id), action: "start", before: { status: work.status }, after: { status: "in_progress", maintenanceMode: setMode ? "set by this work" : "unchanged" } });
  });
  return getOccurrence(db, actor, id);
}

/** Money in cents, so 3 × 0.10 is 0.30 and not 0.30000000000000004. */
const cents = (value: number) => Math.round(value * 100);

/** parts Σ quantity × unitCost, plus labour; null when no price was given at all (the cost reports then use the farm's visit price). */
export function workCost(parts: Part[], laborCost: number | null | undefined): Prisma.Decimal | null {
  const priced = parts.filter((part) => part.unitCost !== null && part.unitCost !== undefined);
  if (!priced.length && (laborCost === null || laborCost === undefined)) return null;
  const total = priced.reduce((sum, part) => sum + cents(part.unitCost!) * part.quantity, 0) + cents(laborCost ?? 0);
  return new Prisma.Decimal(total).dividedBy(100);
}

/**
 * Records work done: cost = parts + labour, who and when. Calibration readings (calibration work
 * only) write the calibration record and move the device's last/next calibration in the same
 * transaction. 409 when already done (or cancelled).
 */
export async function completeWork(db: Db, actor: Actor, id: number, input: CompleteWorkInput, now: Date = new Date()): Promise<OccurrenceDetail> {
  assertMay(actor, "maintenance.write");
  const work = await loadScopedWork(db, actor, id);
  if (work.status === "done" || work.status === "cancelled") throw await refusal(db, work, "recorded");
  if (input.calibration && work.maintenanceType !== "calibration") {
    throw new InvalidError(`Readings go with calibration work; this is ${MAINTENANCE_TYPE_LABEL[work.maintenanceType].toLowerCase()}.`, { calibration: ["Only calibration work records calibration readings"] });
  }
  const performedAt = input.performedAt ?? now;
  const cost = workCost(input.parts, input.laborCost);
  await db.$transaction(async (tx) => {
    await transition(
      tx,
      actor,
      work,
      sameSideOfStart(work),
      {
        status: "done",
        notes: input.notes ?? work.notes,
        parts: input.parts as unknown as Prisma.InputJsonValue,
        durationMinutes: input.durationMinutes ?? work.durationMinutes,
        laborCost: input.laborCost ?? null,
        cost,
        performedAt,
        performedById: actorUserId(actor),
        // Recorded without starting: it started when it was done.
        ...(work.startedAt ? {} : { startedAt: performedAt, startedById: actorUserId(actor) }),
      },
      "recorded",
    );
    let calibrationId: number | null = null;
    if (input.calibration) {
      const device = await tx.device.findUniqueOrThrow({ where: { id: work.deviceId }, select: CALIBRATED_DEVICE_SELECT });
      const calibration = await recordCalibrationIn(tx, {
        device,
        input: { ...input.calibration, performedAt: input.calibration.performedAt ?? performedAt, notes: input.calibration.notes ?? input.notes ?? null },
        actor,
        method: "manual",
        maintenanceId: id,
        now,
      });
      calibrationId = calibration.id;
    }
    await releaseMode(tx, actor, work);
    await syncOverdueAlerts(prismaSql(tx), { now, devices: [work.deviceId] });
    await recordAudit(tx, actor, {
      entityType: "maintenance",
      entityId: String(id),
      action: "complete",
      before: { status: work.status },
      after: { status: "done", cost: cost?.toFixed(2) ?? null, durationMinutes: input.durationMinutes ?? work.durationMinutes, parts: input.parts.length, calibrationId },
    });
  });
  return getOccurrence(db, actor, id);
}

/** Cancels open work with a reason (maintenance.plan); maintenance mode this work set is lifted. */
export async function cancelWork(db: Db, actor: Actor, id: number, input: CancelWorkInput, now: Date = new Date()): Promise<OccurrenceDetail> {
  assertMay(actor, "maintenance.plan");
  const work = await loadScopedWork(db, actor, id);
  if (work.status === "done" || work.status === "cancelled") throw await refusal(db, work, "cancelled");
  await db.$transaction(async (tx) => {
    await transition(tx, actor, work, sameSideOfStart(work), { status: "cancelled", cancelledAt: now, cancelledById: actorUserId(actor), cancelReason: input.reason }, "cancelled");
    await releaseMode(tx, actor, work);
    await syncOverdueAlerts(prismaSql(tx), { now, devices: [work.deviceId] });
    await recordAudit(tx, actor, { entityType: "maintenance", entityId: String(id), action: "cancel", before: { status: work.status }, after: { status: "cancelled", reason: input.reason } });
  });
  return getOccurrence(db, actor, id);
}

/**
 * Moves open work to another day (today or later; overdue work moved becomes scheduled again and
 * its alert is resolved when nothing else is overdue) and/or gives it to someone else
 * (maintenance.plan). Work in progress can be reassigned, not moved.
 */
export async function rescheduleWork(db: Db, actor: Actor, id: number, input: RescheduleWorkInput, now: Date = new Date()): Promise<OccurrenceDetail> {
  assertMay(actor, "maintenance.plan");
  const work = await loadScopedWork(db, actor, id);
  if (work.status === "done" || work.status === "cancelled") throw await refusal(db, work, "changed");
  const data: Prisma.MaintenanceUncheckedUpdateManyInput = {};
  if (input.scheduledDate) {
    if (work.status === "in_progress") throw new InvalidError("Work in progress cannot be moved to another day.", { scheduledDate: ["Work in progress cannot be moved; finish or cancel it"] });
    if (input.scheduledDate.getTime() < todayUtc(now).getTime()) throw new InvalidError("Work cannot be moved into the past.", { scheduledDate: ["Pick today or a later day"] });
    data.scheduledDate = input.scheduledDate;
    data.status = "scheduled";
  }
  if (input.assigneeId !== undefined) {
    await assertAssignable(db, work.farmId, input.assigneeId);
    data.assigneeId = input.assigneeId;
  }
  if (input.description !== undefined) data.description = input.description;
  try {
    await db.$transaction(async (tx) => {
      await transition(tx, actor, work, work.status === "in_progress" ? ["in_progress"] : ["scheduled", "overdue"], data, "changed");
      if (work.status === "overdue" && input.scheduledDate) await syncOverdueAlerts(prismaSql(tx), { now, devices: [work.deviceId] });
      await recordAudit(tx, actor, {
        entityType: "maintenance",
        entityId: String(id),
        action: "reschedule",
        before: { scheduledDate: isoDay(work.scheduledDate), assigneeId: work.assigneeId, status: work.status },
        after: { scheduledDate: input.scheduledDate ? isoDay(input.scheduledDate) : isoDay(work.scheduledDate), assigneeId: input.assigneeId === undefined ? work.assigneeId : input.assigneeId },
      });
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new ConflictError("The plan already has work for this device on that day.", { scheduledDate: ["The plan already has work for this device on that day"] });
    }
    throw error;
  }
  return getOccurrence(db, actor, id);
}
