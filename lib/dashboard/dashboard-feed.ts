/**
 * The dashboard's two lists: the latest open alerts, and "what changed since yesterday" — alerts
 * raised and cleared (an offline alert the monitor clears is a device that came back), devices that fell
 * silent, and the change history of the farm's devices. Each is one query, newest first.
 */
import { farmScope, type Actor } from "../auth/permissions";
import type { Db } from "../db";
import { TRACKED_FIELD_LABEL } from "../devices/device-history";
import { updateJobVisibleTo } from "../ota/update-job-views";
import { alertTypeLabel, wasAutoResolved } from "./alert-labels";

/** "Since yesterday": a farm manager's morning look covers the night and the day before. */
export const RECENT_WINDOW_MS = 24 * 3600_000;

export type FeedAlert = {
  id: number;
  alertType: string;
  severity: "low" | "warning" | "critical";
  state: "active" | "acknowledged" | "resolved";
  message: string | null;
  occurrenceCount: number;
  lastOccurrence: Date;
  device: { deviceId: string; name: string } | null;
  group: { code: string; name: string } | null;
};

type AlertRow = {
  id: number;
  alert_type: string;
  severity: FeedAlert["severity"];
  state: FeedAlert["state"];
  message: string | null;
  occurrence_count: number;
  last_occurrence: Date;
  device_id: string | null;
  device_name: string | null;
  group_code: string | null;
  group_name: string | null;
};

/** The farm a feed covers: a farm-bound person's own whatever was asked, else the one picked (null: all). */
function feedFarm(actor: Pick<Actor, "role" | "farmId">, farmId: number | null): number | null {
  return farmScope(actor) ?? farmId;
}

/** Open alerts (not resolved), the most severe first, then the most recent. */
export async function openAlertsFeed(db: Db, actor: Actor, selectedFarm: number | null, take = 8): Promise<FeedAlert[]> {
  const farmId = feedFarm(actor, selectedFarm);
  const rows = await db.$queryRaw<AlertRow[]>`
    SELECT a.id, a.alert_type::text AS alert_type, a.severity::text AS severity, a.state::text AS state, a.message,
           a.occurrence_count, a.last_occurrence, d.device_id, d.name AS device_name, g.code AS group_code, g.name AS group_name
      FROM alerts a
      LEFT JOIN devices d ON d.id = a.device_id
      LEFT JOIN device_groups g ON g.id = a.group_id
     WHERE a.state <> 'resolved'
       AND (${farmId}::int IS NULL OR coalesce(d.farm_id, g.farm_id) = ${farmId}::int)
     ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, a.last_occurrence DESC, a.id DESC
     LIMIT ${take}`;
  return rows.map((row) => ({
    id: row.id,
    alertType: row.alert_type,
    severity: row.severity,
    state: row.state,
    message: row.message,
    occurrenceCount: row.occurrence_count,
    lastOccurrence: row.last_occurrence,
    device: row.device_id ? { deviceId: row.device_id, name: row.device_name ?? row.device_id } : null,
    group: row.group_code ? { code: row.group_code, name: row.group_name ?? row.group_code } : null,
  }));
}

export type RecentEventKind = "alert_raised" | "alert_cleared" | "went_silent" | "change" | "update_job";

export type RecentEvent = {
  kind: RecentEventKind;
  at: Date;
  title: string;
  detail: string | null;
  href: string | null;
  tone: "good" | "warn" | "bad" | "neutral";
};

type EventRow = {
  kind: RecentEventKind;
  at: Date;
  device_id: string | null;
  device_name: string | null;
  /** The alert's id; for an update_job event, the job's. */
  alert_id: number | null;
  alert_type: string | null;
  severity: string | null;
  action: string | null;
  actor_label: string | null;
  after: unknown;
  /** The resolution note of a cleared alert: the monitor's own starts with "Auto-resolved". */
  note?: string | null;
};

