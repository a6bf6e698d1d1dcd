/**
 * Maintenance plans (I-013 `schedule_maintenance`): made, changed and deactivated by planners
 * (maintenance.plan) on their farm. A new or changed plan's occurrences are made at once, in the
 * same transaction, by the function the maintenance sweep runs (materializePlans), so the
 * calendar shows them without waiting for the worker.
 */
import type { MaintenancePlan, Prisma } from "@prisma/client";
import type { Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { InvalidError, ConflictError } from "../errors";
import { prismaSql } from "../ota/job-stops";
import { actorUserId, assertAssignable, assertMay, deviceForWork, farmForActor } from "./maintenance-access";
import { getPlan, loadScopedPlan, todayUtc } from "./maintenance-queries";
import type { PlanInput, PlanUpdateInput } from "./maintenance-schemas";
import { materializePlans, syncOverdueAlerts } from "./maintenance-sweep";
import type { PlanDetail } from "./maintenance-types";
import { firstOnOrAfter, isoDay, isRecurring, type Recurrence } from "./recurrence";

/** Plans over a whole type or a big group insert many rows at once. */
const TX = { timeout: 120_000, maxWait: 10_000 } as const;

function checkStart(recurrence: Recurrence, today: Date) {
  if (!isRecurring(recurrence) && recurrence.startsOn.getTime() < today.getTime()) {
    throw new InvalidError("A one-off plan cannot start in the past.", { startsOn: ["Pick today or a later day (record past work as one-off work instead)"] });
  }
  if (isRecurring(recurrence) && !firstOnOrAfter(recurrence, today)) {
    throw new InvalidError("The plan ends before its next date.", { endsOn: ["The plan has no date left from today: move the end date"] });
  }
}

function planAudit(plan: MaintenancePlan): Prisma.InputJsonValue {
  return {
    name: plan.name,
    maintenanceType: plan.maintenanceType,
    scope: plan.scope,
    deviceId: plan.deviceId,
    groupId: plan.groupId,
    deviceType: plan.deviceType,
    everyCount: plan.everyCount,
    everyUnit: plan.everyUnit,
    startsOn: isoDay(plan.startsOn),
    endsOn: plan.endsOn ? isoDay(plan.endsOn) : null,
    assigneeId: plan.assigneeId,
    durationMinutes: plan.durationMinutes,
    useMaintenanceMode: plan.useMaintenanceMode,
    active: plan.active,
  };
}

/**
 * Refused per field: another farm's (or an unknown) device or group, a retired device, a group not
 * on the plan's farm, a one-off plan in the past, an assignee who cannot do maintenance there.
 */
export async function createPlan(db: Db, actor: Actor, input: PlanInput, now: Date = new Date()): Promise<PlanDetail> {
  assertMay(actor, "maintenance.plan");
  const today = todayUtc(now);
  let farmId: number | null;
  let deviceId: number | null = null;
  let groupId: number | null = null;
  if (input.scope === "device") {
    const device = await deviceForWork(db, actor, input.device!, { id: true, deviceId: true, farmId: true, state: true });
    if (input.farmId && input.farmId !== device.farmId) throw new InvalidError(`${device.deviceId} is not on that farm.`, { device: [`${device.deviceId} is not on the plan's farm`] });
    farmId = device.farmId;
    deviceId = device.id;
  } else if (input.scope === "group") {
    const asked = farmForActor(actor, input.farmId);
    const group = await db.deviceGroup.findUnique({ where: { id: input.groupId! }, select: { id: true, name: true, farmId: true, active: true } });
    const scope = actor.farmId;
    if (!group || !group.active || (scope !== null && group.farmId !== null && group.farmId !== scope)) throw new InvalidError("Unknown group.", { groupId: ["Unknown group"] });
    if (group.farmId !== null && asked !== null && group.farmId !== asked) throw new InvalidError(`${group.name} is not on the plan's farm.`, { groupId: [`${group.name} is on another farm than the plan`] });
    farmId = group.farmId ?? asked;
    if (farmId === null) throw new InvalidError(`${group.name} spans farms: pick the farm the plan is for.`, { farmId: ["Pick the farm: this group spans farms"] });
    groupId = group.id;
  } else {
    farmId = farmForActor(actor, input.farmId);
    if (farmId === null) throw new InvalidError("Pick the farm the plan is for.", { farmId: ["Pick the farm"] });
  }
  if (!(await db.farm.findUnique({ where: { id: farmId }, select: { id: true } }))) throw new InvalidError("Unknown farm.", { farmId: ["Unknown farm"] });
  await assertAssignable(db, farmId, input.assigneeId);

  const recurrence: Recurrence = { startsOn: input.startsOn, endsOn: input.endsOn ?? null, everyCount: input.everyCount ?? null, everyUnit: input.everyUnit ?? null };
  checkStart(recurrence, today);
  const nextOn = firstOnOrAfter(recurrence, today);

  const id = await db.$transaction(async (tx) => {
    const plan = await tx.maintenancePlan.create({
      data: {
        farmId,
        name: input.name,
        maintenanceType: input.maintenanceType,
        scope: input.scope,
        deviceId,
        groupId,
        // A group plan may narrow to one type of its devices (the parlour's milk meters).
        deviceType: input.scope === "device" ? null : (input.deviceType ?? null),
        everyCount: recurrence.everyCount,
        everyUnit: recurrence.everyUnit,
        startsOn: recurrence.startsOn,
        endsOn: recurrence.endsOn,
        nextOn,
        assigneeId: input.assigneeId ?? null,
        description: input.description ?? null,
        durationMinutes: input.durationMinutes ?? null,
        useMaintenanceMode: input.useMaintenanceMode ?? true,
        createdById: actorUserId(actor),
      },
    });
    const made = await materializePlans(prismaSql(tx), { now, planIds: [plan.id] });
    await recordAudit(tx, actor, { entityType: "maintenance_plan", entityId: String(plan.id), action: "create", after: { ...(planAudit(plan) as object), occurrencesMade: made } });
    return plan.id;
  }, TX);
  return getPlan(db, actor, id);
}

const defined = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;

/**
 * Changes a plan. Its open, not yet started occurrences take the new assignee, type, description,
 * duration and maintenance-mode choice; when the dates or rhythm change, its scheduled occurrences
 * from today on are removed and made again in the new rhythm (started, done, cancelled and
 * overdue work stays as it was).
 */
export async function updatePlan(db: Db, actor: Actor, id: number, input: PlanUpdateInput, now: Date = new Date()): Promise<PlanDetail> {
  assertMay(actor, "maintenance.plan");
  const plan = await loadScopedPlan(db, actor, id);
  if (!plan.active) throw new ConflictError(`Plan ${id} is deactivated; make a new plan instead.`);
  const today = todayUtc(now);
  const change = defined(input);
  const merged: Recurrence = {
    startsOn: change.startsOn ?? plan.startsOn,
    endsOn: "endsOn" in change ? (change.endsOn ?? null) : plan.endsOn,
    everyCount: "everyCount" in change ? (change.everyCount ?? null) : plan.everyCount,
    everyUnit: "everyUnit" in change ? (change.everyUnit ?? null) : plan.everyUnit,
  };
  if ((merged.everyCount === null) !== (merged.everyUnit === null)) {
    throw new InvalidError("Give both the interval and its unit, or neither (one-off).", merged.everyCount === null ? { everyCount: ["Say how many (every N)"] } : { everyUnit: ["Say days, weeks or months"] });
  }
  if (merged.endsOn && merged.endsOn.getTime() < merged.startsOn.getTime()) throw new InvalidError("The end date is before the first date.", { endsOn: ["The end date must be on or after the first date"] });
  const rhythmChanged =
    merged.startsOn.getTime() !== plan.startsOn.getTime() ||
    (merged.endsOn?.getTime() ?? null) !== (plan.endsOn?.getTime() ?? null) ||
    merged.everyCount !== plan.everyCount ||
    merged.everyUnit !== plan.everyUnit;
  if (rhythmChanged) checkStart(merged, today);
  if ("assigneeId" in change) await assertAssignable(db, plan.farmId, change.assigneeId);

  await db.$transaction(async (tx) => {
    const updated = await tx.maintenancePlan.update({
      where: { id },
      data: {
        name: change.name,
        maintenanceType: change.maintenanceType,
        description: "description" in change ? (change.description ?? null) : undefined,
        assigneeId: "assigneeId" in change ? (change.assigneeId ?? null) : undefined,
        durationMinutes: "durationMinutes" in change ? (change.durationMinutes ?? null) : undefined,
        useMaintenanceMode: change.useMaintenanceMode,
        startsOn: merged.startsOn,
        endsOn: merged.endsOn,
        everyCount: merged.everyCount,
        everyUnit: merged.everyUnit,
        ...(rhythmChanged ? { nextOn: firstOnOrAfter(merged, today) } : {}),
      },
    });
    await tx.maintenance.updateMany({
      where: { planId: id, status: { in: ["scheduled", "overdue"] } },
      data: {
        maintenanceType: updated.maintenanceType,
        description: updated.description,
        assigneeId: updated.assigneeId,
        durationMinutes: updated.durationMinutes,
        useMaintenanceMode: updated.useMaintenanceMode,
      },
    });
    let made = 0;
    if (rhythmChanged) {
      await tx.maintenance.deleteMany({ where: { planId: id, status: "scheduled", scheduledDate: { gte: today }, startedAt: null } });
      made = await materializePlans(prismaSql(tx), { now, planIds: [id] });
    }
    await recordAudit(tx, actor, { entityType: "maintenance_plan", entityId: String(id), action: "update", before: planAudit(plan), after: { ...(planAudit(updated) as object), occurrencesMade: made } });
  }, TX);
  return getPlan(db, actor, id);
}

export const PLAN_STOPPED_REASON = "Plan deactivated";

/**
 * Stops the plan: no more occurrences; its work not yet started (scheduled or overdue) is
 * cancelled with the reason "Plan deactivated", and their overdue alerts resolved. Work in
 * progress is left to finish.
 */
export async function deactivatePlan(db: Db, actor: Actor, id: number, now: Date = new Date()): Promise<PlanDetail> {
  assertMay(actor, "maintenance.plan");
  const plan = await loadScopedPlan(db, actor, id);
  if (!plan.active) return getPlan(db, actor, id);
  await db.$transaction(async (tx) => {
    await tx.maintenancePlan.update({ where: { id }, data: { active: false, nextOn: null } });
    const cancelled = await tx.$queryRawUnsafe<{ device_id: number }[]>(
      `UPDATE maintenances SET status = 'cancelled', cancelled_at = $2::timestamptz, cancelled_by_id = $3, cancel_reason = $4, updated_at = now()
        WHERE plan_id = $1 AND status IN ('scheduled', 'overdue') RETURNING device_id`,
      id,
      now.toISOString(),
      actorUserId(actor),
      PLAN_STOPPED_REASON,
    );
    await syncOverdueAlerts(prismaSql(tx), { now, devices: [...new Set(cancelled.map((row) => row.device_id))] });
    await recordAudit(tx, actor, { entityType: "maintenance_plan", entityId: String(id), action: "deactivate", before: { active: true }, after: { active: false, occurrencesCancelled: cancelled.length } });
  }, TX);
  return getPlan(db, actor, id);
}
