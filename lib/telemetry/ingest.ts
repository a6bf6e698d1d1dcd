/**
 * The write path for device → cloud messages. Messages are gathered into a window (see
 * coalesce.ts) that is stored every `flushIntervalMs` or as soon as it holds `maxWindow` messages.
 * Each message's acknowledgement is released only after the window holding it committed, so a
 * QoS 1 message the broker considers delivered is always in the database.
 *
 * When the database is down the window is kept (newer messages keep joining it) and retried with
 * backoff; nothing is acknowledged meanwhile, and `whenWritable()` lets the MQTT side stop reading
 * once `highWater` messages wait, instead of growing memory without bound. A window the database
 * refuses as data (not as a database fault) is split until the refused message is alone; that one
 * is dropped, acknowledged and counted, the rest stored (isolate-refused.ts).
 */
import { mergeStates, TelemetryWindow, type DeviceMessage, type DeviceStateUpdate } from "./coalesce";
import { isDataError, isolateRefused } from "./isolate-refused";
import { storeWindow, type StoreOptions, type StoreResult, type WrittenRow } from "./store-window";
import type { SqlPool } from "./sql";
import type { ThresholdCache } from "../health/threshold-book";

export type { DeviceMessage } from "./coalesce";

export type IngestorOptions = {
  pool: SqlPool;
  flushIntervalMs?: number;
  /**
   * A window is also stored once no message came for this long (default 10 ms). A broker sends a
   * subscriber only so many unacknowledged messages (Mosquitto's max_inflight_messages: 20 by
   * default) and then waits for acknowledgements — which come only after storage. Waiting for the
   * window's full age then would cap the worker at 20 messages per flushIntervalMs.
   */
  quietFlushMs?: number;
  maxWindow?: number;
  highWater?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  log?: (line: string) => void;
  now?: () => Date;
  /**
   * A device's row (last seen, battery, health…) is rewritten at most this often while nothing the
   * health rules judge changes (see store-window.ts); its samples are stored with every window.
   * Default 0: every window writes every row.
   */
  deviceRowRefreshMs?: number;
  /** What the device rows said at start (store-window.ts `loadWrittenRows`). */
  written?: Map<string, WrittenRow>;
  /** Called after a commit whose configuration reports finished campaign logs (the update engine has a phase to judge). */
  onCampaignReports?: () => void;
  /** Each device's health limits, kept fresh (lib/health/threshold-book.ts); M92's for all when not given. */
  thresholds?: Pick<ThresholdCache, "current">;
  /** The writer; replaceable in unit tests. */
  store?: (pool: SqlPool, window: TelemetryWindow, now: Date, options?: StoreOptions) => Promise<StoreResult>;
};

export type IngestStats = {
  accepted: number;
  stored: number;
  unknownDevice: number;
  /** Samples filed under our receive time because the device clock could not be believed. */
  clockSkewed: number;
  /** Telemetry older than what its device had already reported (kept as history only). */
  outOfOrder: number;
  /** Devices made active by their first message. */
  activated: number;
  /** Messages the database refused as data (isolated from their window, dropped, acknowledged). */
  refused: number;
  /** Command answers that moved a command on, and responses refused (unknown command, another device's). */
  commandAnswers: number;
  commandRefused: number;
  /** Configuration reports taken, and dropped (a version the device never had). */
  configReports: number;
  configReportsDropped: number;
  flushes: number;
  failedFlushes: number;
  pending: number;
  /** Device states (messages' devices plus held-back rows) written across all flushes. */
  flushedDevices: number;
  /** Time spent in successful flushes (the database transaction), ms. */
  flushMs: number;
};

/** Device ids remembered for "logged once" purposes; beyond this a flood of bogus ids is only counted. */
const MAX_REMEMBERED_UNKNOWN = 10_000;

