/**
 * The checks every maintenance mutation makes, once: the role's permission, the farm, and who may
 * be given work. Another farm's record is "not found" (see loadScopedWork / loadScopedPlan).
 */
import { allows, farmScope, permissionRefusal, type Actor, type Permission } from "../auth/permissions";
import type { Db } from "../db";
import { findScopedDevice, type DeviceRef } from "../devices/find-device";
import { ForbiddenError, InvalidError, NotFoundError } from "../errors";

export function assertMay(actor: Actor, permission: Permission) {
  const refusal = permissionRefusal(actor, permission);
  if (refusal) throw new ForbiddenError(refusal);
}

/** The user id of the actor, or null for an API key. */
export const actorUserId = (actor: Actor) => (actor.kind === "user" ? actor.id : null);

/**
 * A device named in a form: another farm's or an unknown one is a field error ("Unknown device",
 * the same words either way, so another farm's devices do not leak), and so is a retired one.
 */
export async function deviceForWork<S extends Parameters<typeof findScopedDevice>[3] & { state: true; deviceId: true }>(
  db: Pick<Db, "device">,
  actor: Actor,
  ref: DeviceRef,
  select: S,
  field = "device",
) {
  let device;
  try {
    device = await findScopedDevice(db, actor, ref, select);
  } catch (error) {
    if (error instanceof NotFoundError) throw new InvalidError(`Unknown device ${String(ref)}.`, { [field]: [`Unknown device ${String(ref)}`] });
    throw error;
  }
  const row = device as unknown as { state: string; deviceId: string };
  if (row.state === "decommissioned") throw new InvalidError(`${row.deviceId} is retired: it gets no maintenance.`, { [field]: [`${row.deviceId} is retired: it gets no maintenance`] });
  return device;
}

/**
 * Work can be given to an active person who does maintenance (technician and up) and works on the
 * farm (or on every farm). null: nobody.
 */
export async function assertAssignable(db: Pick<Db, "user">, farmId: number, assigneeId: number | null | undefined, field = "assigneeId") {
  if (assigneeId === null || assigneeId === undefined) return;
  const user = await db.user.findUnique({ where: { id: assigneeId }, select: { id: true, name: true, role: true, farmId: true, active: true } });
  if (!user || !user.active) throw new InvalidError("Unknown person.", { [field]: ["Unknown person"] });
  if (!allows({ kind: "user", role: user.role, farmId: user.farmId }, "maintenance.write")) {
    throw new InvalidError(`${user.name} cannot do maintenance (role ${user.role}).`, { [field]: [`${user.name} cannot do maintenance (role ${user.role})`] });
  }
  if (user.farmId !== null && user.farmId !== farmId) throw new InvalidError(`${user.name} works on another farm.`, { [field]: [`${user.name} works on another farm`] });
}

/** The farm an actor asks for: theirs when bound (another one is a field error), else the one given. */
export function farmForActor(actor: Actor, farmId: number | null | undefined, field = "farmId"): number | null {
  const scope = farmScope(actor);
  if (scope !== null && farmId !== null && farmId !== undefined && farmId !== scope) throw new InvalidError("Unknown farm.", { [field]: ["Unknown farm"] });
  return scope ?? farmId ?? null;
}
