/**
 * Is this redelivered telemetry already stored? A QoS 1 message the broker sends again (DUP set)
 * may have been committed by a worker that then died, or lost its connection, before its PUBACK
 * reached the broker. Within one process the worker matches a redelivery to the copy it still
 * holds (`owed` in workers/iot-worker.ts); a restarted process has no such memory, so it asks the
 * database. Only telemetry needs this: it appends a sample row (and adds `bytes_sent`) per message,
 * where status, command answers, configuration reports and OTA progress set a state that a repeat
 * sets again.
 *
 * A sample is "the same" when its device, time and every stored value match. Its time is the
 * device's clock, or our first receive time when that clock was not believed (sampleTime in
 * lib/telemetry/coalesce.ts): such a sample matches on values among the device's samples filed
 * under their receive time since `horizonMs` ago (the broker keeps a worker's session a day).
 * Checks are batched: a restart's redeliveries (up to the broker's in-flight limit) cost one query.
 */
import { TelemetryWindow, type DeviceMessage } from "../telemetry/coalesce";
import type { SqlPool } from "../telemetry/sql";

type TelemetryMessage = Extract<DeviceMessage, { kind: "telemetry" }>;

type Pending = { message: TelemetryMessage; resolve: (stored: boolean) => void; reject: (error: unknown) => void };

export type RedeliveryCheckOptions = {
  /** How far back a sample filed under its receive time may be the first delivery (default a day). */
  horizonMs?: number;
  /** Checks gathered for this long go as one query (default 5 ms). */
  batchMs?: number;
};

export class RedeliveryCheck {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly horizonMs: number;
  private readonly batchMs: number;

  constructor(
    private readonly pool: SqlPool,
    options: RedeliveryCheckOptions = {},
  ) {
    this.horizonMs = options.horizonMs ?? 24 * 60 * 60 * 1000;
    this.batchMs = options.batchMs ?? 5;
  }

  /** Resolves true when a sample equal to this message's is stored; rejects when the database cannot say. */
  alreadyStored(message: TelemetryMessage): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      if (this.pending.length >= 500) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.batchMs);
    });
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) void this.query(batch);
  }

  private async query(batch: Pending[]) {
    // The sample each message would become, through the same rules the ingestor applies.
    const window = new TelemetryWindow();
    for (const { message } of batch) window.add(message);
    const samples = window.samples;
    const since = new Date(Date.now() - this.horizonMs).toISOString();
    try {
      const { rows } = await this.pool.query<{ i: string }>(
        `SELECT u.i
           FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::float8[], $5::int[], $6::int[], $7::float8[], $8::float8[], $9::jsonb[])
                WITH ORDINALITY AS u(device_id, ts, battery, voltage, signal, errors, cpu, memory, readings, i)
           JOIN devices d ON d.device_id = u.device_id
          WHERE EXISTS (
                  SELECT 1 FROM telemetry_samples s
                   WHERE s.device_id = d.id
                     AND (s.ts = u.ts OR (s.ts >= $10::timestamptz AND s.ts = s.received_at))
                     AND s.battery_level IS NOT DISTINCT FROM u.battery
                     AND s.battery_voltage IS NOT DISTINCT FROM u.voltage
                     AND s.signal_strength IS NOT DISTINCT FROM u.signal
                     AND s.error_count IS NOT DISTINCT FROM u.errors
                     AND s.cpu_percent IS NOT DISTINCT FROM u.cpu
                     AND s.memory_percent IS NOT DISTINCT FROM u.memory
                     AND s.readings IS NOT DISTINCT FROM u.readings)`,
        [
          samples.map((s) => s.deviceId),
          // A clock not believed: only the receive-time branch can find its first copy.
          samples.map((s) => (s.clockSkewed || s.ts === s.receivedAt ? null : s.ts.toISOString())),
          samples.map((s) => s.batteryLevel),
          samples.map((s) => s.batteryVoltage),
          samples.map((s) => s.signalStrength),
          samples.map((s) => s.errorCount),
          samples.map((s) => s.cpuPercent),
          samples.map((s) => s.memoryPercent),
          samples.map((s) => (s.readings ? JSON.stringify(s.readings) : null)),
          since,
        ],
      );
      const stored = new Set(rows.map((row) => Number(row.i) - 1));
      batch.forEach((item, index) => item.resolve(stored.has(index)));
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    for (const item of batch) item.reject(new Error("stopping"));
  }
}
