import type { HistoryEntry } from "@/lib/devices/device-history";
import { CALIBRATION_LABEL, CONNECTION_TYPE_LABEL, DEVICE_STATE_LABEL, POWER_SOURCE_LABEL } from "@/lib/devices/device-fields";
import { EMPTY, formatDate, formatDateTime, formatNumber } from "./device-values";

const ACTION_WORDS: Record<string, string> = {
  created: "registered the device",
  updated: "changed",
  bulk_updated: "changed (bulk action)",
  maintenance_on: "put the device in maintenance",
  maintenance_off: "took the device out of maintenance",
  retired: "retired the device",
  tag_renamed: "renamed a tag of the device",
  tag_deleted: "deleted a tag of the device",
  asset_record_updated: "changed the asset record",
  transferred: "moved the device to another farm",
};

/** Tracked fields that hold a calendar date, stored at UTC midnight. */
const DATE_FIELDS = new Set(["lastCalibration", "nextMaintenanceDate", "purchaseDate", "warrantyStart", "warrantyEnd"]);

const ENUM_WORDS: Record<string, Record<string, string>> = {
  state: DEVICE_STATE_LABEL,
  powerSource: POWER_SOURCE_LABEL,
  connectionType: CONNECTION_TYPE_LABEL,
  calibrationStatus: CALIBRATION_LABEL,
};

const UNITS: Record<string, string> = { healthCheckInterval: "s", lowBatteryThreshold: "%" };

/** Fields recorded on one side only (a retirement's reason, a bulk tag): shown as a plain value. */
const ONE_SIDED = new Set(["reason", "tagAdded", "tagRemoved"]);

/** A history value in words: "Yes", "12 Dec 2026", "parlour, pilot-firmware", "—". */
export function historyValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return EMPTY;
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.length ? value.map(String).join(", ") : "none";
  if (DATE_FIELDS.has(field) && typeof value === "string") return formatDate(value);
  if (typeof value === "string" && ENUM_WORDS[field]?.[value]) return ENUM_WORDS[field][value];
  if (typeof value === "number") return formatNumber(value, UNITS[field], 6);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Odoo's chatter: newest first, "who · when · what", then one line per tracked field that
 * changed. `people` maps the e-mails in the history to names.
 */
export function DeviceHistory({ entries, timeZone, people, limit }: { entries: HistoryEntry[]; timeZone: string; people: ReadonlyMap<string, string>; limit: number }) {
  return (
    <section id="history" aria-labelledby="history-heading" className="scroll-mt-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h2 id="history-heading" className="text-sm font-semibold text-stone-700">
          Change history
        </h2>
        <span className="text-xs text-stone-500">
          {entries.length >= limit ? `latest ${limit} · ` : ""}times in {timeZone}
        </span>
      </div>
      {entries.length === 0 ? (
        <p className="py-3 text-sm text-stone-500">No changes recorded yet.</p>
      ) : (
        <ol aria-label="Change history" className="divide-y divide-stone-100">
          {entries.map((entry) => (
            <li key={entry.id} className="py-2.5 text-sm">
              <p className="flex flex-wrap items-baseline gap-x-1.5">
                <span className="font-medium text-stone-900" title={entry.who}>
                  {people.get(entry.who) ?? entry.who}
                </span>
                <span className="text-stone-600">{ACTION_WORDS[entry.action] ?? entry.action.replaceAll("_", " ")}</span>
                <time className="text-xs text-stone-500" dateTime={entry.at.toISOString()}>
                  · {formatDateTime(entry.at, timeZone)}
                </time>
              </p>
              {entry.changes.length ? (
                <ul className="mt-1 space-y-0.5 text-stone-700">
                  {entry.changes.map((change) => (
                    <li key={change.field} className="break-words">
                      <span className="text-stone-500">{change.label}:</span>{" "}
                      {ONE_SIDED.has(change.field) ? (
                        <span className="font-medium text-stone-900">{historyValue(change.field, change.after ?? change.before)}</span>
                      ) : (
                        <>
                          {historyValue(change.field, change.before)} → <span className="font-medium text-stone-900">{historyValue(change.field, change.after)}</span>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