export class TelemetryIngestor {
  private window = new TelemetryWindow();
  private acks: Array<() => void> = [];
  private windowOpenedAt = 0;
  private lastAcceptAt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Wakes a quiet ingestor to write held-back rows (see deviceRowRefreshMs). */
  private rowTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private inFlight = 0;
  private failures = 0;
  private stopped = false;
  private writableWaiters: Array<() => void> = [];
  private readonly unknownLogged = new Set<string>();
  /** Row writes held back, by device, with when that device's row was last written. */
  private readonly deferred = new Map<string, { state: DeviceStateUpdate; since: number }>();
  private readonly written: Map<string, WrittenRow>;
  private final = false;
  private skewLoggedAt = 0;
  private refusedLoggedAt = 0;
  private refusedUnlogged = 0;
  private readonly counters = { accepted: 0, stored: 0, unknownDevice: 0, clockSkewed: 0, outOfOrder: 0, activated: 0, refused: 0, commandAnswers: 0, commandRefused: 0, configReports: 0, configReportsDropped: 0, flushes: 0, failedFlushes: 0, flushedDevices: 0, flushMs: 0 };

  private readonly flushIntervalMs: number;
  private readonly quietFlushMs: number;
  private readonly maxWindow: number;
  private readonly highWater: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly log: (line: string) => void;
  private readonly now: () => Date;
  private readonly store: NonNullable<IngestorOptions["store"]>;

  constructor(private readonly options: IngestorOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.quietFlushMs = options.quietFlushMs ?? 10;
    this.maxWindow = options.maxWindow ?? 1_000;
    this.highWater = options.highWater ?? 20_000;
    this.retryMinMs = options.retryMinMs ?? 250;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? (() => new Date());
    this.store = options.store ?? storeWindow;
    this.rowRefreshMs = options.deviceRowRefreshMs ?? 0;
    this.written = options.written ?? new Map();
  }

  private readonly rowRefreshMs: number;

  /** Queues a validated message; `ack` runs once it is stored (or known to be unstorable: unknown device). */
  accept(message: DeviceMessage, ack: () => void = () => undefined) {
    this.lastAcceptAt = Date.now();
    if (this.window.size === 0) this.windowOpenedAt = this.lastAcceptAt;
    this.window.add(message);
    this.acks.push(ack);
    this.counters.accepted += 1;
    this.schedule();
  }

  /** True while the backlog is below `highWater` (more messages may be read). */
  writable(): boolean {
    return this.pending() < this.highWater || this.stopped;
  }

