/**
 * Writes one coalesced window in one transaction, set-based: one SELECT of the window's devices,
 * one multi-row UPDATE of their rows, one multi-row INSERT of the samples, the answered commands
 * and their consequences (lib/commands/command-outcomes.ts), and — only when a device is heard
 * from for the first time — one INSERT of its "activated" history lines. Every list travels as one array parameter through `unnest`, so a
 * window of any size binds a few dozen parameters (Prisma and PostgreSQL cap a statement at 32,767).
 *
 * `last_health_check` is not written here: it records the health monitor's sweep (M92
 * `run_health_checks`), which owns it; the per-message scoring below keeps the row current between
 * two sweeps.
 */
import { stateChangeRefusal } from "../devices/lifecycle";
import type { DeviceStateName } from "../devices/device-fields";
import { assessDevice, type AttentionInputs } from "../health/device-health";
import { DEFAULT_HEALTH_THRESHOLDS } from "../health/health-thresholds";
import type { ThresholdLookup } from "../health/threshold-book";
import { MAX_CLOCK_SKEW_MS, NOTHING_REPORTED, type DeviceStateUpdate, type ReportedValues, type TelemetryWindow } from "./coalesce";
import { storeCommandAnswers, type StatusRefresh } from "../commands/command-outcomes";
import { storeConfigReports } from "../configuration/config-report-apply";
import { inTransaction, keepToBtreeLookups, type Sql, type SqlPool } from "./sql";

type StoredDevice = {
  id: number;
  device_id: string;
  device_type: string;
  farm_id: number | null;
  group_id: number | null;
  state: string;
  /** Timestamps travel as epoch milliseconds: parsing a Date per column and row showed in the worker's profile. */
  last_seen: number | null;
  error_count: number;
  battery_level: number | null;
  signal_strength: number | null;
  cpu_percent: number | null;
  memory_percent: number | null;
  uptime_seconds: number | null;
  calibration_status: AttentionInputs["calibrationStatus"];
  firmware_update_status: string;
  low_battery_threshold: number;
  /** Provisioning (or registration) time: a device clock reading earlier than this is wrong. */
  clock_floor: number;
  /** Device time of the telemetry behind the row's values: telemetry older than it is late, not current. */
  values_at: number | null;
};

/** What the last committed row write of a device said: a window that would not change it may wait. */
export type WrittenRow = {
  at: number;
  healthStatus: string;
  connection: string;
  needsAttention: boolean;
  signalQuality: string;
};

/**
 * What every device row says now, as if each had been written at a random moment of the last
 * `refreshMs`: a worker that (re)starts then spreads its first row writes over that time instead
 * of rewriting the whole fleet in its first windows. One SELECT, at start.
 */
export async function loadWrittenRows(pool: SqlPool, refreshMs: number, now = Date.now()): Promise<Map<string, WrittenRow>> {
  const { rows } = await pool.query<{ device_id: string; health_status: string; connection_status: string; needs_attention: boolean; signal_quality: string }>(
    `SELECT device_id, health_status::text AS health_status, connection_status::text AS connection_status, needs_attention,
            signal_quality::text AS signal_quality
       FROM devices
      WHERE state <> 'decommissioned' AND last_seen IS NOT NULL`,
  );
  return new Map(
    rows.map((row) => [
      row.device_id,
      {
        at: now - Math.random() * refreshMs,
        healthStatus: row.health_status,
        connection: row.connection_status,
        needsAttention: row.needs_attention,
        signalQuality: row.signal_quality,
      },
    ]),
  );
}

export type StoreOptions = {
  /**
   * Row writes of devices whose health, connection, signal quality and attention flag would not
   * change, and whose row was written less than this long ago, are held back (returned as
   * `deferred`) — their samples are stored all the same. 0 = write every device of every window.
   */
  deferRowsForMs?: number;
  /** The worker's memory of its committed row writes (updated here after each commit). */
  written?: Map<string, WrittenRow>;
  /** Each device's health limits (lib/health/threshold-book.ts); M92's when not given. */
  thresholds?: ThresholdLookup;
};

