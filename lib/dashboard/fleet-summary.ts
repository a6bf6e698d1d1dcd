/**
 * The dashboard's headline numbers: the farm health summary (lib/health/health-summary.ts) plus
 * the firmware updates running on the farm's devices.
 */
import type { Actor } from "../auth/permissions";
import type { Db } from "../db";
import { farmHealthSummary } from "../health/health-summary";

export async function fleetSummary(db: Db, actor: Actor, farmId: number | null) {
  const [health, runningJobs] = await Promise.all([
    farmHealthSummary(db, actor, farmId),
    // A job counts for a farm when one of the farm's devices is in it.
    db.updateJob.count({ where: { state: "in_progress", ...(farmId ? { logs: { some: { device: { farmId } } } } : {}) } }),
  ]);
  return { ...health, runningJobs };
}

export type FleetSummary = Awaited<ReturnType<typeof fleetSummary>>;

export function recentlySeenDevices(db: Db, farmId: number | null, take = 8) {
  return db.device.findMany({
    where: { ...(farmId ? { farmId } : {}), lastSeen: { not: null } },
    orderBy: { lastSeen: "desc" },
    take,
    select: { id: true, deviceId: true, name: true, healthStatus: true, connectionStatus: true, batteryLevel: true, lastSeen: true },
  });
}
