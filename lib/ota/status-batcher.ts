/**
 * Devices' `ota/status` reports, applied in batches (applyStatusReports: one locked read, a few
 * set-based writes) and acknowledged to the broker only once committed — the same contract as
 * telemetry. A batch that fails while the database is away is kept and retried with backoff; nothing
 * is lost and nothing is acknowledged meanwhile. A report the database refuses as data is isolated,
 * dropped and counted (isolate-refused.ts).
 */
import { isDataError, isolateRefused } from "../telemetry/isolate-refused";
import { inTransaction, type SqlPool } from "../telemetry/sql";
import { applyStatusReports, type StatusReport, type StatusResult } from "./update-status";

export type StatusBatcherOptions = {
  pool: SqlPool;
  /** Longest a report waits for its batch (default 100 ms). */
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Backlog beyond which the MQTT side stops reading (default 20,000). */
  highWater?: number;
  /** After a commit that finished some devices' updates (result.finished > 0): a phase may be ready to judge. */
  onApplied?: (result: StatusResult) => void;
  log?: (line: string) => void;
};

export type StatusBatcherStats = {
  accepted: number;
  applied: number;
  ignored: number;
  unknown: number;
  /** Reports the database refused as data (see isolate-refused.ts): dropped and acknowledged. */
  refused: number;
  batches: number;
  failedBatches: number;
  pending: number;
  batchMs: number;
  batchedReports: number;
};

type Item = { report: StatusReport; ack: () => void };

export class OtaStatusBatcher {
  private queue: Item[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private stopped = false;
  private openedAt = 0;
  private readonly quietMs = 5;
  private waiters: Array<() => void> = [];
  private readonly counters = { accepted: 0, applied: 0, ignored: 0, unknown: 0, refused: 0, batches: 0, failedBatches: 0, batchMs: 0, batchedReports: 0 };
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly highWater: number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: StatusBatcherOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxBatch = options.maxBatch ?? 2_000;
    this.highWater = options.highWater ?? 20_000;
    this.log = options.log ?? (() => undefined);
  }

  accept(report: StatusReport, ack: () => void = () => undefined) {
    this.queue.push({ report, ack });
    this.counters.accepted += 1;
    this.schedule();
  }

  /** True while the queue is below `highWater` (more reports may be read). */
  writable(): boolean {
    return this.queue.length < this.highWater || this.stopped;
  }

  whenWritable(): Promise<void> {
    if (this.writable()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stats(): StatusBatcherStats {
    return { ...this.counters, pending: this.queue.length };
  }

  private schedule() {
    if (this.stopped || this.running || this.queue.length === 0) return;
    let delay: number;
    if (this.failures > 0) {
      if (this.timer) return;
      delay = Math.min(250 * 2 ** (this.failures - 1), 10_000);
    } else if (this.queue.length >= this.maxBatch) delay = 0;
    else {
      // Flush once the stream pauses for a few ms, or after flushIntervalMs at the latest: a broker
      // gives a client only so many unacknowledged messages (Mosquitto: 20), and those are all
      // that can arrive until this batch commits and acknowledges them.
      const now = Date.now();
      if (this.queue.length === 1 || !this.openedAt) this.openedAt = now;
      delay = Math.max(0, Math.min(this.openedAt + this.flushIntervalMs, now + this.quietMs) - now);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.openedAt = 0;
      this.timer = null;
      this.running = this.flushOnce().finally(() => {
        this.running = null;
        this.schedule();
      });
    }, delay);
  }

  private async flushOnce(): Promise<void> {
    const batch = this.queue.slice(0, this.maxBatch);
    if (batch.length === 0) return;
    const started = performance.now();
    try {
      await this.apply(batch);
      this.failures = 0;
      this.counters.batches += 1;
      this.counters.batchMs += performance.now() - started;
      this.counters.batchedReports += batch.length;
      if (this.queue.length < this.highWater) this.releaseWaiters();
    } catch (error) {
      // A report the database refuses as data would block every report after it forever: split the
      // batch until the culprit is alone, then drop and acknowledge it.
      if (isDataError(error)) {
        try {
          await isolateRefused(batch, error, (part) => this.apply(part), (item, reason) => this.drop(item, reason));
          this.failures = 0;
          if (this.queue.length < this.highWater) this.releaseWaiters();
          return;
        } catch (other) {
          error = other; // the database went away meanwhile: kept and retried as below
        }
      }
      this.failures += 1;
      this.counters.failedBatches += 1;
      // Kept and retried with backoff (a deadlock with the telemetry path or the engine clears at once).
      if (this.failures <= 3 || this.failures % 20 === 0) this.log(`ota: storing ${batch.length} status report(s) failed (${error instanceof Error ? error.message : String(error)}); retrying`);
    }
  }

  /** Applies `items` in one transaction; once committed they leave the queue and are acknowledged. */
  private async apply(items: readonly Item[]): Promise<void> {
    const result = await inTransaction(this.options.pool, (sql) => applyStatusReports(sql, items.map((item) => item.report)));
    this.remove(items);
    this.counters.applied += result.applied;
    this.counters.ignored += result.ignored;
    this.counters.unknown += result.unknown;
    for (const item of items) item.ack();
    if (result.finished > 0) this.options.onApplied?.(result);
  }

  private remove(items: readonly Item[]) {
    const gone = new Set(items);
    this.queue = this.queue.filter((item) => !gone.has(item));
  }

  private drop(item: Item, error: unknown) {
    this.remove([item]);
    this.counters.refused += 1;
    item.ack();
    const { deviceId, jobId, status } = item.report;
    this.log(`ota: dropped a status report the database refuses (${deviceId}, job ${jobId}, ${status}): ${error instanceof Error ? error.message : String(error)}`);
  }

  private releaseWaiters() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Applies what is queued, retrying until `timeoutMs`; what is left stays unacknowledged. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    this.releaseWaiters();
    const deadline = Date.now() + timeoutMs;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running) await this.running;
    while (this.queue.length > 0 && Date.now() < deadline) {
      await this.flushOnce();
      if (this.failures > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length > 0) this.log(`ota: stopping with ${this.queue.length} status report(s) not stored (left unacknowledged for redelivery)`);
  }
}