export type StoreResult = {
  /** Messages written (samples, status changes, command answers) for known devices. */
  stored: number;
  /** Device ids of the window that are not registered, or decommissioned: nothing was written. */
  unknownDeviceIds: string[];
  /** Messages that belonged to those devices. */
  unknownMessages: number;
  /** Devices moved to "active" by this window (first contact). */
  activated?: string[];
  /** Samples whose device clock was not believable (ahead, or before provisioning): filed under our receive time. */
  clockSkewed?: number;
  /** Telemetry older than what the device had already reported: stored as a sample, current values kept. */
  outOfOrder?: number;
  /** Device states whose row write was held back (see StoreOptions): hand them to the next window. */
  deferred?: DeviceStateUpdate[];
  /** Command answers that moved a command on (lib/commands/command-outcomes.ts). */
  commandAnswers?: number;
  /** Command responses refused: an unknown command, or another device's. Nothing stored. */
  commandRefused?: number;
  /** Configuration reports taken, dropped (a version the device never had), and campaign logs they finished. */
  configReports?: number;
  configReportsDropped?: number;
  configCampaignFinished?: number;
};

/**
 * States a device leaves for "active" when it is first heard from (I-013 §3: provisioned, then
 * registered to a farm, then active once it reports). Suspended, maintenance and retired devices
 * keep their state whatever they send: those are a person's decisions.
 */
export const FIRST_CONTACT_STATES: readonly DeviceStateName[] = ["provisioned", "registered"];
for (const state of FIRST_CONTACT_STATES) {
  // The lifecycle is the rule book: first contact may only make a move a person could make.
  if (stateChangeRefusal(state, "active")) throw new Error(`lifecycle does not allow ${state} → active`);
}
const activatesOnContact = (state: string) => (FIRST_CONTACT_STATES as readonly string[]).includes(state);

/** Who the device's history names for an automatic activation. */
export const ACTIVATION_ACTOR = "worker";

const iso = (date: Date | null) => (date ? date.toISOString() : null);
/** A timestamp column as epoch milliseconds (float8: node-postgres hands it over as a number). */
const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;
const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/** The reported values with what a get_status answer said on top (it asked the device just now). */
function withRefresh(values: ReportedValues, refresh: StatusRefresh | undefined): ReportedValues {
  if (!refresh) return values;
  return {
    ...values,
    cpuPercent: refresh.cpuPercent ?? values.cpuPercent,
    memoryPercent: refresh.memoryPercent ?? values.memoryPercent,
    storagePercent: refresh.storagePercent ?? values.storagePercent,
    uptimeSeconds: refresh.uptimeSeconds ?? values.uptimeSeconds,
    firmwareVersion: refresh.firmwareVersion ?? values.firmwareVersion,
  };
}

export async function storeWindow(pool: SqlPool, window: TelemetryWindow, now: Date, options: StoreOptions = {}): Promise<StoreResult> {
  const deviceIds = [...window.states.keys()];
  if (deviceIds.length === 0) return { stored: 0, unknownDeviceIds: [], unknownMessages: 0 };
  const rowsWritten: [string, WrittenRow][] = [];
  const result = await inTransaction(pool, (sql) => writeWindow(sql, window, now, deviceIds, options, rowsWritten));
  // Remembered only once committed: a rolled-back write must not excuse the next one.
  for (const [deviceId, row] of rowsWritten) options.written?.set(deviceId, row);
  return result;
}

