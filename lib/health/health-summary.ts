/**
 * I-013 §6 `get_farm_health_summary` and one device's health as the API answers it. The summary is
 * one SQL statement over the stored M92 fields (the worker and the sweep keep them current), so it
 * costs the same for 20 devices or 100,000 and never loads devices into memory.
 */
import { ALERT_SEVERITIES } from "../alerts/alert-fields";
import type { Actor } from "../auth/permissions";
import { farmScope } from "../auth/permissions";
import type { Db } from "../db";
import { HEALTH_STATUSES } from "../devices/device-fields";
import { NotFoundError } from "../errors";
import { effectiveHealthCheckInterval } from "./device-health";

/** What the summary counts by; "connecting" and "error" are never stored by the sweep. */
export const CONNECTION_STATUSES = ["online", "degraded", "offline", "unknown"] as const;
export const SIGNAL_QUALITIES = ["excellent", "good", "fair", "poor", "none"] as const;

type Counts<K extends string> = Record<K, number>;

export type FarmHealthSummary = {
  farm: { id: number; code: string; name: string } | null;
  totalDevices: number;
  healthSummary: Counts<(typeof HEALTH_STATUSES)[number]>;
  connectionStatus: Counts<(typeof CONNECTION_STATUSES)[number]>;
  connectionQuality: Counts<(typeof SIGNAL_QUALITIES)[number]>;
  averageHealthScore: number | null;
  needsAttention: number;
  /** Below the device's own low-battery threshold. */
  lowBattery: number;
  offline: number;
  inMaintenance: number;
  batteryStatistics: { avgPercent: number | null; minPercent: number | null; devicesReporting: number };
  byType: { deviceType: string; total: number; healthy: number; warning: number; critical: number; unknown: number; needsAttention: number }[];
  /** Alerts not yet resolved (active or acknowledged), device and group alerts of the farm. */
  openAlerts: Counts<(typeof ALERT_SEVERITIES)[number]> & { total: number };
  timestamp: string;
};

/** Zero for every key the summary promises, so a farm without critical devices still says 0. */
export function zeroFilled<K extends string>(keys: readonly K[], counts: Record<string, number> | null | undefined): Counts<K> {
  return Object.fromEntries(keys.map((key) => [key, Number(counts?.[key] ?? 0)])) as Counts<K>;
}

/** Which farm a summary is for: the actor's own if farm-bound; a farm they cannot see does not exist. */
export async function resolveSummaryFarm(db: Db, actor: Actor, farm: string | number | null) {
  const scope = farmScope(actor);
  if (farm === null || farm === "") {
    if (scope === null) return null;
    return db.farm.findUniqueOrThrow({ where: { id: scope }, select: { id: true, code: true, name: true } });
  }
  const found =
    typeof farm === "number" || /^\d+$/.test(farm)
      ? await db.farm.findUnique({ where: { id: Number(farm) }, select: { id: true, code: true, name: true } })
      : await db.farm.findUnique({ where: { code: farm.toUpperCase() }, select: { id: true, code: true, name: true } });
  if (!found || (scope !== null && found.id !== scope)) throw new NotFoundError(`Farm ${farm} not found.`);
  return found;
}

type SummaryRow = {
  total: number;
  by_health: Record<string, number> | null;
  by_connection: Record<string, number> | null;
  by_quality: Record<string, number> | null;
  avg_score: number | null;
  needs_attention: number;
  low_battery: number;
  in_maintenance: number;
  battery_avg: number | null;
  battery_min: number | null;
  battery_reporting: number;
  by_type: { deviceType: string; total: number; healthy: number; warning: number; critical: number; unknown: number; needsAttention: number }[] | null;
  alerts: Record<string, number> | null;
};

const round1 = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);

/**
 * The summary of one farm, or of every farm the actor may see (`farm` null). Retired devices are
 * not part of the fleet any more and are left out.
 */
