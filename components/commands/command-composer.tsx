"use client";

import { useId, useMemo, useState } from "react";
import { commandSpec, DEFAULT_EXPIRY_HOURS, type CommandSpec } from "@/lib/commands/catalogue";
import { sendCommandInput } from "@/lib/commands/command-schemas";
import { defaultValues, parameterErrors, parameterFields, toParameters, type ParameterValues } from "@/lib/commands/parameter-form";
import { DANGER, PRIMARY, SECONDARY } from "./buttons";
import { ParameterInputs } from "./parameter-inputs";

/** What the composer hands to the action: the envelope of POST /api/v1/devices/{id}/commands. */
export type ComposedCommand = { command: string; parameters: Record<string, unknown>; confirm: boolean; expires_in_hours: number; only_if_online: boolean; idempotencyKey: string };
export type SendOutcome = { ok: true; message?: string } | { ok: false; error: string; fieldErrors?: Record<string, string[] | undefined> };

/** crypto.randomUUID exists only on https or localhost; a farm LAN address over http has neither. */
function newKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

const INPUT = "w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-500";

/**
 * Choose a command, fill its generated parameter fields (validated as you type with the
 * catalogue's schema), set delivery options, and confirm a disruptive command in a second step
 * before anything is sent. The server validates the same schema again.
 */
