"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, useSyncExternalStore, useTransition, type FormEvent } from "react";
import { recordWorkAction, type Recorded } from "@/app/(app)/maintenance/[id]/actions";
import type { ActionResult } from "@/lib/actions/define-action";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import { formatMoney, toCents } from "./money";

type PartRow = { key: number; name: string; partNumber: string; quantity: string; unitCost: string };

const CALIBRATION_FIELDS = ["reference", "referenceValue", "beforeValue", "afterValue", "beforeOffset", "afterOffset", "unit", "tolerance", "nextDueOn"] as const;
type CalibrationField = (typeof CALIBRATION_FIELDS)[number];

const noSubscription = () => () => {};
let nextKey = 1;
const emptyPart = (): PartRow => ({ key: nextKey++, name: "", partNumber: "", quantity: "1", unitCost: "" });
/** A phone keyboard may give "12,5": the server reads numbers with a point. */
const decimal = (text: string) => text.trim().replace(",", ".");

/**
 * Recording finished work: what was done, the parts, the time and the labour, with the total as
 * it will be saved; for calibration work also the readings against the reference, which write the
 * calibration record and move the device's next calibration date when the work is saved.
 */
export function RecordWorkForm({
  maintenanceId,
  currency,
  calibration,
  defaultDurationMinutes,
}: {
  maintenanceId: number;
  currency: string;
  /** Calibration work: the unit and interval the device usually has, for the hints. */
  calibration: { unit: string | null; intervalDays: number | null; currentDue: string | null } | null;
  defaultDurationMinutes: number | null;
}) {
  const router = useRouter();
  const [state, setState] = useState<ActionResult<Recorded> | null>(null);
  const [pending, startTransition] = useTransition();
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  const [parts, setParts] = useState<PartRow[]>([]);
  const [labor, setLabor] = useState("");
  const [withCalibration, setWithCalibration] = useState(calibration !== null);
  const [cal, setCal] = useState<Record<CalibrationField, string>>(() => ({ ...Object.fromEntries(CALIBRATION_FIELDS.map((name) => [name, ""])), unit: calibration?.unit ?? "" }) as Record<CalibrationField, string>);
  const [verdict, setVerdict] = useState<"" | "passed" | "failed">("");
  const [verdictTouched, setVerdictTouched] = useState(false);

  const error = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.[0] : undefined);
  const formError = state && !state.ok ? (Object.keys(state.fieldErrors ?? {}).length ? "Please correct the fields marked below." : state.error) : undefined;

  const partsCents = parts.reduce((sum, part) => {
    const quantity = Number(part.quantity);
    const unit = toCents(part.unitCost);
    return sum + (Number.isFinite(quantity) && unit !== null ? Math.round(quantity * unit) : 0);
  }, 0);
  const laborCents = toCents(labor) ?? 0;
  const totalCents = partsCents + laborCents;

  // With the reading after, the reference and the tolerance, the verdict follows from them;
  // the technician can still overrule it.
  const suggested = useMemo(() => {
    const after = Number(decimal(cal.afterValue));
    const reference = Number(decimal(cal.referenceValue));
    const tolerance = Number(decimal(cal.tolerance));
    if ([cal.afterValue, cal.referenceValue, cal.tolerance].some((text) => text.trim() === "") || ![after, reference, tolerance].every(Number.isFinite)) return null;
    return Math.abs(after - reference) <= tolerance + 1e-9 ? "passed" : "failed";
  }, [cal.afterValue, cal.referenceValue, cal.tolerance]);
  const shownVerdict = verdictTouched ? verdict : (suggested ?? verdict);

  const updatePart = (key: number, change: Partial<PartRow>) => setParts((rows) => rows.map((row) => (row.key === key ? { ...row, ...change } : row)));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const data = new FormData();
    for (const name of ["notes", "durationMinutes"] as const) data.set(name, String(form.get(name) ?? ""));
    data.set("laborCost", decimal(labor));
    data.set(
      "parts",
      JSON.stringify(
        parts
          .filter((part) => part.name.trim() || part.partNumber.trim() || part.unitCost.trim())
          .map((part) => ({ name: part.name, partNumber: part.partNumber, quantity: part.quantity, unitCost: decimal(part.unitCost) })),
      ),
    );
    if (calibration && withCalibration) {
      const numeric = new Set<CalibrationField>(["referenceValue", "beforeValue", "afterValue", "beforeOffset", "afterOffset", "tolerance"]);
      const values = Object.fromEntries(CALIBRATION_FIELDS.map((name) => [name, numeric.has(name) ? decimal(cal[name]) : cal[name]]));
      data.set("calibration", JSON.stringify({ ...values, passed: shownVerdict }));
    }
    // Called directly rather than through useActionState: saving re-renders the page without this
    // form (the work is done), and the page still has to open with what moved.
    startTransition(async () => {
      const result = await recordWorkAction(maintenanceId, null, data);
      setState(result);
      if (!result.ok) return;
      const params = new URLSearchParams({ recorded: "1" });
      if (result.data.calibration?.previousDue) params.set("was", result.data.calibration.previousDue);
      router.replace(`/maintenance/${maintenanceId}?${params}`, { scroll: true });
      router.refresh();
    });
  };

  const calInput = (name: CalibrationField, label: string, options: { hint?: string; numeric?: boolean; placeholder?: string; type?: string } = {}) => {
    const id = `cal-${name}`;
    const message = error(`calibration.${name}`);
    return (
      <Field id={id} label={label} error={message} hint={options.hint}>
        <input
          {...fieldProps(id, message, Boolean(options.hint))}
          value={cal[name]}
          onChange={(event) => setCal((values) => ({ ...values, [name]: event.target.value }))}
          type={options.type}
          inputMode={options.numeric ? "decimal" : undefined}
          placeholder={options.placeholder}
          autoComplete="off"
          className={`${inputClass} py-2.5 text-base sm:text-sm`}
        />
      </Field>
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Record the work" className="space-y-5">
      {formError ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {formError}
        </p>
      ) : null}

      {calibration ? (
        <fieldset className="rounded-lg border border-violet-200 bg-violet-50/40 p-3 sm:p-4" aria-describedby="cal-help">
          <legend className="px-1 text-sm font-semibold text-violet-900">Calibration</legend>
          <label className="mb-3 flex min-h-11 items-center gap-2 text-sm text-stone-800">
            <input type="checkbox" checked={withCalibration} onChange={(event) => setWithCalibration(event.target.checked)} className="h-5 w-5" />
            Record the calibration with this work
          </label>
          {withCalibration ? (
            <>
              <p id="cal-help" className="mb-3 text-xs text-stone-600">
                Readings against the reference before and after adjusting (or the offsets). Saving moves the device&rsquo;s next calibration date
                {calibration.currentDue ? `, due now ${calibration.currentDue}` : ""}.
              </p>
              <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
                <div className="col-span-2">{calInput("reference", "Reference used", { placeholder: "e.g. 10 L test volume" })}</div>
                {calInput("referenceValue", "Reference value", { numeric: true })}
                {calInput("unit", "Unit", { placeholder: "L, °C, ppm" })}
                {calInput("beforeValue", "Reading before", { numeric: true })}
                {calInput("afterValue", "Reading after", { numeric: true })}
                {calInput("beforeOffset", "Offset before", { numeric: true })}
                {calInput("afterOffset", "Offset after", { numeric: true })}
                {calInput("tolerance", "Tolerance (±)", { numeric: true })}
              </div>
              <fieldset className="mt-3" aria-describedby={error("calibration.passed") ? "cal-passed-error" : undefined}>
                <legend className="mb-1 text-sm font-medium text-stone-800">Result</legend>
                <div className="grid grid-cols-2 gap-2">
                  {(["passed", "failed"] as const).map((value) => (
                    <label
                      key={value}
                      className={`flex min-h-12 cursor-pointer items-center justify-center gap-2 rounded-lg border text-base font-medium has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-600 ${
                        shownVerdict === value ? (value === "passed" ? "border-green-600 bg-green-50 text-green-900" : "border-red-600 bg-red-50 text-red-900") : "border-stone-300 bg-white text-stone-700"
                      }`}
                    >
                      <input
                        type="radio"
                        name="cal-passed"
                        value={value}
                        checked={shownVerdict === value}
                        onChange={() => {
                          setVerdict(value);
                          setVerdictTouched(true);
                        }}
                        className="sr-only"
                      />
                      <span aria-hidden>{value === "passed" ? "✓" : "✕"}</span>
                      {value === "passed" ? "Passed" : "Failed"}
                    </label>
                  ))}
                </div>
                {error("calibration.passed") ? (
                  <p id="cal-passed-error" className="mt-1 text-sm text-red-700">
                    {error("calibration.passed")}
                  </p>
                ) : suggested && !verdictTouched ? (
                  <p className="mt-1 text-xs text-stone-500">Chosen from the reading after, the reference and the tolerance.</p>
                ) : null}
              </fieldset>
              <div className="mt-3 grid gap-3 sm:grid-cols-2">
                {calInput("nextDueOn", "Next calibration due", {
                  type: "date",
                  hint: calibration.intervalDays ? `Blank: ${calibration.intervalDays} days from today, the device's interval.` : "Blank: the interval of the device's type.",
                })}
              </div>
            </>
          ) : null}
        </fieldset>
      ) : null}

      <Field id="record-notes" label="What was done" error={error("notes")}>
        <textarea {...fieldProps("record-notes", error("notes"))} name="notes" rows={3} className={`${inputClass} text-base sm:text-sm`} placeholder="e.g. Replaced the valve seal, cleaned the sensor, tested with a 10 L volume" />
      </Field>

      <fieldset>
        <legend className="mb-1 text-sm font-medium text-stone-800">Parts used</legend>
        {error("parts") ? <p className="mb-1 text-sm text-red-700">{error("parts")}</p> : null}
        {parts.length === 0 ? <p className="mb-2 text-sm text-stone-500">No parts.</p> : null}
        <ul className="space-y-3" aria-label="Parts">
          {parts.map((part, index) => {
            const field = (name: keyof Omit<PartRow, "key">) => `parts.${index}.${name}`;
            const id = (name: string) => `part-${part.key}-${name}`;
            return (
              <li key={part.key} className="rounded-lg border border-stone-200 bg-stone-50 p-3" data-testid="part-row">
                <div className="grid grid-cols-2 gap-2 sm:grid-cols-[2fr_1.2fr_0.7fr_1fr_auto] sm:items-end">
                  <div className="col-span-2 sm:col-span-1">
                    <Field id={id("name")} label="Part" error={error(field("name"))}>
                      <input {...fieldProps(id("name"), error(field("name")))} value={part.name} onChange={(event) => updatePart(part.key, { name: event.target.value })} className={`${inputClass} text-base sm:text-sm`} autoComplete="off" />
                    </Field>
                  </div>
                  <div className="col-span-2 sm:col-span-1">
                    <Field id={id("number")} label="Part number" error={error(field("partNumber"))}>
                      <input {...fieldProps(id("number"), error(field("partNumber")))} value={part.partNumber} onChange={(event) => updatePart(part.key, { partNumber: event.target.value })} className={`${inputClass} font-mono text-base sm:text-sm`} autoComplete="off" />
                    </Field>
                  </div>
                  <Field id={id("quantity")} label="Qty" error={error(field("quantity"))}>
                    <input {...fieldProps(id("quantity"), error(field("quantity")))} value={part.quantity} onChange={(event) => updatePart(part.key, { quantity: event.target.value })} inputMode="numeric" className={`${inputClass} text-base sm:text-sm`} />
                  </Field>
                  <Field id={id("cost")} label={`Unit cost (${currency})`} error={error(field("unitCost"))}>
                    <input {...fieldProps(id("cost"), error(field("unitCost")))} value={part.unitCost} onChange={(event) => updatePart(part.key, { unitCost: event.target.value })} inputMode="decimal" className={`${inputClass} text-base sm:text-sm`} />
                  </Field>
                  <button
                    type="button"
                    onClick={() => setParts((rows) => rows.filter((row) => row.key !== part.key))}
                    className="col-span-2 min-h-11 rounded-md border border-stone-300 bg-white px-3 text-sm text-stone-700 hover:bg-stone-100 sm:col-span-1"
                    aria-label={`Remove part ${index + 1}${part.name ? ` (${part.name})` : ""}`}
                  >
                    Remove
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
        <button type="button" onClick={() => setParts((rows) => [...rows, emptyPart()])} className="mt-2 min-h-11 rounded-md border border-stone-300 bg-white px-4 text-sm font-medium text-stone-800 hover:bg-stone-50">
          + Add a part
        </button>
      </fieldset>

      <div className="grid grid-cols-2 gap-3 sm:max-w-md">
        <Field id="record-duration" label="Time spent (minutes)" error={error("durationMinutes")}>
          <input {...fieldProps("record-duration", error("durationMinutes"))} name="durationMinutes" inputMode="numeric" defaultValue={defaultDurationMinutes ?? ""} className={`${inputClass} text-base sm:text-sm`} />
        </Field>
        <Field id="record-labor" label={`Labour cost (${currency})`} error={error("laborCost")}>
          <input {...fieldProps("record-labor", error("laborCost"))} value={labor} onChange={(event) => setLabor(event.target.value)} inputMode="decimal" className={`${inputClass} text-base sm:text-sm`} />
        </Field>
      </div>

      <p className="text-sm text-stone-700" data-testid="record-total">
        Total: <strong className="tabular-nums">{formatMoney(totalCents / 100, currency)}</strong>
        <span className="text-stone-500">
          {" "}
          (parts {formatMoney(partsCents / 100, currency)} + labour {formatMoney(laborCents / 100, currency)})
        </span>
      </p>

      <button type="submit" disabled={pending || !ready} className="min-h-12 w-full rounded-lg bg-brand-700 px-5 text-base font-semibold text-white hover:bg-brand-800 disabled:opacity-60 sm:w-auto">
        {pending ? "Saving…" : "Record & finish"}
      </button>
    </form>
  );
}
