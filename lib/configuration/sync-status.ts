/**
 * Whether a device runs the configuration the app thinks it runs, in one word a person reads
 * (derived from the shadow, never stored): the device page, the API's shadow and the devices
 * list's filter all say the same thing. Safe in client components.
 */
export const SYNC_STATUSES = ["in_sync", "pending", "sent", "rejected", "failed", "drift", "unknown"] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export const SYNC_STATUS_LABEL: Record<SyncStatus, string> = {
  in_sync: "In sync",
  pending: "Waiting to be sent",
  sent: "Sent, not confirmed yet",
  rejected: "Rejected by the device",
  failed: "Failed",
  drift: "Drift",
  unknown: "Unknown",
};

export type ShadowSyncFields = {
  desiredVersion: number;
  desiredHash: string | null;
  reportedHash: string | null;
  status: string;
  drifted: boolean;
};

/**
 * First the states that need a person (drift, a refusal, a failure), then agreement of the hashes,
 * then the waiting ones. No version yet (the sweep has not given the device its first one), or a
 * device that never said what it runs: unknown.
 */
export function syncStatus(shadow: ShadowSyncFields | null): SyncStatus {
  if (!shadow || shadow.desiredVersion === 0 || !shadow.desiredHash) return "unknown";
  if (shadow.drifted) return "drift";
  if (shadow.status === "rejected") return "rejected";
  if (shadow.status === "failed") return "failed";
  if (shadow.reportedHash === shadow.desiredHash) return "in_sync";
  if (shadow.status === "sent") return "sent";
  if (shadow.status === "pending") return "pending";
  return shadow.reportedHash === null ? "unknown" : "pending";
}

/**
 * The same rule in SQL over `device_states` aliased `s` (LEFT JOINed: no row is unknown), for
 * filters and counts over many devices.
 */
export function syncStatusSql(s = "s"): string {
  return `(CASE WHEN ${s}.device_id IS NULL OR ${s}.desired_version = 0 OR ${s}.desired_hash IS NULL THEN 'unknown'
    WHEN ${s}.drifted THEN 'drift'
    WHEN ${s}.status = 'rejected' THEN 'rejected'
    WHEN ${s}.status = 'failed' THEN 'failed'
    WHEN ${s}.reported_hash = ${s}.desired_hash THEN 'in_sync'
    WHEN ${s}.status = 'sent' THEN 'sent'
    WHEN ${s}.status = 'pending' THEN 'pending'
    WHEN ${s}.reported_hash IS NULL THEN 'unknown'
    ELSE 'pending' END)`;
}
