/**
 * The IoT worker: subscribes to everything devices publish, validates it against the MQTT
 * contract, stores it through the coalescing ingestor (lib/telemetry/ingest.ts), and runs the
 * pg-boss schedules (connection sweep, telemetry retention).
 *
 * Acknowledge only after stored: mqtt.js sends a QoS 1 PUBACK when `handleMessage`'s callback
 * returns without error, and reads the next packet only after that callback. Waiting there for a
 * database commit would let one message through per flush, so instead the callback is released at
 * once *with a marker error* (mqtt.js then sends no PUBACK and goes on reading), and the PUBACK is
 * sent by us when the flush holding the message committed. The callback is held back only when
 * the ingestor's backlog is full (database down): that stops reading the socket, which is the
 * backpressure mqtt.js's `message` event cannot give. While it is held the worker pings the broker
 * itself (mqtt.js, not reading, would miss the answers and drop the connection), and what a lost
 * connection held is matched to the broker's redelivery instead of being stored twice.
 *
 * Run: `tsx workers/iot-worker.ts` (reads lib/config/env). Options for tests: `startIotWorker`.
 */
import os from "node:os";
import { pathToFileURL } from "node:url";
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from "mqtt";
import PgBoss from "pg-boss";
import { WORKER_JOBS } from "../lib/jobs";
import { registerJobs } from "../lib/jobs/registry";
import {
  commandResponsePayload,
  configReportPayload,
  decodePayload,
  otaStatusPayload,
  PAYLOAD_LIMITS,
  type DecodeRefusal,
  statusPayload,
  telemetryPayload,
} from "../lib/mqtt/payloads";
import { PubackBatch } from "../lib/mqtt/puback-batch";
import { DEVICE_TO_CLOUD_FILTERS, parseTopic, sharedFilter } from "../lib/mqtt/topics";
import { TelemetryIngestor, type DeviceMessage } from "../lib/telemetry/ingest";
import { ThresholdCache } from "../lib/health/threshold-book";
import { createSqlPool } from "../lib/telemetry/sql";
import { loadWrittenRows } from "../lib/telemetry/store-window";
import { ensureTelemetryPartitions } from "../lib/telemetry/partitions";
import { repairDeviceRows } from "../lib/telemetry/repair-rows";
import type { SigningKey } from "../lib/firmware/signing";
import { OtaEngine, type OtaOffer } from "../lib/ota/ota-engine";
import { OtaStatusBatcher } from "../lib/ota/status-batcher";
import type { StatusReport } from "../lib/ota/update-status";
import { topics } from "../lib/mqtt/topics";
import { publishMany, type Outgoing } from "../lib/mqtt/publish-many";
import { CommandEngine, type CommandMessage } from "../lib/commands/command-engine";
import { listenForCommands } from "../lib/commands/command-notify";
import { ConfigEngine } from "../lib/configuration/config-engine";
import { CONFIG_CHANNEL } from "../lib/configuration/config-notify";
import { listenForNotify } from "../lib/worker/notify-listener";
import { RedeliveryCheck } from "../lib/worker/redelivery-check";
import { NotifyEngine, type NotifyEngineOptions } from "../lib/notifications/notify-engine";

export type IotWorkerOptions = {
  mqttUrl: string;
  databaseUrl: string;
  serviceUsername?: string;
  servicePassword?: string;
  /** Stable across restarts so the broker keeps the session (and the unacknowledged messages). */
  clientId?: string;
  /** `$share/iot-workers/…` filters, for brokers that support them (Mosquitto 2, EMQX, HiveMQ). */
  sharedSubscription?: boolean;
  /** The shared subscription's group (default `iot-workers`): every worker of one deployment names the same. */
  sharedGroup?: string;
  /**
   * Broker connections this worker opens (default 1); more than one subscribes with shared
   * filters, so each message reaches one of them. Not for Aedes (no shared subscriptions).
   */
  connections?: number;
  /** 4 = MQTT 3.1.1 (Aedes speaks only this), 5 = MQTT 5. */
  protocolVersion?: 4 | 5;
  /** Start pg-boss and the scheduled jobs (tests of the message path may leave them off). */
  runJobs?: boolean;
  telemetryRetentionDays?: number;
  /** The rollup job's lag and the rollups' retention (lib/jobs/telemetry-rollup.ts, rollup-retention.ts). */
  rollups?: { lagMs?: number; fiveMinuteRetentionDays?: number; hourlyRetentionDays?: number };
  flushIntervalMs?: number;
  /** Messages per window (default 1,000) and the backlog that stops reading the socket (default 20,000). */
  maxWindow?: number;
  highWater?: number;
  /**
   * A device's row is rewritten at most this often while its health, connection, signal quality
   * and attention flag stay the same (samples are stored with every window). Default 5 s: last
   * seen and the current values on the device page lag by at most that; any change the health
   * rules see is written at once. 0 writes every row every window.
   */
  deviceRowRefreshMs?: number;
  /** MQTT keepalive in seconds (default 30). */
  keepaliveSeconds?: number;
  /** How long `stop()` keeps retrying to store what is in memory (default 10 s); the rest stays unacknowledged. */
  shutdownTimeoutMs?: number;
  statsIntervalMs?: number;
  /**
   * The update engine (lib/ota/ota-engine.ts): how often it looks at running jobs (default 1 s;
   * 0 = off), where devices download binaries from, and the key offers are signed with.
   */
  ota?: { tickMs?: number; publicUrl: string; signingKey: SigningKey; maxOffersPerTick?: number };
  /**
   * The command engine (lib/commands/command-engine.ts): how often it ticks (default 500 ms; 0 =
   * only when kicked), where devices upload log bundles, and how many commands go out per second.
   * It also ticks at once on a NOTIFY on `sdm_commands` and when a device says it is online.
   */
  commands?: { tickMs?: number; publicUrl: string; maxPerSecond?: number; listen?: boolean };
  /**
   * The configuration engine (lib/configuration/config-engine.ts): delivery every `tickMs` (default
   * 1 s; 0 = only when kicked), the materialize and drift sweeps every `sweepEveryMs` (default 60 s),
   * the materialize sweep also at once on a NOTIFY on `sdm_config`; a device that says it is online
   * is sent its desired version at once.
   */
  config?: { tickMs?: number; listen?: boolean; sweepEveryMs?: number; resendAfterSeconds?: number; maxSendAttempts?: number; driftGraceMinutes?: number };
  /**
   * The notification engine (lib/notifications/notify-engine.ts): alert fan-out, delivery with
   * retries, escalation and the digest, on a small pool of its own. Off unless given.
   */
  notifications?: Omit<NotifyEngineOptions, "databaseUrl" | "log">;
  log?: (line: string) => void;
};

