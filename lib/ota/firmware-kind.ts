/**
 * Firmware jobs' payload (payload-kinds.ts): a signed `ota/update` offer naming the binary, sent to
 * a phase's connected devices; on rollback the previous version's offer (if the library still has
 * its binary). The device record keeps the update's state (firmware_update_status, target firmware)
 * and each firmware version counts its successes and failures.
 */
import type { OtaUpdatePayload } from "../mqtt/payloads";
import { signedManifestOf, type ManifestFields } from "../firmware/firmware-versions";
import type { SigningKey } from "../firmware/signing";
import type { Sql } from "../telemetry/sql";
import { REACHABLE_SQL } from "../worker/engine-tick";
import type { EngineJob, EnginePhase, JobOutcome, PayloadKind, TimedOutLog } from "./payload-kinds";

export type OtaOffer = { deviceId: string; payload: OtaUpdatePayload };

export type FirmwareKindOptions = {
  /** Where devices download binaries: `${publicUrl}/api/v1/iot/firmware/versions/{id}/download`. */
  publicUrl: string;
  signingKey: SigningKey;
  /** Publishes offers (QoS 1); resolves once the broker took them all. */
  publish: (offers: OtaOffer[]) => Promise<void>;
  log: (line: string) => void;
};

type FirmwareRow = {
  device_type: string;
  version: string;
  file_name: string | null;
  sha256: string | null;
  min_previous_version: string | null;
  compatible_models: string[];
  is_mandatory: boolean;
  size_bytes: string;
};

const FIRMWARE_COLUMNS = `device_type::text AS device_type, version, file_name, sha256, min_previous_version, compatible_models, is_mandatory, size_bytes::text AS size_bytes`;

const manifestFields = (row: FirmwareRow): ManifestFields => ({
  deviceType: row.device_type as ManifestFields["deviceType"],
  version: row.version,
  fileName: row.file_name,
  sha256: row.sha256,
  minPreviousVersion: row.min_previous_version,
  compatibleModels: row.compatible_models,
  isMandatory: row.is_mandatory,
  sizeBytes: BigInt(row.size_bytes),
});

export function downloadUrl(publicUrl: string, firmwareId: number) {
  return `${publicUrl.replace(/\/+$/, "")}/api/v1/iot/firmware/versions/${firmwareId}/download`;
}

async function firmwareOf(sql: Sql, firmwareId: number | null): Promise<FirmwareRow> {
  const { rows } = await sql.query<FirmwareRow>(`SELECT ${FIRMWARE_COLUMNS} FROM firmware_versions WHERE id = $1`, [firmwareId]);
  if (!rows[0]) throw new Error(`firmware ${firmwareId} of the job is gone`);
  return rows[0];
}

export class FirmwareKind implements PayloadKind {
  readonly kind = "firmware" as const;

  constructor(private readonly options: FirmwareKindOptions) {}

  async dispatch(sql: Sql, job: EngineJob, phase: EnginePhase, limit: number, now: Date): Promise<number> {
    // Only devices that are connected now: an offer to a device that is away is lost with its
    // session (or lands hours later on a device that has moved on). The others wait, and get theirs
    // on the first tick after they come back — or fail after the job's timeout.
    const { rows } = await sql.query<{ id: number; device_id: string }>(
      `SELECT l.id, d.device_id FROM update_logs l JOIN devices d ON d.id = l.device_id
        WHERE l.phase_id = $1 AND l.state = 'pending' AND l.sent_at IS NULL AND l.error_message IS NULL
          AND d.connection_status IN ${REACHABLE_SQL}
        ORDER BY l.id LIMIT $2`,
      [phase.id, limit],
    );
    if (rows.length === 0) return 0;
    const firmware = await firmwareOf(sql, job.firmware_id);
    const signed = signedManifestOf(manifestFields(firmware), this.options.signingKey);
    const payload: OtaUpdatePayload = {
      job_id: job.id,
      version: firmware.version,
      download_url: downloadUrl(this.options.publicUrl, job.firmware_id!),
      sha256: firmware.sha256 ?? "",
      size: Number(firmware.size_bytes),
      signature: signed.signature,
      mandatory: firmware.is_mandatory,
      manifest: signed.manifest,
      signing_key_id: signed.keyId,
      rollback: false,
    };
    const started = performance.now();
    await this.options.publish(rows.map((row) => ({ deviceId: row.device_id, payload })));
    await sql.query(`UPDATE update_logs SET sent_at = COALESCE(sent_at, $2) WHERE id = ANY($1::int[])`, [rows.map((row) => row.id), now.toISOString()]);
    this.options.log(`ota: job ${job.id}: phase ${phase.position}: ${rows.length} offer(s) of ${firmware.version} sent in ${Math.round(performance.now() - started)} ms`);
    return rows.length;
  }

