/**
 * A device as an actor may see it: named by its public id (MM001) or its row id, and only on the
 * actor's farm when the actor is bound to one. Another farm's device is "not found", never
 * "forbidden", so its existence does not leak. Every area that acts on one device starts here.
 */
import type { Prisma } from "@prisma/client";
import { farmScope, type Actor } from "../auth/permissions";
import { NotFoundError } from "../errors";

/** A device named by its public id (MM001) or its row id. */
export type DeviceRef = string | number;

export async function findScopedDevice<S extends Prisma.DeviceSelect>(
  db: Pick<Prisma.TransactionClient, "device">,
  actor: Pick<Actor, "farmId" | "role">,
  ref: DeviceRef,
  select: S,
): Promise<Prisma.DeviceGetPayload<{ select: S }>> {
  const scope = farmScope(actor);
  const where: Prisma.DeviceWhereInput = typeof ref === "number" ? { id: ref } : { deviceId: ref };
  const row = await db.device.findFirst({ where: { ...where, ...(scope !== null ? { farmId: scope } : {}) }, select });
  if (!row) throw new NotFoundError(`No device ${String(ref)}.`);
  return row as Prisma.DeviceGetPayload<{ select: S }>;
}
