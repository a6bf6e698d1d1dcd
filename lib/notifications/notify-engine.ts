/**
 * The worker's notification engine: fan-out (alerts → outbox rows) and delivery (outbox → mail,
 * webhooks) each on a tick chain of its own — a slow mail server must not hold back the fan-out of
 * the next alerts — kicked by NOTIFY on `notifications` (a trigger on alerts, and queueNotification)
 * and by their own timers; escalation and the digest on slower timers, each once across workers
 * (advisory lock). Every worker may run one: claims skip what another holds.
 */
import type pg from "pg";
import { createMailer, type Mailer } from "../mail/mailer";
import type { SqlPool } from "../telemetry/sql";
import { runExclusively } from "../worker/engine-tick";
import { listenForNotify } from "../worker/notify-listener";
import { deliverDue, type DeliveryOptions, type DeliveryResult } from "./delivery";
import { DIGEST_LOCK, sendDigests, type DigestResult } from "./digest";
import { escalate, ESCALATION_LOCK, type EscalationResult } from "./escalation";
import { fanOut, type FanOutResult } from "./fan-out";
import { NOTIFY_CHANNEL } from "./queue";

export type NotifyEngineOptions = {
  /** For LISTEN (a connection of its own); without it the engine only polls. */
  databaseUrl?: string;
  listen?: boolean;
  /** Default: SMTP_URL / MAIL_FROM. */
  mailer?: Mailer;
  /** Fan-out and delivery poll (default 2 s; 0 = only when kicked). */
  tickMs?: number;
  /** Escalation check (default 30 s) and digest check (default 60 s); 0 = off. */
  escalationEveryMs?: number;
  digestEveryMs?: number;
  delivery?: Omit<DeliveryOptions, "mailer" | "log">;
  /** Link base for messages (default APP_URL / NEXTAUTH_URL / PUBLIC_URL). */
  appUrl?: string;
  now?: () => Date;
  log?: (line: string) => void;
};

export type NotifyEngineStats = { fannedOut: number; queued: number; inApp: number; debounced: number; sent: number; retried: number; failed: number; cancelled: number; escalated: number; digests: number };

/** A chain of ticks in this process: one at a time, kicks while one runs coalesce into one more. */
class TickChain<T> {
  private run: Promise<unknown> = Promise.resolve();
  private queued = false;
  private timer: NodeJS.Timeout | null = null;
  stopped = false;
  constructor(
    private readonly work: () => Promise<T>,
    private readonly onError: (error: unknown) => void,
  ) {}
  now(): Promise<T | undefined> {
    const next = this.run.then(async () => {
      if (this.stopped) return undefined;
      try {
        return await this.work();
      } catch (error) {
        this.onError(error);
        return undefined;
      }
    });
    this.run = next;
    return next;
  }
  kick() {
    if (this.stopped || this.queued) return;
    this.queued = true;
    void this.run.then(() => {
      this.queued = false;
      return this.now();
    });
  }
  every(ms: number) {
    if (ms <= 0) return;
    const loop = () => {
      this.timer = setTimeout(() => void this.now().finally(() => !this.stopped && loop()), ms);
      this.timer.unref();
    };
    loop();
  }
  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.run;
  }
}

export class NotifyEngine {
  private readonly mailer: Mailer;
  private readonly ownMailer: boolean;
  private readonly log: (line: string) => void;
  private readonly clock: () => Date;
  private readonly counters: NotifyEngineStats = { fannedOut: 0, queued: 0, inApp: 0, debounced: 0, sent: 0, retried: 0, failed: 0, cancelled: 0, escalated: 0, digests: 0 };
  private readonly fanOutChain: TickChain<FanOutResult>;
  /** Mail and webhooks in lanes of their own: a slow mail server must not hold back the chat webhook. */
  private readonly mailChain: TickChain<DeliveryResult>;
  private readonly hookChain: TickChain<DeliveryResult>;
  private readonly escalationChain: TickChain<EscalationResult | null>;
  private readonly digestChain: TickChain<DigestResult | null>;
  private listener: { close(): Promise<void> } | null = null;
  private stopping = false;

