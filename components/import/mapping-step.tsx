"use client";

import { columnKeys, IGNORE, mappingIssues, type ColumnMapping, type MappingTarget } from "@/lib/import/column-mapping";
import { IMPORT_COLUMNS, readOnlyReason, REQUIRED_COLUMNS, type ImportColumn } from "@/lib/import/import-columns";
import { DATE_COLUMNS } from "@/lib/import/row-preparation";
import type { ImportInspection } from "@/lib/import/import-inspect";
import type { ColumnDates } from "@/lib/import/value-formats";

const REQUIRED = new Set<string>(REQUIRED_COLUMNS);
const DATE_FIELDS = new Set<string>(DATE_COLUMNS);

function datesNote(dates: ColumnDates | undefined, chosen: string): string | null {
  if (!dates || chosen !== "auto") return null;
  switch (dates.format) {
    case "dmy":
      return `Day first (from ${dates.evidence})`;
    case "mdy":
      return `Month first (from ${dates.evidence})`;
    case "excel":
      return "Excel serial numbers";
    case "undecided":
      return "Day or month first cannot be told: values like 03/04/2026 will be refused — choose the date format";
    case "mixed":
      return `Both day-first and month-first values (${dates.evidence}): ambiguous ones will be refused`;
    default:
      return null;
  }
}

/**
 * Every column of the file → a field or “ignore”, with a few of its values. The starting point is
 * the mapping remembered for these headers or the guess from their names; the problems (a required
 * field without a column, a field with two) are listed with the columns concerned.
 */
export function MappingStep({
  inspection,
  mapping,
  dateFormat,
  onChange,
  busy,
}: {
  inspection: ImportInspection;
  mapping: ColumnMapping;
  dateFormat: string;
  onChange: (mapping: ColumnMapping) => void;
  busy: boolean;
}) {
  const keys = columnKeys(inspection.headers);
  const issues = mappingIssues(inspection.headers, mapping);
  const troubled = new Set(issues.flatMap((issue) => issue.columns));
  const set = (index: number, target: MappingTarget) => onChange(mapping.map((current, at) => (at === index ? target : current)));
  return (
    <section aria-labelledby="mapping-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="mapping-heading" className="text-sm font-semibold text-stone-800">
          Columns
        </h3>
        <p className="text-xs text-stone-500">
          {inspection.mappingSource === "remembered"
            ? "Mapping remembered from the last import of a file with these headers."
            : inspection.mappingSource === "guessed"
              ? "Guessed from the header names. Unmapped columns are ignored."
              : "Your mapping."}
        </p>
      </div>
      {issues.length ? (
        <ul className="space-y-1 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" aria-label="Mapping problems">
          {issues.map((issue) => (
            <li key={issue.message}>{issue.message}</li>
          ))}
        </ul>
      ) : null}
      <ul className="divide-y divide-stone-100 rounded-lg border border-stone-200" aria-label="Column mapping">
        {inspection.headers.map((header, index) => {
          const target = mapping[index] ?? IGNORE;
          const readOnly = target === IGNORE ? readOnlyReason(header) : null;
          const note = DATE_FIELDS.has(target) ? datesNote(inspection.columnDates[index], dateFormat) : readOnly ? readOnly.replace(/^read-only: (.*)$/, "Read-only ($1): ignored on purpose") : null;
          const id = `map-column-${index}`;
          return (
            <li key={index} className={`grid gap-2 px-3 py-2 sm:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)_minmax(12rem,1fr)] sm:items-center ${troubled.has(index) ? "bg-amber-50/60" : ""}`}>
              <label htmlFor={id} className="min-w-0 text-sm font-medium break-words text-stone-900">
                {keys[index]}
                {header.trim() === "" ? <span className="ml-1 text-xs font-normal text-stone-500">(no header)</span> : null}
              </label>
              <p className="min-w-0 truncate font-mono text-xs text-stone-500" title={inspection.samples[index]?.join(" · ")}>
                {inspection.samples[index]?.length ? inspection.samples[index]!.join(" · ") : "empty"}
              </p>
              <div>
                <select
                  id={id}
                  value={target}
                  disabled={busy}
                  onChange={(event) => set(index, event.target.value as MappingTarget)}
                  className={`w-full rounded-md border bg-white px-3 py-2 text-sm ${target === IGNORE ? "border-stone-300 text-stone-500" : "border-brand-600 text-stone-900"}`}
                >
                  <option value={IGNORE}>Ignore this column</option>
                  {IMPORT_COLUMNS.map((field: ImportColumn) => (
                    <option key={field} value={field}>
                      {field}
                      {REQUIRED.has(field) ? " (required)" : ""}
                    </option>
                  ))}
                </select>
                {note ? <p className="mt-1 text-xs text-stone-600">{note}</p> : null}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