/** The words for an audit action on a device; unknown actions read as themselves. */
const ACTION_LABEL: Record<string, string> = {
  create: "registered",
  created: "registered",
  update: "changed",
  updated: "changed",
  imported: "imported",
  retired: "retired",
  maintenanceOn: "put in maintenance",
  maintenanceOff: "back from maintenance",
  claimed: "claimed its credentials",
  credentials_issued: "credentials issued",
  credentials_regenerated: "credentials regenerated",
  credentials_revoked: "credentials revoked",
  addToGroup: "added to a group",
  addTag: "tagged",
  removeTag: "untagged",
  bulk_updated: "changed in bulk",
  tag_renamed: "had a tag renamed",
  tag_deleted: "had a tag deleted",
  "calibration.recorded": "calibrated",
  "warranty_claim.filed": "had a warranty claim filed",
  "warranty.extended": "had its warranty extended",
  "warranty.voided": "had its warranty voided",
  "warranty.unvoided": "had its warranty void lifted",
};

export function actionLabel(action: string): string {
  return ACTION_LABEL[action] ?? action.replace(/_/g, " ");
}

/** Which tracked fields a change touched, in the history's words ("Name, Group"). */
export function changedFields(after: unknown): string | null {
  if (!after || typeof after !== "object" || Array.isArray(after)) return null;
  const names = Object.keys(after)
    .map((field) => TRACKED_FIELD_LABEL[field])
    .filter((label): label is string => Boolean(label));
  return names.length ? names.slice(0, 3).join(", ") + (names.length > 3 ? "…" : "") : null;
}

/** One event row as the dashboard words it. */
export function describeEvent(row: EventRow): RecentEvent {
  const device = row.device_id ? `${row.device_id} ${row.device_name ?? ""}`.trim() : null;
  const deviceHref = row.device_id ? `/devices/${row.device_id}` : null;
  const alertHref = row.alert_id ? `/alerts/${row.alert_id}` : deviceHref;
  const type = row.alert_type ? alertTypeLabel(row.alert_type) : "Alert";
  switch (row.kind) {
    case "alert_raised":
      return { kind: row.kind, at: row.at, title: `${type} alert raised`, detail: device, href: alertHref, tone: row.severity === "critical" ? "bad" : "warn" };
    case "alert_cleared": {
      // Only the monitor's own resolution means the cause went away; a person may close an alert for other reasons.
      const auto = wasAutoResolved(row.note ?? null);
      return {
        kind: row.kind,
        at: row.at,
        title: auto ? (row.alert_type === "offline" ? "Came back online" : `${type} cleared`) : `${type} alert resolved`,
        detail: auto ? device : [device, row.actor_label ? `by ${row.actor_label}` : null].filter(Boolean).join(" · ") || null,
        href: alertHref,
        tone: auto ? "good" : "neutral",
      };
    }
    case "update_job": {
      // The update engine's word on a job whose "notify on complete" is on (lib/ota/ota-engine.ts).
      const after = (row.after ?? {}) as { summary?: string; reason?: string };
      const href = row.alert_id ? `/updates/${row.alert_id}` : null;
      const name = row.device_name ?? "Update job";
      if (row.action === "auto_rollback") return { kind: row.kind, at: row.at, title: `Update rolled back by itself: ${name}`, detail: after.reason ?? null, href, tone: "bad" };
      if (row.action === "halted") return { kind: row.kind, at: row.at, title: `Update halted: ${name}`, detail: after.reason ?? null, href, tone: "warn" };
      return { kind: row.kind, at: row.at, title: `Update finished: ${name}`, detail: after.summary ?? null, href, tone: "good" };
    }
    case "went_silent":
      return { kind: row.kind, at: row.at, title: "Went silent", detail: device ? `${device} — last heard from` : null, href: deviceHref, tone: "bad" };
    default:
      return {
        kind: "change",
        at: row.at,
        title: `${device ?? "Device"} ${actionLabel(row.action ?? "changed")}`,
        detail: [changedFields(row.after), row.actor_label ? `by ${row.actor_label}` : null].filter(Boolean).join(" · ") || null,
        href: deviceHref,
        tone: "neutral",
      };
  }
}