  constructor(
    private readonly pool: SqlPool,
    private readonly options: NotifyEngineOptions = {},
  ) {
    this.ownMailer = !options.mailer;
    this.mailer = options.mailer ?? createMailer();
    this.log = options.log ?? ((line) => console.log(line));
    this.clock = options.now ?? (() => new Date());
    const failed = (what: string) => (error: unknown) => this.log(`notifications: ${what} failed: ${error instanceof Error ? error.message : String(error)} (the next tick retries)`);
    this.fanOutChain = new TickChain(() => this.fanOut(), failed("fan-out"));
    this.mailChain = new TickChain(() => this.deliver(undefined, ["email"]), failed("mail delivery"));
    this.hookChain = new TickChain(() => this.deliver(undefined, ["webhook", "in_app"]), failed("webhook delivery"));
    this.escalationChain = new TickChain(() => this.escalate(), failed("escalation"));
    this.digestChain = new TickChain(() => this.digest(), failed("digest"));
  }

  /** Fan-out now, on a connection of its own (its batches are transactions). */
  async fanOut(now = this.clock()): Promise<FanOutResult> {
    const client: pg.PoolClient = await this.pool.connect();
    const ignoreDrop = () => undefined;
    client.on("error", ignoreDrop);
    let failure: Error | undefined;
    try {
      const result = await fanOut(client, now, { base: this.options.appUrl });
      this.counters.fannedOut += result.alerts;
      this.counters.queued += result.queued + result.held + result.digest;
      this.counters.inApp += result.inApp;
      this.counters.debounced += result.debounced;
      if (result.queued > 0) this.kickDelivery();
      return result;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.off("error", ignoreDrop);
      client.release(failure);
    }
  }

  /** Delivers what is due now (every kind unless told), in batches. */
  async deliver(now?: Date, kinds?: DeliveryOptions["kinds"]): Promise<DeliveryResult> {
    const result = await deliverDue(this.pool, () => now ?? this.clock(), { ...this.options.delivery, kinds, mailer: this.mailer, log: this.log, stopping: () => this.stopping });
    this.counters.sent += result.sent;
    this.counters.retried += result.retried;
    this.counters.failed += result.failed;
    this.counters.cancelled += result.cancelled;
    // A full tick's worth: more is due at once.
    if (result.claimed >= (this.options.delivery?.batch ?? 200) * 50) this.kickDelivery();
    return result;
  }

  /** Null when another worker is escalating right now. */
  async escalate(now = this.clock()): Promise<EscalationResult | null> {
    const outcome = await runExclusively(this.pool, ESCALATION_LOCK, (sql) => escalate(sql, now, { base: this.options.appUrl }));
    if (!outcome.ran) return null;
    this.counters.escalated += outcome.value.escalated;
    if (outcome.value.escalated > 0) {
      this.log(`notifications: ${outcome.value.escalated} unacknowledged critical alert(s) escalated to the next on-call level`);
      this.kickDelivery();
    }
    return outcome.value;
  }

  async digest(now = this.clock()): Promise<DigestResult | null> {
    const outcome = await runExclusively(this.pool, DIGEST_LOCK, (sql) => sendDigests(sql, now, this.options.appUrl));
    if (!outcome.ran) return null;
    this.counters.digests += outcome.value.mails;
    if (outcome.value.mails > 0) {
      this.log(`notifications: ${outcome.value.mails} digest mail(s) queued listing ${outcome.value.items} notification(s)`);
      this.kickDelivery();
    }
    return outcome.value;
  }

  private kickDelivery() {
    this.mailChain.kick();
    this.hookChain.kick();
  }

  /** A NOTIFY or a new alert: fan out, and deliver what was queued by others. */
  kick() {
    this.fanOutChain.kick();
    this.kickDelivery();
  }

  start(): this {
    const tickMs = this.options.tickMs ?? 2_000;
    this.fanOutChain.every(tickMs);
    this.mailChain.every(tickMs);
    this.hookChain.every(tickMs);
    this.escalationChain.every(this.options.escalationEveryMs ?? 30_000);
    this.digestChain.every(this.options.digestEveryMs ?? 60_000);
    if (this.options.databaseUrl && (this.options.listen ?? true)) {
      this.listener = listenForNotify(this.options.databaseUrl, NOTIFY_CHANNEL, () => this.kick(), this.log, "notifications");
    }
    this.kick();
    return this;
  }

  stats(): NotifyEngineStats {
    return { ...this.counters };
  }

  /** Waits for the running ticks (a delivery batch finishes and records what it sent). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.listener?.close();
    await Promise.all([this.fanOutChain.stop(), this.mailChain.stop(), this.hookChain.stop(), this.escalationChain.stop(), this.digestChain.stop()]);
    if (this.ownMailer) this.mailer.close();
  }
}
