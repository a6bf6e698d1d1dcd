/**
 * The configuration engine, run by the worker (every second for delivery, every minute and at once
 * on a NOTIFY `sdm_config` for the sweeps), one tick at a time across workers (advisory lock,
 * lib/worker/engine-tick.ts). Three jobs:
 *
 *  1. materialize: every device gets a version of its effective configuration. A device without a
 *     shadow gets version 1 (source `initial`); one whose effective configuration (its farm and
 *     group layers, LayerBook, plus its own overrides) no longer hashes to its desired hash gets a
 *     new version (source `layer`) — the web request only writes the layer and NOTIFYs. Set-based:
 *     the hash of what each *place* (type, farm, group) inherits is computed once in memory, and the
 *     database hands back only the devices whose desired hash differs from their place's, or that
 *     carry overrides of their own — a quiet fleet of 100,000 is two scans.
 *  2. delivery: pending versions of reachable devices go out (lib/configuration/config-delivery.ts,
 *     retained), a `sent` one unconfirmed after `resendAfterSeconds` goes again up to
 *     `maxSendAttempts` sends and is then `failed` with a reason; a device that comes back online
 *     is sent its desired version again when it does not report it. A `rejected` version is never
 *     resent: the device said no, and only a new version changes that.
 *  3. drift: a reachable device whose reported hash differs from the desired one (a rejection
 *     counts: the device does not run what the app thinks) for longer than the grace period is
 *     `drifted` and gets a `config_drift` alert through the alert lifecycle (one open alert per
 *     device and type, occurrences counted, auto-resolved with the sweep's note when it converges).
 *
 * Everything lives in device_states / device_configs, so a restarted worker carries on.
 */
import { AUTO_RESOLVED_NOTE, RETIRED_RESOLVED_NOTE } from "../alerts/alert-rules";
import { farmTimeSql, loadZoneTable } from "../i18n/zone-sql";
import type { Outgoing } from "../mqtt/publish-many";
import type { Sql, SqlPool } from "../telemetry/sql";
import { atomically, claimRun, REACHABLE_SQL, runExclusively } from "../worker/engine-tick";
import { deliverDesired } from "./config-delivery";
import { changeSummary, configDiff } from "./config-diff";
import { configHash } from "./config-hash";
import type { EffectiveConfig, LayerSource } from "./config-layers";
import { defaultConfig, type ConfigDeviceType, type ConfigObject } from "./config-schemas";
import { lockShadows, writeVersions, type NewVersion } from "./config-versions";
import { LayerBook, TYPE_DEFAULTS_LABEL, type DevicePlace } from "./layer-book";


export const DEFAULT_RESEND_AFTER_SECONDS = 120;
export const DEFAULT_MAX_SEND_ATTEMPTS = 3;
export const DEFAULT_DRIFT_GRACE_MINUTES = 10;

/** Any constant (not another engine's): the key of the advisory lock of one configuration tick at a time. */
const CONFIG_ENGINE_LOCK = 0x0c0f_16e0;

export const INITIAL_REASON = "Initial configuration from the device type's defaults and its farm and group layers";

export type ConfigEngineOptions = {
  /** Publishes retained config messages (QoS 1); resolves once the broker took them all. */
  publish: (messages: Outgoing[]) => Promise<void>;
  resendAfterSeconds?: number;
  maxSendAttempts?: number;
  driftGraceMinutes?: number;
  /** How often the materialize and drift sweeps run without a kick (default 60 s). */
  sweepEveryMs?: number;
  /** Devices per delivery round and per version-writing transaction (default 1,000). */
  chunk?: number;
  log?: (line: string) => void;
};

export type MaterializeResult = {
  /** Devices looked at (the fleet), devices the database handed back as possibly changed, versions written. */
  devices: number;
  candidates: number;
  initial: number;
  layer: number;
  /** Lost to a concurrent edit between the read and the lock: the next sweep looks again. */
  skipped: number;
  ms: number;
};

export type DriftResult = { drifted: number; converged: number; raised: number; repeated: number; resolved: number };

export type ConfigTickResult = {
  ran: boolean;
  materialized: MaterializeResult | null;
  sent: number;
  failed: number;
  drift: DriftResult | null;
};

type Candidate = {
  id: number;
  device_type: ConfigDeviceType;
  farm_id: number;
  group_id: number | null;
  desired_version: number | null;
  desired_hash: string | null;
  /** The device's own layer as text (null when empty): equal jsonb prints equal text, so it keys the memo. */
  overrides: string | null;
};