export type IotWorkerStats = {
  received: number;
  stored: number;
  /** Every message refused before storage: the sum of the four kinds below. */
  invalid: number;
  /** Payload is not JSON (or not UTF-8). */
  notJson: number;
  /** Past its topic's bounds of bytes, keys or depth (PAYLOAD_LIMITS in lib/mqtt/payloads.ts). */
  tooLarge: number;
  /** JSON, but not what the MQTT contract (lib/mqtt/payloads.ts) allows, or what PostgreSQL cannot store. */
  schemaInvalid: number;
  /** Not a device → cloud topic this worker knows. */
  badTopic: number;
  /** Retained deliveries: the broker replaying a kept message at a (re)subscription, not news. Acknowledged, not stored. */
  retained: number;
  unknownDevice: number;
  /** Valid, but refused by the database when stored (isolated from their window, dropped, acknowledged). */
  refused: number;
  /** Stored, but under our receive time: the device clock was ahead, or before its provisioning. */
  clockSkewed: number;
  /** Stored as history; the device's current values were newer and kept. */
  outOfOrder: number;
  activated: number;
  ignored: number;
  pending: number;
  flushes: number;
  failedFlushes: number;
  flushedDevices: number;
  flushMs: number;
  /** ota/status reports taken, and how many moved a device's update on. */
  otaReports: number;
  otaApplied: number;
  otaPending: number;
  otaBatches: number;
  otaBatchMs: number;
  /** Redeliveries of messages a lost connection held: acknowledged (once stored), not stored again. */
  redelivered: number;
  /**
   * Redeliveries of telemetry this process held no copy of that the database already had (stored
   * by this worker before a restart, or by a worker that died before acknowledging): acknowledged, not stored again.
   */
  redeliveredStored: number;
  /** Commands sent, timed out and expired by this worker's engine ticks. */
  commandsSent: number;
  commandsTimedOut: number;
  commandsExpired: number;
  /** Command answers stored (moved a command on), and responses refused: unknown command or another device's. */
  commandResponses: number;
  commandRefused: number;
  /** Configuration reports stored, and dropped (a version the device never had); malformed ones count as schemaInvalid. */
  configReports: number;
  configReportsDropped: number;
  /** Configurations sent by this worker's engine ticks, and given up (never confirmed). */
  configsSent: number;
  configsFailed: number;
  /** Whether reading from the broker is paused now because the backlog is full (database down), and for how long in all. */
  paused: boolean;
  pausedMs: number;
};

export type IotWorker = {
  stop(): Promise<void>;
  stats(): IotWorkerStats;
  /** Runs the update engine now (tests, and after a status batch finished devices). */
  otaTick(now?: Date): Promise<void>;
  /** Runs the command engine now (tests; the worker also ticks it by itself). */
  commandTick(now?: Date): Promise<void>;
  /** Runs the configuration engine now (tests); `sweep` forces the materialize and drift sweeps. */
  configTick(now?: Date, options?: { sweep?: boolean }): Promise<void>;
};

/** An update's progress, for the OTA status batcher rather than the telemetry ingestor. */
type OtaStatusMessage = { kind: "ota_status"; report: StatusReport };

const REFUSAL_COUNTER = { not_json: "notJson", too_large: "tooLarge", invalid: "schemaInvalid" } as const satisfies Record<DecodeRefusal, string>;

/**
 * Given to mqtt.js's handleMessage callback: "do not PUBACK, we will once it is stored". One
 * instance for all: mqtt.js only tests it for truth, and an Error per message (its stack trace
 * captured each time) cost 5 % of the worker's CPU at 10,000 messages/s.
 */
const ACK_DEFERRED = new Error("acknowledged after storage");

/** A QoS 1 delivery waiting for storage, and the connection and packet id its PUBACK belongs to. */
type Delivery = { messageId: number; connection: number; stored: boolean; topic: string; payload: Buffer };

/** Same topic and same bytes: how a redelivery is recognised (its packet id may differ). */
const contentKey = (topic: string, payload: Buffer) => `${topic}\n${payload.toString("latin1")}`;

/** Another worker's window, locking the same rows in another order, may deadlock with the repair: try again. */
async function repairDeviceRowsRetrying(pool: Parameters<typeof repairDeviceRows>[0]): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await repairDeviceRows(pool);
    } catch (error) {
      if (attempt >= 3 || (error as { code?: string }).code !== "40P01") throw error;
    }
  }
}

export function defaultWorkerClientId() {
  return `sdm-iot-worker-${os.hostname()}`.slice(0, 64);
}

