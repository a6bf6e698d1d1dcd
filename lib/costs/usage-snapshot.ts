/**
 * The usage job's work: keep one DeviceUsageMonth row per device and month, so a month's data is
 * bytesEnd − bytesStart of the device's cumulative data counter without keeping raw telemetry for
 * months. Hourly; each run is two set-based statements, fine at 100,000 devices.
 *
 * The first snapshot of a month starts from the previous row's bytesEnd when the device has one:
 * what the device sent between the last snapshot of last month and this one is counted in this
 * month, never lost. A device without any row starts at its counter now.
 */
import type { Sql } from "../telemetry/sql";
import { monthStart } from "./cost-months";

export type UsageSnapshotResult = { month: string; inserted: number; updated: number };

/** A device's counter only grows (ingest adds to it), so bytesEnd never moves backwards. */
export async function snapshotUsage(sql: Sql, now: Date): Promise<UsageSnapshotResult> {
  const month = monthStart(now).toISOString().slice(0, 10);
  const updated = await sql.query(
    `UPDATE device_usage_months u
        SET bytes_end = GREATEST(u.bytes_end, d.data_transmitted_bytes),
            battery_end = COALESCE(d.battery_level, u.battery_end),
            battery_start = COALESCE(u.battery_start, d.battery_level),
            updated_at = $2::timestamptz
       FROM devices d
      WHERE u.device_id = d.id AND u.month = $1::date
        AND d.retired_at IS NULL AND d.state <> 'decommissioned'
        AND (d.data_transmitted_bytes > u.bytes_end OR d.battery_level IS DISTINCT FROM u.battery_end)`,
    [month, now.toISOString()],
  );
  const inserted = await sql.query(
    `INSERT INTO device_usage_months (device_id, month, farm_id, bytes_start, bytes_end, battery_start, battery_end, updated_at)
     SELECT d.id, $1::date, d.farm_id,
            LEAST(COALESCE(prev.bytes_end, d.data_transmitted_bytes), d.data_transmitted_bytes),
            d.data_transmitted_bytes, d.battery_level, d.battery_level, $2::timestamptz
       FROM devices d
       LEFT JOIN LATERAL (
         SELECT p.bytes_end FROM device_usage_months p
          WHERE p.device_id = d.id AND p.month < $1::date
          ORDER BY p.month DESC LIMIT 1
       ) prev ON true
      WHERE d.retired_at IS NULL AND d.state <> 'decommissioned'
        AND NOT EXISTS (SELECT 1 FROM device_usage_months u WHERE u.device_id = d.id AND u.month = $1::date)
     ON CONFLICT (device_id, month) DO UPDATE
        SET bytes_end = GREATEST(device_usage_months.bytes_end, EXCLUDED.bytes_end),
            battery_end = COALESCE(EXCLUDED.battery_end, device_usage_months.battery_end),
            updated_at = EXCLUDED.updated_at`,
    [month, now.toISOString()],
  );
  return { month: month.slice(0, 7), inserted: inserted.rowCount ?? 0, updated: updated.rowCount ?? 0 };
}