type Target = { effective: EffectiveConfig; hash: string };

export class ConfigEngine {
  private readonly log: (line: string) => void;
  private readonly chunk: number;
  /** When the minute's sweeps (materialize + drift) last ran; 0: at the first tick. */
  private sweptAt = 0;
  /** A NOTIFY asked for the materialize sweep. */
  private sweepWanted = false;
  private online = new Set<string>();

  constructor(
    private readonly pool: SqlPool,
    private readonly options: ConfigEngineOptions,
  ) {
    this.log = options.log ?? ((line) => console.log(line));
    this.chunk = Math.max(1, options.chunk ?? 1_000);
  }

  /** A NOTIFY: layers or versions changed; the next tick sweeps. */
  requestSweep() {
    this.sweepWanted = true;
  }

  /** A device said it is online (stored): the next tick sends it its desired version if it does not run it. */
  cameOnline(deviceId: string) {
    this.online.add(deviceId);
  }

  /**
   * One pass. `now` pins the clock (tests); `sweep` forces the materialize and drift sweeps, which
   * otherwise run once `sweepEveryMs` has passed (the first tick included); requestSweep asks the
   * next tick for the materialize sweep alone.
   */
  async tick(now?: Date, opts: { sweep?: boolean } = {}): Promise<ConfigTickResult> {
    const result: ConfigTickResult = { ran: false, materialized: null, sent: 0, failed: 0, drift: null };
    const clock = () => now ?? new Date();
    // The drift sweep keeps the minute (its alerts count one occurrence per sweep, as the health
    // sweep's do); a NOTIFY only asks for versions.
    const minuteDue = opts.sweep || Date.now() - this.sweptAt >= (this.options.sweepEveryMs ?? 60_000);
    const notified = this.sweepWanted;
    const materialize = minuteDue || notified;
    const online = this.online;
    this.online = new Set();
    this.sweepWanted = false;
    if (minuteDue) this.sweptAt = Date.now();
    const putBack = () => {
      if (materialize) this.sweepWanted = true;
      if (minuteDue) this.sweptAt = 0;
      for (const deviceId of online) this.online.add(deviceId);
    };
    try {
      const outcome = await runExclusively(this.pool, CONFIG_ENGINE_LOCK, async (sql) => {
        // The minute's sweeps once across workers: this process's timer only says when to ask
        // (the drift sweep counts an alert occurrence per run; two workers would count double).
        const sweepNow = minuteDue && (opts.sweep || (await claimRun(sql, "config.sweeps", this.options.sweepEveryMs ?? 60_000)));
        if (sweepNow || notified) result.materialized = await this.materialize(sql, clock());
        const delivered = await this.deliver(sql, clock(), [...online]);
        result.sent = delivered.sent;
        result.failed = delivered.failed;
        if (sweepNow) result.drift = await this.driftSweep(sql, clock());
      });
      result.ran = outcome.ran;
    } catch (error) {
      // What was asked is not lost with a failed tick.
      putBack();
      throw error;
    }
    // Another worker's tick holds the lock: what this one was asked is asked again next tick.
    if (!result.ran) putBack();
    return result;
  }

