/**
 * Devices' reports about their configuration (`devices/{id}/config/status`), stored in the ingest
 * window's transaction (lib/telemetry/store-window.ts) like command answers: acknowledged to the
 * broker only once committed. Set-based: a lock of the window's shadows in device order, one read
 * of the versions named, one update of the shadows, one of the version rows, whatever the size.
 *
 * The rules (issue 16, "bad input"): the topic's device is the only identity (the payload names
 * none). A report of a version the device was never given (above its desired version, or with no
 * such row) is dropped and counted — except version 0, "the factory defaults", which a device may
 * report unasked after a boot. `applied` with the desired hash → the shadow is applied and in
 * sync; with another hash → what it runs is recorded and the status stays (the drift clock runs);
 * `rejected` / `failed` of the desired version → that status with the device's reason (a rejected
 * version is never resent: config-engine.ts). The campaign engine learns from the same reports in
 * the same transaction (campaign-reports.ts).
 */
import type { Sql } from "../telemetry/sql";
import { applyCampaignReportsOf } from "./campaign-reports";
import type { ConfigReport } from "./config-reports";

export type DeviceConfigReport = ConfigReport & { devicePk: number };

export type ConfigReportsStored = {
  /** Reports that were taken (moved a shadow or a version row). */
  applied: number;
  /** Reports of a version the device never had (or a version 0 that says nothing): nothing stored. */
  dropped: number;
  /** Campaign logs the reports finished (the engine has a phase to judge). */
  campaignFinished: number;
};

export const NO_REASON_GIVEN = { rejected: "Rejected by the device (no reason given)", failed: "The device could not apply it (no reason given)" } as const;