export async function startIotWorker(options: IotWorkerOptions): Promise<IotWorker> {
  const log = options.log ?? ((line: string) => console.log(line));
  const counters = { received: 0, notJson: 0, tooLarge: 0, schemaInvalid: 0, badTopic: 0, ignored: 0, retained: 0 };
  let retainedLoggedAt = 0;
  let redelivered = 0;
  let redeliveredStored = 0;
  // Backpressure: connections not being read, since when, and how long in all.
  let pausedConnections = 0;
  let pausedSince = 0;
  let pausedMsTotal = 0;
  let pauseLogTimer: NodeJS.Timeout | null = null;
  const keepaliveSeconds = options.keepaliveSeconds ?? 30;
  let invalidLoggedThisMinute = 0;

  const pool = createSqlPool(options.databaseUrl);
  const rowRefreshMs = options.deviceRowRefreshMs ?? 5_000;
  // Today's telemetry partition and the days ahead, at once: a fresh start or one after days of
  // downtime does not wait for the hourly job (lib/jobs/telemetry-partitions.ts).
  const partitions = await ensureTelemetryPartitions(pool, { now: new Date(), retentionDays: options.telemetryRetentionDays ?? 30 });
  if (partitions.created.length > 0) {
    log(`worker: ${partitions.created.length} telemetry day partition(s) created (${partitions.created[0]} … ${partitions.created.at(-1)}), ${partitions.moved} sample(s) moved out of the default partition`);
  }
  // Row writes held back by a worker that died (kill -9) after their samples were stored.
  const repaired = await repairDeviceRowsRetrying(pool);
  if (repaired.length > 0) {
    log(`worker: ${repaired.length} device row(s) behind their stored samples brought up to date: ${repaired.slice(0, 10).join(", ")}${repaired.length > 10 ? " …" : ""}`);
  }
  // Farms' and groups' health limits for the ingest's health judgement (issue 16), refreshed every
  // half minute; `healthLimits.invalidate()` after NOTIFY sdm_config makes a change apply at once.
  const healthLimits = new ThresholdCache(pool);
  const ingestor = new TelemetryIngestor({
    pool,
    thresholds: healthLimits,
    flushIntervalMs: options.flushIntervalMs,
    maxWindow: options.maxWindow,
    highWater: options.highWater,
    deviceRowRefreshMs: rowRefreshMs,
    // A database that is not there fails the start here, before any message is taken.
    written: rowRefreshMs > 0 ? await loadWrittenRows(pool, rowRefreshMs) : undefined,
    // Configuration reports that finished campaign devices: the update engine has a phase to judge.
    onCampaignReports: () => kickEngine(),
    log,
  });

  // Ticks soon after a batch finished some devices' updates: a phase may be ready to judge.
  let kickEngine: () => void = () => undefined;
  // Waiting commands go out as soon as their device says it is back (set once the engine exists).
  let kickCommands: () => void = () => undefined;
  // ...and its configuration, when it does not run the desired one.
  let configOnline: (deviceId: string) => void = () => undefined;
  const backOnline = (deviceId: string) => {
    kickCommands();
    configOnline(deviceId);
  };
  const statusBatcher = new OtaStatusBatcher({
    pool,
    log,
    onApplied: () => kickEngine(),
  });

  // Jobs first: a database that is not there fails the start here, before any message is taken.
  let boss: PgBoss | null = null;
  if (options.runJobs ?? true) {
    boss = new PgBoss({ connectionString: options.databaseUrl, schema: "pgboss", application_name: "sdm-iot-worker-jobs" });
    boss.on("error", (error: Error) => log(`jobs: ${error.message}`));
    await boss.start();
    await registerJobs(boss, WORKER_JOBS, {
      sql: pool,
      log,
      now: () => new Date(),
      telemetryRetentionDays: options.telemetryRetentionDays ?? 30,
      rollups: options.rollups,
    });
    log(`worker: jobs registered (${WORKER_JOBS.map((job) => job.name).join(", ")})`);
  }

  const protocolVersion = options.protocolVersion ?? 4;
  const connectionCount = Math.max(1, options.connections ?? 1);
  // Several connections only on a shared subscription: else each would receive every message.
  const shared = options.sharedSubscription || connectionCount > 1;
  const baseClientId = options.clientId ?? defaultWorkerClientId();
  let stopping = false;

  /**
   * The alert of a long database outage: once reading stops, the broker holds what devices send
   * for this worker, up to its limits (README, "Database outages"), and then drops.
   */
  const logBackpressure = () => {
    const ingest = ingestor.stats();
    log(
      `worker: ALERT database unreachable: ${ingest.pending + statusBatcher.stats().pending} message(s) wait in memory unacknowledged and reading from the broker is paused ` +
        `for ${Math.round((Date.now() - pausedSince) / 1000)} s; the broker queues for this worker meanwhile and drops beyond its limit (Mosquitto: max_queued_messages)`,
    );
  };
  let alerted = false;
  // A full backlog for a moment is a busy database; for seconds on end, an outage.
  function backpressureStarted() {
    pausedSince = Date.now();
    pauseLogTimer = setTimeout(function alert() {
      alerted = true;
      logBackpressure();
      pauseLogTimer = setTimeout(alert, 30_000);
      pauseLogTimer.unref();
    }, 5_000);
    pauseLogTimer.unref();
  }
  function backpressureEnded() {
    pausedMsTotal += Date.now() - pausedSince;
    if (pauseLogTimer) clearTimeout(pauseLogTimer);
    pauseLogTimer = null;
    if (alerted) log(`worker: reading from the broker again after ${Math.round((Date.now() - pausedSince) / 1000)} s`);
    alerted = false;
  }

  const filters = DEVICE_TO_CLOUD_FILTERS.map((filter) => (shared ? sharedFilter(filter, options.sharedGroup) : filter));

  function invalid(topic: string, reason: string, kind: "notJson" | "tooLarge" | "schemaInvalid" | "badTopic") {
    counters[kind] += 1;
    if (invalidLoggedThisMinute < 20) log(`invalid message on ${topic}: ${reason}`);
    invalidLoggedThisMinute += 1;
  }

  /** Bytes + topic → a message for the ingestor, or null (counted as invalid or ignored). */
  function decode(packet: IPublishPacket, receivedAt: Date): DeviceMessage | OtaStatusMessage | null {
    const topic = parseTopic(packet.topic);
    if (!topic) {
      invalid(packet.topic, "not a device topic", "badTopic");
      return null;
    }
    switch (topic.kind) {
      case "telemetry": {
        const decoded = decodePayload(telemetryPayload, packet.payload, PAYLOAD_LIMITS.telemetry);
        if (decoded.ok) return { kind: "telemetry", deviceId: topic.deviceId, payload: decoded.value, receivedAt };
        invalid(packet.topic, decoded.error, REFUSAL_COUNTER[decoded.refusal]);
        return null;
      }
      case "status": {
        const decoded = decodePayload(statusPayload, packet.payload, PAYLOAD_LIMITS.status);
        if (decoded.ok) return { kind: "status", deviceId: topic.deviceId, payload: decoded.value, receivedAt };
        invalid(packet.topic, decoded.error, REFUSAL_COUNTER[decoded.refusal]);
        return null;
      }
      case "command_response": {
        const decoded = decodePayload(commandResponsePayload, packet.payload, PAYLOAD_LIMITS.commandResponse);
        if (decoded.ok) {
          return { kind: "command_response", deviceId: topic.deviceId, commandId: topic.commandId, payload: decoded.value, receivedAt };
        }
        invalid(packet.topic, decoded.error, REFUSAL_COUNTER[decoded.refusal]);
        return null;
      }
      case "config_status": {
        // The topic names the device: a payload cannot speak for another one.
        const decoded = decodePayload(configReportPayload, packet.payload, PAYLOAD_LIMITS.configReport);
        if (decoded.ok) return { kind: "config_status", deviceId: topic.deviceId, payload: decoded.value, receivedAt };
        invalid(packet.topic, decoded.error, REFUSAL_COUNTER[decoded.refusal]);
        return null;
      }
      case "ota_status": {
        const decoded = decodePayload(otaStatusPayload, packet.payload, PAYLOAD_LIMITS.otaStatus);
        if (decoded.ok) {
          const { job_id, status, progress, error, version } = decoded.value;
          return { kind: "ota_status", report: { deviceId: topic.deviceId, jobId: job_id, status, progress, error, version, receivedAt } };
        }
        invalid(packet.topic, decoded.error, REFUSAL_COUNTER[decoded.refusal]);
        return null;
      }
      default:
        // Cloud → device topics (commands, config, OTA offers) are not ours to store.
        counters.ignored += 1;
        return null;
    }
  }

  /**
   * Telemetry redelivered with DUP set: acknowledged without storing when an equal sample is
   * stored (lib/worker/redelivery-check.ts), else stored as usual. While the database cannot say,
   * it stays unacknowledged and is asked again: storing it blind could store it twice.
   */
  const redeliveryCheck = new RedeliveryCheck(pool);
  function acceptUnlessStored(message: Extract<DeviceMessage, { kind: "telemetry" }>, ack: () => void) {
    redeliveryCheck.alreadyStored(message).then(
      (already) => {
        if (already) {
          redeliveredStored += 1;
          ack();
        } else ingestor.accept(message, ack);
      },
      () => {
        if (stopping) return;
        setTimeout(() => acceptUnlessStored(message, ack), 1_000).unref();
      },
    );
  }

  /** A device saying it is online: once stored (connection_status online), its waiting commands go out. */
  const cameOnline = (message: DeviceMessage) => message.kind === "status" && message.payload.status === "online";

  /**
   * One broker connection feeding the shared ingestor. A broker lets each client have only so many
   * unacknowledged messages in flight (Mosquitto: 20 by default), and this worker acknowledges after
   * the commit, so one connection caps a window at that many; several connections on a shared
   * subscription multiply it.
   */
  function openConnection(index: number): { client: MqttClient; ready: Promise<void> } {
    const clientOptions: IClientOptions = {
      clientId: connectionCount > 1 ? `${baseClientId}-${index + 1}`.slice(0, 64) : baseClientId,
      username: options.serviceUsername,
      password: options.servicePassword,
      clean: false,
      protocolVersion,
      reconnectPeriod: 2_000,
      connectTimeout: 10_000,
      keepalive: keepaliveSeconds,
      // MQTT 5 ends a session at disconnect unless told otherwise; a day covers any restart.
      ...(protocolVersion === 5 ? { properties: { sessionExpiryInterval: 24 * 60 * 60, receiveMaximum: 65_535 } } : {}),
    };
    const client: MqttClient = mqtt.connect(options.mqttUrl, clientOptions);
    const pubacks = new PubackBatch(() => (client.connected ? client.stream : undefined));

    // PUBACKs belong to the connection the message came on: after a reconnect the broker redelivers
    // whatever was not acknowledged, so an old acknowledgement is simply dropped.
    let connection = 0;
    /** This connection's deliveries waiting for storage. */
    let live = new Set<Delivery>();
    /**
     * Deliveries of a lost connection, by content, until the broker redelivers them: the copy in
     * memory is stored (or already was) and the redelivery only brings the packet id to acknowledge.
     * Storing the redelivery as well is what doubled an outage's messages when the connection dropped.
     */
    const owed = new Map<string, Delivery[]>();
    let connectedAt = 0;
    let lastConnectionMs = 0;

    /** A redelivery of an owed message: acknowledged now if stored, else when its copy is. */
    const takeRedelivery = (packet: IPublishPacket): boolean => {
      const key = contentKey(packet.topic, packet.payload as Buffer);
      const waiting = owed.get(key);
      if (!waiting || packet.messageId === undefined) return false;
      const delivery = waiting.shift()!;
      if (waiting.length === 0) owed.delete(key);
      delivery.messageId = packet.messageId;
      delivery.connection = connection;
      redelivered += 1;
      if (delivery.stored) pubacks.add(delivery.messageId);
      else live.add(delivery);
      return true;
    };

    // Not reading the socket means not reading the broker's PINGRESP either: mqtt.js would call
    // that a dead connection after 1.5 keepalives and reconnect. While held, this pings for it.
    let pinger: NodeJS.Timeout | null = null;
    // Holds still waiting: one of a lost connection may outlive the new connection's, and the
    // pinging must go on until the last is released.
    let holds = 0;
    const stopPinging = () => {
      if (!pinger) return;
      clearInterval(pinger);
      pinger = null;
      pausedConnections -= 1;
      if (pausedConnections === 0) backpressureEnded();
    };
    const hold = (until: Promise<void>, next: () => void) => {
      holds += 1;
      if (!pinger) {
        pausedConnections += 1;
        if (pausedConnections === 1) backpressureStarted();
        // client.keepalive: the broker's, when an MQTT 5 broker imposed one.
        pinger = setInterval(() => {
          if (!client.connected) return;
          client.sendPing();
          client.reschedulePing(true);
        }, ((client.keepalive || keepaliveSeconds) * 1000) / 3);
      }
      const release = () => {
        holds -= 1;
        if (holds === 0) stopPinging();
        next();
      };
      until.then(release, release);
    };

    client.handleMessage = (packet, callback) => {
      counters.received += 1;
      if (stopping) {
        // Not stored, so not acknowledged: the broker keeps it for the next worker run.
        callback(ACK_DEFERRED);
        return;
      }
      if (packet.retain) {
        // The broker sets the flag only on what it replays to a new subscription (MQTT 3.1.1
        // §3.3.1.3, MQTT 5 without retain-as-published): every worker start, and every reconnect
        // that lost the session, would store it again and put its old values back on the device.
        // Its live copy reached the session's subscription when it was published and is stored;
        // published while there was none, it is as lost as any other message of that gap. (Aedes
        // also keeps the flag on what it queued for an offline session: the embedded broker
        // refuses retain from devices, lib/mqtt/broker-access.ts mayRetain.)
        counters.retained += 1;
        if (Date.now() - retainedLoggedAt > 60_000) {
          retainedLoggedAt = Date.now();
          log(`worker: retained message on ${packet.topic} ignored (a replay, not news; ${counters.retained} so far): devices must not publish with retain`);
        }
        callback();
        return;
      }
      if (owed.size > 0 && packet.qos > 0 && takeRedelivery(packet)) {
        callback(ACK_DEFERRED);
        return;
      }
      const message = decode(packet, new Date());
      if (!message || packet.qos === 0) {
        // Nothing to store (or QoS 0, which has no acknowledgement): let mqtt.js PUBACK now.
        if (message?.kind === "ota_status") statusBatcher.accept(message.report);
        else if (message) ingestor.accept(message, cameOnline(message) ? () => backOnline(message.deviceId) : undefined);
        callback();
        return;
      }
      const delivery: Delivery = { messageId: packet.messageId ?? 0, connection, stored: false, topic: packet.topic, payload: packet.payload as Buffer };
      live.add(delivery);
      const ack = () => {
        delivery.stored = true;
        // Of a lost connection: acknowledged when the broker redelivers it (see owed).
        if (delivery.connection !== connection || !client.connected) return;
        live.delete(delivery);
        pubacks.add(delivery.messageId);
      };
      // mqtt.js reads the next packet once `callback` runs: at once while the backlog is below the
      // high-water mark, else once a flush has drained it.
      const next = () => callback(ACK_DEFERRED);
      if (message.kind === "ota_status") {
        statusBatcher.accept(message.report, ack);
        if (statusBatcher.writable()) next();
        else hold(statusBatcher.whenWritable(), next);
        return;
      }
      const stored = cameOnline(message)
        ? () => {
            ack();
            backOnline(message.deviceId);
          }
        : ack;
      if (packet.dup && message.kind === "telemetry") {
        // A redelivery this process holds no copy of: a worker (this one before a restart, or
        // one that died) may have stored it and died before its PUBACK. The database says.
        next();
        acceptUnlessStored(message, ack);
        return;
      }
      ingestor.accept(message, stored);
      if (ingestor.writable()) next();
      else hold(ingestor.whenWritable(), next);
    };

    let firstConnect = true;
    const ready = new Promise<void>((resolve) => {
      client.on("connect", (connack) => {
        connection += 1;
        pubacks.discard();
        // A new session redelivers nothing (what memory holds is stored all the same), and what a
        // resumed one did not hand back during a whole minute's connection it never will.
        if (!connack.sessionPresent || lastConnectionMs > 60_000) owed.clear();
        connectedAt = Date.now();
        if (connack.sessionPresent && live.size > 0) {
          for (const delivery of live) {
            const key = contentKey(delivery.topic, delivery.payload);
            const waiting = owed.get(key);
            if (waiting) waiting.push(delivery);
            else owed.set(key, [delivery]);
          }
        }
        live = new Set();
        log(`worker: connected to ${options.mqttUrl} as ${clientOptions.clientId} (session ${connack.sessionPresent ? "resumed" : "new"})`);
        if (!firstConnect) return; // mqtt.js resubscribes by itself when the broker lost the session
        firstConnect = false;
        // MQTT 5: the broker need not even send retained messages at subscription (rh 2).
        client.subscribe(filters.slice(), { qos: 1, ...(protocolVersion === 5 ? { rh: 2 } : {}) }, (error, granted) => {
          if (error) {
            log(`worker: subscribing failed: ${error.message}`);
            return;
          }
          const refused = (granted ?? []).filter((grant) => grant.qos === 128);
          if (refused.length > 0) log(`worker: broker refused ${refused.map((grant) => grant.topic).join(", ")}`);
          resolve();
        });
      });
    });
    client.on("close", () => {
      if (connectedAt) lastConnectionMs = Date.now() - connectedAt;
      connectedAt = 0;
      // The next connection is read afresh: its own keepalive must judge it.
      stopPinging();
    });
    client.on("reconnect", () => log("worker: reconnecting to the broker…"));
    client.on("offline", () => log("worker: broker connection lost"));
    client.on("error", (error) => log(`worker: MQTT error: ${error.message}`));

    return { client, ready };
  }

  const connections = Array.from({ length: connectionCount }, (_, index) => openConnection(index));
  const clients = connections.map((connection) => connection.client);

  // Offers go out on the first connection, QoS 1: resolved once the broker has them all.
  const publishOffers = (offers: OtaOffer[]) =>
    publishMany(clients[0]!, offers.map((offer) => ({ topic: topics.otaUpdate(offer.deviceId), payload: JSON.stringify(offer.payload) })));
  // Configuration campaigns run on the same engine; their versions go out retained (publishMany).
  const publishMessages = (messages: Outgoing[]) => publishMany(clients[0]!, messages);
  const engine = options.ota
    ? new OtaEngine(pool, { publicUrl: options.ota.publicUrl, signingKey: options.ota.signingKey, publish: publishOffers, publishMessages, maxOffersPerTick: options.ota.maxOffersPerTick, log })
    : null;
  let engineTimer: NodeJS.Timeout | null = null;
  let engineRun: Promise<void> = Promise.resolve();
  /** Ticks run one after another in this process, each with its own clock (tests pass one). */
  const otaTick = (now?: Date): Promise<void> => {
    if (!engine) return Promise.resolve();
    engineRun = engineRun.then(async () => {
      if (stopping) return;
      try {
        await engine.tick(now ?? new Date());
      } catch (error) {
        log(`ota: engine tick failed: ${error instanceof Error ? error.message : String(error)} (next tick retries)`);
      }
    });
    return engineRun;
  };
  // A finished device may complete a phase: judge it soon, but at most every 250 ms — under a
  // stream of reports a tick per batch would compete with applying them.
  let kicked = false;
  kickEngine = () => {
    if (kicked || !engine || stopping) return;
    kicked = true;
    setTimeout(() => {
      kicked = false;
      void otaTick();
    }, 250).unref();
  };
  const tickMs = options.ota?.tickMs ?? 1_000;
  if (engine && tickMs > 0) {
    const loop = () => {
      engineTimer = setTimeout(() => {
        void otaTick().finally(() => {
          if (!stopping) loop();
        });
      }, tickMs);
      engineTimer.unref();
    };
    loop();
  }

  // The command engine: its own tick chain, so a long OTA tick does not hold commands back.
  const commandCounters = { sent: 0, timedOut: 0, expired: 0 };
  const publishCommands = (messages: CommandMessage[]) =>
    publishMany(clients[0]!, messages.map((message) => ({ topic: topics.commands(message.deviceId), payload: JSON.stringify(message.payload) })));
  const commandEngine = options.commands
    ? new CommandEngine(pool, { publicUrl: options.commands.publicUrl, publish: publishCommands, maxPerSecond: options.commands.maxPerSecond, log })
    : null;
  let commandRun: Promise<void> = Promise.resolve();
  let commandQueued = false;
  const commandTick = (now?: Date): Promise<void> => {
    if (!commandEngine) return Promise.resolve();
    commandRun = commandRun.then(async () => {
      if (stopping) return;
      try {
        const result = await commandEngine.tick(now ?? undefined);
        commandCounters.sent += result.sent;
        commandCounters.timedOut += result.timedOut;
        commandCounters.expired += result.expired;
      } catch (error) {
        log(`commands: engine tick failed: ${error instanceof Error ? error.message : String(error)} (next tick retries)`);
      }
    });
    return commandRun;
  };
  // A NOTIFY or a device back online: one more tick after the running one, however many kicks came.
  kickCommands = () => {
    if (!commandEngine || stopping || commandQueued) return;
    commandQueued = true;
    void commandRun.then(() => {
      commandQueued = false;
      return commandTick();
    });
  };
  let commandTimer: NodeJS.Timeout | null = null;
  const commandTickMs = options.commands?.tickMs ?? 500;
  if (commandEngine && commandTickMs > 0) {
    const loop = () => {
      commandTimer = setTimeout(() => {
        void commandTick().finally(() => {
          if (!stopping) loop();
        });
      }, commandTickMs);
      commandTimer.unref();
    };
    loop();
  }
  const commandListener = commandEngine && (options.commands?.listen ?? true) ? listenForCommands(options.databaseUrl, () => kickCommands(), log) : null;

  // The configuration engine: its own tick chain too (a sweep of 100,000 devices must not hold commands back).
  const configCounters = { sent: 0, failed: 0 };
  const publishConfigs = (messages: Outgoing[]) => publishMany(clients[0]!, messages);
  const configEngine = options.config
    ? new ConfigEngine(pool, {
        publish: publishConfigs,
        sweepEveryMs: options.config.sweepEveryMs,
        resendAfterSeconds: options.config.resendAfterSeconds,
        maxSendAttempts: options.config.maxSendAttempts,
        driftGraceMinutes: options.config.driftGraceMinutes,
        log,
      })
    : null;
  let configRun: Promise<void> = Promise.resolve();
  let configQueued = false;
  const configTick = (now?: Date, tickOptions?: { sweep?: boolean }): Promise<void> => {
    if (!configEngine) return Promise.resolve();
    configRun = configRun.then(async () => {
      if (stopping) return;
      try {
        const result = await configEngine.tick(now, tickOptions);
        configCounters.sent += result.sent;
        configCounters.failed += result.failed;
      } catch (error) {
        log(`config: engine tick failed: ${error instanceof Error ? error.message : String(error)} (next tick retries)`);
      }
    });
    return configRun;
  };
  const kickConfig = () => {
    if (!configEngine || stopping || configQueued) return;
    configQueued = true;
    void configRun.then(() => {
      configQueued = false;
      return configTick();
    });
  };
  configOnline = (deviceId) => {
    if (!configEngine) return;
    configEngine.cameOnline(deviceId);
    kickConfig();
  };
  let configTimer: NodeJS.Timeout | null = null;
  const configTickMs = options.config?.tickMs ?? 1_000;
  if (configEngine) {
    // At start: the first tick sweeps (versions for new devices, layers changed while stopped).
    kickConfig();
    if (configTickMs > 0) {
      const loop = () => {
        configTimer = setTimeout(() => {
          void configTick().finally(() => {
            if (!stopping) loop();
          });
        }, configTickMs);
        configTimer.unref();
      };
      loop();
    }
  }
  const configListener =
    configEngine && (options.config?.listen ?? true)
      ? listenForNotify(
          options.databaseUrl,
          CONFIG_CHANNEL,
          () => {
            // A layer's health limits may have changed with it: the ingest reads them afresh.
            healthLimits.invalidate();
            configEngine.requestSweep();
            kickConfig();
          },
          log,
          "config",
        )
      : null;

  // Notifications: a pool of its own, so a burst of fan-out never waits behind ingest windows.
  const notifyPool = options.notifications ? createSqlPool(options.databaseUrl, 3) : null;
  const notifyEngine = notifyPool ? new NotifyEngine(notifyPool, { ...options.notifications, databaseUrl: options.databaseUrl, log }).start() : null;

  const stats = (): IotWorkerStats => {
    const ingest = ingestor.stats();
    const ota = statusBatcher.stats();
    return {
      received: counters.received,
      stored: ingest.stored,
      invalid: counters.notJson + counters.tooLarge + counters.schemaInvalid + counters.badTopic,
      notJson: counters.notJson,
      tooLarge: counters.tooLarge,
      schemaInvalid: counters.schemaInvalid,
      badTopic: counters.badTopic,
      retained: counters.retained,
      unknownDevice: ingest.unknownDevice,
      refused: ingest.refused + ota.refused,
      clockSkewed: ingest.clockSkewed,
      outOfOrder: ingest.outOfOrder,
      activated: ingest.activated,
      ignored: counters.ignored,
      pending: ingest.pending,
      flushes: ingest.flushes,
      failedFlushes: ingest.failedFlushes,
      flushedDevices: ingest.flushedDevices,
      flushMs: ingest.flushMs,
      otaReports: ota.accepted,
      otaApplied: ota.applied,
      otaPending: ota.pending,
      otaBatches: ota.batches,
      otaBatchMs: ota.batchMs,
      commandsSent: commandCounters.sent,
      commandsTimedOut: commandCounters.timedOut,
      commandsExpired: commandCounters.expired,
      commandResponses: ingest.commandAnswers,
      commandRefused: ingest.commandRefused,
      configReports: ingest.configReports,
      configReportsDropped: ingest.configReportsDropped,
      configsSent: configCounters.sent,
      configsFailed: configCounters.failed,
      redelivered,
      redeliveredStored,
      paused: pausedConnections > 0,
      pausedMs: pausedMsTotal + (pausedConnections > 0 ? Date.now() - pausedSince : 0),
    };
  };

  const statsTimer = setInterval(() => {
    const s = stats();
    invalidLoggedThisMinute = 0;
    log(
      `worker: received ${s.received}, stored ${s.stored}, invalid ${s.invalid} (not JSON ${s.notJson}, too large ${s.tooLarge}, schema ${s.schemaInvalid}, topic ${s.badTopic}), retained replays ${s.retained}, ` +
        `refused by the database ${s.refused}, unknown device ${s.unknownDevice}, clock skewed ${s.clockSkewed}, out of order ${s.outOfOrder}, activated ${s.activated}, pending ${s.pending}; ` +
        // How the windows go: messages and device states per flush, and what a flush costs.
        `ota reports ${s.otaReports} (${s.otaApplied} applied, ${s.otaPending} pending, per batch ${s.otaBatches ? Math.round(s.otaReports / s.otaBatches) : 0} reports / ${s.otaBatches ? Math.round(s.otaBatchMs / s.otaBatches) : 0} ms); ` +
        `commands sent ${s.commandsSent}, timed out ${s.commandsTimedOut}, expired ${s.commandsExpired}, answers stored ${s.commandResponses}, refused ${s.commandRefused}; ` +
        `configs sent ${s.configsSent}, failed ${s.configsFailed}, reports stored ${s.configReports}, dropped ${s.configReportsDropped}; ` +
        `redelivered ${s.redelivered} (${s.redeliveredStored} found stored by an earlier run), reading paused ${Math.round(s.pausedMs / 1000)} s${s.paused ? " (now)" : ""}; ` +
        `${s.flushes} flushes, per flush ${s.flushes ? Math.round(s.stored / s.flushes) : 0} messages / ${s.flushes ? Math.round(s.flushedDevices / s.flushes) : 0} devices / ${s.flushes ? Math.round(s.flushMs / s.flushes) : 0} ms`,
    );
  }, options.statsIntervalMs ?? 30_000);
  statsTimer.unref();

  await Promise.all(connections.map((connection) => connection.ready));

  let stopped: Promise<void> | null = null;
  return {
    stats,
    otaTick,
    commandTick,
    configTick,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(statsTimer);
        if (pauseLogTimer) clearTimeout(pauseLogTimer);
        if (engineTimer) clearTimeout(engineTimer);
        if (commandTimer) clearTimeout(commandTimer);
        if (configTimer) clearTimeout(configTimer);
        await Promise.all([engineRun, commandRun, configRun, commandListener?.close(), configListener?.close(), notifyEngine?.stop()]);
        await notifyPool?.end().catch(() => undefined);
        redeliveryCheck.stop();
        // Store and acknowledge what is in memory while the connection is still up.
        await Promise.all([ingestor.stop(options.shutdownTimeoutMs), statusBatcher.stop(options.shutdownTimeoutMs)]);
        if (boss) await boss.stop({ graceful: true, wait: true, timeout: 5_000 }).catch(() => undefined);
        // A clean DISCONNECT, unless the broker is gone (then mqtt.js would wait for it).
        await Promise.all(
          clients.map(async (client) => {
            const ended = client.endAsync().catch(() => undefined);
            const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 3_000).unref());
            if ((await Promise.race([ended, timeout])) === "timeout") await client.endAsync(true).catch(() => undefined);
          }),
        );
        await pool.end().catch(() => undefined);
      })();
      return stopped;
    },
  };
}

