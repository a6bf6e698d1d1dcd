/**
 * A completed calibrate_* command whose result carries readings (the catalogue's calibrationResult)
 * becomes a calibration record, method "command", in the ingest window's transaction that stores the
 * answer (lib/commands/command-outcomes.ts): the answer and its calibration commit together or not at
 * all, and a redelivered answer makes no second record (calibrations.command_id is unique).
 *
 * That transaction is node-postgres, not Prisma (the ingest hot path, lib/telemetry/sql.ts), so
 * recordCalibrationIn cannot run in it. This is its set-based twin: the same rules (the device's or
 * its type's interval, the next due date, a failed calibration due the same day, only the newest
 * calibration sets the device, an audit line), taken from calibration-rules.ts, and held to
 * recordCalibrationIn by command-calibrations.integration.test.ts.
 */
import { calibrationResult, CALIBRATION_COMMANDS } from "../commands/catalogue";
import type { Sql } from "../telemetry/sql";
import { calibrationIntervalDays, calibrationStatusOn, nextCalibrationDate, type CalibrationStatusName } from "./calibration-rules";

export type FinishedCalibrationCommand = {
  command_id: string;
  command_type: string;
  /** devices.id */
  device_id: number;
  status: string;
  result: Record<string, unknown> | null;
  received_at: Date;
};

type DeviceRow = { id: number; device_id: string; farm_id: number; device_type: string; calibration_interval_days: number | null; state: string };

export function isCalibrationCommand(type: string): boolean {
  return (CALIBRATION_COMMANDS as readonly string[]).includes(type);
}

/**
 * Records the calibrations of the window's completed calibrate_* answers. Returns the calibration
 * status each device has now, by devices.id, for the row write of the same window.
 */
export async function recordCommandCalibrations(sql: Sql, finished: readonly FinishedCalibrationCommand[], now = new Date()): Promise<Map<number, CalibrationStatusName>> {
  const statuses = new Map<number, CalibrationStatusName>();
  const readings = finished
    .filter((row) => row.status === "completed" && isCalibrationCommand(row.command_type))
    .map((row) => ({ row, parsed: calibrationResult.safeParse(row.result ?? {}) }))
    .filter((entry) => entry.parsed.success)
    .map((entry) => ({ row: entry.row, result: entry.parsed.data! }));
  if (readings.length === 0) return statuses;

  const { rows: devices } = await sql.query<DeviceRow>(
    `SELECT id, device_id, farm_id, device_type::text AS device_type, calibration_interval_days, state::text AS state FROM devices WHERE id = ANY($1::int[])`,
    [[...new Set(readings.map((entry) => entry.row.device_id))]],
  );
  const byId = new Map(devices.map((device) => [device.id, device]));

  const records = readings
    .filter((entry) => byId.get(entry.row.device_id) && byId.get(entry.row.device_id)!.state !== "decommissioned")
    .map(({ row, result }) => {
      const device = byId.get(row.device_id)!;
      const interval = calibrationIntervalDays({ deviceType: device.device_type, calibrationIntervalDays: device.calibration_interval_days });
      // A device clock ahead of ours does not date a calibration in the future: the answer's arrival does.
      const performedAt = row.received_at.getTime() > now.getTime() ? now : row.received_at;
      const nextDueOn = !result.passed ? nextCalibrationDate(performedAt, 0) : interval === null ? null : nextCalibrationDate(performedAt, interval);
      return { row, result, device, interval, performedAt, nextDueOn };
    });
  if (records.length === 0) return statuses;

  const { rows: inserted } = await sql.query<{ id: number; command_id: string }>(
    `INSERT INTO calibrations (device_id, farm_id, method, command_id, reference, reference_value, before_value, after_value,
                               before_offset, after_offset, unit, tolerance, passed, performed_at, next_due_on)
     SELECT u.device_id, u.farm_id, 'command', u.command_id, u.reference, u.reference_value, u.before_value, u.after_value,
            u.before_offset, u.after_offset, u.unit, u.tolerance, u.passed, u.performed_at, u.next_due_on
       FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[],
                   $10::text[], $11::float8[], $12::bool[], $13::timestamptz[], $14::date[])
         AS u(device_id, farm_id, command_id, reference, reference_value, before_value, after_value, before_offset, after_offset,
              unit, tolerance, passed, performed_at, next_due_on)
     ON CONFLICT (command_id) DO NOTHING
     RETURNING id, command_id`,
    [
      records.map((r) => r.device.id),
      records.map((r) => r.device.farm_id),
      records.map((r) => r.row.command_id),
      records.map((r) => r.result.reference ?? null),
      records.map((r) => r.result.reference_value ?? null),
      records.map((r) => r.result.before ?? null),
      records.map((r) => r.result.after ?? null),
      records.map((r) => r.result.offset_before ?? null),
      records.map((r) => r.result.offset_after ?? null),
      records.map((r) => r.result.unit ?? null),
      records.map((r) => r.result.tolerance ?? null),
      records.map((r) => r.result.passed),
      records.map((r) => r.performedAt.toISOString()),
      records.map((r) => (r.nextDueOn ? r.nextDueOn.toISOString().slice(0, 10) : null)),
    ],
  );
  if (inserted.length === 0) return statuses;
  const idByCommand = new Map(inserted.map((row) => [row.command_id, row.id]));
  const made = records.filter((r) => idByCommand.has(r.row.command_id));

  // The newest per device sets it, and only when no calibration after it is on record (one entered
  // by hand since, say): the same rule as recordCalibrationIn.
  const newest = new Map<number, (typeof made)[number]>();
  for (const record of made) {
    const held = newest.get(record.device.id);
    if (!held || held.performedAt.getTime() <= record.performedAt.getTime()) newest.set(record.device.id, record);
  }
  const setting = [...newest.values()].map((r) => ({ ...r, status: calibrationStatusOn(r.nextDueOn, r.interval, now) }));
  const { rows: updated } = await sql.query<{ id: number; calibration_status: CalibrationStatusName }>(
    `UPDATE devices AS d SET last_calibration = u.at, next_calibration_due = u.next_due, calibration_status = u.status::"CalibrationStatus", updated_at = now()
       FROM unnest($1::int[], $2::timestamptz[], $3::date[], $4::text[], $5::int[]) AS u(id, at, next_due, status, calibration_id)
      WHERE d.id = u.id
        AND NOT EXISTS (SELECT 1 FROM calibrations c WHERE c.device_id = u.id AND c.performed_at > u.at AND c.id <> u.calibration_id)
      RETURNING d.id, d.calibration_status::text AS calibration_status`,
    [
      setting.map((r) => r.device.id),
      setting.map((r) => r.performedAt.toISOString()),
      setting.map((r) => (r.nextDueOn ? r.nextDueOn.toISOString().slice(0, 10) : null)),
      setting.map((r) => r.status),
      setting.map((r) => idByCommand.get(r.row.command_id)!),
    ],
  );
  for (const row of updated) statuses.set(row.id, row.calibration_status);

  await sql.query(
    `INSERT INTO audit_events (entity_type, entity_id, action, actor_label, after)
     SELECT 'device', u.device_id, 'calibration.recorded', 'worker', u.after FROM unnest($1::text[], $2::jsonb[]) AS u(device_id, after)`,
    [
      made.map((r) => r.device.device_id),
      made.map((r) =>
        JSON.stringify({ calibrationId: idByCommand.get(r.row.command_id), passed: r.result.passed, method: "command", commandId: r.row.command_id, nextDueOn: r.nextDueOn?.toISOString().slice(0, 10) ?? null }),
      ),
    ],
  );
  return statuses;
}
