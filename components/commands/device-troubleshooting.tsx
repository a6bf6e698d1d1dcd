"use client";

/** The troubleshooting forms of the device page's action bar (components/devices/device-action-bar). */

import { useMemo, useState, type ReactNode } from "react";
import type { ActionResult } from "@/lib/actions/define-action";
import { commandSpec } from "@/lib/commands/catalogue";
import type { CommandView } from "@/lib/commands/command-schemas";
import { defaultValues, parameterErrors, parameterFields, type ParameterValues } from "@/lib/commands/parameter-form";
import { PRIMARY, SECONDARY } from "./buttons";
import type { SendOutcome } from "./command-composer";
import { ParameterInputs } from "./parameter-inputs";

export const sentMessage = (command: CommandView) =>
  command.status === "queued" ? `${command.label} queued for ${command.device.id}: it goes out as soon as the device is reachable. Its answer shows in the Commands tab.` : `${command.label} sent to ${command.device.id}.`;

export function outcomeOf(result: ActionResult<CommandView>): SendOutcome {
  return result.ok ? { ok: true, message: sentMessage(result.data) } : { ok: false, error: result.error, fieldErrors: result.fieldErrors };
}

export function Titled({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div>
      <h3 className="mb-2 text-sm font-semibold text-stone-800">{title}</h3>
      {children}
    </div>
  );
}

/** set_debug_level's own fields without "info" (that is what "Turn off" sends). */
export function DebugForm({ onSend, onCancel }: { onSend: (input: { level: string; duration_minutes: number }) => Promise<SendOutcome>; onCancel: () => void }) {
  const spec = commandSpec("set_debug_level")!;
  const fields = useMemo(() => parameterFields(spec).map((field) => (field.kind === "select" ? { ...field, options: field.options.filter((option) => option !== "info") } : field)), [spec]);
  const [values, setValues] = useState<ParameterValues>(() => defaultValues(fields));
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<SendOutcome | null>(null);
  const errors = parameterErrors(spec, fields, values);
  return (
    <form
      noValidate
      className="space-y-3"
      onSubmit={async (event) => {
        event.preventDefault();
        if (Object.keys(errors).length) return;
        setPending(true);
        setOutcome(await onSend({ level: String(values.level), duration_minutes: Number(values.duration_minutes) }));
        setPending(false);
      }}
    >
      <p className="text-sm text-stone-700">{spec.description}</p>
      <ParameterInputs fields={fields} values={values} errors={errors} onChange={(name, value) => setValues((current) => ({ ...current, [name]: value }))} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" className={PRIMARY} disabled={pending || Object.keys(errors).length > 0}>
          {pending ? "Sending…" : "Turn debug logging on"}
        </button>
        <button type="button" className={SECONDARY} onClick={onCancel}>
          Cancel
        </button>
      </div>
      {outcome ? (
        <p role={outcome.ok ? "status" : "alert"} className={`rounded-md px-3 py-2 text-sm ${outcome.ok ? "bg-green-50 text-green-900" : "bg-red-50 text-red-800"}`}>
          {outcome.ok ? outcome.message : outcome.error}
        </p>
      ) : null}
    </form>
  );
}