  /** Versions for devices without one, and for devices whose layers changed under them. */
  async materialize(sql: Sql, now: Date): Promise<MaterializeResult> {
    const started = performance.now();
    const book = await LayerBook.load(sql);
    const { rows: places } = await sql.query<{ device_type: ConfigDeviceType; farm_id: number; group_id: number | null; devices: number }>(
      `SELECT device_type::text AS device_type, farm_id, group_id, count(*)::int AS devices
         FROM devices WHERE state <> 'decommissioned' GROUP BY 1, 2, 3`,
    );
    const placeKey = (type: string, farmId: number, groupId: number | null) => `${type}:${farmId}:${groupId ?? 0}`;
    const inheritedHash = new Map<string, string>();
    for (const place of places) {
      const inherited = book.inherited({ deviceType: place.device_type, farmId: place.farm_id, groupId: place.group_id });
      inheritedHash.set(placeKey(place.device_type, place.farm_id, place.group_id), configHash(inherited.config));
    }
    // Only what may need a version comes back: no shadow (or never given one), overrides of its own
    // (judged in memory), or a desired hash that is not what its place inherits now.
    const { rows: candidates } = await sql.query<Candidate>(
      `WITH p AS (SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[]) AS p(device_type, farm_id, group_id, hash))
       SELECT d.id, d.device_type::text AS device_type, d.farm_id, d.group_id, s.desired_version, s.desired_hash,
              CASE WHEN s.overrides <> '{}'::jsonb THEN s.overrides::text END AS overrides
         FROM devices d
         LEFT JOIN device_states s ON s.device_id = d.id
         LEFT JOIN p ON p.device_type = d.device_type::text AND p.farm_id = d.farm_id AND p.group_id = COALESCE(d.group_id, 0)
        WHERE d.state <> 'decommissioned'
          AND (s.device_id IS NULL OR s.desired_version = 0 OR s.overrides <> '{}'::jsonb OR s.desired_hash IS DISTINCT FROM p.hash)`,
      [places.map((p) => p.device_type), places.map((p) => p.farm_id), places.map((p) => p.group_id ?? 0), places.map((p) => inheritedHash.get(placeKey(p.device_type, p.farm_id, p.group_id))!)],
    );
    // Most devices share a place and most overrides repeat: each target is computed once.
    const targets = new Map<string, Target>();
    const targetOf = (row: Candidate): Target => {
      const key = `${placeKey(row.device_type, row.farm_id, row.group_id)}|${row.overrides ?? ""}`;
      let target = targets.get(key);
      if (!target) {
        const place: DevicePlace = { deviceType: row.device_type, farmId: row.farm_id, groupId: row.group_id };
        const effective = book.effective(place, row.overrides ? (JSON.parse(row.overrides) as ConfigObject) : {});
        target = { effective, hash: configHash(effective.config) };
        targets.set(key, target);
      }
      return target;
    };
    const due = candidates.filter((row) => !row.desired_version || targetOf(row).hash !== row.desired_hash);
    const result: MaterializeResult = { devices: places.reduce((sum, p) => sum + p.devices, 0), candidates: candidates.length, initial: 0, layer: 0, skipped: 0, ms: 0 };
    for (let start = 0; start < due.length; start += this.chunk) {
      const batch = due.slice(start, start + this.chunk);
      const written = await atomically(sql, () => this.writeBatch(sql, batch, targetOf, now));
      result.initial += written.initial;
      result.layer += written.layer;
      result.skipped += written.skipped;
    }
    result.ms = Math.round(performance.now() - started);
    if (result.initial + result.layer > 0) {
      this.log(`config: ${result.initial} initial and ${result.layer} layer version(s) written in ${result.ms} ms (${result.devices} devices, ${result.candidates} looked at)`);
    }
    return result;
  }

  /**
   * One transaction of versions. The shadows are locked and read again first: a person's edit
   * committed since the sweep read them (a new version, other overrides) wins, and this device
   * waits for the next sweep — the sweep never writes from a stale read.
   */
  private async writeBatch(sql: Sql, batch: Candidate[], targetOf: (row: Candidate) => Target, now: Date) {
    const ids = batch.map((row) => row.id);
    const current = await lockShadows(sql, ids);
    const items: NewVersion[] = [];
    let initial = 0;
    let skipped = 0;
    const summaries = new Map<string, { summary: string; reason: string }>();
    for (const row of batch) {
      const now_ = current.get(row.id);
      const readVersion = row.desired_version ?? 0;
      const overridesNow = now_ && now_.overrides !== "{}" ? now_.overrides : null;
      if (!now_ || now_.desired_version !== readVersion || overridesNow !== row.overrides) {
        skipped += 1;
        continue;
      }
      const target = targetOf(row);
      const overrides = row.overrides ? (JSON.parse(row.overrides) as ConfigObject) : {};
      if (readVersion === 0 || !now_.desired) {
        initial += 1;
        const key = `${row.device_type}>${target.hash}`;
        let summary = summaries.get(key)?.summary;
        if (summary === undefined) {
          summary = changeSummary(defaultConfig(row.device_type), target.effective.config) || "Type defaults";
          summaries.set(key, { summary, reason: INITIAL_REASON });
        }
        items.push({ devicePk: row.id, overrides, config: target.effective.config, hash: target.hash, source: "initial", summary, reason: INITIAL_REASON });
        continue;
      }
      const key = `${row.desired_hash}>${target.hash}`;
      let described = summaries.get(key);
      if (!described) {
        described = { summary: changeSummary(now_.desired, target.effective.config), reason: layerReason(now_.desired, target.effective) };
        summaries.set(key, described);
      }
      items.push({ devicePk: row.id, overrides, config: target.effective.config, hash: target.hash, source: "layer", ...described });
    }
    await writeVersions(sql, items, now);
    return { initial, layer: items.length - initial, skipped };
  }

