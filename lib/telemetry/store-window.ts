/**
 * Writes one coalesced window in one transaction, set-based: one SELECT of the window's devices,
 * one multi-row UPDATE of their rows, one multi-row INSERT of the samples, one multi-row UPDATE of
 * the answered commands. Every list travels as one array parameter through `unnest`, so a window
 * of any size binds a few dozen parameters (Prisma and PostgreSQL cap a statement at 32,767).
 */
import { assessDevice, type AttentionInputs } from "../health/device-health";
import type { TelemetryWindow } from "./coalesce";
import { inTransaction, type SqlPool } from "./sql";

type StoredDevice = {
  id: number;
  device_id: string;
  state: string;
  last_seen: Date | null;
  error_count: number;
  battery_level: number | null;
  signal_strength: number | null;
  uptime_seconds: number | null;
  calibration_status: AttentionInputs["calibrationStatus"];
  firmware_update_status: string;
  low_battery_threshold: number;
};

export type StoreResult = {
  /** Messages written (samples, status changes, command answers) for known devices. */
  stored: number;
  /** Device ids of the window that are not registered, or decommissioned: nothing was written. */
  unknownDeviceIds: string[];
  /** Messages that belonged to those devices. */
  unknownMessages: number;
};

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

export async function storeWindow(pool: SqlPool, window: TelemetryWindow, now: Date): Promise<StoreResult> {
  const deviceIds = [...window.states.keys()];
  if (deviceIds.length === 0) return { stored: 0, unknownDeviceIds: [], unknownMessages: 0 };

  return inTransaction(pool, async (sql) => {
    // Locked in id order so two workers flushing overlapping windows cannot deadlock, and so the
    // sweep cannot recompute a row between our read and our write.
    const { rows } = await sql.query<StoredDevice>(
      `SELECT id, device_id, state::text AS state, last_seen, error_count, battery_level, signal_strength,
              uptime_seconds, calibration_status::text AS calibration_status,
              firmware_update_status::text AS firmware_update_status, low_battery_threshold
         FROM devices
        WHERE device_id = ANY($1::text[])
        ORDER BY id
          FOR NO KEY UPDATE`,
      [deviceIds],
    );
    const known = new Map(rows.filter((row) => row.state !== "decommissioned").map((row) => [row.device_id, row]));
    const unknownDeviceIds = deviceIds.filter((id) => !known.has(id));
    const unknownMessages = window.messages.filter((message) => !known.has(message.deviceId)).length;

    const d = {
      id: [] as number[],
      lastSeen: [] as (string | null)[],
      battery: [] as (number | null)[],
      voltage: [] as (number | null)[],
      signal: [] as (number | null)[],
      errors: [] as (number | null)[],
      uptime: [] as (number | null)[],
      restarted: [] as boolean[],
      cpu: [] as (number | null)[],
      memory: [] as (number | null)[],
      storage: [] as (number | null)[],
      firmware: [] as (string | null)[],
      lat: [] as (number | null)[],
      lon: [] as (number | null)[],
      bytes: [] as string[],
      healthStatus: [] as string[],
      healthScore: [] as number[],
      signalQuality: [] as string[],
      connection: [] as string[],
      needsAttention: [] as boolean[],
    };
    const scoreByDevice = new Map<string, number>();

    for (const update of window.states.values()) {
      const current = known.get(update.deviceId);
      if (!current) continue;
      // The row as it will be after this write: what the health rules must judge.
      const lastSeen =
        update.lastSeen && (!current.last_seen || update.lastSeen > current.last_seen) ? update.lastSeen : current.last_seen;
      const assessed = assessDevice(
        {
          lastSeen,
          errorCount: update.errorCount ?? current.error_count,
          batteryLevel: update.batteryLevel ?? current.battery_level,
          signalStrength: update.signalStrength ?? current.signal_strength,
          calibrationStatus: current.calibration_status,
          firmwareUpdateStatus: current.firmware_update_status,
          lowBatteryThreshold: current.low_battery_threshold,
        },
        now,
      );
      scoreByDevice.set(update.deviceId, assessed.healthScore);
      d.id.push(current.id);
      d.lastSeen.push(iso(update.lastSeen));
      d.battery.push(orNull(update.batteryLevel));
      d.voltage.push(orNull(update.batteryVoltage));
      d.signal.push(orNull(update.signalStrength));
      d.errors.push(orNull(update.errorCount));
      d.uptime.push(orNull(update.uptimeSeconds));
      d.restarted.push(
        update.uptimeSeconds !== undefined && current.uptime_seconds !== null && update.uptimeSeconds < current.uptime_seconds,
      );
      d.cpu.push(orNull(update.cpuPercent));
      d.memory.push(orNull(update.memoryPercent));
      d.storage.push(orNull(update.storagePercent));
      d.firmware.push(orNull(update.firmwareVersion));
      d.lat.push(orNull(update.latitude));
      d.lon.push(orNull(update.longitude));
      d.bytes.push(String(update.bytesSent));
      d.healthStatus.push(assessed.healthStatus);
      d.healthScore.push(assessed.healthScore);
      d.signalQuality.push(assessed.signalQuality);
      // An explicit "offline" (last will) outranks the age rule until the device speaks again.
      d.connection.push(update.connection === "offline" ? "offline" : assessed.connectionStatus);
      d.needsAttention.push(assessed.needsAttention);
    }

    if (d.id.length > 0) {
      await sql.query(
        `UPDATE devices AS d SET
            last_seen = GREATEST(d.last_seen, u.last_seen),
            battery_level = COALESCE(u.battery, d.battery_level),
            battery_voltage = COALESCE(u.voltage, d.battery_voltage),
            signal_strength = COALESCE(u.signal, d.signal_strength),
            error_count = COALESCE(u.errors, d.error_count),
            uptime_seconds = COALESCE(u.uptime, d.uptime_seconds),
            restart_count = d.restart_count + CASE WHEN u.restarted THEN 1 ELSE 0 END,
            last_restart = CASE WHEN u.restarted THEN $21::timestamptz ELSE d.last_restart END,
            cpu_percent = COALESCE(u.cpu, d.cpu_percent),
            memory_percent = COALESCE(u.memory, d.memory_percent),
            storage_percent = COALESCE(u.storage, d.storage_percent),
            firmware_version = COALESCE(u.firmware, d.firmware_version),
            latitude = COALESCE(u.lat, d.latitude),
            longitude = COALESCE(u.lon, d.longitude),
            location_updated_at = CASE WHEN u.lat IS NULL THEN d.location_updated_at ELSE $21::timestamptz END,
            data_transmitted_bytes = d.data_transmitted_bytes + u.bytes,
            health_status = u.health_status::"HealthStatus",
            health_score = u.health_score,
            signal_quality = u.signal_quality::"SignalQuality",
            connection_status = u.connection::"ConnectionStatus",
            needs_attention = u.needs_attention,
            last_health_check = $21::timestamptz,
            updated_at = $21::timestamptz
          FROM unnest($1::int[], $2::timestamptz[], $3::float8[], $4::float8[], $5::int[], $6::int[], $7::int[],
                      $8::bool[], $9::float8[], $10::float8[], $11::float8[], $12::text[], $13::float8[], $14::float8[],
                      $15::bigint[], $16::text[], $17::float8[], $18::text[], $19::text[], $20::bool[])
            AS u(id, last_seen, battery, voltage, signal, errors, uptime, restarted, cpu, memory, storage, firmware,
                 lat, lon, bytes, health_status, health_score, signal_quality, connection, needs_attention)
         WHERE d.id = u.id`,
        [
          d.id, d.lastSeen, d.battery, d.voltage, d.signal, d.errors, d.uptime, d.restarted, d.cpu, d.memory, d.storage,
          d.firmware, d.lat, d.lon, d.bytes, d.healthStatus, d.healthScore, d.signalQuality, d.connection,
          d.needsAttention, now.toISOString(),
        ],
      );
    }

    const samples = window.samples.filter((sample) => known.has(sample.deviceId));
    if (samples.length > 0) {
      await sql.query(
        `INSERT INTO telemetry_samples
              (device_id, ts, received_at, battery_level, battery_voltage, signal_strength, error_count, health_score,
               cpu_percent, memory_percent, readings)
         SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[], $4::float8[], $5::float8[], $6::int[],
                              $7::int[], $8::float8[], $9::float8[], $10::float8[], $11::jsonb[])`,
        [
          samples.map((s) => known.get(s.deviceId)!.id),
          samples.map((s) => s.ts.toISOString()),
          samples.map((s) => s.receivedAt.toISOString()),
          samples.map((s) => s.batteryLevel),
          samples.map((s) => s.batteryVoltage),
          samples.map((s) => s.signalStrength),
          samples.map((s) => s.errorCount),
          samples.map((s) => scoreByDevice.get(s.deviceId) ?? null),
          samples.map((s) => s.cpuPercent),
          samples.map((s) => s.memoryPercent),
          samples.map((s) => (s.readings ? JSON.stringify(s.readings) : null)),
        ],
      );
    }

    const outcomes = [...window.commandOutcomes.values()].filter((outcome) => known.has(outcome.deviceId));
    if (outcomes.length > 0) {
      // Matched on command id AND device: a device can only answer its own commands. A final
      // answer is never reopened by a late "executing".
      await sql.query(
        `UPDATE commands AS c SET
            status = u.status::"CommandStatus",
            result = COALESCE(u.result, c.result),
            error_message = COALESCE(u.error, c.error_message),
            completed_at = CASE WHEN u.status IN ('completed', 'failed') THEN u.received_at ELSE c.completed_at END
          FROM unnest($1::text[], $2::int[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[])
            AS u(command_id, device_pk, status, result, error, received_at)
         WHERE c.command_id = u.command_id
           AND c.device_id = u.device_pk
           AND NOT (c.status IN ('completed', 'failed') AND u.status = 'executing')`,
        [
          outcomes.map((o) => o.commandId),
          outcomes.map((o) => known.get(o.deviceId)!.id),
          outcomes.map((o) => o.status),
          outcomes.map((o) => (o.result ? JSON.stringify(o.result) : null)),
          outcomes.map((o) => o.error),
          outcomes.map((o) => o.receivedAt.toISOString()),
        ],
      );
    }

    return { stored: window.size - unknownMessages, unknownDeviceIds, unknownMessages };
  });
}
