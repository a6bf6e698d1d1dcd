import type { Prisma } from "@prisma/client";
import type { Db } from "../db";

/** The dashboard's headline numbers, counted in SQL for one farm or all. */
export async function fleetSummary(db: Db, farmId: number | null) {
  const devices: Prisma.DeviceWhereInput = { ...(farmId ? { farmId } : {}), state: { not: "decommissioned" } };
  const [total, online, needsAttention, byHealth, alerts, runningJobs] = await Promise.all([
    db.device.count({ where: devices }),
    db.device.count({ where: { ...devices, connectionStatus: "online" } }),
    db.device.count({ where: { ...devices, needsAttention: true } }),
    db.device.groupBy({ by: ["healthStatus"], where: devices, _count: { _all: true } }),
    db.alert.groupBy({ by: ["severity"], where: { state: "active", ...(farmId ? { device: { farmId } } : {}) }, _count: { _all: true } }),
    db.updateJob.count({ where: { state: "in_progress" } }),
  ]);
  return {
    total,
    online,
    needsAttention,
    health: Object.fromEntries(byHealth.map((row) => [row.healthStatus, row._count._all])) as Partial<Record<"healthy" | "warning" | "critical" | "unknown", number>>,
    activeAlerts: Object.fromEntries(alerts.map((row) => [row.severity, row._count._all])) as Partial<Record<"low" | "warning" | "critical", number>>,
    runningJobs,
  };
}

export function recentlySeenDevices(db: Db, farmId: number | null, take = 8) {
  return db.device.findMany({
    where: { ...(farmId ? { farmId } : {}), lastSeen: { not: null } },
    orderBy: { lastSeen: "desc" },
    take,
    select: { id: true, deviceId: true, name: true, healthStatus: true, connectionStatus: true, batteryLevel: true, lastSeen: true },
  });
}
