/**
 * The command engine (I-013 §7 `send_command`), run by the worker every 500 ms and whenever the web
 * side NOTIFYs `sdm_commands` or a device comes online: expires commands that waited too long,
 * times out commands that got no answer, ends the debug modes whose time is up, and sends queued
 * commands to the devices that are there to take them.
 *
 * Everything it knows lives in the `commands` table, so a restarted worker carries on where the
 * last tick left off. A command is marked sent in a transaction that commits only once it is
 * published: a crash in between leaves it queued and sends it again (the device dedupes by
 * command_id), a cancel waits and then sees "sent", and an answer faster than the commit waits and
 * then finds the command sent. Only `queued` commands are sent: one the device acknowledged is never sent again. One tick
 * runs at a time across workers (advisory lock, lib/worker/engine-tick.ts).
 */
import { commandPayload, type CommandPayload } from "../mqtt/payloads";
import { keepToBtreeLookups, type Sql, type SqlPool } from "../telemetry/sql";
import { atomically, REACHABLE_SQL, runExclusively } from "../worker/engine-tick";
import { COMMANDS } from "./catalogue";
import { failLogBundles } from "./command-outcomes";
import { logUploadUrl, newUploadToken } from "./log-upload-token";

export type CommandMessage = { deviceId: string; payload: CommandPayload };

export type CommandEngineOptions = {
  /** Where devices upload log bundles (the worker's PUBLIC_URL). */
  publicUrl: string;
  /** Publishes commands (QoS 1); resolves once the broker took them all. */
  publish: (messages: CommandMessage[]) => Promise<void>;
  /**
   * Commands sent per second at most (default 10,000): a bulk command to a whole fleet goes out at
   * this rate, not as one burst. A second's worth may go out at once after a quiet spell.
   */
  maxPerSecond?: number;
  /** Commands published and marked sent per round (default 1,000): sent_at stays close to the real send. */
  chunk?: number;
  /**
   * How often debug modes are checked for their end (default 5 s): minutes-long modes need no
   * 500 ms precision (the partial index devices_debug_until_idx keeps the check to the devices in debug mode).
   */
  debugCheckMs?: number;
  log?: (line: string) => void;
};

export type CommandTickResult = { ran: boolean; sent: number; timedOut: number; expired: number; debugEnded: number };

/** Any constant (not the update engine's): the key of the advisory lock of one command tick at a time. */
const COMMAND_ENGINE_LOCK = 0x0c0d_5e11;

export const EXPIRED_OFFLINE = "Device stayed offline until the command expired";
export const EXPIRED_ONLY_IF_ONLINE = "Device was offline, and the command was for an online device only";

/** The command a device is sent when the debug mode the app tracks runs out. */
export const END_OF_DEBUG = { command: "set_debug_level", parameters: { level: "info", duration_minutes: 30 }, requestedBy: "system" } as const;

/** Commands that would break a firmware update in progress (catalogue: disruptive). */
const DISRUPTIVE = COMMANDS.filter((command) => command.disruptive).map((command) => command.name);

type QueuedRow = {
  id: number;
  command_id: string;
  command_type: string;
  parameters: Record<string, unknown> | null;
  expires_at: Date;
  timeout_seconds: number;
  device_id: string;
  device_pk: number;
  bundle_id: number | null;
};

export class CommandEngine {
  private readonly log: (line: string) => void;
  private readonly rate: number;
  private readonly chunk: number;
  /** Token bucket: commands that may go out now; refilled at `rate` per second up to a second's worth. */
  private allowance: number;
  private refilledAt = Date.now();
  private debugCheckedAt = 0;

  constructor(
    private readonly pool: SqlPool,
    private readonly options: CommandEngineOptions,
  ) {
    this.log = options.log ?? ((line) => console.log(line));
    this.rate = Math.max(1, options.maxPerSecond ?? 10_000);
    this.chunk = Math.max(1, options.chunk ?? 1_000);
    this.allowance = this.rate;
  }