export async function storeConfigReports(sql: Sql, reports: readonly DeviceConfigReport[]): Promise<ConfigReportsStored> {
  if (reports.length === 0) return { applied: 0, dropped: 0, campaignFinished: 0 };
  const devicePks = [...new Set(reports.map((report) => report.devicePk))].sort((a, b) => a - b);
  // A device reporting before the sweep gave it a version (its factory defaults, after a boot) gets
  // its shadow now: what it runs is known from the start.
  await sql.query(`INSERT INTO device_states (device_id) SELECT unnest($1::int[]) ORDER BY 1 ON CONFLICT (device_id) DO NOTHING`, [devicePks]);
  const { rows: shadows } = await sql.query<{ device_id: number; desired_version: number; desired_hash: string | null; reported_at: Date | null }>(
    `SELECT device_id, desired_version, desired_hash, reported_at FROM device_states WHERE device_id = ANY($1::int[]) ORDER BY device_id FOR UPDATE`,
    [devicePks],
  );
  const shadowOf = new Map(shadows.map((row) => [row.device_id, row]));
  const named = reports.filter((report) => report.version > 0);
  const { rows: versions } = named.length
    ? await sql.query<{ device_id: number; version: number; hash: string; job_id: number | null }>(
        `SELECT c.device_id, c.version, c.hash, c.job_id FROM device_configs c
           JOIN (SELECT DISTINCT * FROM unnest($1::int[], $2::int[])) AS u(device_id, version) ON c.device_id = u.device_id AND c.version = u.version`,
        [named.map((report) => report.devicePk), named.map((report) => report.version)],
      )
    : { rows: [] };
  const versionHash = new Map(versions.map((row) => [`${row.device_id}:${row.version}`, row.hash]));
  // The campaign (update job) that wrote a version, if one did: only those reports concern a campaign.
  const versionJob = new Map(versions.filter((row) => row.job_id !== null).map((row) => [`${row.device_id}:${row.version}`, row.job_id!]));

  // Judged in arrival order; the newest report of a device moves its shadow, the newest of a version its row.
  type Taken = DeviceConfigReport & { runs: string | null };
  const taken: Taken[] = [];
  let dropped = 0;
  for (const report of reports) {
    const shadow = shadowOf.get(report.devicePk);
    const known = report.version === 0 ? report.status === "applied" && report.hash !== null : shadow !== undefined && report.version <= shadow.desired_version && versionHash.has(`${report.devicePk}:${report.version}`);
    if (!known) {
      dropped += 1;
      continue;
    }
    // "applied" names the hash it runs; without one, the hash of the version it names.
    const runs = report.status === "applied" ? (report.hash ?? versionHash.get(`${report.devicePk}:${report.version}`) ?? null) : null;
    taken.push({ ...report, runs });
  }
  if (taken.length === 0) return { applied: 0, dropped, campaignFinished: 0 };

  const newest = <K>(key: (report: Taken) => K) => {
    const byKey = new Map<K, Taken>();
    for (const report of taken) {
      const held = byKey.get(key(report));
      if (!held || held.receivedAt.getTime() <= report.receivedAt.getTime()) byKey.set(key(report), report);
    }
    return [...byKey.values()];
  };

  const shadowUpdates = newest((report) => report.devicePk).map((report) => {
    const shadow = shadowOf.get(report.devicePk)!;
    const isDesired = report.version === shadow.desired_version && shadow.desired_version > 0;
    // An older report redelivered after a newer one must not put back what the device ran before.
    const fresh = !shadow.reported_at || shadow.reported_at.getTime() <= report.receivedAt.getTime();
    const applied = report.status === "applied" && fresh;
    const inSync = applied && report.runs === shadow.desired_hash;
    return {
      id: report.devicePk,
      setReported: applied,
      reportedVersion: report.version,
      reportedHash: report.runs,
      at: report.receivedAt.toISOString(),
      status: inSync ? "applied" : report.status !== "applied" && isDesired ? report.status : null,
      reason: report.status === "applied" ? null : (report.reason ?? NO_REASON_GIVEN[report.status]),
      inSync,
      // Runs something else, or refused what it was sent: the drift clock runs (if not already).
      startDrift: shadow.desired_version > 0 && ((applied && !inSync) || (report.status === "rejected" && isDesired)),
    };
  });
  await sql.query(
    `UPDATE device_states AS s SET
        reported_version = CASE WHEN u.set_reported THEN u.reported_version ELSE s.reported_version END,
        reported_hash = CASE WHEN u.set_reported THEN u.reported_hash ELSE s.reported_hash END,
        reported_at = CASE WHEN u.set_reported THEN u.at ELSE s.reported_at END,
        status = COALESCE(u.status::"ConfigApplyStatus", s.status),
        status_reason = CASE WHEN u.status IS NULL THEN s.status_reason ELSE u.reason END,
        drift_since = CASE WHEN u.in_sync THEN NULL WHEN u.start_drift THEN COALESCE(s.drift_since, u.at) ELSE s.drift_since END,
        drifted = CASE WHEN u.in_sync THEN false ELSE s.drifted END,
        updated_at = now()
       FROM unnest($1::int[], $2::bool[], $3::int[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::bool[], $9::bool[])
         AS u(device_id, set_reported, reported_version, reported_hash, at, status, reason, in_sync, start_drift)
      WHERE s.device_id = u.device_id`,
    [
      shadowUpdates.map((u) => u.id),
      shadowUpdates.map((u) => u.setReported),
      shadowUpdates.map((u) => u.reportedVersion),
      shadowUpdates.map((u) => u.reportedHash),
      shadowUpdates.map((u) => u.at),
      shadowUpdates.map((u) => u.status),
      shadowUpdates.map((u) => u.reason),
      shadowUpdates.map((u) => u.inSync),
      shadowUpdates.map((u) => u.startDrift),
    ],
  );

  // The version rows: what the device said about each, applied only when it runs that very hash.
  const versionUpdates = newest((report) => `${report.devicePk}:${report.version}`).filter((report) => report.version > 0);
  if (versionUpdates.length > 0) {
    await sql.query(
      `UPDATE device_configs AS c SET
          status = CASE WHEN u.status = 'applied' AND u.hash = c.hash THEN 'applied'::"ConfigApplyStatus"
                        WHEN u.status = 'applied' THEN c.status
                        ELSE u.status::"ConfigApplyStatus" END,
          status_reason = CASE WHEN u.status = 'applied' THEN (CASE WHEN u.hash = c.hash THEN NULL ELSE c.status_reason END) ELSE u.reason END,
          applied_at = CASE WHEN u.status = 'applied' AND u.hash = c.hash THEN COALESCE(c.applied_at, u.at) ELSE c.applied_at END,
          reported = jsonb_strip_nulls(jsonb_build_object('status', u.status, 'hash', u.hash, 'reason', u.reason, 'at', u.at))
         FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS u(device_id, version, status, hash, reason, at)
        WHERE c.device_id = u.device_id AND c.version = u.version`,
      [
        versionUpdates.map((r) => r.devicePk),
        versionUpdates.map((r) => r.version),
        versionUpdates.map((r) => r.status),
        versionUpdates.map((r) => r.runs),
        versionUpdates.map((r) => (r.status === "applied" ? null : (r.reason ?? NO_REASON_GIVEN[r.status]))),
        versionUpdates.map((r) => r.receivedAt.toISOString()),
      ],
    );
  }

  // The campaigns learn from the same reports, the shadows still locked (campaign-reports.ts).
  const campaign = await applyCampaignReportsOf(
    sql,
    taken.flatMap(({ deviceId, devicePk, version, status, hash, reason, receivedAt }) => {
      const jobId = versionJob.get(`${devicePk}:${version}`);
      return jobId === undefined ? [] : [{ deviceId, devicePk, version, status, hash, reason, receivedAt, jobId, versionHash: versionHash.get(`${devicePk}:${version}`)! }];
    }),
  );
  return { applied: taken.length, dropped, campaignFinished: campaign.finished };
}
