"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, type DragEvent } from "react";
import type { ColumnMapping } from "@/lib/import/column-mapping";
import type { ImportInspection } from "@/lib/import/import-inspect";
import { ENCODING_LABEL, SEPARATOR_LABEL, type Encoding, type Separator } from "@/lib/import/read-choices";
import type { ImportMode } from "@/lib/import/row-validation";
import { DATE_FORMAT_LABEL, DECIMAL_LABEL } from "@/lib/import/value-formats";
import { MODE_LABEL, type PreviewResponse, type ResultResponse } from "./import-types";
import { MappingStep } from "./mapping-step";
import { ReadOptions } from "./read-options";
import { AUTO_CHOICES, inspectFile, UploadError, uploadImport, type ReadChoices } from "./upload";
import { MAX_IMPORT_BYTES } from "@/lib/import/import-limits";

type Farm = { id: number; code: string; name: string };
type Step = { kind: "choose" } | { kind: "preview"; preview: PreviewResponse } | { kind: "result"; result: ResultResponse };

const MAX_MB = MAX_IMPORT_BYTES / 1024 / 1024;
const primary = "rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:cursor-not-allowed disabled:opacity-50";
const secondary = "rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium text-stone-800 hover:bg-stone-50 disabled:opacity-50";
const inputClass = "w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm";

