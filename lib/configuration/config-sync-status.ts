/**
 * The configuration sync status people see (derived, never stored): does the device run the
 * configuration the app thinks it runs? One derivation for the device page, the devices list filter
 * and the API, so "drift" means the same everywhere.
 *
 * Order matters: a refusal or a failure is said first (the reason is what a technician acts on),
 * then a confirmed match, then drift (the sweep's verdict after the grace period), then "never
 * reported" and finally "waiting" (pending or sent, within the grace period).
 *
 * Safe in client components: no server imports.
 */
export const CONFIG_SYNC_STATUSES = ["in_sync", "pending", "sent", "rejected", "failed", "drift", "unknown"] as const;
export type ConfigSyncStatus = (typeof CONFIG_SYNC_STATUSES)[number];

/** What the list filter offers: "sent" is a moment of "pending" there. */
export const CONFIG_SYNC_FILTERS = ["in_sync", "pending", "rejected", "failed", "drift", "unknown"] as const;
export type ConfigSyncFilter = (typeof CONFIG_SYNC_FILTERS)[number];

export const CONFIG_SYNC_LABEL: Record<ConfigSyncStatus, string> = {
  in_sync: "In sync",
  pending: "Pending",
  sent: "Sent",
  rejected: "Rejected",
  failed: "Failed",
  drift: "Drift",
  unknown: "Unknown",
};

/** The shadow columns the status is derived from (device_states). */
export type ShadowSyncFields = {
  status: string;
  desiredHash: string | null;
  reportedHash: string | null;
  reportedAt: Date | string | null;
  drifted: boolean;
};

export function configSyncStatus(shadow: ShadowSyncFields | null): ConfigSyncStatus {
  if (!shadow) return "unknown";
  if (shadow.status === "rejected") return "rejected";
  if (shadow.status === "failed") return "failed";
  if (shadow.reportedHash !== null && shadow.reportedHash === shadow.desiredHash) return "in_sync";
  if (shadow.drifted) return "drift";
  if (shadow.reportedAt === null) return "unknown";
  return shadow.status === "sent" ? "sent" : "pending";
}
