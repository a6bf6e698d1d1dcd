"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useMemo, useState, type ReactNode } from "react";
import { quickDiagnoseAction, quickDiagnosisReportAction } from "@/app/(app)/devices/[deviceId]/command-actions";
import { endDebugModeAction, sendCommandAction, startDebugModeAction } from "@/lib/commands/command-actions";
import type { ActionResult } from "@/lib/actions/define-action";
import type { RoleName } from "@/lib/auth/permissions";
import { commandsFor, commandSpec, roleReaches } from "@/lib/commands/catalogue";
import type { CommandView } from "@/lib/commands/command-schemas";
import { defaultValues, parameterErrors, parameterFields, type ParameterValues } from "@/lib/commands/parameter-form";
import type { QuickDiagnosisIds } from "@/lib/commands/quick-diagnose";
import { PRIMARY, SECONDARY } from "./buttons";
import { CommandComposer, type ComposedCommand, type SendOutcome } from "./command-composer";
import { debugUntilText } from "./debug-badge";
import { ParameterInputs } from "./parameter-inputs";
import { QuickDiagnosis } from "./quick-diagnosis";

type Panel = "restart" | "diagnostics" | "logs" | "debug" | "more";

const sentMessage = (command: CommandView) =>
  command.status === "queued" ? `${command.label} queued for ${command.device.id}: it goes out as soon as the device is reachable. Its answer shows in the history below.` : `${command.label} sent to ${command.device.id}.`;

function outcomeOf(result: ActionResult<CommandView>): SendOutcome {
  return result.ok ? { ok: true, message: sentMessage(result.data) } : { ok: false, error: result.error, fieldErrors: result.fieldErrors };
}

/**
 * The technician's troubleshooting buttons, at the top of the device page so a phone reaches them
 * without scrolling: Quick diagnose, Restart (confirmed), Run diagnostics, Collect logs, Debug
 * mode, and any other command of the device's type with its generated form.
 */
