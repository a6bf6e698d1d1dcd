"use client";

import type { ImportInspection } from "@/lib/import/import-inspect";
import { ENCODING_LABEL, ENCODINGS, SEPARATOR_LABEL, SEPARATORS, type Encoding, type Separator } from "@/lib/import/read-choices";
import { DATE_FORMAT_LABEL, DATE_FORMATS, DECIMAL_LABEL, DECIMAL_SEPARATORS, type DateFormat, type DecimalSeparator } from "@/lib/import/value-formats";
import type { ReadChoices } from "./upload";

const selectClass = "w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm";
const FORMAT_NAME = { csv: "Text file (CSV)", xlsx: "Excel workbook (.xlsx)", ods: "OpenDocument spreadsheet (.ods)" } as const;

/**
 * How the file is read: every option a choice, the server's guess preselected ("Detected: …"), and
 * the decoded first lines beside them, so a wrong encoding or separator shows before anything else.
 */
export function ReadOptions({
  inspection,
  choices,
  onChange,
  busy,
}: {
  inspection: ImportInspection;
  choices: ReadChoices;
  onChange: (next: Partial<ReadChoices>, reread: boolean) => void;
  busy: boolean;
}) {
  const text = inspection.format === "csv";
  const guessedEncoding = inspection.guessed.encoding as Encoding | null;
  const usedEncoding = inspection.reading.encoding as Encoding | null;
  const guessedSeparator = inspection.guessed.separator as Separator | null;
  const rows = text ? inspection.firstLines.map((line, index) => ({ number: index + 1, cells: line })) : inspection.firstLines.map((line) => ({ number: Number(line.split("\t")[0]), cells: line.split("\t").slice(1).join("  │  ") }));
  return (
    <section aria-labelledby="read-options-heading" className="space-y-3">
      <h3 id="read-options-heading" className="text-sm font-semibold text-stone-800">
        How the file is read <span className="font-normal text-stone-500">— {FORMAT_NAME[inspection.format]}</span>
      </h3>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {text ? (
          <>
            <Field id="read-encoding" label="Encoding">
              <select id="read-encoding" className={selectClass} value={choices.encoding} disabled={busy} onChange={(event) => onChange({ encoding: event.target.value }, true)}>
                {ENCODINGS.map((encoding) => (
                  <option key={encoding} value={encoding}>
                    {encoding === "auto" ? `Detected: ${ENCODING_LABEL[usedEncoding ?? guessedEncoding ?? "utf-8"]}` : ENCODING_LABEL[encoding]}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="read-separator" label="Separator">
              <select id="read-separator" className={selectClass} value={choices.separator} disabled={busy} onChange={(event) => onChange({ separator: event.target.value }, true)}>
                {SEPARATORS.map((separator) => (
                  <option key={separator} value={separator}>
                    {separator === "auto" ? `Detected: ${SEPARATOR_LABEL[guessedSeparator ?? ","]}` : SEPARATOR_LABEL[separator]}
                  </option>
                ))}
              </select>
            </Field>
          </>
        ) : (
          <Field id="read-sheet" label="Sheet">
            <select id="read-sheet" className={selectClass} value={choices.sheet || inspection.reading.sheet || ""} disabled={busy || inspection.sheets.length < 2} onChange={(event) => onChange({ sheet: event.target.value, headerRow: "auto" }, true)}>
              {inspection.sheets.map((sheet) => (
                <option key={sheet} value={sheet}>
                  {sheet}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field id="read-header-row" label={text ? "Header is on line" : "Header is on row"}>
          <select id="read-header-row" className={selectClass} value={choices.headerRow} disabled={busy} onChange={(event) => onChange({ headerRow: event.target.value }, true)}>
            <option value="auto">Detected: {inspection.guessed.headerRow}</option>
            {rows
              .filter((row) => row.cells.trim() !== "")
              .map((row) => (
                <option key={row.number} value={String(row.number)}>
                  {row.number}
                </option>
              ))}
          </select>
        </Field>
        <Field id="read-date-format" label="Date format">
          <select id="read-date-format" className={selectClass} value={choices.dateFormat} disabled={busy} onChange={(event) => onChange({ dateFormat: event.target.value as DateFormat }, false)}>
            {DATE_FORMATS.map((format) => (
              <option key={format} value={format}>
                {DATE_FORMAT_LABEL[format]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="read-decimal" label="Decimal separator">
          <select id="read-decimal" className={selectClass} value={choices.decimal} disabled={busy} onChange={(event) => onChange({ decimal: event.target.value as DecimalSeparator }, false)}>
            {DECIMAL_SEPARATORS.map((decimal) => (
              <option key={decimal} value={decimal}>
                {DECIMAL_LABEL[decimal]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div>
        <p className="mb-1 text-xs font-medium text-stone-600">{text ? "The first lines as decoded — if letters look wrong (Ã©, �), choose another encoding" : "The first rows of the sheet"}</p>
        <div className="max-h-56 overflow-auto rounded-lg border border-stone-200 bg-stone-50" tabIndex={0} aria-label="First lines of the file">
          <pre className="p-2 font-mono text-xs leading-5 text-stone-800">
            {rows.map((row) => (
              <div key={row.number} className={row.number === inspection.reading.headerRow ? "bg-brand-50 font-semibold" : undefined}>
                <span className="mr-2 inline-block w-6 text-right text-stone-500 select-none">{row.number}</span>
                {text ? row.cells.replaceAll("\t", " ⇥ ") : row.cells}
              </div>
            ))}
          </pre>
        </div>
        {inspection.problem ? (
          <p className="mt-1 text-sm text-amber-800">
            {inspection.problem} Check the separator, or fix the file.
          </p>
        ) : null}
      </div>
    </section>
  );
}

function Field({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-stone-800">
        {label}
      </label>
      {children}
    </div>
  );
}
