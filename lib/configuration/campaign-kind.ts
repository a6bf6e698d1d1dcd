/**
 * Configuration campaigns' payload on the rollout engine (lib/ota/payload-kinds.ts). Sending a
 * phase's devices the campaign = for each, a new version of its own configuration: its overrides
 * with the change merged in, resolved through its farm and group layers (LayerBook), checked whole
 * against its type's schema (a result the schema refuses fails that device with the reason and
 * makes no version), written by the one version writer (source campaign, the job, the reason) and
 * delivered retained on `devices/{id}/config`. The device's answer comes back through the worker's
 * report path (campaign-reports.ts).
 *
 * Rolling back = each device that was sent the campaign's version (whatever it answered) gets a new
 * version that is its previous configuration again (overridesToReach, source rollback): one that
 * never took the change already runs it, and is back in sync at once.
 */
import type { Outgoing } from "../mqtt/publish-many";
import type { EngineJob, EnginePhase, JobOutcome, PayloadKind, TimedOutLog } from "../ota/payload-kinds";
import type { UpdateLogStateName } from "../ota/update-log-states";
import type { Sql } from "../telemetry/sql";
import { REACHABLE_SQL } from "../worker/engine-tick";
import { campaignChangeOf, campaignChangeSummary } from "./campaign-change";
import { moveCampaignLogs, type LogMove } from "./campaign-reports";
import { configMessages, deliverDesired } from "./config-delivery";
import { changeSummary } from "./config-diff";
import { configHash } from "./config-hash";
import { CONFIG_SCHEMAS, configIssues, isConfigDeviceType, type ConfigDeviceType, type ConfigObject } from "./config-schemas";
import { mergeOverrides, overridesToReach, writeVersions, type NewVersion } from "./config-versions";
import { LayerBook, type DevicePlace } from "./layer-book";

export type ConfigurationKindOptions = {
  /** Publishes the retained configuration messages (QoS 1); resolves once the broker took them all. */
  publish: (messages: Outgoing[]) => Promise<void>;
  log: (line: string) => void;
};

type DeviceRow = {
  log_id: number;
  device_pk: number;
  device_id: string;
  device_type: string;
  farm_id: number;
  group_id: number | null;
  overrides: ConfigObject | null;
  desired_version: number | null;
  desired_hash: string | null;
};

const placeOf = (row: Pick<DeviceRow, "device_type" | "farm_id" | "group_id">): DevicePlace => ({ deviceType: row.device_type as ConfigDeviceType, farmId: row.farm_id, groupId: row.group_id });

/** The whole configuration `overrides` make for the device, or the schema's reasons it cannot be. */
function resolve(book: LayerBook, place: DevicePlace, overrides: ConfigObject): { config: ConfigObject } | { reason: string } {
  const config = book.effective(place, overrides).config;
  const checked = CONFIG_SCHEMAS[place.deviceType].safeParse(config);
  if (checked.success) return { config };
  return {
    reason: configIssues(checked.error)
      .slice(0, 5)
      .map((issue) => `${issue.path}: ${issue.message}`)
      .join("; "),
  };
}

export class ConfigurationKind implements PayloadKind {
  readonly kind = "configuration" as const;

  constructor(private readonly options: ConfigurationKindOptions) {}