  /** Sends pending versions, resends unconfirmed ones, gives up on the exhausted; reachable devices only. */
  async deliver(sql: Sql, now: Date, cameOnline: string[] = []): Promise<{ sent: number; failed: number }> {
    const resendAfter = this.options.resendAfterSeconds ?? DEFAULT_RESEND_AFTER_SECONDS;
    const maxAttempts = Math.max(1, this.options.maxSendAttempts ?? DEFAULT_MAX_SEND_ATTEMPTS);
    const resendBefore = new Date(now.getTime() - resendAfter * 1000).toISOString();
    // Sent as often as allowed and still unconfirmed while the device was there to answer: failed.
    const failed = await atomically(sql, async () => {
      const { rows } = await sql.query<{ device_id: number; version: number; reason: string }>(
        `UPDATE device_states AS s SET status = 'failed', status_reason = 'No confirmation from the device after ' || s.send_attempts || ' sends', updated_at = $3
           FROM devices d
          WHERE d.id = s.device_id AND d.connection_status IN ${REACHABLE_SQL}
            AND s.status = 'sent' AND s.send_attempts >= $1 AND s.sent_at < $2::timestamptz
          RETURNING s.device_id, s.desired_version AS version, s.status_reason AS reason`,
        [maxAttempts, resendBefore, now.toISOString()],
      );
      if (rows.length > 0) {
        await sql.query(
          `UPDATE device_configs AS c SET status = 'failed', status_reason = u.reason
             FROM unnest($1::int[], $2::int[], $3::text[]) AS u(device_id, version, reason)
            WHERE c.device_id = u.device_id AND c.version = u.version AND c.status NOT IN ('applied', 'rejected')`,
          [rows.map((r) => r.device_id), rows.map((r) => r.version), rows.map((r) => r.reason)],
        );
      }
      return rows.length;
    });
    if (failed > 0) this.log(`config: ${failed} device(s) never confirmed their configuration after ${maxAttempts} send(s): failed`);

    let sent = 0;
    let after = 0;
    for (;;) {
      // In device order from a cursor: a device deliverDesired cannot send (no version row) is not met twice.
      const { rows } = await sql.query<{ device_id: number }>(
        `SELECT s.device_id
           FROM device_states s
           JOIN devices d ON d.id = s.device_id
          WHERE s.device_id > $1 AND s.desired_version > 0
            -- Of a settled fleet (applied, rejected) the status index hands over only the few in flight.
            AND s.status IN ('pending', 'sent', 'failed')
            AND d.connection_status IN ${REACHABLE_SQL} AND d.state <> 'decommissioned'
            AND (s.status = 'pending'
                 OR (s.status = 'sent' AND s.sent_at < $2::timestamptz AND s.send_attempts < $3)
                 -- Back online and not running it: again (never a rejected one, nor one it runs).
                 OR (d.device_id = ANY($4::text[]) AND s.status IN ('sent', 'failed') AND s.reported_hash IS DISTINCT FROM s.desired_hash))
          ORDER BY s.device_id
          LIMIT $5`,
        [after, resendBefore, maxAttempts, cameOnline, this.chunk],
      );
      if (rows.length === 0) break;
      const ids = rows.map((row) => row.device_id);
      after = ids[ids.length - 1]!;
      sent += await atomically(sql, () => deliverDesired(sql, ids, this.options.publish, now));
      if (rows.length < this.chunk) break;
    }
    if (sent > 0) this.log(`config: ${sent} configuration(s) sent`);
    return { sent, failed };
  }