export function ImportWizard({ farms }: { farms: Farm[] }) {
  const router = useRouter();
  const inputId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<ImportMode>("create");
  const [skipErrors, setSkipErrors] = useState(false);
  const [createTags, setCreateTags] = useState(false);
  const [defaultFarm, setDefaultFarm] = useState("");
  const [dragging, setDragging] = useState(false);
  const [busy, setBusy] = useState<null | "preview" | "import">(null);
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<Step>({ kind: "choose" });
  const [choices, setChoices] = useState<ReadChoices>(AUTO_CHOICES);
  const [inspection, setInspection] = useState<ImportInspection | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping | null>(null);
  const [reading, setReading] = useState(false);
  const [refused, setRefused] = useState(false);
  const inspectRun = useRef(0);

  /** Reads the file with the options so far; the latest read wins when options change quickly. */
  const inspect = async (chosen: File, next: ReadChoices) => {
    const run = ++inspectRun.current;
    setReading(true);
    setError(null);
    try {
      const answer = await inspectFile(chosen, next, null, () => {});
      if (run !== inspectRun.current) return;
      setInspection(answer);
      setMapping(answer.mapping);
      setRefused(false);
      setChoices((current) => ({
        ...current,
        dateFormat: current.dateFormat === "auto" && answer.dateFormat !== "auto" ? answer.dateFormat : current.dateFormat,
        decimal: current.decimal === "auto" && answer.decimal !== "auto" ? answer.decimal : current.decimal,
      }));
    } catch (caught) {
      if (run !== inspectRun.current) return;
      setInspection(null);
      setMapping(null);
      setRefused(caught instanceof UploadError);
      setError(caught instanceof UploadError ? caught.message : "Something went wrong. Try again.");
    } finally {
      if (run === inspectRun.current) setReading(false);
    }
  };

  const pick = (chosen: File | null | undefined) => {
    setError(null);
    if (!chosen) return;
    if (chosen.size > MAX_MB * 1024 * 1024) {
      setFile(null);
      setError(`${chosen.name} is larger than ${MAX_MB} MB. Split the file.`);
      return;
    }
    setFile(chosen);
    setInspection(null);
    setMapping(null);
    setChoices(AUTO_CHOICES);
    void inspect(chosen, AUTO_CHOICES);
  };

  // A file chosen before the page was live (a slow phone, a quick hand) sits in the input with no
  // change event React saw: read it once hydrated instead of losing the choice.
  useEffect(() => {
    const early = fileInput.current?.files?.[0];
    if (early) pick(early);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, at hydration
  }, []);

  const changeChoices = (next: Partial<ReadChoices>, reread: boolean) => {
    const merged = { ...choices, ...next };
    setChoices(merged);
    if (reread && file) void inspect(file, merged);
  };

  const send = async <T,>(dryRun: boolean): Promise<T | null> => {
    if (!file) return null;
    setBusy(dryRun ? "preview" : "import");
    setProgress(0);
    setError(null);
    try {
      const batchId = !dryRun && step.kind === "preview" ? step.preview.batchId : null;
      return await uploadImport<T>({ file, mode, skipErrors, createTags, defaultFarm, dryRun, onProgress: setProgress, read: choices, mapping, batchId });
    } catch (caught) {
      setError(caught instanceof UploadError ? caught.message : "Something went wrong. Try again.");
      return null;
    } finally {
      setBusy(null);
    }
  };

  const preview = async () => {
    const answer = await send<PreviewResponse>(true);
    if (answer) setStep({ kind: "preview", preview: answer });
  };
  const runImport = async () => {
    const answer = await send<ResultResponse>(false);
    if (answer) {
      setStep({ kind: "result", result: answer });
      router.refresh();
    }
  };
  const restart = () => {
    inspectRun.current++;
    setStep({ kind: "choose" });
    setFile(null);
    setError(null);
    setInspection(null);
    setMapping(null);
    setChoices(AUTO_CHOICES);
    setRefused(false);
    setReading(false);
    if (fileInput.current) fileInput.current.value = "";
  };
  const backToMapping = () => {
    setError(null);
    setStep({ kind: "choose" });
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    pick(event.dataTransfer.files[0]);
  };

  return (
    <section aria-label="Import devices" className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm sm:p-5">
      <ol className="mb-4 flex flex-wrap gap-x-4 gap-y-1 text-xs font-medium text-stone-500" aria-label="Steps">
        {(["choose", "preview", "result"] as const).map((kind, index) => (
          <li key={kind} aria-current={step.kind === kind ? "step" : undefined} className={step.kind === kind ? "text-brand-700" : ""}>
            {index + 1}. {kind === "choose" ? "File, options and columns" : kind === "preview" ? "Preview" : "Result"}
          </li>
        ))}
      </ol>

      {error ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}

      {step.kind === "choose" ? (
        <div className="space-y-5">
          <div
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            className={`flex flex-col items-center gap-3 rounded-xl border-2 border-dashed px-4 py-8 text-center has-[input:focus-visible]:ring-2 has-[input:focus-visible]:ring-brand-600 ${dragging ? "border-brand-600 bg-brand-50" : "border-stone-300 bg-stone-50"}`}
          >
            <p className="text-sm text-stone-700">{file ? <span className="font-medium break-all text-stone-900">{file.name}</span> : "Drop a CSV, .xlsx or .ods file here, or"}</p>
            {file ? <p className="text-xs text-stone-500">{formatBytes(file.size)}</p> : null}
            <label htmlFor={inputId} className={`${secondary} cursor-pointer`}>
              {file ? "Choose another file" : "Choose file"}
            </label>
            <input
              ref={fileInput}
              id={inputId}
              type="file"
              accept=".csv,.tsv,.txt,.xlsx,.xlsm,.ods,text/csv,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.oasis.opendocument.spreadsheet"
              aria-label="CSV file or spreadsheet"
              className="sr-only"
              onChange={(event) => pick(event.target.files?.[0])}
            />
            <p className="text-xs text-stone-500">
              Up to {MAX_MB} MB: CSV (any separator, UTF-8, UTF-16 or Windows-1252), .xlsx or .ods. Columns device_id, name and device_type, under any header name.{" "}
              <a href="/api/v1/iot/devices/import/template" download className="font-medium text-brand-700 underline">
                Download template
              </a>
            </p>
          </div>
          <RoundTripHelp />

          {reading && !inspection ? <p className="text-sm text-stone-600">Reading the file…</p> : null}
          {inspection && file ? (
            <div className={`space-y-5 ${reading ? "opacity-60" : ""}`} aria-busy={reading}>
              <ReadOptions inspection={inspection} choices={choices} onChange={changeChoices} busy={busy !== null} />
              {inspection.notes.length ? (
                <ul className="space-y-1 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" aria-label="Sheet notes">
                  {inspection.notes.slice(0, 10).map((note, index) => (
                    <li key={index}>
                      Row {note.row}, {note.column}: {note.message}
                    </li>
                  ))}
                </ul>
              ) : null}
              {mapping ? <MappingStep inspection={inspection} mapping={mapping} dateFormat={choices.dateFormat} onChange={setMapping} busy={busy !== null} /> : null}
            </div>
          ) : null}

          <div className="grid gap-5 sm:grid-cols-2 2xl:grid-cols-4">
            <div>
              <label htmlFor="import-farm" className="mb-1 block text-sm font-medium text-stone-800">
                Default farm
              </label>
              <select id="import-farm" value={defaultFarm} onChange={(event) => setDefaultFarm(event.target.value)} className={inputClass} aria-describedby="import-farm-hint">
                <option value="">None (farm_code required per row)</option>
                {farms.map((farm) => (
                  <option key={farm.id} value={farm.code}>
                    {farm.name} ({farm.code})
                  </option>
                ))}
              </select>
              <p id="import-farm-hint" className="mt-1 text-xs text-stone-500">
                Used for rows with an empty farm_code.
              </p>
            </div>
            <fieldset>
              <legend className="mb-1 text-sm font-medium text-stone-800">Import mode</legend>
              <div className="space-y-1">
                {(Object.keys(MODE_LABEL) as ImportMode[]).map((value) => (
                  <label key={value} className="flex items-center gap-2 text-sm text-stone-700">
                    <input type="radio" name="mode" value={value} checked={mode === value} onChange={() => setMode(value)} className="accent-brand-700" />
                    {MODE_LABEL[value]}
                  </label>
                ))}
              </div>
            </fieldset>
            <fieldset>
              <legend className="mb-1 text-sm font-medium text-stone-800">On error</legend>
              <div className="space-y-1">
                <label className="flex items-center gap-2 text-sm text-stone-700">
                  <input type="radio" name="on-error" checked={!skipErrors} onChange={() => setSkipErrors(false)} className="accent-brand-700" />
                  Import nothing
                </label>
                <label className="flex items-center gap-2 text-sm text-stone-700">
                  <input type="radio" name="on-error" checked={skipErrors} onChange={() => setSkipErrors(true)} className="accent-brand-700" />
                  Skip bad rows
                </label>
              </div>
            </fieldset>
            <fieldset>
              <legend className="mb-1 text-sm font-medium text-stone-800">Tags</legend>
              <label className="flex items-start gap-2 text-sm text-stone-700">
                <input type="checkbox" checked={createTags} onChange={(event) => setCreateTags(event.target.checked)} className="mt-0.5 accent-brand-700" aria-describedby="import-tags-hint" />
                Create tags that do not exist
              </label>
              <p id="import-tags-hint" className="mt-1 text-xs text-stone-500">
                Otherwise a row naming an unknown tag is refused.
              </p>
            </fieldset>
          </div>

          <div className="flex flex-wrap items-center gap-3">
            <button type="button" className={primary} disabled={!file || busy !== null || reading || refused} onClick={preview}>
              {busy === "preview" ? "Checking…" : "Preview"}
            </button>
            {busy ? <Progress value={progress} /> : null}
          </div>
        </div>
      ) : null}

      {step.kind === "preview" ? (
        <PreviewStep
          preview={step.preview}
          fileName={file?.name ?? ""}
          skipErrors={skipErrors}
          onSkipErrors={setSkipErrors}
          busy={busy}
          progress={progress}
          onImport={runImport}
          onRestart={restart}
          onBack={backToMapping}
        />
      ) : null}

      {step.kind === "result" ? <ResultStep result={step.result} onRestart={restart} /> : null}
    </section>
  );
}