async function writeWindow(
  sql: Sql,
  window: TelemetryWindow,
  now: Date,
  deviceIds: string[],
  options: StoreOptions,
  rowsWritten: [string, WrittenRow][],
): Promise<StoreResult> {
  await keepToBtreeLookups(sql);
  // Locked in id order so two workers flushing overlapping windows cannot deadlock, and so the
  // sweep cannot recompute a row between our read and our write.
  const { rows } = await sql.query<StoredDevice>(
    `SELECT d.id, d.device_id, d.device_type::text AS device_type, d.farm_id, d.group_id, d.state::text AS state,
            ${epochMs("d.last_seen")} AS last_seen, d.error_count, d.battery_level,
            d.signal_strength, d.cpu_percent, d.memory_percent, d.uptime_seconds, d.calibration_status::text AS calibration_status,
            d.firmware_update_status::text AS firmware_update_status, d.low_battery_threshold,
            ${epochMs("COALESCE(d.provisioning_date, d.created_at)")} AS clock_floor, ${epochMs("d.values_at")} AS values_at
       FROM devices d
      WHERE d.device_id = ANY($1::text[])
      ORDER BY d.id
        FOR NO KEY UPDATE OF d`,
    [deviceIds],
  );
  const known = new Map(rows.filter((row) => row.state !== "decommissioned").map((row) => [row.device_id, row]));
  const unknownDeviceIds = deviceIds.filter((id) => !known.has(id));
  const unknownMessages = window.messages.filter((message) => !known.has(message.deviceId)).length;

  // Answers to commands, and what a finished command changes (lib/commands/command-outcomes.ts).
  // First: a get_status answer's values join the device's row write below, one write per device.
  const answers = await storeCommandAnswers(
    sql,
    [...window.commandOutcomes.values()]
      .filter((outcome) => known.has(outcome.deviceId))
      .map((outcome) => ({ ...outcome, devicePk: known.get(outcome.deviceId)!.id })),
  );

  // A calibrate_* answer just set the calibration status: score the device by it.
  for (const row of known.values()) row.calibration_status = answers.calibrationStatus.get(row.id) ?? row.calibration_status;

  // Configuration reports (lib/configuration/config-report-apply.ts), and the campaigns they move.
  const configReports = await storeConfigReports(
    sql,
    window.configReports.filter((report) => known.has(report.deviceId)).map((report) => ({ ...report, devicePk: known.get(report.deviceId)!.id })),
  );

  // Device clocks: one ahead of ours was already replaced by our receive time (coalesce.ts); one
  // reading before the device was even provisioned (a reset real-time clock: 1970, 2000) is
  // replaced here. Either way the sample is kept, filed under the time we received it.
  let clockSkewed = 0;
  let outOfOrder = 0;
  // (The window is not modified: a failed flush replays it.)
  const samples = window.samples.filter((sample) => known.has(sample.deviceId));
  const sampleTs: Date[] = [];
  const newestSoFar = new Map<string, number>();
  const newestInWindow = new Map<string, number>();
  for (const sample of samples) {
    const device = known.get(sample.deviceId)!;
    let ts = sample.ts;
    if (sample.clockSkewed) clockSkewed += 1;
    else if (ts.getTime() < device.clock_floor - MAX_CLOCK_SKEW_MS) {
      ts = sample.receivedAt;
      clockSkewed += 1;
    }
    sampleTs.push(ts);
    const newest = newestSoFar.get(sample.deviceId) ?? device.values_at ?? -Infinity;
    if (ts.getTime() < newest) outOfOrder += 1;
    newestSoFar.set(sample.deviceId, Math.max(newest, ts.getTime()));
    newestInWindow.set(sample.deviceId, Math.max(newestInWindow.get(sample.deviceId) ?? -Infinity, ts.getTime()));
  }

  const d = {
    id: [] as number[],
    lastSeen: [] as (string | null)[],
    valuesAt: [] as (string | null)[],
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
    activate: [] as boolean[],
  };
  const activated: { deviceId: string; from: string }[] = [];
  const deferred: DeviceStateUpdate[] = [];
  const deferFor = options.deferRowsForMs ?? 0;
  const scoreByDevice = new Map<string, number>();

  for (const update of window.states.values()) {
    const current = known.get(update.deviceId);
    if (!current) continue;
    // Only late telemetry (a buffer flushed after reconnecting, a redelivery), even counting a row
    // write held back from an earlier window: its samples are history, but the device's current
    // values stay the newer ones the row holds. (The clock-corrected sample times count: a
    // reading filed under our receive time is current.)
    const valuesAt = Math.max(update.valuesAt ?? -Infinity, newestInWindow.get(update.deviceId) ?? -Infinity);
    const late = valuesAt !== -Infinity && current.values_at !== null && valuesAt < current.values_at;
    const refreshed = answers.statusRefresh.get(current.id);
    const values: ReportedValues = withRefresh(late ? NOTHING_REPORTED : update, refreshed);
    // The row as it will be after this write: what the health rules must judge.
    const lastSeen =
      update.lastSeen && (current.last_seen === null || update.lastSeen.getTime() > current.last_seen)
        ? update.lastSeen
        : current.last_seen === null
          ? null
          : new Date(current.last_seen);
    const assessed = assessDevice(
      {
        lastSeen,
        errorCount: values.errorCount ?? current.error_count,
        batteryLevel: values.batteryLevel ?? current.battery_level,
        signalStrength: values.signalStrength ?? current.signal_strength,
        cpuPercent: values.cpuPercent ?? current.cpu_percent,
        memoryPercent: values.memoryPercent ?? current.memory_percent,
        calibrationStatus: current.calibration_status,
        firmwareUpdateStatus: current.firmware_update_status,
        lowBatteryThreshold: current.low_battery_threshold,
      },
      now,
      options.thresholds?.({ deviceType: current.device_type, farmId: current.farm_id, groupId: current.group_id }) ?? DEFAULT_HEALTH_THRESHOLDS,
    );
    scoreByDevice.set(update.deviceId, assessed.healthScore);
    const connection = update.connection === "offline" ? "offline" : assessed.connectionStatus;
    const activate = update.lastSeen !== null && activatesOnContact(current.state);
    const restarted =
      values.uptimeSeconds !== undefined && current.uptime_seconds !== null && values.uptimeSeconds < current.uptime_seconds;
    // At thousands of messages a second rewriting every device row per window, not storing the
    // samples, was the cost. A device whose row would say the same thing waits; its samples do not.
    const last = options.written?.get(update.deviceId);
    if (
      deferFor > 0 &&
      last !== undefined &&
      now.getTime() - last.at < deferFor &&
      !activate &&
      !restarted &&
      last.healthStatus === assessed.healthStatus &&
      last.connection === connection &&
      last.needsAttention === assessed.needsAttention &&
      last.signalQuality === assessed.signalQuality &&
      values.firmwareVersion === undefined &&
      values.latitude === undefined &&
      !refreshed
    ) {
      deferred.push(late ? { ...update, ...NOTHING_REPORTED } : update);
      continue;
    }
    rowsWritten.push([
      update.deviceId,
      { at: now.getTime(), healthStatus: assessed.healthStatus, connection, needsAttention: assessed.needsAttention, signalQuality: assessed.signalQuality },
    ]);
    d.id.push(current.id);
    d.lastSeen.push(iso(update.lastSeen));
    d.valuesAt.push(late || valuesAt === -Infinity ? null : new Date(valuesAt).toISOString());
    d.battery.push(orNull(values.batteryLevel));
    d.voltage.push(orNull(values.batteryVoltage));
    d.signal.push(orNull(values.signalStrength));
    d.errors.push(orNull(values.errorCount));
    d.uptime.push(orNull(values.uptimeSeconds));
    d.restarted.push(restarted);
    d.cpu.push(orNull(values.cpuPercent));
    d.memory.push(orNull(values.memoryPercent));
    d.storage.push(orNull(values.storagePercent));
    d.firmware.push(orNull(values.firmwareVersion));
    d.lat.push(orNull(values.latitude));
    d.lon.push(orNull(values.longitude));
    d.bytes.push(String(update.bytesSent));
    d.healthStatus.push(assessed.healthStatus);
    d.healthScore.push(assessed.healthScore);
    d.signalQuality.push(assessed.signalQuality);
    // An explicit "offline" (last will) outranks the age rule until the device speaks again.
    d.connection.push(connection);
    d.needsAttention.push(assessed.needsAttention);
    // A sign of life (not the broker's last will speaking for it) is what activates a device.
    d.activate.push(activate);
    if (activate) activated.push({ deviceId: update.deviceId, from: current.state });
  }

  if (d.id.length > 0) {
    await sql.query(
      `UPDATE devices AS d SET
          last_seen = GREATEST(d.last_seen, u.last_seen),
          values_at = GREATEST(d.values_at, u.values_at),
          battery_level = COALESCE(u.battery, d.battery_level),
          battery_voltage = COALESCE(u.voltage, d.battery_voltage),
          signal_strength = COALESCE(u.signal, d.signal_strength),
          error_count = COALESCE(u.errors, d.error_count),
          uptime_seconds = COALESCE(u.uptime, d.uptime_seconds),
          restart_count = d.restart_count + CASE WHEN u.restarted THEN 1 ELSE 0 END,
          last_restart = CASE WHEN u.restarted THEN $22::timestamptz ELSE d.last_restart END,
          cpu_percent = COALESCE(u.cpu, d.cpu_percent),
          memory_percent = COALESCE(u.memory, d.memory_percent),
          storage_percent = COALESCE(u.storage, d.storage_percent),
          firmware_version = COALESCE(u.firmware, d.firmware_version),
          latitude = COALESCE(u.lat, d.latitude),
          longitude = COALESCE(u.lon, d.longitude),
          location_updated_at = CASE WHEN u.lat IS NULL THEN d.location_updated_at ELSE $22::timestamptz END,
          -- A running total past bigint would refuse every later window of the device: it saturates.
          data_transmitted_bytes = LEAST(d.data_transmitted_bytes + u.bytes, 9223372036854775807)::bigint,
          health_status = u.health_status::"HealthStatus",
          health_score = u.health_score,
          signal_quality = u.signal_quality::"SignalQuality",
          connection_status = u.connection::"ConnectionStatus",
          needs_attention = u.needs_attention,
          state = CASE WHEN u.activate THEN 'active'::"DeviceState" ELSE d.state END,
          updated_at = $22::timestamptz
        FROM unnest($1::int[], $2::timestamptz[], $3::float8[], $4::float8[], $5::int[], $6::int[], $7::int[],
                    $8::bool[], $9::float8[], $10::float8[], $11::float8[], $12::text[], $13::float8[], $14::float8[],
                    $15::numeric[], $16::text[], $17::float8[], $18::text[], $19::text[], $20::bool[], $21::bool[],
                    $23::timestamptz[])
          AS u(id, last_seen, battery, voltage, signal, errors, uptime, restarted, cpu, memory, storage, firmware,
               lat, lon, bytes, health_status, health_score, signal_quality, connection, needs_attention, activate, values_at)
       WHERE d.id = u.id`,
      [
        d.id, d.lastSeen, d.battery, d.voltage, d.signal, d.errors, d.uptime, d.restarted, d.cpu, d.memory, d.storage,
        d.firmware, d.lat, d.lon, d.bytes, d.healthStatus, d.healthScore, d.signalQuality, d.connection,
        d.needsAttention, d.activate, now.toISOString(), d.valuesAt,
      ],
    );
  }

  if (activated.length > 0) {
    // One history line per activated device, shaped like a person's state edit (before/after
    // state), so the device page's change history shows "worker activated · Status: provisioned → active".
    await sql.query(
      `INSERT INTO audit_events (entity_type, entity_id, action, actor_id, actor_label, before, after, created_at)
       SELECT 'device', u.device_id, 'activated', NULL, $3, jsonb_build_object('state', u.from_state),
              jsonb_build_object('state', 'active', 'reason', 'first contact'), $4::timestamptz
         FROM unnest($1::text[], $2::text[]) AS u(device_id, from_state)`,
      [activated.map((a) => a.deviceId), activated.map((a) => a.from), ACTIVATION_ACTOR, now.toISOString()],
    );
  }

  if (samples.length > 0) {
    await sql.query(
      `INSERT INTO telemetry_samples
            (device_id, ts, received_at, battery_level, battery_voltage, signal_strength, error_count, health_score,
             cpu_percent, memory_percent, readings)
       SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[], $4::float8[], $5::float8[], $6::int[],
                            $7::int[], $8::float8[], $9::float8[], $10::float8[], $11::jsonb[])`,
      [
        samples.map((s) => known.get(s.deviceId)!.id),
        sampleTs.map((ts) => ts.toISOString()),
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

  return {
    stored: window.size - unknownMessages - answers.refused - configReports.dropped,
    commandAnswers: answers.applied,
    commandRefused: answers.refused,
    configReports: configReports.applied,
    configReportsDropped: configReports.dropped,
    configCampaignFinished: configReports.campaignFinished,
    unknownDeviceIds,
    unknownMessages,
    activated: activated.map((a) => a.deviceId),
    clockSkewed,
    outOfOrder,
    deferred,
  };
}
