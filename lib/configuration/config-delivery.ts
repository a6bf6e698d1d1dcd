/**
 * Sending devices their desired configuration on `devices/{id}/config`: the whole configuration,
 * its version and hash, published retained (the broker hands the latest to a device that
 * reconnects) at QoS 1, and only then marked sent — a crash in between sends it again, which a
 * device ignores (same version), rather than never. The campaign engine calls this for a phase's
 * devices; the delivery engine for edits, layer changes, reconnects and retries.
 */
import { configPayload, type ConfigPayload } from "../mqtt/payloads";
import { topics } from "../mqtt/topics";
import type { Outgoing } from "../mqtt/publish-many";
import type { Sql } from "../telemetry/sql";

export type ConfigMessage = { deviceId: string; payload: ConfigPayload };

/** Builds the retained MQTT message of one configuration (validated against the contract). */
export function configMessage(message: ConfigMessage): Outgoing {
  return { topic: topics.config(message.deviceId), payload: JSON.stringify(configPayload.parse(message.payload)), retain: true };
}

/** A version to send whose configuration the caller has in memory (the campaign engine just wrote it). */
export type VersionToSend = { deviceId: string; version: number; hash: string; configuration: ConfigPayload["configuration"] };

const versionHeader = configPayload.pick({ version: true, hash: true });

/**
 * The retained messages of many versions at once: each distinct configuration (the same object —
 * a campaign step shares one among the devices that get the same result) is checked against the
 * contract and serialised once, the rest of each payload (version, hash) checked on its own. The
 * bytes are those configMessage() makes (same keys, same order).
 */
export function configMessages(versions: readonly VersionToSend[], issuedAt: string): Outgoing[] {
  const bodies = new Map<object, string>();
  const issued = JSON.stringify(issuedAt);
  return versions.map((item) => {
    let body = bodies.get(item.configuration);
    if (body === undefined) {
      body = JSON.stringify(configPayload.parse({ version: item.version, hash: item.hash, configuration: item.configuration, issued_at: issuedAt }).configuration);
      bodies.set(item.configuration, body);
    } else versionHeader.parse({ version: item.version, hash: item.hash });
    return { topic: topics.config(item.deviceId), payload: `{"version":${item.version},"hash":${JSON.stringify(item.hash)},"configuration":${body},"issued_at":${issued}}`, retain: true };
  });
}

/**
 * Publishes the desired version of each device in `devicePks` (those whose shadow is not already
 * applied) and marks it sent. Returns the number sent. The caller decides who is reachable.
 */
export async function deliverDesired(sql: Sql, devicePks: readonly number[], publish: (messages: Outgoing[]) => Promise<void>, now = new Date()): Promise<number> {
  if (devicePks.length === 0) return 0;
  const { rows } = await sql.query<{ id: number; device_id: string; version: number; hash: string; desired: Record<string, unknown> }>(
    `SELECT d.id, d.device_id, s.desired_version AS version, s.desired_hash AS hash, c.desired
       FROM device_states s
       JOIN devices d ON d.id = s.device_id
       JOIN device_configs c ON c.device_id = s.device_id AND c.version = s.desired_version
      WHERE s.device_id = ANY($1::int[]) AND s.desired_version > 0 AND s.status <> 'applied'`,
    [devicePks as number[]],
  );
  if (rows.length === 0) return 0;
  const issuedAt = now.toISOString();
  await publish(rows.map((row) => configMessage({ deviceId: row.device_id, payload: { version: row.version, hash: row.hash, configuration: row.desired, issued_at: issuedAt } })));
  const ids = rows.map((row) => row.id);
  const versions = rows.map((row) => row.version);
  // Only if the desired version is still the one sent: a newer one written meanwhile stays pending.
  await sql.query(
    `UPDATE device_states AS s SET status = CASE WHEN s.status = 'pending' THEN 'sent'::"ConfigApplyStatus" ELSE s.status END,
            sent_version = i.version, sent_at = $3::timestamptz, send_attempts = s.send_attempts + 1, updated_at = $3::timestamptz
       FROM unnest($1::int[], $2::int[]) AS i(device_id, version)
      WHERE s.device_id = i.device_id AND s.desired_version = i.version`,
    [ids, versions, issuedAt],
  );
  await sql.query(
    `UPDATE device_configs AS c SET status = CASE WHEN c.status = 'pending' THEN 'sent'::"ConfigApplyStatus" ELSE c.status END, sent_at = COALESCE(c.sent_at, $3::timestamptz)
       FROM unnest($1::int[], $2::int[]) AS i(device_id, version)
      WHERE c.device_id = i.device_id AND c.version = i.version`,
    [ids, versions, issuedAt],
  );
  return rows.length;
}