  async dispatch(sql: Sql, job: EngineJob, phase: EnginePhase, limit: number, now: Date): Promise<number> {
    const change = campaignChangeOf(job.config_change);
    if (!change) throw new Error(`job ${job.id} has no readable configuration change`);
    // Reachable devices only, as for firmware: the rest wait for the first tick after they are back
    // (or fail after the job's device timeout); the message is retained, but a device that is away
    // says nothing about the change, and a phase is judged by the devices that took it.
    const { rows } = await sql.query<DeviceRow>(
      `SELECT l.id AS log_id, d.id AS device_pk, d.device_id, d.device_type::text AS device_type, d.farm_id, d.group_id,
              s.overrides, s.desired_version, s.desired_hash
         FROM update_logs l
         JOIN devices d ON d.id = l.device_id
         LEFT JOIN device_states s ON s.device_id = d.id
        WHERE l.phase_id = $1 AND l.state = 'pending' AND l.sent_at IS NULL AND l.error_message IS NULL
          AND d.connection_status IN ${REACHABLE_SQL}
        ORDER BY l.id LIMIT $2`,
      [phase.id, limit],
    );
    if (rows.length === 0) return 0;
    const started = performance.now();
    const book = await LayerBook.load(sql);
    // Devices in the same place with the same configuration now get the same new one: worked out
    // once per distinct (place, current version's hash, overrides) — a barn's sensors share it.
    const keyOf = (row: DeviceRow) => `${row.device_type}:${row.farm_id}:${row.group_id ?? ""}:${row.desired_hash ?? ""}:${JSON.stringify(row.overrides ?? {})}`;
    const representatives = new Map<string, DeviceRow>();
    for (const row of rows) if (!representatives.has(keyOf(row))) representatives.set(keyOf(row), row);
    const { rows: current } = await sql.query<{ device_id: number; desired: ConfigObject }>(
      `SELECT c.device_id, c.desired FROM device_configs c JOIN unnest($1::int[], $2::int[]) AS r(device_id, version) ON c.device_id = r.device_id AND c.version = r.version`,
      [[...representatives.values()].map((row) => row.device_pk), [...representatives.values()].map((row) => row.desired_version ?? 0)],
    );
    const desiredOf = new Map(current.map((row) => [row.device_id, row.desired]));
    type Outcome = { overrides: ConfigObject; config: ConfigObject; hash: string; summary: string } | { reason: string };
    const outcomes = new Map<string, Outcome>();
    for (const [key, row] of representatives) {
      if (!isConfigDeviceType(row.device_type) || row.device_type !== change.deviceType) {
        outcomes.set(key, { reason: `Not a ${change.deviceType.replace(/_/g, " ")} device` });
        continue;
      }
      const place = placeOf(row);
      const overrides = mergeOverrides(row.overrides ?? {}, change.changes);
      const resolved = resolve(book, place, overrides);
      if ("reason" in resolved) {
        outcomes.set(key, { reason: `Not sent: the resulting configuration is invalid (${resolved.reason})` });
        continue;
      }
      const before = desiredOf.get(row.device_pk) ?? book.inherited(place).config;
      outcomes.set(key, { overrides, config: resolved.config, hash: configHash(resolved.config), summary: changeSummary(before, resolved.config) });
    }
    const versions: (NewVersion & { logId: number })[] = [];
    const refused: LogMove[] = [];
    for (const row of rows) {
      const outcome = outcomes.get(keyOf(row))!;
      if ("reason" in outcome) {
        refused.push({ logId: row.log_id, jobId: job.id, from: "pending", to: "failed", error: outcome.reason, at: now });
        continue;
      }
      versions.push({
        logId: row.log_id,
        devicePk: row.device_pk,
        ...outcome,
        source: "campaign",
        reason: change.reason,
        createdById: job.created_by_id,
        jobId: job.id,
      });
    }
    // Written as sent, then published from what is in memory, in this transaction: the commit
    // (which makes them visible as sent) comes only after the broker took every message, and a
    // publish that fails rolls the versions back with it.
    const resolvedMs = performance.now() - started;
    const written = await writeVersions(sql, versions, now, { publishedBeforeCommit: true });
    const writtenAt = performance.now();
    const logOf = new Map(versions.map((version) => [version.devicePk, version.logId]));
    const byDevice = new Map(versions.map((version) => [version.devicePk, version]));
    const deviceIdOf = new Map(rows.map((row) => [row.device_pk, row.device_id]));
    const toSend = written
      .filter((row) => !row.alreadyApplied)
      .map((row) => ({ deviceId: deviceIdOf.get(row.devicePk)!, version: row.version, hash: byDevice.get(row.devicePk)!.hash, configuration: byDevice.get(row.devicePk)!.config }));
    if (toSend.length) await this.options.publish(configMessages(toSend, now.toISOString()));
    const sent = toSend.length;
    const publishedAt = performance.now();
    // One pass over the logs once published: the versions they made, and sent. The refused ones are
    // marked sent too: they count against the phase (a change the schema refuses on a device is the
    // campaign's failure, not an absent device).
    const refusedIds = refused.map((move) => move.logId);
    await sql.query(
      `UPDATE update_logs AS l SET config_version = w.version, previous_config_version = w.previous, sent_at = COALESCE(l.sent_at, $4::timestamptz)
         FROM unnest($1::int[], $2::int[], $3::int[]) AS w(id, version, previous) WHERE l.id = w.id`,
      [
        [...written.map((row) => logOf.get(row.devicePk)!), ...refusedIds],
        [...written.map((row) => row.version), ...refusedIds.map(() => null)],
        [...written.map((row) => row.previousVersion), ...refusedIds.map(() => null)],
        now.toISOString(),
      ],
    );
    // A device that already runs the resulting configuration has nothing to apply: done.
    const already = written.filter((row) => row.alreadyApplied).map((row): LogMove => ({ logId: logOf.get(row.devicePk)!, jobId: job.id, from: "pending", to: "completed", error: null, at: now }));
    await moveCampaignLogs(sql, [...refused, ...already]);
    this.options.log(
      `ota: job ${job.id}: phase ${phase.position}: configuration version sent to ${sent} device(s)` +
        (already.length ? `, ${already.length} already running it` : "") +
        (refused.length ? `, ${refused.length} refused (invalid result)` : "") +
        ` in ${Math.round(performance.now() - started)} ms (worked out ${Math.round(resolvedMs)}, versions written ${Math.round(writtenAt - started - resolvedMs)}, ` +
        `published ${Math.round(publishedAt - writtenAt)}, logs ${Math.round(performance.now() - publishedAt)})`,
    );
    return rows.length;
  }

