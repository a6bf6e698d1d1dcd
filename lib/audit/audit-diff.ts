/**
 * Before → after as a person reads it: the fields that changed, each with its old and new value in
 * words ("state: active → retired"), rather than two JSON blobs to compare by eye.
 */
export type FieldChange = { field: string; before: string | null; after: string | null };

const MAX_VALUE = 200;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value in words: text as is, lists joined, anything nested as compact JSON; long ones cut. */
export function showValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "boolean") text = String(value);
  else if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null)) text = value.length ? value.join(", ") : "(none)";
  else text = JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/**
 * The changed fields, in the order the record lists them. A field only before was removed, one only
 * after was added (a creation lists its new values); equal values are left out.
 */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  if (!isRecord(before) && !isRecord(after)) {
    if (before === null && after === null) return [];
    if (JSON.stringify(before ?? null) === JSON.stringify(after ?? null)) return [];
    return [{ field: "value", before: showValue(before), after: showValue(after) }];
  }
  const old = isRecord(before) ? before : {};
  const now = isRecord(after) ? after : {};
  const fields = [...new Set([...Object.keys(old), ...Object.keys(now)])];
  const changes: FieldChange[] = [];
  for (const field of fields) {
    if (JSON.stringify(old[field] ?? null) === JSON.stringify(now[field] ?? null) && field in old && field in now) continue;
    changes.push({ field, before: showValue(old[field]), after: showValue(now[field]) });
  }
  return changes;
}

/** One line for a CSV cell: "state: active → retired; name: A → B". */
export function changesText(before: unknown, after: unknown): string {
  return fieldChanges(before, after)
    .map((change) => (change.before === null ? `${change.field}: ${change.after ?? "—"}` : `${change.field}: ${change.before} → ${change.after ?? "—"}`))
    .join("; ");
}
