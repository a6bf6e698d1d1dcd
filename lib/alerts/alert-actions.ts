/**
 * People handling alerts (M92 `action_acknowledge`, `action_resolve`): active → acknowledged →
 * resolved, or active → resolved at once. Resolved is final. The role and the farm are checked
 * here, not only by the page, and each step leaves a line in the alert's change history.
 */
import { can, type Actor } from "../auth/permissions";
import { recordAudit } from "../audit/record";
import type { Db } from "../db";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors";
import { ALERT_STATE_LABEL, type AlertStateName } from "./alert-fields";
import { alertVisibleTo, getAlert } from "./alert-list";
import type { AcknowledgeAlertInput, ResolveAlertInput } from "./alert-schemas";

function assertMayManage(actor: Actor) {
  if (!can(actor.role, "alerts.manage")) throw new ForbiddenError(`Your role (${actor.role}) cannot acknowledge or resolve alerts.`);
}

/** The alert's state, or "not found" when it is another farm's (its existence is not theirs to know). */
async function loadState(db: Pick<Db, "alert" | "deviceGroup">, actor: Actor, id: number): Promise<AlertStateName> {
  const alert = await db.alert.findUnique({ where: { id }, select: { state: true, groupId: true, device: { select: { farmId: true } } } });
  const group = alert?.groupId && !alert.device ? await db.deviceGroup.findUnique({ where: { id: alert.groupId }, select: { farmId: true } }) : null;
  if (!alert || !alertVisibleTo(actor, { deviceFarmId: alert.device?.farmId ?? null, groupFarmId: group?.farmId ?? null })) throw new NotFoundError(`Alert ${id} not found.`);
  return alert.state;
}

function refusal(id: number, state: AlertStateName, wanted: "acknowledge" | "resolve"): ConflictError {
  if (state === "resolved") return new ConflictError(`Alert ${id} is already resolved; a resolved alert is final. If the problem is back, the health monitor raises a new alert.`);
  if (wanted === "acknowledge") return new ConflictError(`Alert ${id} is already acknowledged. Resolve it once the cause is fixed.`);
  return new ConflictError(`Alert ${id} cannot be resolved while ${ALERT_STATE_LABEL[state].toLowerCase()}.`);
}

export async function acknowledgeAlert(db: Db, actor: Actor, id: number, input: AcknowledgeAlertInput) {
  assertMayManage(actor);
  const state = await loadState(db, actor, id);
  if (state !== "active") throw refusal(id, state, "acknowledge");
  const notes = input.notes ?? null;
  await db.$transaction(async (tx) => {
    // Conditional on the state read above: the health monitor may auto-resolve the alert, or a
    // colleague acknowledge it, between the read and this write; then this one is refused.
    const { count } = await tx.alert.updateMany({
      where: { id, state: "active" },
      data: { state: "acknowledged", acknowledgedById: actor.kind === "user" ? actor.id : null, acknowledgedAt: new Date(), acknowledgeNotes: notes },
    });
    if (count === 0) throw refusal(id, await loadState(tx, actor, id), "acknowledge");
    await recordAudit(tx, actor, { entityType: "alert", entityId: String(id), action: "acknowledge", before: { state }, after: { state: "acknowledged", notes } });
  });
  return getAlert(db, actor, id);
}

export async function resolveAlert(db: Db, actor: Actor, id: number, input: ResolveAlertInput) {
  assertMayManage(actor);
  const state = await loadState(db, actor, id);
  if (state === "resolved") throw refusal(id, state, "resolve");
  await db.$transaction(async (tx) => {
    const { count } = await tx.alert.updateMany({
      where: { id, state: { in: ["active", "acknowledged"] } },
      data: { state: "resolved", resolvedById: actor.kind === "user" ? actor.id : null, resolvedAt: new Date(), resolutionNotes: input.notes },
    });
    if (count === 0) throw refusal(id, await loadState(tx, actor, id), "resolve");
    await recordAudit(tx, actor, { entityType: "alert", entityId: String(id), action: "resolve", before: { state }, after: { state: "resolved", notes: input.notes } });
  });
  return getAlert(db, actor, id);
}