  /** Resolves at once while writable(); otherwise once a flush drained the backlog. */
  whenWritable(): Promise<void> {
    if (this.writable()) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  stats(): IngestStats {
    return { ...this.counters, pending: this.pending() };
  }

  /** Stores what is queued now (waiting for a running flush first). Throws if the database refuses. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.flushing) await this.flushing;
    if (this.window.size === 0 && this.deferred.size === 0) return;
    await this.runFlush(true);
  }

  /**
   * Final flush on shutdown, retried until `timeoutMs`. What still cannot be stored stays
   * unacknowledged: with a persistent session the broker hands it to the next worker run.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    // Every held-back row is written now.
    this.final = true;
    const deadline = Date.now() + timeoutMs;
    let delay = this.retryMinMs;
    for (;;) {
      try {
        await this.flush();
        break;
      } catch {
        if (Date.now() + delay > deadline) {
          this.log(`ingest: stopping with ${this.window.size} message(s) not stored (left unacknowledged for redelivery)`);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, this.retryMaxMs);
      }
    }
    this.clearTimer();
    this.releaseWriters();
  }

  private pending() {
    return this.window.size + this.inFlight;
  }

  private clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.rowTimer) clearTimeout(this.rowTimer);
    this.rowTimer = null;
  }

  private schedule() {
    if (this.stopped || this.flushing) return;
    if (this.window.size === 0) {
      // Quiet devices still get their held-back row written once their refresh time is up.
      if (this.deferred.size > 0 && !this.rowTimer) {
        this.rowTimer = setTimeout(() => {
          this.rowTimer = null;
          if (!this.flushing && this.window.size === 0) this.runFlush(false).catch(() => undefined);
        }, this.rowRefreshMs);
      }
      return;
    }
    let delay: number;
    if (this.failures > 0) delay = Math.min(this.retryMinMs * 2 ** (this.failures - 1), this.retryMaxMs);
    else if (this.window.size >= this.maxWindow) delay = 0;
    else delay = Math.max(0, Math.min(this.windowOpenedAt + this.flushIntervalMs, this.lastAcceptAt + this.quietFlushMs) - Date.now());
    // A full window must not wait for a timer set when it was nearly empty.
    if (this.timer && delay > 0) return;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      // Messages kept coming since the timer was set: not quiet, not old, not full yet.
      if (this.failures === 0 && !this.due()) return this.schedule();
      this.runFlush(false).catch(() => undefined);
    }, delay);
  }

  private due() {
    const now = Date.now();
    return (
      this.window.size >= this.maxWindow ||
      now >= this.windowOpenedAt + this.flushIntervalMs ||
      now >= this.lastAcceptAt + this.quietFlushMs
    );
  }

  private runFlush(rethrow: boolean): Promise<void> {
    const window = this.window;
    const acks = this.acks;
    this.window = new TelemetryWindow();
    this.acks = [];
    this.windowOpenedAt = Date.now();
    this.inFlight = window.size;
    const now = this.now();
    for (const [deviceId, held] of this.deferred) {
      if (this.final || window.states.has(deviceId) || now.getTime() - held.since >= this.rowRefreshMs) {
        window.mergeEarlier(held.state);
        this.deferred.delete(deviceId);
      }
    }

    const attempt = (async () => {
      const started = performance.now();
      // What is not stored yet: all of it, until parts of a refused window commit one by one.
      let unstored: { window: TelemetryWindow; acks: (() => void)[]; error?: unknown } = { window, acks };
      try {
        try {
          await this.storePart(window, acks, now);
        } catch (error) {
          if (!isDataError(error)) throw error;
          unstored = await this.isolate(window, acks, now, error);
          if (unstored.window.size > 0 || unstored.window.held.length > 0) throw unstored.error;
        }
        this.counters.flushes += 1;
        this.counters.flushedDevices += window.states.size;
        this.counters.flushMs += performance.now() - started;
        if (this.failures > 0) this.log(`ingest: database reachable again, stored ${window.size} waiting message(s)`);
        this.failures = 0;
      } catch (error) {
        // Put the window back in front of whatever arrived meanwhile, keeping arrival order.
        const kept = unstored.window;
        kept.absorb(this.window);
        this.window = kept;
        this.acks = unstored.acks.concat(this.acks);
        this.failures += 1;
        this.counters.failedFlushes += 1;
        if (this.failures === 1 || this.failures % 20 === 0) {
          const reason = error instanceof Error ? error.message : String(error);
          this.log(`ingest: storing ${kept.size} message(s) failed (attempt ${this.failures}), will retry: ${reason}`);
        }
        if (rethrow) throw error;
      } finally {
        this.inFlight = 0;
        this.flushing = null;
        if (this.pending() < this.highWater) this.releaseWriters();
        this.schedule();
      }
    })();
    this.flushing = attempt.catch(() => undefined);
    return attempt;
  }

  /** Stores one window (or part of one) in one transaction; once committed, books it and acknowledges its messages. */
  private async storePart(window: TelemetryWindow, acks: readonly (() => void)[], now: Date): Promise<void> {
    // Cached: a reload (every half minute, or after a layer changed) is four small reads.
    const limits = await this.options.thresholds?.current();
    const result = await this.store(this.options.pool, window, now, {
      deferRowsForMs: this.final ? 0 : this.rowRefreshMs,
      written: this.written,
      thresholds: limits?.lookup,
    });
    for (const state of result.deferred ?? []) {
      // Parts of a split window may each hold back a state of the same device: both count.
      const earlier = this.deferred.get(state.deviceId);
      this.deferred.set(state.deviceId, {
        state: earlier ? mergeStates(earlier.state, state) : state,
        since: earlier?.since ?? this.written.get(state.deviceId)?.at ?? now.getTime(),
      });
    }
    // A device heard from once and never again: forget what was written for it after a while.
    if (this.written.size > 200_000) this.written.clear();
    this.counters.stored += result.stored;
    this.counters.unknownDevice += result.unknownMessages;
    this.counters.clockSkewed += result.clockSkewed ?? 0;
    this.counters.outOfOrder += result.outOfOrder ?? 0;
    this.counters.activated += result.activated?.length ?? 0;
    this.counters.commandAnswers += result.commandAnswers ?? 0;
    this.counters.commandRefused += result.commandRefused ?? 0;
    this.counters.configReports += result.configReports ?? 0;
    this.counters.configReportsDropped += result.configReportsDropped ?? 0;
    if (result.configCampaignFinished) this.options.onCampaignReports?.();
    if (result.clockSkewed) this.noteSkew(result.clockSkewed);
    if (result.activated?.length) this.log(`ingest: first contact, now active: ${result.activated.slice(0, 10).join(", ")}${result.activated.length > 10 ? ` and ${result.activated.length - 10} more` : ""}`);
    for (const deviceId of result.unknownDeviceIds) this.noteUnknown(deviceId);
    for (const ack of acks) ack();
  }

  /**
   * A window refused as data: its messages and held-back states are stored in ever smaller parts
   * until what is refused is alone; a refused message is dropped and acknowledged (redelivering it
   * would be refused again), a refused held-back state dropped. Returns what is not stored when the
   * database itself failed meanwhile (then with that error), to be kept and retried as usual.
   */
  private async isolate(window: TelemetryWindow, acks: readonly (() => void)[], now: Date, error: unknown) {
    type Item = { message: DeviceMessage; ack: () => void } | { held: DeviceStateUpdate };
    const items: Item[] = window.messages.map((message, index) => ({ message, ack: acks[index]! }));
    for (const held of window.held) items.push({ held });
    const left = new Set(items);
    const windowOf = (part: readonly Item[]) => {
      const piece = new TelemetryWindow();
      const pieceAcks: (() => void)[] = [];
      for (const item of part) {
        if ("message" in item) {
          piece.add(item.message);
          pieceAcks.push(item.ack);
        }
      }
      for (const item of part) if ("held" in item) piece.mergeEarlier(item.held);
      return { window: piece, acks: pieceAcks };
    };
    try {
      await isolateRefused(
        items,
        error,
        async (part) => {
          const piece = windowOf(part);
          await this.storePart(piece.window, piece.acks, now);
          for (const item of part) left.delete(item);
        },
        (item, reason) => {
          left.delete(item);
          if ("message" in item) {
            this.counters.refused += 1;
            item.ack();
            this.noteRefused(`${item.message.kind} from "${item.message.deviceId}"`, reason);
          } else this.noteRefused(`held-back row of "${item.held.deviceId}"`, reason);
        },
      );
      return { ...windowOf([]), error: null };
    } catch (transient) {
      return { ...windowOf([...left]), error: transient };
    }
  }

  /** Refused messages are logged at most once a minute (a misbehaving fleet would flood the log); all are counted. */
  private noteRefused(what: string, error: unknown) {
    const now = Date.now();
    if (now - this.refusedLoggedAt < 60_000) {
      this.refusedUnlogged += 1;
      return;
    }
    this.refusedLoggedAt = now;
    const more = this.refusedUnlogged ? ` (and ${this.refusedUnlogged} more since the last such line)` : "";
    this.refusedUnlogged = 0;
    this.log(`ingest: dropped ${what}, which the database refuses: ${error instanceof Error ? error.message : String(error)}${more}; ${this.counters.refused} so far`);
  }

  /** A skewed clock is logged at most once a minute (a fleet with a bad NTP server would flood the log). */
  private noteSkew(count: number) {
    const now = Date.now();
    if (now - this.skewLoggedAt < 60_000) return;
    this.skewLoggedAt = now;
    this.log(`ingest: ${count} sample(s) with an unbelievable device clock (ahead of ours, or before provisioning) filed under the receive time (${this.counters.clockSkewed} so far)`);
  }

  private noteUnknown(deviceId: string) {
    if (this.unknownLogged.has(deviceId)) return;
    if (this.unknownLogged.size < MAX_REMEMBERED_UNKNOWN) this.unknownLogged.add(deviceId);
    this.log(`ingest: message from unknown or decommissioned device "${deviceId}" dropped (further ones only counted)`);
  }

  private releaseWriters() {
    const waiters = this.writableWaiters;
    this.writableWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