  /** One pass. `now` pins the clock (tests); without it each round reads the wall clock. */
  async tick(now?: Date): Promise<CommandTickResult> {
    const result: CommandTickResult = { ran: false, sent: 0, timedOut: 0, expired: 0, debugEnded: 0 };
    const clock = () => now ?? new Date();
    const outcome = await runExclusively(this.pool, COMMAND_ENGINE_LOCK, async (sql) => {
      result.expired = await this.expire(sql, clock());
      result.timedOut = await this.timeOut(sql, clock());
      if (now || Date.now() - this.debugCheckedAt >= (this.options.debugCheckMs ?? 5_000)) {
        this.debugCheckedAt = Date.now();
        result.debugEnded = await this.endDebugModes(sql, clock());
      }
      result.sent = await this.send(sql, clock);
    });
    result.ran = outcome.ran;
    return result;
  }

  /** Queued commands past their expiry, and "only if online" ones whose device is not there. */
  private async expire(sql: Sql, now: Date): Promise<number> {
    return atomically(sql, async () => {
      const { rows } = await sql.query<{ id: number; command_type: string }>(
        `UPDATE commands AS c SET status = 'expired', completed_at = $1,
                error_message = CASE WHEN c.expires_at <= $1 THEN $2 ELSE $3 END
          WHERE c.status = 'queued'
            AND (c.expires_at <= $1
                 OR (c.only_if_online AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = c.device_id AND d.connection_status IN ${REACHABLE_SQL})))
          RETURNING c.id, c.command_type`,
        [now.toISOString(), EXPIRED_OFFLINE, EXPIRED_ONLY_IF_ONLINE],
      );
      await failLogBundles(sql, rows.filter((row) => row.command_type === "get_logs").map((row) => row.id));
      return rows.length;
    });
  }

  /** Sent or acknowledged commands whose answer did not come within their timeout. */
  private async timeOut(sql: Sql, now: Date): Promise<number> {
    return atomically(sql, async () => {
      const { rows } = await sql.query<{ id: number; command_type: string }>(
        `UPDATE commands AS c SET status = 'timeout', completed_at = $1,
                error_message = CASE WHEN c.status = 'executing'
                                     THEN 'The device started it but did not finish within ' || c.timeout_seconds || ' s'
                                     ELSE 'No answer from the device within ' || c.timeout_seconds || ' s' END
          WHERE c.status IN ('sent', 'executing')
            AND COALESCE(c.sent_at, c.executing_at, c.created_at) + make_interval(secs => c.timeout_seconds) < $1
          RETURNING c.id, c.command_type`,
        [now.toISOString()],
      );
      await failLogBundles(sql, rows.filter((row) => row.command_type === "get_logs").map((row) => row.id));
      return rows.length;
    });
  }

  /**
   * Debug logging fills a device's storage and its uplink: the app does not trust the device alone
   * to stop. When the time is up the device shows no debug mode and is told to go back to info.
   */
  private async endDebugModes(sql: Sql, now: Date): Promise<number> {
    return atomically(sql, async () => {
      const { rows } = await sql.query<{ id: number }>(
        `WITH ended AS (
           UPDATE devices SET debug_level = NULL, debug_until = NULL, updated_at = $1
            WHERE debug_until < $1
            RETURNING id, farm_id, state
         )
         INSERT INTO commands (command_id, device_id, farm_id, command_type, parameters, status, timeout_seconds, requested_by, created_at, expires_at)
         SELECT gen_random_uuid()::text, e.id, e.farm_id, $2, $3::jsonb, 'queued', 60, $4, $1, $1::timestamptz + interval '24 hours'
           FROM ended e WHERE e.state <> 'decommissioned'
         RETURNING device_id AS id`,
        [now.toISOString(), END_OF_DEBUG.command, JSON.stringify(END_OF_DEBUG.parameters), END_OF_DEBUG.requestedBy],
      );
      if (rows.length > 0) this.log(`commands: debug mode ended on ${rows.length} device(s); set_debug_level info queued`);
      return rows.length;
    });
  }