  async sendRollbacks(sql: Sql, limit: number, now: Date): Promise<number> {
    const { rows } = await sql.query<{
      log_id: number;
      job_id: number;
      job_name: string;
      state: UpdateLogStateName;
      created_by_id: number | null;
      config_version: number;
      previous_config_version: number | null;
      device_pk: number;
      device_type: string;
      farm_id: number;
      group_id: number | null;
      desired_version: number | null;
      previous_desired: ConfigObject | null;
      current_desired: ConfigObject | null;
      reachable: boolean;
    }>(
      `SELECT l.id AS log_id, l.job_id, j.name AS job_name, l.state::text AS state, j.created_by_id, l.config_version, l.previous_config_version,
              d.id AS device_pk, d.device_type::text AS device_type, d.farm_id, d.group_id, s.desired_version,
              p.desired AS previous_desired, cur.desired AS current_desired, d.connection_status IN ${REACHABLE_SQL} AS reachable
         FROM update_jobs j
         JOIN update_logs l ON l.job_id = j.id AND l.config_version IS NOT NULL AND l.rollback_sent_at IS NULL AND l.state <> 'rolled_back'
         JOIN devices d ON d.id = l.device_id
         LEFT JOIN device_states s ON s.device_id = d.id
         LEFT JOIN device_configs p ON p.device_id = d.id AND p.version = l.previous_config_version
         LEFT JOIN device_configs cur ON cur.device_id = d.id AND cur.version = s.desired_version
        WHERE j.rollback_started_at IS NOT NULL AND j.kind = 'configuration'
        ORDER BY l.id LIMIT $1`,
      [limit],
    );
    if (rows.length === 0) return 0;
    const book = await LayerBook.load(sql);
    const versions: (NewVersion & { logId: number; from: UpdateLogStateName; jobId: number; reachable: boolean })[] = [];
    const skipped: { logId: number; reason: string }[] = [];
    for (const row of rows) {
      // Someone (or a layer) changed the device since the campaign: going back would undo that.
      if (row.desired_version !== row.config_version) {
        skipped.push({ logId: row.log_id, reason: `Not rolled back: its configuration changed since the campaign (now version ${row.desired_version ?? 0})` });
        continue;
      }
      const place = placeOf(row);
      const inherited = book.inherited(place).config;
      // Version 0 is what the type ships with: no overrides of the device's own.
      const target = row.previous_desired ?? inherited;
      const overrides = overridesToReach(inherited, target);
      const resolved = resolve(book, place, overrides);
      if ("reason" in resolved) {
        skipped.push({ logId: row.log_id, reason: `Cannot roll back: version ${row.previous_config_version ?? 0} is not valid with today's layers (${resolved.reason})` });
        continue;
      }
      versions.push({
        logId: row.log_id,
        from: row.state,
        reachable: row.reachable,
        devicePk: row.device_pk,
        overrides,
        config: resolved.config,
        hash: configHash(resolved.config),
        source: "rollback",
        summary: changeSummary(row.current_desired ?? inherited, resolved.config),
        reason: `Rollback of campaign “${row.job_name}”`,
        createdById: row.created_by_id,
        jobId: row.job_id,
        rollbackOf: row.previous_config_version || null,
      });
    }
    if (skipped.length) {
      await sql.query(
        `UPDATE update_logs AS l SET rollback_sent_at = $3::timestamptz, error_message = COALESCE(l.error_message, c.reason),
                log_details = l.log_details || jsonb_build_array(jsonb_build_object('state', l.state::text, 'at', $3::text, 'error', c.reason))
           FROM unnest($1::int[], $2::text[]) AS c(id, reason) WHERE l.id = c.id`,
        [skipped.map((row) => row.logId), skipped.map((row) => row.reason), now.toISOString()],
      );
    }
    if (versions.length === 0) return 0;
    const written = await writeVersions(sql, versions, now);
    const byDevice = new Map(versions.map((version) => [version.devicePk, version]));
    await sql.query(
      `UPDATE update_logs AS l SET rollback_config_version = w.version, rollback_sent_at = $3::timestamptz
         FROM unnest($1::int[], $2::int[]) AS w(id, version) WHERE l.id = w.id`,
      [written.map((row) => byDevice.get(row.devicePk)!.logId), written.map((row) => row.version), now.toISOString()],
    );
    // A device sent the campaign's version that has not answered yet may be applying it right now:
    // its previous configuration goes out even though it still reports it (else it would end up on
    // the campaign's version while the app thinks it is back).
    const unconfirmed = written.filter((row) => row.alreadyApplied && byDevice.get(row.devicePk)!.from === "pending").map((row) => row.devicePk);
    if (unconfirmed.length) {
      await sql.query(`UPDATE device_states SET status = 'pending' WHERE device_id = ANY($1::int[]) AND status = 'applied'`, [unconfirmed]);
      await sql.query(
        `UPDATE device_configs AS c SET status = 'pending' FROM device_states s
          WHERE s.device_id = ANY($1::int[]) AND c.device_id = s.device_id AND c.version = s.desired_version AND c.status = 'applied'`,
        [unconfirmed],
      );
    }
    const resend = new Set(unconfirmed);
    // Sent now to the devices that are there; the others get it (retained) from the worker's
    // delivery when they are back.
    const sent = await deliverDesired(
      sql,
      written.filter((row) => (!row.alreadyApplied || resend.has(row.devicePk)) && byDevice.get(row.devicePk)!.reachable).map((row) => row.devicePk),
      this.options.publish,
      now,
    );
    // A device that answered and never took the change (it refused it) runs its previous
    // configuration already: rolled back at once.
    const back = written
      .filter((row) => row.alreadyApplied && !resend.has(row.devicePk))
      .map((row): LogMove => {
        const version = byDevice.get(row.devicePk)!;
        return { logId: version.logId, jobId: version.jobId, from: version.from, to: "rolled_back", error: null, at: now };
      });
    await moveCampaignLogs(sql, back);
    this.options.log(`ota: configuration rollback: ${written.length} version(s) written, ${sent} sent, ${back.length} already back${skipped.length ? `, ${skipped.length} left as they are` : ""}`);
    return written.length;
  }

  /** The shadow keeps its own delivery state (the worker resends and gives up by itself): nothing more to record. */
  async afterTimeouts(): Promise<void> {}

  /** A device sent back before it confirmed the campaign's version, and silent since: failed. */
  async afterRollbackTimeouts(sql: Sql, logs: readonly TimedOutLog[], now: Date): Promise<void> {
    const pending = logs.filter((log) => log.state === "pending");
    await moveCampaignLogs(
      sql,
      pending.map((log) => ({ logId: log.log_id, jobId: log.job_id, from: "pending", to: "failed", error: null, at: now })),
    );
  }

  async completionText(_sql: Sql, job: EngineJob, outcome: JobOutcome): Promise<string> {
    const change = campaignChangeOf(job.config_change);
    const what = change ? ` (${campaignChangeSummary(change.changes, 3)})` : "";
    return `${outcome.succeeded} of ${job.device_count} devices applied the configuration change${what}, ${outcome.failed - outcome.unreached} failed` + (outcome.unreached ? `, ${outcome.unreached} never came online` : "");
  }
}