  /** Drift clocks, the drifted flag and the config_drift alerts. */
  async driftSweep(sql: Sql, now: Date): Promise<DriftResult> {
    const graceMinutes = this.options.driftGraceMinutes ?? DEFAULT_DRIFT_GRACE_MINUTES;
    const nowIso = now.toISOString();
    // "Differs": it reported something else than desired, or it refused the desired version.
    const differs = `(s.desired_version > 0 AND ((s.reported_hash IS NOT NULL AND s.reported_hash IS DISTINCT FROM s.desired_hash) OR s.status = 'rejected'))`;
    return atomically(sql, async () => {
      await sql.query(`UPDATE device_states AS s SET drift_since = $1 WHERE s.drift_since IS NULL AND ${differs}`, [nowIso]);
      const converged = await sql.query(
        `UPDATE device_states AS s SET drift_since = NULL, drifted = false, updated_at = $1
          WHERE (s.drift_since IS NOT NULL OR s.drifted) AND NOT ${differs}`,
        [nowIso],
      );
      const drifted = await sql.query(
        `UPDATE device_states AS s SET drifted = true, updated_at = $1
           FROM devices d
          WHERE d.id = s.device_id AND NOT s.drifted AND d.connection_status IN ${REACHABLE_SQL}
            AND s.drift_since <= $1::timestamptz - make_interval(mins => $2) AND ${differs}`,
        [nowIso, graceMinutes],
      );
      // Raised, or found again (occurrence counted) while the device is there to say so. "Since"
      // is written in the device's farm's clock (lib/i18n/zone-sql.ts).
      const zones = await loadZoneTable(sql, now);
      const upsert = await sql.query<{ raised: boolean }>(
        `INSERT INTO alerts (device_id, alert_type, severity, message, first_occurrence, last_occurrence, created_at)
         SELECT s.device_id, 'config_drift', 'warning',
                CASE WHEN s.status = 'rejected'
                     THEN 'Device rejected configuration version ' || s.desired_version || COALESCE(': ' || s.status_reason, '')
                     ELSE 'Device runs another configuration than version ' || s.desired_version || ' (reported '
                          || COALESCE('version ' || s.reported_version || ', ', '') || 'hash ' || left(s.reported_hash, 12) || ') since '
                          || ${farmTimeSql("s.drift_since", "f.timezone", { zones: 2, offsets: 3, names: 4 })} END,
                $1, $1, $1
           FROM device_states s
           JOIN devices d ON d.id = s.device_id
           LEFT JOIN farms f ON f.id = d.farm_id
          WHERE s.drifted AND d.state <> 'decommissioned' AND d.connection_status IN ${REACHABLE_SQL}
         ON CONFLICT (device_id, alert_type) WHERE state <> 'resolved' DO UPDATE SET
                occurrence_count = alerts.occurrence_count + 1,
                last_occurrence = EXCLUDED.last_occurrence,
                message = EXCLUDED.message
         RETURNING (xmax = 0) AS raised`,
        [nowIso, zones.zones, zones.offsets, zones.names],
      );
      // Converged (or given a new version, whose grace starts again), or retired: resolved as the sweep does.
      const resolved = await sql.query(
        `UPDATE alerts AS a SET state = 'resolved', resolved_at = $1,
                resolution_notes = CASE WHEN d.state = 'decommissioned' THEN $2 ELSE $3 END
           FROM devices d
           LEFT JOIN device_states s ON s.device_id = d.id
          WHERE a.device_id = d.id AND a.alert_type = 'config_drift' AND a.state <> 'resolved'
            AND (d.state = 'decommissioned' OR s.drifted IS DISTINCT FROM true)`,
        [nowIso, RETIRED_RESOLVED_NOTE, AUTO_RESOLVED_NOTE],
      );
      const result = {
        drifted: drifted.rowCount ?? 0,
        converged: converged.rowCount ?? 0,
        raised: upsert.rows.filter((row) => row.raised).length,
        repeated: upsert.rows.filter((row) => !row.raised).length,
        resolved: resolved.rowCount ?? 0,
      };
      if (result.raised + result.resolved > 0) this.log(`config: drift alerts raised ${result.raised}, resolved ${result.resolved}`);
      return result;
    });
  }
}

/**
 * Why a layer version was written, cheaply: the layers the changed values now come from ("Group
 * Barn A"), or, when they fall back to the type's defaults, that an override was taken away.
 */
export function layerReason(previous: ConfigObject, next: EffectiveConfig): string {
  const diff = configDiff(previous, next.config);
  const paths = [...Object.keys(diff.added), ...Object.keys(diff.modified), ...Object.keys(diff.removed)];
  // Outermost first, as the layers stack: the farm, then the groups.
  const rank = { defaults: 0, farm: 1, group: 2, device: 3 } as const;
  const found = paths.map((path) => next.sources[path]).filter((source): source is LayerSource => source !== undefined && source.kind !== "device");
  const labels = new Set(found.sort((a, b) => rank[a.kind] - rank[b.kind]).map((source) => source.label));
  if (labels.size === 0) return "Layer change";
  if (labels.size === 1 && labels.has(TYPE_DEFAULTS_LABEL)) return "Layer change: a farm or group override was removed (back to the type's defaults)";
  return `Layer change: ${[...labels].filter((label) => label !== TYPE_DEFAULTS_LABEL).join(", ") || TYPE_DEFAULTS_LABEL}`;
}