function PreviewStep({
  preview,
  fileName,
  skipErrors,
  onSkipErrors,
  busy,
  progress,
  onImport,
  onRestart,
  onBack,
}: {
  onBack: () => void;
  preview: PreviewResponse;
  fileName: string;
  skipErrors: boolean;
  onSkipErrors: (skip: boolean) => void;
  busy: null | "preview" | "import";
  progress: number;
  onImport: () => void;
  onRestart: () => void;
}) {
  const writes = preview.toCreate + preview.toUpdate;
  const blockedByErrors = !skipErrors && preview.errorCount > 0;
  const why = writes === 0 ? "Nothing to write: no row creates or changes a device." : blockedByErrors ? `“Import nothing” is chosen and ${preview.errorCount} error${preview.errorCount === 1 ? "" : "s"} were found. Fix the file, or choose “Skip bad rows”.` : null;
  const shown = preview.columns;
  return (
    <div className="space-y-5">
      <p className="text-sm text-stone-600">
        <span className="font-medium break-all text-stone-900">{fileName}</span> — {preview.totalRows} data row{preview.totalRows === 1 ? "" : "s"}. Nothing has been written yet.
      </p>
      <Counts
        items={[
          { label: "To create", value: preview.toCreate, tone: "text-brand-700" },
          { label: "To update", value: preview.toUpdate, tone: "text-sky-700" },
          { label: "Unchanged", value: preview.toSkip, tone: "text-stone-700" },
          { label: "Rejected", value: preview.rejected, tone: preview.rejected ? "text-red-700" : "text-stone-700" },
        ]}
      />
      <ReadingSummary reading={preview.reading} />
      {preview.unknownColumns.length ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Unknown columns (ignored): <span className="font-mono">{preview.unknownColumns.join(", ")}</span>
        </p>
      ) : null}
      {preview.readOnlyColumns?.length ? (
        <p className="rounded-md bg-stone-50 px-3 py-2 text-sm text-stone-700" data-testid="read-only-columns">
          Read-only columns of the export, ignored on purpose: <span className="font-mono break-words">{preview.readOnlyColumns.map((item) => item.column).join(", ")}</span>
        </p>
      ) : null}
      {preview.newTags?.length ? (
        <p className="rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900" data-testid="new-tags">
          Tags to create: <span className="font-medium break-words">{preview.newTags.join(", ")}</span>
        </p>
      ) : null}

      <div>
        <h3 className="mb-2 text-sm font-semibold text-stone-700">First rows</h3>
        <div className="max-h-80 overflow-auto rounded-lg border border-stone-200">
          <table className="w-full text-sm" aria-label="First rows">
            <thead className="sticky top-0 bg-stone-50 text-left text-xs tracking-wide text-stone-500 uppercase">
              <tr>
                <th scope="col" className="px-3 py-2" title="The line in the file">Line</th>
                <th scope="col" className="px-3 py-2">Action</th>
                {shown.map((column) => (
                  <th key={column} scope="col" className="px-3 py-2 whitespace-nowrap">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {preview.firstRows.map((row) => (
                <tr key={row.row}>
                  <td className="px-3 py-1.5 tabular-nums text-stone-500">{row.row}</td>
                  <td className="px-3 py-1.5">
                    <ActionBadge action={row.action} />
                  </td>
                  {shown.map((column) => (
                    <td key={column} className="max-w-48 truncate px-3 py-1.5 whitespace-nowrap text-stone-800" title={row.values[column] ?? ""}>
                      {row.values[column] ?? ""}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>

      {preview.errors.length ? (
        <div>
          <h3 className="mb-2 text-sm font-semibold text-stone-700">
            Rejected rows ({preview.errorCount} error{preview.errorCount === 1 ? "" : "s"})
          </h3>
          <ErrorTable errors={preview.errors} label="Rejected rows" />
          {preview.errorCount > preview.errors.length ? <p className="mt-1 text-xs text-stone-500">Showing the first {preview.errors.length}.</p> : null}
        </div>
      ) : (
        <p className="text-sm text-brand-700">No errors found.</p>
      )}

      {preview.warnings.length ? (
        <div>
          <h3 className="mb-2 text-sm font-semibold text-stone-700">
            Warnings ({preview.warningCount}) — these rows are still imported; check them first
          </h3>
          <WarningTable warnings={preview.warnings} />
          {preview.warningCount > preview.warnings.length ? <p className="mt-1 text-xs text-stone-500">Showing the first {preview.warnings.length}.</p> : null}
        </div>
      ) : null}

      {preview.errorCount > 0 ? (
        <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-1">
          <legend className="sr-only">On error</legend>
          <span className="text-sm font-medium text-stone-800">On error:</span>
          <label className="flex items-center gap-2 text-sm text-stone-700">
            <input type="radio" name="preview-on-error" checked={!skipErrors} onChange={() => onSkipErrors(false)} className="accent-brand-700" />
            Import nothing
          </label>
          <label className="flex items-center gap-2 text-sm text-stone-700">
            <input type="radio" name="preview-on-error" checked={skipErrors} onChange={() => onSkipErrors(true)} className="accent-brand-700" />
            Skip bad rows
          </label>
        </fieldset>
      ) : null}

      <div className="flex flex-wrap items-center gap-3">
        <button type="button" className={primary} disabled={why !== null || busy !== null} onClick={onImport} aria-describedby={why ? "import-why" : undefined}>
          {busy === "import" ? "Importing…" : `Import ${writes} device${writes === 1 ? "" : "s"}`}
        </button>
        <button type="button" className={secondary} disabled={busy !== null} onClick={onBack}>
          Change options or columns
        </button>
        <button type="button" className={secondary} disabled={busy !== null} onClick={onRestart}>
          Choose another file
        </button>
        {busy ? <Progress value={progress} /> : null}
      </div>
      {why ? (
        <p id="import-why" className="text-sm text-amber-800">
          {why}
        </p>
      ) : null}
    </div>
  );
}

function ResultStep({ result, onRestart }: { result: ResultResponse; onRestart: () => void }) {
  const ok = result.state === "done";
  return (
    <div className="space-y-5">
      <p role="status" className={`rounded-md px-3 py-2 text-sm ${ok ? "bg-brand-50 text-brand-800" : "bg-red-50 text-red-800"}`}>
        {ok ? `Import finished: ${result.created} created, ${result.updated} updated.` : "The import failed; nothing was written."}
      </p>
      {result.warningCount ? <p className="text-sm text-amber-800">Imported with {result.warningCount} warning{result.warningCount === 1 ? "" : "s"}; they are kept with the batch.</p> : null}
      <Counts
        items={[
          { label: "Created", value: result.created, tone: "text-brand-700" },
          { label: "Updated", value: result.updated, tone: "text-sky-700" },
          { label: "Unchanged", value: result.skipped, tone: "text-stone-700" },
          { label: "Rejected", value: result.rejected, tone: result.rejected ? "text-red-700" : "text-stone-700" },
        ]}
      />
      {result.errors.length ? <ErrorTable errors={result.errors} label="Rejected rows" /> : null}
      <div className="flex flex-wrap items-center gap-3">
        <Link href="/devices" className={primary}>
          Open the devices list
        </Link>
        {result.errorCount ? (
          <a href={`/api/v1/import-batches/${result.batchId}/errors`} download className={secondary}>
            Download error report
          </a>
        ) : null}
        <button type="button" className={secondary} onClick={onRestart}>
          Import another file
        </button>
      </div>
    </div>
  );
}

function Counts({ items }: { items: { label: string; value: number; tone: string }[] }) {
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {items.map((item) => (
        <div key={item.label} className="rounded-lg border border-stone-200 bg-stone-50 px-3 py-2">
          <dt className="text-xs font-medium tracking-wide text-stone-500 uppercase">{item.label}</dt>
          <dd className={`text-2xl font-semibold tabular-nums ${item.tone}`}>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ErrorTable({ errors, label }: { errors: { row: number; column: string; message: string }[]; label: string }) {
  return (
    <div className="max-h-80 overflow-auto rounded-lg border border-red-200">
      <table className="w-full text-sm" aria-label={label}>
        <thead className="sticky top-0 bg-red-50 text-left text-xs tracking-wide text-red-800 uppercase">
          <tr>
            <th scope="col" className="w-16 px-3 py-2" title="The line in the file">Line</th>
            <th scope="col" className="px-3 py-2">Column</th>
            <th scope="col" className="px-3 py-2">Message</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {errors.map((error, index) => (
            <tr key={`${error.row}-${error.column}-${index}`}>
              <td className="px-3 py-1.5 tabular-nums text-stone-600">{error.row}</td>
              <td className="px-3 py-1.5 font-mono text-xs whitespace-nowrap text-stone-800">{error.column}</td>
              <td className="px-3 py-1.5 text-stone-800">{error.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReadingSummary({ reading }: { reading: PreviewResponse["reading"] }) {
  const FORMAT_WORD = { iso: "ISO", dmy: "day first", mdy: "month first", excel: "Excel serials", undecided: "day/month undecided", mixed: "mixed" } as const;
  const detected = Object.entries(reading.detectedDates ?? {})
    .filter(([column, dates]) => dates && reading.mapping.includes(column as never))
    .map(([column, dates]) => `${column} ${FORMAT_WORD[dates!.format]}${dates!.evidence ? ` (from ${dates!.evidence})` : ""}`);
  const parts = [
    reading.format === "csv" ? `text, ${ENCODING_LABEL[(reading.encoding ?? "utf-8") as Encoding]}, separator ${SEPARATOR_LABEL[(reading.separator ?? ",") as Separator]}` : `${reading.format === "xlsx" ? "Excel" : "OpenDocument"} sheet “${reading.sheet}”`,
    `header on ${reading.format === "csv" ? "line" : "row"} ${reading.headerRow}`,
    `dates: ${reading.dateFormat === "auto" ? `detected per column${detected.length ? ` — ${detected.join(", ")}` : ""}` : DATE_FORMAT_LABEL[reading.dateFormat]}`,
    `decimals: ${reading.decimal === "auto" ? (reading.detectedDecimal === "," ? "comma (detected)" : "point (detected)") : DECIMAL_LABEL[reading.decimal]}`,
  ];
  return <p className="text-xs text-stone-600">Read as {parts.join(" · ")}.</p>;
}

function WarningTable({ warnings }: { warnings: { row: number; column: string; message: string }[] }) {
  return (
    <div className="max-h-80 overflow-auto rounded-lg border border-amber-200">
      <table className="w-full text-sm" aria-label="Warnings">
        <thead className="sticky top-0 bg-amber-50 text-left text-xs tracking-wide text-amber-900 uppercase">
          <tr>
            <th scope="col" className="w-16 px-3 py-2" title="The line in the file">Line</th>
            <th scope="col" className="px-3 py-2">Column</th>
            <th scope="col" className="px-3 py-2">Warning</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {warnings.map((warning, index) => (
            <tr key={`${warning.row}-${warning.column}-${index}`}>
              <td className="px-3 py-1.5 tabular-nums text-stone-600">{warning.row}</td>
              <td className="px-3 py-1.5 font-mono text-xs whitespace-nowrap text-stone-800">{warning.column}</td>
              <td className="px-3 py-1.5 text-stone-800">{warning.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ActionBadge({ action }: { action: "create" | "update" | "unchanged" | "rejected" }) {
  const tones = { create: "bg-brand-50 text-brand-800", update: "bg-sky-50 text-sky-800", unchanged: "bg-stone-100 text-stone-700", rejected: "bg-red-50 text-red-800" };
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${tones[action]}`}>{action}</span>;
}

function Progress({ value }: { value: number }) {
  const percent = Math.round(value * 100);
  return (
    <div className="flex min-w-40 items-center gap-2 text-xs text-stone-600">
      <progress value={percent} max={100} aria-label="Upload progress" className="h-2 w-32 accent-brand-700" />
      <span className="tabular-nums">{percent < 100 ? `Uploading ${percent}%` : "Checking rows…"}</span>
    </div>
  );
}

function formatBytes(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What an edited export needs to know: the marker, tags, the state rules, the columns not imported. */
function RoundTripHelp() {
  return (
    <details className="rounded-lg border border-stone-200 bg-white px-4 py-3 text-sm text-stone-700">
      <summary className="cursor-pointer font-medium text-stone-800">Importing an edited export</summary>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        <li>
          Export the devices (CSV or Excel), edit, and import in <em>Update existing</em> mode: only the cells you changed are written; an unchanged file changes nothing.
        </li>
        <li>
          An empty cell keeps the stored value. To clear a field, write <code className="rounded bg-stone-100 px-1 font-mono">&lt;empty&gt;</code> (not for device_id, name, device_type, farm_code or state); in group_code it takes the device out of its group, in tags it removes every tag.
        </li>
        <li>
          <span className="font-mono">tags</span>: names separated by <code className="rounded bg-stone-100 px-1 font-mono">|</code>, replacing the device&apos;s tags. A tag that does not exist refuses its row unless <em>Create tags that do not exist</em> is ticked.
        </li>
        <li>
          <span className="font-mono">state</span>: as in the device form. A new device starts as manufactured, provisioned, registered, active or suspended; an existing one moves only as the form allows (maintenance and retirement are switched from the device page).
        </li>
        <li>Dates as YYYY-MM-DD (other formats are detected from the whole column); metadata as a JSON object.</li>
        <li>
          Read-only, ignored on purpose: <span className="font-mono break-words">firmware_version, health_status, health_score, needs_attention, connection_status, battery_level, signal_strength, last_seen, maintenance_mode</span>.
        </li>
      </ul>
    </details>
  );
}
