/**
 * Every minute (M92 `run_health_checks`, I-013 §6.2 ConnectionStatusMonitor): devices that went
 * quiet get their connection status aged (online → degraded → offline) and, past OFFLINE_AFTER_MS,
 * their health marked critical. Ingest only runs when a device speaks, so silence is noticed here.
 *
 * One set-based UPDATE does the sweep for the whole fleet. The sweep only ever downgrades a
 * connection: upgrades come from the device's own messages, and a device whose last will said
 * "offline" a minute ago must not be swept back to "online" because its last_seen is recent.
 * Devices in maintenance mode or not active are left alone (M92 skips them too).
 *
 * The thresholds come from lib/health/device-health.ts as parameters; the few devices that just
 * became critical get their score and needs-attention from `assessDevice` itself (a second,
 * set-based statement), so no health rule is written twice.
 */
import { z } from "zod";
import {
  assessDevice,
  CONNECTION_DEGRADED_MS,
  CONNECTION_ONLINE_MS,
  OFFLINE_AFTER_MS,
  type AttentionInputs,
} from "../health/device-health";
import type { Sql } from "../telemetry/sql";
import { defineJob } from "./define-job";

type BecameCritical = {
  id: number;
  last_seen: Date;
  error_count: number;
  battery_level: number | null;
  signal_strength: number | null;
  calibration_status: AttentionInputs["calibrationStatus"];
  firmware_update_status: string;
  low_battery_threshold: number;
};

export type SweepResult = { changed: number; becameCritical: number };

export async function sweepConnections(sql: Sql, now: Date): Promise<SweepResult> {
  const swept = await sql.query<BecameCritical & { became_critical: boolean }>(
    `WITH judged AS (
       SELECT id,
              health_status AS previous_health,
              connection_status::text AS previous_connection,
              CASE WHEN last_seen > $1::timestamptz - make_interval(secs => $2::float8 / 1000) THEN 'online'
                   WHEN last_seen > $1::timestamptz - make_interval(secs => $3::float8 / 1000) THEN 'degraded'
                   ELSE 'offline' END AS connection,
              last_seen < $1::timestamptz - make_interval(secs => $4::float8 / 1000) AS stale
         FROM devices
        WHERE state = 'active' AND NOT maintenance_mode AND last_seen IS NOT NULL
     ),
     ranked AS (
       -- unknown / connecting / error rank 0, so any judgement replaces them.
       SELECT j.*,
              COALESCE(array_position(ARRAY['online', 'degraded', 'offline'], j.connection), 0) AS next_rank,
              COALESCE(array_position(ARRAY['online', 'degraded', 'offline'], j.previous_connection), 0) AS current_rank
         FROM judged j
     )
     UPDATE devices AS d SET
            connection_status = CASE
              WHEN r.next_rank > r.current_rank THEN r.connection::"ConnectionStatus" ELSE d.connection_status END,
            health_status = CASE WHEN r.stale THEN 'critical'::"HealthStatus" ELSE d.health_status END,
            last_health_check = $1::timestamptz
       FROM ranked r
      WHERE d.id = r.id
        AND (r.next_rank > r.current_rank OR (r.stale AND d.health_status <> 'critical'))
  RETURNING d.id, d.last_seen, d.error_count, d.battery_level, d.signal_strength,
            d.calibration_status::text AS calibration_status, d.firmware_update_status::text AS firmware_update_status,
            d.low_battery_threshold, (r.stale AND r.previous_health <> 'critical') AS became_critical`,
    [now.toISOString(), CONNECTION_ONLINE_MS, CONNECTION_DEGRADED_MS, OFFLINE_AFTER_MS],
  );

  const critical = swept.rows.filter((row) => row.became_critical);
  if (critical.length > 0) {
    const assessed = critical.map((row) =>
      assessDevice(
        {
          lastSeen: row.last_seen,
          errorCount: row.error_count,
          batteryLevel: row.battery_level,
          signalStrength: row.signal_strength,
          calibrationStatus: row.calibration_status,
          firmwareUpdateStatus: row.firmware_update_status,
          lowBatteryThreshold: row.low_battery_threshold,
        },
        now,
      ),
    );
    await sql.query(
      `UPDATE devices AS d SET health_score = u.score, needs_attention = u.needs_attention
         FROM unnest($1::int[], $2::float8[], $3::bool[]) AS u(id, score, needs_attention)
        WHERE d.id = u.id`,
      [critical.map((row) => row.id), assessed.map((a) => a.healthScore), assessed.map((a) => a.needsAttention)],
    );
  }
  return { changed: swept.rowCount ?? 0, becameCritical: critical.length };
}

export const connectionSweepJob = defineJob({
  name: "connection-sweep",
  schema: z.object({}).passthrough(),
  cron: "* * * * *",
  async handle(_data, { sql, log, now }) {
    const result = await sweepConnections(sql, now());
    if (result.changed > 0) {
      log(`connection-sweep: ${result.changed} device(s) changed, ${result.becameCritical} newly critical (not seen for over ${OFFLINE_AFTER_MS / 60_000} min)`);
    }
  },
});