export function CommandComposer({
  commands,
  initialCommand,
  target,
  note,
  fixedCommand = false,
  deliveryOptions = true,
  submitLabel = "Send command",
  onSend,
  onCancel,
}: {
  commands: CommandSpec[];
  initialCommand?: string;
  /** "MM001" or "12 devices": who the confirmation names. */
  target: string;
  /** A line under the command choice (e.g. how many devices a bulk command skips). */
  note?: (command: CommandSpec) => string | null;
  /** The command is given (a device page button): no choice shown. */
  fixedCommand?: boolean;
  deliveryOptions?: boolean;
  submitLabel?: string;
  onSend: (input: ComposedCommand) => Promise<SendOutcome>;
  onCancel?: () => void;
}) {
  const id = useId();
  const [name, setName] = useState(initialCommand && commands.some((command) => command.name === initialCommand) ? initialCommand : (commands[0]?.name ?? ""));
  const spec = commandSpec(name);
  const fields = useMemo(() => (spec ? parameterFields(spec) : []), [spec]);
  const [values, setValues] = useState<ParameterValues>(() => defaultValues(fields));
  const [expiry, setExpiry] = useState(String(DEFAULT_EXPIRY_HOURS));
  const [onlyIfOnline, setOnlyIfOnline] = useState(false);
  const [touched, setTouched] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<SendOutcome | null>(null);
  // One key per command being composed: a double tap or a retried request makes one command.
  const [idempotencyKey, setIdempotencyKey] = useState(newKey);
  // A device page button names the command already: a disruptive one goes straight to the question.
  const askAtOnce = fixedCommand && Boolean(commandSpec(name)?.disruptive) && !outcome?.ok;

  const fieldErrors = spec && touched ? parameterErrors(spec, fields, values) : {};
  const expiryParsed = sendCommandInput.shape.expires_in_hours.safeParse(expiry);
  const expiryError = touched && !expiryParsed.success ? (expiryParsed.error.issues[0]?.message ?? "Invalid expiry") : serverErrors.expires_in_hours;
  const errors: Record<string, string | undefined> = { ...serverErrors, ...fieldErrors };
  const hasErrors = (spec ? Object.keys(parameterErrors(spec, fields, values)).length > 0 : true) || !expiryParsed.success;

  function choose(next: string) {
    setName(next);
    const nextSpec = commandSpec(next);
    setValues(nextSpec ? defaultValues(parameterFields(nextSpec)) : {});
    setTouched(false);
    setConfirming(false);
    setServerErrors({});
    setOutcome(null);
  }

  async function send(confirm: boolean) {
    if (!spec) return;
    setPending(true);
    setOutcome(null);
    try {
      const result = await onSend({ command: spec.name, parameters: toParameters(fields, values), confirm, expires_in_hours: expiryParsed.success ? (expiryParsed.data as number) : DEFAULT_EXPIRY_HOURS, only_if_online: onlyIfOnline, idempotencyKey });
      if (!result.ok) {
        const byField: Record<string, string> = {};
        for (const [key, messages] of Object.entries(result.fieldErrors ?? {})) {
          if (messages?.[0]) byField[key.replace(/^parameters\./, "")] = messages[0];
        }
        setServerErrors(byField);
      } else {
        setServerErrors({});
        setTouched(false);
        setIdempotencyKey(newKey());
      }
      setOutcome(result);
      setConfirming(false);
    } finally {
      setPending(false);
    }
  }

  if (!spec) return <p className="text-sm text-stone-600">No command can be sent here.</p>;

  return (
    <form
      noValidate
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (hasErrors) return;
        if (spec.disruptive) setConfirming(true);
        else void send(false);
      }}
    >
      {fixedCommand ? (
        <p className="text-sm text-stone-700">{spec.description}</p>
      ) : (
        <div>
          <label htmlFor={`${id}-command`} className="mb-1 block text-sm font-medium">
            Command
          </label>
          <select id={`${id}-command`} value={name} onChange={(event) => choose(event.target.value)} className={INPUT}>
            {commands.map((command) => (
              <option key={command.name} value={command.name}>
                {command.label} ({command.name}){command.disruptive ? " — disruptive" : ""}
              </option>
            ))}
          </select>
          <p className="mt-1 text-xs text-stone-600">{spec.description}</p>
          {note?.(spec) ? <p className="mt-1 text-xs font-medium text-amber-900">{note(spec)}</p> : null}
        </div>
      )}
      <ParameterInputs
        fields={fields}
        values={values}
        errors={errors}
        onChange={(field, value) => {
          setValues((current) => ({ ...current, [field]: value }));
          setTouched(true);
          setConfirming(false);
          setServerErrors((current) => Object.fromEntries(Object.entries(current).filter(([key]) => key !== field)));
        }}
      />
      {deliveryOptions ? (
        <details className="rounded-md border border-stone-200 px-3 py-2 text-sm" open={Boolean(expiryError)}>
          <summary className="cursor-pointer font-medium text-stone-700">Delivery: waits {expiryParsed.success ? `${String(expiryParsed.data)} h` : "…"} for an offline device{onlyIfOnline ? ", only if online" : ""}</summary>
          <div className="mt-2 grid gap-3 sm:grid-cols-2">
            <div>
              <label htmlFor={`${id}-expiry`} className="mb-1 block text-sm font-medium">
                Expires after (hours)
              </label>
              <input
                id={`${id}-expiry`}
                type="text"
                inputMode="numeric"
                value={expiry}
                onChange={(event) => {
                  setExpiry(event.target.value);
                  setTouched(true);
                  setConfirming(false);
                }}
                className={INPUT}
                aria-invalid={Boolean(expiryError)}
                aria-describedby={`${id}-expiry-error`}
              />
              {expiryError ? (
                <p id={`${id}-expiry-error`} role="alert" className="mt-1 text-xs text-red-700">
                  {expiryError}
                </p>
              ) : null}
            </div>
            <label className="flex items-center gap-2 self-end pb-2">
              <input type="checkbox" checked={onlyIfOnline} onChange={(event) => setOnlyIfOnline(event.target.checked)} className="size-4 accent-brand-700" />
              Only if online now (never queued)
            </label>
          </div>
        </details>
      ) : null}
      {confirming || askAtOnce ? (
        <div role="alertdialog" aria-labelledby={`${id}-confirm`} className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          <p id={`${id}-confirm`} className="font-semibold">
            {spec.label} {target}?
          </p>
          <p className="mt-1">{spec.description} This disrupts the device; it is refused while a firmware update runs on it.</p>
          <div className="mt-2 flex flex-wrap gap-2">
            <button
              type="button"
              className={DANGER}
              disabled={pending}
              onClick={() => {
                setTouched(true);
                if (!hasErrors) void send(true);
              }}
            >
              {pending ? "Sending…" : `Yes, ${spec.label.toLowerCase()}`}
            </button>
            <button type="button" className={SECONDARY} onClick={() => (askAtOnce ? onCancel?.() : setConfirming(false))}>
              {askAtOnce ? "Cancel" : "Back"}
            </button>
          </div>
        </div>
      ) : (
        <div className="flex flex-wrap items-center gap-2">
          <button type="submit" className={PRIMARY} disabled={pending}>
            {pending ? "Sending…" : spec.disruptive ? `${submitLabel}…` : submitLabel}
          </button>
          {onCancel ? (
            <button type="button" className={SECONDARY} onClick={onCancel}>
              Cancel
            </button>
          ) : null}
        </div>
      )}
      {outcome ? (
        <p data-testid="command-outcome" role={outcome.ok ? "status" : "alert"} className={`rounded-md px-3 py-2 text-sm ${outcome.ok ? "bg-green-50 text-green-900" : "bg-red-50 text-red-800"}`}>
          {outcome.ok ? (outcome.message ?? "Sent.") : outcome.error}
        </p>
      ) : null}
    </form>
  );
}
