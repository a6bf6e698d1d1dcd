/**
 * The dashboard's headline numbers: the farm health summary (lib/health/health-summary.ts) plus
 * the firmware updates running on the farm's devices.
 */
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { farmHealthSummary } from "../health/health-summary";
import { updateJobVisibleTo } from "../ota/update-job-views";

export async function fleetSummary(db: Db, actor: Actor, selectedFarm: number | null) {
  const farmId = farmScope(actor) ?? selectedFarm;
  const [health, runningJobs] = await Promise.all([
    farmHealthSummary(db, actor, farmId),
    // A job counts for a farm when one of the farm's devices is in it, and for a person who may open it.
    db.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM update_jobs j
       WHERE j.state = 'in_progress' AND ${updateJobVisibleTo(actor)}
         AND (${farmId}::int IS NULL OR EXISTS (SELECT 1 FROM update_logs l JOIN devices d ON d.id = l.device_id WHERE l.job_id = j.id AND d.farm_id = ${farmId}::int))`,
  ]);
  return { ...health, runningJobs: runningJobs[0]?.count ?? 0 };
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