/**
 * What changed in the day before `now`, newest first (bounded on both sides so a past `now` reads
 * that day as it was). "Went silent" are devices heard from in that window
 * that are offline now: the sweep does not log transitions, but the last-seen time dates them.
 * An update job shows where it touches the farm and only if the person may open it: a job that
 * spans farms would tell a farm-bound person another farm's job name and results.
 */
export async function recentEvents(db: Db, actor: Actor, selectedFarm: number | null, now = new Date(), take = 12): Promise<RecentEvent[]> {
  const farmId = feedFarm(actor, selectedFarm);
  const since = new Date(now.getTime() - RECENT_WINDOW_MS);
  const rows = await db.$queryRaw<EventRow[]>`
    (SELECT 'alert_raised' AS kind, a.first_occurrence AS at, d.device_id, d.name AS device_name, a.id AS alert_id,
            a.alert_type::text AS alert_type, a.severity::text AS severity, NULL AS action, NULL AS actor_label, NULL::jsonb AS after, NULL AS note
       FROM alerts a JOIN devices d ON d.id = a.device_id
      WHERE a.first_occurrence >= ${since} AND a.first_occurrence <= ${now} AND (${farmId}::int IS NULL OR d.farm_id = ${farmId}::int)
      ORDER BY a.first_occurrence DESC LIMIT ${take})
    UNION ALL
    (SELECT 'alert_cleared', a.resolved_at, d.device_id, d.name, a.id, a.alert_type::text, a.severity::text, NULL, u.email, NULL, a.resolution_notes
       FROM alerts a JOIN devices d ON d.id = a.device_id LEFT JOIN users u ON u.id = a.resolved_by_id
      WHERE a.state = 'resolved' AND a.resolved_at >= ${since} AND a.resolved_at <= ${now} AND (${farmId}::int IS NULL OR d.farm_id = ${farmId}::int)
      ORDER BY a.resolved_at DESC LIMIT ${take})
    UNION ALL
    (SELECT 'went_silent', d.last_seen, d.device_id, d.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL
       FROM devices d
      WHERE d.connection_status = 'offline' AND d.last_seen >= ${since} AND d.last_seen <= ${now} AND d.state <> 'decommissioned'
        AND (${farmId}::int IS NULL OR d.farm_id = ${farmId}::int)
      ORDER BY d.last_seen DESC LIMIT ${take})
    UNION ALL
    (SELECT 'change', e.created_at, d.device_id, d.name, NULL, NULL, NULL, e.action, e.actor_label, e.after, NULL
       FROM audit_events e JOIN devices d ON d.device_id = e.entity_id
      WHERE e.entity_type = 'device' AND e.created_at >= ${since} AND e.created_at <= ${now} AND (${farmId}::int IS NULL OR d.farm_id = ${farmId}::int)
      ORDER BY e.created_at DESC LIMIT ${take})
    UNION ALL
    (SELECT 'update_job', e.created_at, NULL, j.name, j.id, NULL, NULL, e.action, NULL, e.after, NULL
       FROM audit_events e JOIN update_jobs j ON j.id::text = e.entity_id
      WHERE e.entity_type = 'update_job' AND e.action IN ('completed', 'auto_rollback', 'halted') AND j.notify_on_complete
        AND e.created_at >= ${since} AND e.created_at <= ${now}
        AND (${farmId}::int IS NULL OR EXISTS (SELECT 1 FROM update_logs l JOIN devices d ON d.id = l.device_id WHERE l.job_id = j.id AND d.farm_id = ${farmId}::int))
        AND ${updateJobVisibleTo(actor)}
      ORDER BY e.created_at DESC LIMIT ${take})
    ORDER BY at DESC
    LIMIT ${take}`;
  return rows.map(describeEvent);
}