export function DeviceTroubleshooting({ deviceId, deviceType, role, timeZone, debug }: { deviceId: string; deviceType: string; role: RoleName; timeZone: string; debug: { level: string; until: string | null } | null }) {
  const router = useRouter();
  const [open, setOpen] = useState<Panel | null>(null);
  const [quick, setQuick] = useState<QuickDiagnosisIds | null>(null);
  const [quickError, setQuickError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [debugMessage, setDebugMessage] = useState<SendOutcome | null>(null);
  const [turningOff, setTurningOff] = useState(false);
  const commands = useMemo(() => commandsFor(deviceType).filter((command) => roleReaches(role, command.minRole)), [deviceType, role]);
  const loadReport = useCallback((ids: QuickDiagnosisIds) => quickDiagnosisReportAction(deviceId, ids), [deviceId]);

  const toggle = (panel: Panel) => setOpen((current) => (current === panel ? null : panel));
  const send = async (input: ComposedCommand) => {
    const outcome = outcomeOf(await sendCommandAction(null, { deviceId, ...input }));
    if (outcome.ok) router.refresh();
    return outcome;
  };

  async function quickDiagnose() {
    setStarting(true);
    setQuickError(null);
    setQuick(null);
    const result = await quickDiagnoseAction(deviceId);
    setStarting(false);
    if (result.ok) {
      setQuick(result.data);
      router.refresh();
    } else setQuickError(result.error);
  }

  async function debugOff() {
    setTurningOff(true);
    const outcome = outcomeOf(await endDebugModeAction(null, { deviceId }));
    setTurningOff(false);
    setDebugMessage(outcome.ok ? { ok: true, message: "Debug logging goes back to info as soon as the device confirms." } : outcome);
    if (outcome.ok) router.refresh();
  }

  const button = (panel: Panel, label: string) => (
    <button type="button" className={SECONDARY} aria-expanded={open === panel} onClick={() => toggle(panel)}>
      {label}
    </button>
  );

  return (
    <section aria-labelledby="troubleshoot-heading" className="rounded-xl border border-stone-200 bg-white p-3 shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="troubleshoot-heading" className="text-sm font-semibold text-stone-700">
          Troubleshoot
        </h2>
        {debug ? (
          <span className="flex flex-wrap items-center gap-2 text-xs text-violet-900">
            Debug logging ({debug.level}) until {debugUntilText(debug.until, timeZone) ?? "the device ends it"}
            <button type="button" className={SECONDARY} disabled={turningOff} onClick={() => void debugOff()}>
              {turningOff ? "Turning off…" : "Turn off"}
            </button>
          </span>
        ) : null}
      </div>
      <div className="mt-2 flex flex-wrap gap-2" role="group" aria-label="Commands">
        <button type="button" className={PRIMARY} disabled={starting} onClick={() => void quickDiagnose()}>
          {starting ? "Starting…" : "Quick diagnose"}
        </button>
        {button("restart", "Restart…")}
        {button("diagnostics", "Run diagnostics")}
        {button("logs", "Collect logs")}
        {debug ? null : button("debug", "Debug mode")}
        {button("more", "More commands…")}
        <Link href={`/diagnostics?device=${deviceId}`} className="self-center text-xs text-brand-700 underline">
          All its commands
        </Link>
      </div>
      {debugMessage ? (
        <p role={debugMessage.ok ? "status" : "alert"} className={`mt-2 rounded-md px-3 py-2 text-sm ${debugMessage.ok ? "bg-green-50 text-green-900" : "bg-red-50 text-red-800"}`}>
          {debugMessage.ok ? debugMessage.message : debugMessage.error}
        </p>
      ) : null}
      {quickError ? (
        <p role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {quickError}
        </p>
      ) : null}
      {quick ? (
        <div className="mt-3">
          <QuickDiagnosis key={quick.statusCommandId} ids={quick} load={loadReport} onClose={() => setQuick(null)} />
        </div>
      ) : null}
      {open ? (
        <div className="mt-3 rounded-lg border border-stone-200 bg-stone-50 p-3">
          {open === "restart" ? (
            <Titled title={`Restart ${deviceId}`}>
              <CommandComposer key="restart" commands={commands} initialCommand="restart" fixedCommand deliveryOptions={false} target={deviceId} submitLabel="Restart" onSend={send} onCancel={() => setOpen(null)} />
            </Titled>
          ) : open === "diagnostics" ? (
            <Titled title="Run diagnostics">
              <CommandComposer key="diagnostics" commands={commands} initialCommand="run_diagnostics" fixedCommand deliveryOptions={false} target={deviceId} submitLabel="Run diagnostics" onSend={send} onCancel={() => setOpen(null)} />
            </Titled>
          ) : open === "logs" ? (
            <Titled title="Collect logs">
              <CommandComposer key="logs" commands={commands} initialCommand="get_logs" fixedCommand deliveryOptions={false} target={deviceId} submitLabel="Collect logs" onSend={send} onCancel={() => setOpen(null)} />
            </Titled>
          ) : open === "debug" ? (
            <Titled title="Debug logging">
              <DebugForm
                onCancel={() => setOpen(null)}
                onSend={async (input) => {
                  const outcome = outcomeOf(await startDebugModeAction(null, { deviceId, ...input }));
                  if (outcome.ok) {
                    router.refresh();
                    return { ok: true, message: `Debug logging (${input.level}, ${input.duration_minutes} min) sent; the badge shows once the device confirms.` };
                  }
                  return outcome;
                }}
              />
            </Titled>
          ) : (
            <Titled title="Send a command">
              <CommandComposer key="more" commands={commands} target={deviceId} onSend={send} onCancel={() => setOpen(null)} />
            </Titled>
          )}
        </div>
      ) : null}
    </section>
  );
}

function Titled({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div>
      <h3 className="mb-2 text-sm font-semibold text-stone-800">{title}</h3>
      {children}
    </div>
  );
}

/** set_debug_level's own fields without "info" (that is what "Turn off" sends). */
function DebugForm({ onSend, onCancel }: { onSend: (input: { level: string; duration_minutes: number }) => Promise<SendOutcome>; onCancel: () => void }) {
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