  private refill() {
    const at = Date.now();
    this.allowance = Math.min(this.rate, this.allowance + ((at - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = at;
  }

  /** Queued commands of reachable devices, oldest first, in rounds of `chunk`, within the rate. */
  /**
   * Two connections take turns so the database and the broker work at the same time: while one
   * round is published (its transaction open until the broker took it all), the next is marked.
   * The second connection is taken only when a round came back full.
   */
  private async send(sql: Sql, clock: () => Date): Promise<number> {
    let sent = 0;
    const started = performance.now();
    const timing = { marking: 0, publishing: 0 };
    let spare: Awaited<ReturnType<SqlPool["connect"]>> | null = null;
    let spareFailed: Error | undefined;
    const ignoreDrop = () => undefined;
    /** The previous round: published, then committed (or rolled back). */
    let inFlight: Promise<void> | null = null;
    let turn = 0;
    try {
      for (;;) {
        this.refill();
        const room = Math.min(this.chunk, Math.floor(this.allowance));
        if (room < 1) break;
        if (turn === 1 && !spare) {
          spare = await this.pool.connect();
          spare.on("error", ignoreDrop);
        }
        const conn: Sql = turn % 2 === 0 || !spare ? sql : spare;
        turn += 1;
        const markedAt = performance.now();
        await conn.query("BEGIN");
        let round: { count: number; messages: CommandMessage[] };
        try {
          // The planner, its statistics taken before the bulk insert, expects a handful of queued
          // commands and bitmap-scans then sorts them all each round (45–80 ms at 10,000); the
          // index (status, created_at, id) hands the round its oldest in order.
          await keepToBtreeLookups(conn);
          round = await this.markRound(conn, clock(), room);
          timing.marking += performance.now() - markedAt;
          // One round in flight at a time: its failure stops this one too.
          if (inFlight) await inFlight;
        } catch (error) {
          await conn.query("ROLLBACK").catch(() => undefined);
          if (conn === spare) spareFailed = error instanceof Error ? error : new Error(String(error));
          throw error;
        }
        inFlight = (async () => {
          try {
            const publishedAt = performance.now();
            if (round.messages.length > 0) await this.options.publish(round.messages);
            timing.publishing += performance.now() - publishedAt;
            await conn.query("COMMIT");
          } catch (error) {
            await conn.query("ROLLBACK").catch(() => undefined);
            if (conn === spare) spareFailed = error instanceof Error ? error : new Error(String(error));
            throw error;
          }
        })();
        // Awaited before the next round publishes; until then its failure must not go unhandled.
        inFlight.catch(() => undefined);
        this.allowance -= round.count;
        sent += round.count;
        if (round.count < room) break;
      }
      if (inFlight) await inFlight;
    } finally {
      await inFlight?.catch(() => undefined);
      if (spare) {
        spare.off("error", ignoreDrop);
        spare.release(spareFailed);
      }
    }
    if (sent > 0) {
      this.log(`commands: ${sent} sent in ${Math.round(performance.now() - started)} ms (marking ${Math.round(timing.marking)} ms, publishing ${Math.round(timing.publishing)} ms, overlapped)`);
    }
    return sent;
  }

  /** Marks up to `limit` queued commands sent (uncommitted) and returns what to publish. */
  private async markRound(sql: Sql, now: Date, limit: number): Promise<{ count: number; messages: CommandMessage[] }> {
    // Marked sent and published in one transaction, committed only once the broker took them all:
    // until then no one sees "sent" (a failed publish rolls back to queued; a crash re-sends), and
    // the rows stay locked — a cancel waits and then sees "sent", an answer faster than the commit
    // waits and then finds its command sent. SKIP LOCKED: a command a person is cancelling right now
    // is left for the next round.
    const { rows } = await sql.query<QueuedRow>(
      `WITH due AS (
         SELECT c.id, d.device_id, d.id AS device_pk
           FROM commands c
           JOIN devices d ON d.id = c.device_id
          WHERE c.status = 'queued' AND c.expires_at > $1 AND d.connection_status IN ${REACHABLE_SQL}
            -- A restart or calibration queued earlier waits while a firmware update installs.
            AND NOT (c.command_type = ANY($3::text[]) AND d.firmware_update_status IN ('downloading', 'installing'))
          ORDER BY c.created_at, c.id
          LIMIT $2
            FOR UPDATE OF c SKIP LOCKED
       )
       UPDATE commands AS c SET status = 'sent', sent_at = $1
         FROM due
        WHERE c.id = due.id
       RETURNING c.id, c.command_id, c.command_type, c.parameters, c.expires_at, c.timeout_seconds, due.device_id, due.device_pk,
                 (SELECT b.id FROM device_log_bundles b WHERE b.command_id = c.id) AS bundle_id`,
      [now.toISOString(), limit, DISRUPTIVE],
    );
    if (rows.length === 0) return { count: 0, messages: [] };
    const timestamp = now.toISOString();
    const uploads = await this.prepareLogUploads(sql, rows, now);
    const messages: CommandMessage[] = [];
    const refused: { id: number; reason: string }[] = [];
    for (const row of rows) {
      const parameters = { ...(row.parameters ?? {}), ...uploads.get(row.id) };
      const parsed = commandPayload.safeParse({ command_id: row.command_id, command: row.command_type, parameters, timestamp, expires_at: row.expires_at.toISOString() });
      if (!parsed.success) {
        refused.push({ id: row.id, reason: `Could not be sent: ${parsed.error.issues[0]?.message ?? "not a valid command message"}` });
        continue;
      }
      messages.push({ deviceId: row.device_id, payload: parsed.data });
    }
    if (refused.length > 0) {
      await sql.query(
        `UPDATE commands AS c SET status = 'failed', sent_at = NULL, completed_at = $3, error_message = u.reason
           FROM unnest($1::int[], $2::text[]) AS u(id, reason) WHERE c.id = u.id`,
        [refused.map((r) => r.id), refused.map((r) => r.reason), timestamp],
      );
    }
    return { count: rows.length, messages };
  }

  /**
   * get_logs: a one-time upload token per send, its hash on the bundle, valid for the command's
   * timeout. The URL and bundle id travel in the published parameters only, never in the stored
   * ones (which the API shows). A command whose bundle row is missing gets one here.
   */
  private async prepareLogUploads(sql: Sql, rows: QueuedRow[], now: Date): Promise<Map<number, { upload_url: string; bundle_id: number }>> {
    const extras = new Map<number, { upload_url: string; bundle_id: number }>();
    const logs = rows.filter((row) => row.command_type === "get_logs");
    if (logs.length === 0) return extras;
    const missing = logs.filter((row) => row.bundle_id === null);
    if (missing.length > 0) {
      const { rows: created } = await sql.query<{ id: number; command_id: number }>(
        `INSERT INTO device_log_bundles (device_id, command_id, log_types, time_range_hours)
         SELECT u.device_pk, u.command_pk, ARRAY(SELECT jsonb_array_elements_text(COALESCE(u.parameters->'log_types', '["system", "application"]'::jsonb))),
                COALESCE((u.parameters->>'time_range_hours')::int, 1)
           FROM unnest($1::int[], $2::int[], $3::jsonb[]) AS u(device_pk, command_pk, parameters)
         ON CONFLICT (command_id) DO UPDATE SET command_id = EXCLUDED.command_id
         RETURNING id, command_id`,
        [missing.map((row) => row.device_pk), missing.map((row) => row.id), missing.map((row) => JSON.stringify(row.parameters ?? {}))],
      );
      const byCommand = new Map(created.map((bundle) => [bundle.command_id, bundle.id]));
      for (const row of missing) row.bundle_id = byCommand.get(row.id) ?? null;
    }
    const minted = logs
      .filter((row) => row.bundle_id !== null)
      .map((row) => ({ row, ...newUploadToken(), until: new Date(now.getTime() + row.timeout_seconds * 1000) }));
    await sql.query(
      `UPDATE device_log_bundles AS b SET upload_token_hash = u.hash, upload_expires_at = u.until
         FROM unnest($1::int[], $2::text[], $3::timestamptz[]) AS u(id, hash, until) WHERE b.id = u.id`,
      [minted.map((m) => m.row.bundle_id), minted.map((m) => m.hash), minted.map((m) => m.until.toISOString())],
    );
    for (const m of minted) {
      extras.set(m.row.id, { upload_url: logUploadUrl(this.options.publicUrl, m.row.device_id, m.row.bundle_id!, m.token), bundle_id: m.row.bundle_id! });
    }
    return extras;
  }
}