async function main() {
  const { loadConfig } = await import("../lib/config/env");
  const { resolveDatabaseUrl, readEmbeddedServices } = await import("../lib/config/database-url");
  const { getSigningKey } = await import("../lib/firmware/signing-key");
  const config = loadConfig();
  const mqttUrl = config.MQTT_URL ?? readEmbeddedServices().mqttUrl;
  if (!mqttUrl) {
    console.error("MQTT_URL is not set and no embedded broker is running: start the product with `npm start` or set MQTT_URL.");
    process.exit(1);
  }
  if (config.MQTT_URL && config.MQTT_PROTOCOL_VERSION === 4 && config.MQTT_INGEST_CONNECTIONS < 8) {
    // Measured on Mosquitto: one 3.1.1 connection stored ~130 messages/s and the broker dropped
    // what overflowed its queue, where one MQTT 5 connection stored ~15,000/s.
    console.log(
      `worker: MQTT 3.1.1 with ${config.MQTT_INGEST_CONNECTIONS} connection(s): brokers such as Mosquitto allow each client only 20 unacknowledged messages, ` +
        "and this worker acknowledges after storing, so ingest is capped at a few hundred messages/s. " +
        "Use MQTT 5 (MQTT_PROTOCOL_VERSION=5, the default) or MQTT_INGEST_CONNECTIONS=8 or more on a shared subscription.",
    );
  }
  if (!config.MQTT_URL && (config.MQTT_SHARED_SUBSCRIPTION || config.MQTT_SHARED_GROUP)) {
    console.log("worker: the embedded broker (Aedes) has no shared subscriptions: subscribing without one; run one worker, or set MQTT_URL to Mosquitto 2 / EMQX for several.");
  }
  const worker = await startIotWorker({
    mqttUrl,
    databaseUrl: resolveDatabaseUrl(),
    serviceUsername: config.MQTT_SERVICE_USERNAME,
    servicePassword: config.MQTT_SERVICE_PASSWORD,
    clientId: config.MQTT_CLIENT_ID,
    // Aedes (the embedded broker) has no shared subscriptions: there one worker, plain filters.
    sharedSubscription: Boolean(config.MQTT_URL) && (config.MQTT_SHARED_SUBSCRIPTION || config.MQTT_SHARED_GROUP !== undefined),
    sharedGroup: config.MQTT_SHARED_GROUP,
    // Aedes (the embedded broker) has no shared subscriptions: one connection there.
    connections: config.MQTT_URL ? config.MQTT_INGEST_CONNECTIONS : 1,
    protocolVersion: config.MQTT_PROTOCOL_VERSION,
    telemetryRetentionDays: config.TELEMETRY_RETENTION_DAYS,
    rollups: { lagMs: config.ROLLUP_LAG_SECONDS * 1000, fiveMinuteRetentionDays: config.ROLLUP_5M_RETENTION_DAYS, hourlyRetentionDays: config.ROLLUP_1H_RETENTION_DAYS },
    statsIntervalMs: config.WORKER_STATS_SECONDS * 1000,
    ota: { tickMs: config.OTA_TICK_MS, publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`, signingKey: getSigningKey() },
    commands: { tickMs: config.COMMAND_TICK_MS, publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}` },
    config: {
      tickMs: config.CONFIG_TICK_MS,
      resendAfterSeconds: config.CONFIG_RESEND_AFTER_SECONDS,
      maxSendAttempts: config.CONFIG_MAX_SEND_ATTEMPTS,
      driftGraceMinutes: config.CONFIG_DRIFT_GRACE_MINUTES,
    },
    notifications: {},
  });
  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    console.log(`worker: ${signal}: storing what is in memory and stopping`);
    worker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
