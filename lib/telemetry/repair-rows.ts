/**
 * A device row may lag behind its stored samples: the worker holds a row write back for up to
 * `deviceRowRefreshMs` (store-window.ts) after the window holding its samples committed and was
 * acknowledged. A worker that dies then (kill -9, power loss, out of memory) takes that row write
 * with it, and the row keeps older values than the samples until the device reports again. The
 * worker therefore repairs rows at start, from the samples themselves.
 *
 * What samples do not carry stays as it was: uptime, storage, and the bytes sent during the
 * held-back seconds. Health status, connection and attention flag are never held back when they
 * change, so they need no repair.
 */
import type { SqlPool } from "./sql";

/**
 * Brings every device row whose `values_at` is older than its newest sample up to its samples:
 * each value from the newest sample that reported it, `values_at` and `last_seen` from the newest.
 * One statement; a device costs one probe of the (device_id, ts) index, a stale one also a read of
 * its samples newer than its row. Returns the device ids repaired.
 */
export async function repairDeviceRows(pool: SqlPool): Promise<string[]> {
  const { rows } = await pool.query<{ device_id: string }>(
    `WITH stale AS (
       SELECT d.id, d.values_at, newest.ts AS newest_ts
         FROM devices d
        -- Only samples newer than the row can make it stale: bounding ts lets PostgreSQL skip the
        -- older day partitions (run-time pruning) instead of probing every day's index per device.
        CROSS JOIN LATERAL (SELECT t.ts FROM telemetry_samples t
                             WHERE t.device_id = d.id AND t.ts > COALESCE(d.values_at, '-infinity')
                             ORDER BY t.ts DESC LIMIT 1) newest
        WHERE d.state <> 'decommissioned'
          AND d.last_seen IS NOT NULL
          AND (d.values_at IS NULL OR newest.ts > d.values_at)
     ), unreflected AS (
       SELECT s.device_id,
              max(s.ts) AS ts,
              max(s.received_at) AS received_at,
              (array_agg(s.battery_level ORDER BY s.ts DESC) FILTER (WHERE s.battery_level IS NOT NULL))[1] AS battery_level,
              (array_agg(s.battery_voltage ORDER BY s.ts DESC) FILTER (WHERE s.battery_voltage IS NOT NULL))[1] AS battery_voltage,
              (array_agg(s.signal_strength ORDER BY s.ts DESC) FILTER (WHERE s.signal_strength IS NOT NULL))[1] AS signal_strength,
              (array_agg(s.error_count ORDER BY s.ts DESC) FILTER (WHERE s.error_count IS NOT NULL))[1] AS error_count,
              (array_agg(s.cpu_percent ORDER BY s.ts DESC) FILTER (WHERE s.cpu_percent IS NOT NULL))[1] AS cpu_percent,
              (array_agg(s.memory_percent ORDER BY s.ts DESC) FILTER (WHERE s.memory_percent IS NOT NULL))[1] AS memory_percent,
              (array_agg(s.health_score ORDER BY s.ts DESC) FILTER (WHERE s.health_score IS NOT NULL))[1] AS health_score
         FROM stale
         JOIN telemetry_samples s ON s.device_id = stale.id
          -- A row that never had values (status only, then a held-back first reading): its newest sample.
          AND (s.ts > stale.values_at OR (stale.values_at IS NULL AND s.ts = stale.newest_ts))
        GROUP BY s.device_id
     )
     UPDATE devices AS d SET
            values_at = u.ts,
            last_seen = GREATEST(d.last_seen, u.received_at),
            battery_level = COALESCE(u.battery_level, d.battery_level),
            battery_voltage = COALESCE(u.battery_voltage, d.battery_voltage),
            signal_strength = COALESCE(u.signal_strength, d.signal_strength),
            error_count = COALESCE(u.error_count, d.error_count),
            cpu_percent = COALESCE(u.cpu_percent, d.cpu_percent),
            memory_percent = COALESCE(u.memory_percent, d.memory_percent),
            health_score = COALESCE(u.health_score, d.health_score)
       FROM unreflected u
      WHERE d.id = u.device_id
        -- A worker still running may have written the row meanwhile.
        AND (d.values_at IS NULL OR u.ts > d.values_at)
     RETURNING d.device_id`,
  );
  return rows.map((row) => row.device_id);
}