  /**
   * Every device that completed the update (now, or later — one still installing when the rollback
   * began is caught when it finishes) is offered its previous version.
   */
  async sendRollbacks(sql: Sql, limit: number, now: Date): Promise<number> {
    const { rows } = await sql.query<{ log_id: number; job_id: number; device_id: string; device_pk: number; previous_id: number | null; previous_version: string | null } & FirmwareRow>(
      `SELECT l.id AS log_id, l.job_id, d.device_id, d.id AS device_pk, p.id AS previous_id, l.previous_version,
              p.device_type::text AS device_type, p.version, p.file_name, p.sha256, p.min_previous_version, p.compatible_models, p.is_mandatory,
              p.size_bytes::text AS size_bytes
         FROM update_jobs j
         JOIN update_logs l ON l.job_id = j.id AND l.state = 'completed' AND l.rollback_sent_at IS NULL AND l.error_message IS NULL
         JOIN devices d ON d.id = l.device_id
         JOIN firmware_versions f ON f.id = j.firmware_id
         LEFT JOIN firmware_versions p ON p.device_type = f.device_type AND p.version = l.previous_version AND p.storage_key IS NOT NULL
        WHERE j.rollback_started_at IS NOT NULL AND j.kind = 'firmware'
          -- As for offers: a device that is away would lose it; it is sent when the device is back.
          AND d.connection_status IN ${REACHABLE_SQL}
        ORDER BY l.id LIMIT $1`,
      [limit],
    );
    if (rows.length === 0) return 0;
    const cannot = rows.filter((row) => row.previous_id === null);
    if (cannot.length) {
      await sql.query(
        `UPDATE update_logs AS l SET error_message = c.message
           FROM unnest($1::int[], $2::text[]) AS c(id, message) WHERE l.id = c.id`,
        [cannot.map((row) => row.log_id), cannot.map((row) => `Cannot roll back: version ${row.previous_version ?? "unknown"} is not in the firmware library`)],
      );
    }
    const offers: OtaOffer[] = [];
    const signedBy = new Map<number, ReturnType<typeof signedManifestOf>>();
    const sendable = rows.filter((row) => row.previous_id !== null);
    for (const row of sendable) {
      const id = row.previous_id!;
      if (!signedBy.has(id)) signedBy.set(id, signedManifestOf(manifestFields(row), this.options.signingKey));
      const signed = signedBy.get(id)!;
      offers.push({
        deviceId: row.device_id,
        payload: {
          job_id: row.job_id,
          version: row.version,
          download_url: downloadUrl(this.options.publicUrl, id),
          sha256: row.sha256 ?? "",
          size: Number(row.size_bytes),
          signature: signed.signature,
          mandatory: true,
          manifest: signed.manifest,
          signing_key_id: signed.keyId,
          rollback: true,
        },
      });
    }
    if (offers.length === 0) return 0;
    await this.options.publish(offers);
    await sql.query(`UPDATE update_logs SET rollback_sent_at = $2 WHERE id = ANY($1::int[])`, [sendable.map((row) => row.log_id), now.toISOString()]);
    await sql.query(
      `UPDATE devices AS d SET target_firmware_id = c.previous_id, firmware_update_status = 'scheduled', updated_at = now()
         FROM unnest($1::int[], $2::int[]) AS c(device_pk, previous_id) WHERE d.id = c.device_pk`,
      [sendable.map((row) => row.device_pk), sendable.map((row) => row.previous_id)],
    );
    this.options.log(`ota: sent ${offers.length} rollback offer(s)`);
    return offers.length;
  }

  async afterTimeouts(sql: Sql, logs: readonly TimedOutLog[]): Promise<void> {
    if (logs.length === 0) return;
    await sql.query(
      `UPDATE devices SET firmware_update_status = 'failed', firmware_update_error = 'No answer to the update (timed out)', target_firmware_id = NULL, updated_at = now()
        WHERE id = ANY($1::int[])`,
      [logs.map((row) => row.device_id)],
    );
    // Each adds one failure to its firmware version (as applyStatusReports moves counts).
    await sql.query(
      `UPDATE firmware_versions AS f SET failed_updates = f.failed_updates + c.n
         FROM (SELECT j.firmware_id, count(*)::int AS n FROM unnest($1::int[]) AS u(job_id) JOIN update_jobs j ON j.id = u.job_id GROUP BY j.firmware_id) AS c
        WHERE f.id = c.firmware_id`,
      [logs.map((row) => row.job_id)],
    );
  }

  async afterRollbackTimeouts(sql: Sql, logs: readonly TimedOutLog[]): Promise<void> {
    if (logs.length === 0) return;
    await sql.query(
      `UPDATE devices SET firmware_update_status = 'failed', firmware_update_error = 'Rollback not confirmed (timed out)', target_firmware_id = NULL, updated_at = now()
        WHERE id = ANY($1::int[]) AND firmware_update_status = 'scheduled'`,
      [logs.map((row) => row.device_id)],
    );
  }

  async completionText(sql: Sql, job: EngineJob, outcome: JobOutcome): Promise<string> {
    const firmware = await firmwareOf(sql, job.firmware_id);
    return `${outcome.succeeded} of ${job.device_count} devices updated to ${firmware.version}, ${outcome.failed - outcome.unreached} failed` + (outcome.unreached ? `, ${outcome.unreached} never came online` : "");
  }
}
