/**
 * The mapping step: which field each column of the file fills, or "ignore". Guessed from the
 * header names (lib/import/import-columns.ts aliases, then a few words a header may contain),
 * checked (every required field once, no field twice), and remembered per header signature: the
 * normalised headers hashed, so a mapping is offered again only for a file with the same headers.
 */
import { columnFor, IMPORT_COLUMNS, normaliseHeader, readOnlyReason, REQUIRED_COLUMNS, type ImportColumn } from "./import-columns";

// Pure (no Node modules): the page checks a mapping with the same rules as the server.

export const IGNORE = "ignore" as const;
export type MappingTarget = ImportColumn | typeof IGNORE;
/** One target per file column, in file order. */
export type ColumnMapping = MappingTarget[];

export type MappingIssue = { field: ImportColumn | null; columns: number[]; message: string };

/** Words a vendor's header may contain around the field's name ("Serial no. (label)", "Device MAC"). */
const CONTAINS: [RegExp, ImportColumn][] = [
  [/serial|serie/, "serial_number"],
  [/\bmac\b|_mac$|^mac_/, "mac_address"],
  [/latitude|\blat\b/, "latitude"],
  [/longitude|\blon\b|\blng\b/, "longitude"],
  [/purchase|aankoop|bought/, "purchase_date"],
  [/warranty|garantie/, "warranty_end"],
  [/hardware|hw_rev|revision/, "hardware_version"],
  [/manufacturer|vendor|brand|fabrikant/, "manufacturer"],
  [/location|locatie|stable|stal/, "location_description"],
  [/device_?type|^type$/, "device_type"],
  [/device_?id|asset_?id/, "device_id"],
  [/farm|boerderij/, "farm_code"],
  [/group|groep/, "group_code"],
  [/model/, "model"],
];

/** The field a header most likely names, or null. */
export function guessField(header: string): ImportColumn | null {
  const exact = columnFor(header);
  if (exact) return exact;
  // the export's read-only columns stay ignored, even where a word would suggest a field
  if (readOnlyReason(header)) return null;
  const key = normaliseHeader(header).replace(/_/g, " ");
  for (const [pattern, field] of CONTAINS) if (pattern.test(key) || pattern.test(key.replace(/ /g, "_"))) return field;
  return null;
}

/**
 * A first guess for every column. Two headers naming the same field both get it: the check below
 * then asks the admin which one to ignore, rather than dropping one of them unseen.
 */
export function guessMapping(headers: string[]): ColumnMapping {
  return headers.map((header) => (header.trim() ? (guessField(header) ?? IGNORE) : IGNORE));
}

/** How a column is named to people and in a mapping sent by name: its header, "Column 3" when blank, "Serial (2)" when repeated. */
export function columnKeys(headers: string[]): string[] {
  const seen = new Map<string, number>();
  return headers.map((header, index) => {
    const base = header.trim() || `Column ${index + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

/** Everything wrong with a mapping: required fields without a column, fields with two. */
export function mappingIssues(headers: string[], mapping: ColumnMapping): MappingIssue[] {
  const keys = columnKeys(headers);
  const issues: MappingIssue[] = [];
  const byField = new Map<ImportColumn, number[]>();
  mapping.forEach((target, index) => {
    if (target !== IGNORE) byField.set(target, [...(byField.get(target) ?? []), index]);
  });
  for (const field of REQUIRED_COLUMNS) {
    if (!byField.has(field)) issues.push({ field, columns: [], message: `No column is mapped to ${field} (required)` });
  }
  for (const [field, columns] of byField) {
    if (columns.length > 1) issues.push({ field, columns, message: `Two columns hold ${field}: ${columns.map((index) => `"${keys[index]}"`).join(" and ")}; map all but one to “ignore”` });
  }
  return issues;
}

/** As stored in import_mappings.mapping: { "<column key>": field | "ignore" }. */
export function mappingToObject(headers: string[], mapping: ColumnMapping): Record<string, MappingTarget> {
  const keys = columnKeys(headers);
  return Object.fromEntries(keys.map((key, index) => [key, mapping[index] ?? IGNORE]));
}

const TARGETS = new Set<string>([...IMPORT_COLUMNS, IGNORE]);
export const isTarget = (value: unknown): value is MappingTarget => typeof value === "string" && TARGETS.has(value);

/**
 * A mapping as sent (a list in file order, or an object by column key, unnamed columns guessed) → one target per column.
 * A mapping made for other headers is refused by name rather than applied to the wrong columns.
 */
export function resolveMapping(headers: string[], sent: unknown): { mapping: ColumnMapping } | { error: string } {
  if (Array.isArray(sent)) {
    if (sent.length !== headers.length) return { error: `The mapping has ${sent.length} entr${sent.length === 1 ? "y" : "ies"}, the file ${headers.length} column${headers.length === 1 ? "" : "s"}: it was made for other headers` };
    const wrong = sent.find((target) => !isTarget(target));
    if (wrong !== undefined) return { error: `Unknown field "${String(wrong)}" in the mapping` };
    return { mapping: sent as ColumnMapping };
  }
  if (sent && typeof sent === "object") {
    const keys = columnKeys(headers);
    const entries = Object.entries(sent as Record<string, unknown>);
    const unknown = entries.filter(([key]) => !keys.includes(key)).map(([key]) => `"${key}"`);
    if (unknown.length) return { error: `The mapping names column${unknown.length === 1 ? "" : "s"} the file does not have: ${unknown.join(", ")} (it was made for other headers)` };
    const wrong = entries.find(([, target]) => !isTarget(target));
    if (wrong) return { error: `Unknown field "${String(wrong[1])}" for column "${wrong[0]}"` };
    // columns left out keep their guess: `{ "Unit label": "name" }` maps one renamed column
    const given = new Map(entries as [string, MappingTarget][]);
    const guessed = guessMapping(headers);
    return { mapping: keys.map((key, index) => given.get(key) ?? guessed[index]!) };
  }
  return { error: "The mapping is a list of fields in file order, or an object of column → field" };
}
