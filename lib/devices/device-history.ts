/**
 * A device's change history (Odoo's "chatter"): which tracked field changed, from what to what,
 * by whom and when. Stored as audit events on the device's id; the diff is a pure function.
 */
import { auditWho, type AuditActor } from "../audit/record";
import type { Db } from "../db";

/** A device as the history records it: relations by their codes and names, not database ids. */
export type TrackedSnapshot = Record<string, unknown>;

/** The words the history shows for each tracked field (ids, timestamps of sync, etc. are not tracked). */
export const TRACKED_FIELD_LABEL: Record<string, string> = {
  name: "Name",
  state: "Status",
  farm: "Farm",
  group: "Group",
  tags: "Tags",
  tagAdded: "Tag added",
  tagRemoved: "Tag removed",
  tagRenamed: "Tag renamed",
  firmwareVersion: "Firmware",
  maintenanceMode: "Maintenance mode",
  maintenanceNotes: "Maintenance notes",
  manufacturer: "Manufacturer",
  model: "Model",
  serialNumber: "Serial number",
  macAddress: "MAC address",
  hardwareVersion: "Hardware version",
  locationDescription: "Location",
  latitude: "Latitude",
  longitude: "Longitude",
  supplier: "Supplier",
  purchaseOrder: "Purchase order",
  depreciationMonths: "Depreciation (months)",
  warrantyStart: "Warranty start",
  warrantyTerms: "Warranty terms",
  storageLocation: "Storage location",
  powerSource: "Power source",
  lowBatteryThreshold: "Low battery threshold",
  connectionType: "Connection type",
  ssid: "WiFi SSID",
  healthCheckInterval: "Health check interval",
  calibrationStatus: "Calibration",
  lastCalibration: "Last calibration",
  nextMaintenanceDate: "Next maintenance",
  purchaseDate: "Purchase date",
  warrantyEnd: "Warranty end",
  unitCost: "Unit cost",
  retirementReason: "Retirement reason",
  reason: "Reason",
};

function comparable(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value ?? null);
}

/** The tracked fields that differ, as two objects holding only those fields; null if none did. */
export function trackedChanges(before: TrackedSnapshot, after: TrackedSnapshot): { before: TrackedSnapshot; after: TrackedSnapshot } | null {
  const changedBefore: TrackedSnapshot = {};
  const changedAfter: TrackedSnapshot = {};
  for (const field of Object.keys(TRACKED_FIELD_LABEL)) {
    if (!(field in before) && !(field in after)) continue;
    if (comparable(before[field]) === comparable(after[field])) continue;
    changedBefore[field] = before[field] ?? null;
    changedAfter[field] = after[field] ?? null;
  }
  return Object.keys(changedAfter).length ? { before: changedBefore, after: changedAfter } : null;
}

/**
 * Who the history names: a person by e-mail, an API key by its prefix — with the role, address and
 * way in the audit log keeps (lib/audit/record.ts).
 */
export function auditActor(actor: AuditActor) {
  return auditWho(actor);
}

export type HistoryEntry = {
  id: string;
  at: Date;
  who: string;
  action: string;
  changes: { field: string; label: string; before: unknown; after: unknown }[];
};

/** The newest changes first. */
export async function deviceHistory(db: Pick<Db, "auditEvent">, deviceId: string, take = 50): Promise<HistoryEntry[]> {
  const events = await db.auditEvent.findMany({
    where: { entityType: "device", entityId: deviceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
  });
  return events.map((event) => {
    const before = (event.before ?? {}) as Record<string, unknown>;
    const after = (event.after ?? {}) as Record<string, unknown>;
    const fields = event.action === "created" ? [] : [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return {
      id: String(event.id),
      at: event.createdAt,
      who: event.actorLabel,
      action: event.action,
      changes: fields.map((field) => ({ field, label: TRACKED_FIELD_LABEL[field] ?? field, before: before[field] ?? null, after: after[field] ?? null })),
    };
  });
}