export async function farmHealthSummary(db: Db, actor: Actor, farm: string | number | null = null, now = new Date()): Promise<FarmHealthSummary> {
  const target = await resolveSummaryFarm(db, actor, farm);
  const farmId = target?.id ?? null;
  const [row] = await db.$queryRaw<SummaryRow[]>`
    WITH fleet AS (
      SELECT health_status::text AS health, connection_status::text AS connection, signal_quality::text AS quality,
             device_type::text AS device_type, health_score, needs_attention, battery_level, low_battery_threshold, maintenance_mode
        FROM devices
       WHERE state <> 'decommissioned' AND (${farmId}::int IS NULL OR farm_id = ${farmId}::int)
    ), types AS (
      SELECT device_type, count(*)::int AS total,
             count(*) FILTER (WHERE health = 'healthy')::int AS healthy,
             count(*) FILTER (WHERE health = 'warning')::int AS warning,
             count(*) FILTER (WHERE health = 'critical')::int AS critical,
             count(*) FILTER (WHERE health = 'unknown')::int AS unknown,
             count(*) FILTER (WHERE needs_attention)::int AS needs_attention
        FROM fleet GROUP BY device_type
    )
    SELECT (SELECT count(*)::int FROM fleet) AS total,
           (SELECT jsonb_object_agg(health, n) FROM (SELECT health, count(*)::int AS n FROM fleet GROUP BY health) s) AS by_health,
           (SELECT jsonb_object_agg(connection, n) FROM (SELECT connection, count(*)::int AS n FROM fleet GROUP BY connection) s) AS by_connection,
           (SELECT jsonb_object_agg(quality, n) FROM (SELECT quality, count(*)::int AS n FROM fleet GROUP BY quality) s) AS by_quality,
           (SELECT avg(health_score)::float8 FROM fleet) AS avg_score,
           (SELECT count(*)::int FROM fleet WHERE needs_attention) AS needs_attention,
           (SELECT count(*)::int FROM fleet WHERE battery_level < low_battery_threshold) AS low_battery,
           (SELECT count(*)::int FROM fleet WHERE maintenance_mode) AS in_maintenance,
           (SELECT avg(battery_level)::float8 FROM fleet) AS battery_avg,
           (SELECT min(battery_level)::float8 FROM fleet) AS battery_min,
           (SELECT count(battery_level)::int FROM fleet) AS battery_reporting,
           (SELECT jsonb_agg(jsonb_build_object('deviceType', device_type, 'total', total, 'healthy', healthy, 'warning', warning,
                                                'critical', critical, 'unknown', unknown, 'needsAttention', needs_attention)
                             ORDER BY total DESC, device_type) FROM types) AS by_type,
           (SELECT jsonb_object_agg(severity, n) FROM (
              SELECT a.severity::text AS severity, count(*)::int AS n
                FROM alerts a
                LEFT JOIN devices d ON d.id = a.device_id
                LEFT JOIN device_groups g ON g.id = a.group_id
               WHERE a.state <> 'resolved'
                 AND (${farmId}::int IS NULL OR coalesce(d.farm_id, g.farm_id) = ${farmId}::int)
               GROUP BY a.severity) s) AS alerts`;
  const connectionStatus = zeroFilled(CONNECTION_STATUSES, row!.by_connection);
  const alerts = zeroFilled(ALERT_SEVERITIES, row!.alerts);
  return {
    farm: target,
    totalDevices: row!.total,
    healthSummary: zeroFilled(HEALTH_STATUSES, row!.by_health),
    connectionStatus,
    connectionQuality: zeroFilled(SIGNAL_QUALITIES, row!.by_quality),
    averageHealthScore: round1(row!.avg_score),
    needsAttention: row!.needs_attention,
    lowBattery: row!.low_battery,
    offline: connectionStatus.offline,
    inMaintenance: row!.in_maintenance,
    batteryStatistics: { avgPercent: round1(row!.battery_avg), minPercent: round1(row!.battery_min), devicesReporting: row!.battery_reporting },
    byType: row!.by_type ?? [],
    openAlerts: { ...alerts, total: alerts.critical + alerts.warning + alerts.low },
    timestamp: now.toISOString(),
  };
}

/**
 * One device's health fields (M92 task 1.1 + I-013 §6.2) and its open alerts. Another farm's
 * device is "not found" for a farm-bound actor, as everywhere else.
 */
export async function deviceHealth(db: Db, actor: Actor, deviceId: string) {
  const device = await db.device.findUnique({
    where: { deviceId },
    select: {
      id: true,
      deviceId: true,
      name: true,
      deviceType: true,
      state: true,
      farmId: true,
      farm: { select: { code: true, name: true } },
      healthStatus: true,
      healthScore: true,
      signalStrength: true,
      signalQuality: true,
      connectionStatus: true,
      needsAttention: true,
      batteryLevel: true,
      batteryVoltage: true,
      powerSource: true,
      lowBatteryThreshold: true,
      errorCount: true,
      calibrationStatus: true,
      firmwareUpdateStatus: true,
      maintenanceMode: true,
      lastSeen: true,
      lastHealthCheck: true,
      healthCheckInterval: true,
      group: { select: { healthCheckInterval: true } },
    },
  });
  const scope = farmScope(actor);
  if (!device || (scope !== null && device.farmId !== scope)) throw new NotFoundError(`Device ${deviceId} not found.`);
  const openAlerts = await db.alert.findMany({
    where: { deviceId: device.id, state: { not: "resolved" } },
    orderBy: [{ lastOccurrence: "desc" }, { id: "desc" }],
    select: { id: true, alertType: true, severity: true, state: true, message: true, occurrenceCount: true, firstOccurrence: true, lastOccurrence: true },
  });
  const { id, farmId, group, ...fields } = device;
  void farmId;
  return {
    dbId: id,
    ...fields,
    // The interval the monitor really uses: the device's own, else its group's.
    healthCheckInterval: effectiveHealthCheckInterval(device.healthCheckInterval, group?.healthCheckInterval),
    batteryLow: device.batteryLevel !== null && device.batteryLevel < device.lowBatteryThreshold,
    openAlerts,
  };
}

export type DeviceHealth = Awaited<ReturnType<typeof deviceHealth>>;
