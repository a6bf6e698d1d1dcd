"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from "react";
import { quickDiagnoseAction, quickDiagnosisReportAction } from "@/app/(app)/devices/[deviceId]/command-actions";
import { CommandComposer, type ComposedCommand, type SendOutcome } from "@/components/commands/command-composer";
import { debugUntilText } from "@/components/commands/debug-badge";
import { DebugForm, outcomeOf, Titled } from "@/components/commands/device-troubleshooting";
import { QuickDiagnosis } from "@/components/commands/quick-diagnosis";
import { endDebugModeAction, sendCommandAction, startDebugModeAction } from "@/lib/commands/command-actions";
import type { RoleName } from "@/lib/auth/permissions";
import { commandsFor, roleReaches } from "@/lib/commands/catalogue";
import type { QuickDiagnosisIds } from "@/lib/commands/quick-diagnose";
import { CredentialsForm, MaintenanceOffButton, MaintenanceOnForm, RetireForm, type CredentialSummary } from "./device-actions";

type Panel = "restart" | "diagnostics" | "logs" | "debug" | "more" | "maintenance" | "retire" | "credentials";

/** What the person may do (the server checks again); `commands` = devices.command, `credentials` = devices.provision. */
export type DeviceActionsAllowed = { edit: boolean; maintenance: boolean; retire: boolean; credentials: boolean; commands: boolean };

/**
 * A phone's bar is a row of thumb-sized cells (at least 48 px high, label over two lines if it
 * must); from `sm` up the same buttons read as an ordinary toolbar.
 */
const CELL = "inline-flex min-h-12 flex-auto items-center justify-center rounded-md border px-1 py-1 text-center text-xs leading-tight font-medium disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700 sm:min-h-0 sm:flex-none sm:px-3 sm:py-2 sm:text-sm";
const CELL_PRIMARY = `${CELL} border-brand-700 bg-brand-700 text-white hover:bg-brand-800`;
const CELL_SECONDARY = `${CELL} border-stone-300 bg-white text-stone-800 hover:bg-stone-50`;
const ITEM = "inline-flex min-h-11 items-center justify-center rounded-md border px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-700 sm:min-h-0";
const ITEM_SECONDARY = `${ITEM} border-stone-300 bg-white text-stone-800 hover:bg-stone-50`;
const ITEM_DANGER = `${ITEM} border-red-300 bg-white text-red-700 hover:bg-red-50`;

/**
 * The device page's actions in one bar that stays in reach: on a phone it sits at the bottom of
 * the screen, in the thumb's reach, above the home indicator (safe-area inset), and the page keeps
 * room for it so it covers nothing; from `sm` up it sticks under the shell's header. The actions a
 * technician uses at the device come first — Quick diagnose, Restart, Maintenance, Print label —
 * the rest (Edit, diagnostics, logs, debug, any command, credentials, retire) are one tap away
 * under "More" on a phone and in the same row on a wider screen. The forms and the quick
 * diagnosis open in the panel area under the first screen's facts.
 */
export function DeviceActionBar({
  deviceId,
  deviceType,
  role,
  timeZone,
  debug,
  maintenanceMode,
  allowed,
  device,
  credential,
}: {
  deviceId: string;
  deviceType: string;
  role: RoleName;
  timeZone: string;
  debug: { level: string; until: string | null } | null;
  maintenanceMode: boolean;
  allowed: DeviceActionsAllowed;
  device: { name: string; deviceType: string };
  credential: CredentialSummary;
}) {
  const router = useRouter();
  const menuId = useId();
  const [open, setOpen] = useState<Panel | null>(null);
  const [menu, setMenu] = useState(false);
  const [quick, setQuick] = useState<QuickDiagnosisIds | null>(null);
  const [quickError, setQuickError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [debugMessage, setDebugMessage] = useState<SendOutcome | null>(null);
  const [turningOff, setTurningOff] = useState(false);
  const panelArea = useRef<HTMLDivElement>(null);
  const moreButton = useRef<HTMLButtonElement>(null);
  const commands = useMemo(() => commandsFor(deviceType).filter((command) => roleReaches(role, command.minRole)), [deviceType, role]);
  const loadReport = useCallback((ids: QuickDiagnosisIds) => quickDiagnosisReportAction(deviceId, ids), [deviceId]);

  // What a bar button opens may be a screen away on a phone: bring it into sight.
  const shown = open ?? (quick ? "quick" : quickError ? "quick-error" : null);
  useEffect(() => {
    if (shown) panelArea.current?.scrollIntoView({ block: "nearest" });
  }, [shown]);

  const toggle = (panel: Panel) => {
    setMenu(false);
    setOpen((current) => (current === panel ? null : panel));
  };
  const send = async (input: ComposedCommand) => {
    const outcome = outcomeOf(await sendCommandAction(null, { deviceId, ...input }));
    if (outcome.ok) router.refresh();
    return outcome;
  };

  async function quickDiagnose() {
    setMenu(false);
    setOpen(null);
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

  const cell = (panel: Panel, label: ReactNode, name?: string) => (
    <button type="button" className={CELL_SECONDARY} aria-label={name} aria-expanded={open === panel} onClick={() => toggle(panel)}>
      {label}
    </button>
  );
  const item = (panel: Panel, label: string, danger = false) => (
    <button type="button" className={danger ? ITEM_DANGER : ITEM_SECONDARY} aria-expanded={open === panel} onClick={() => toggle(panel)}>
      {label}
    </button>
  );
  const more: ReactNode[] = [
    allowed.edit ? (
      <Link key="edit" href={`/devices/${deviceId}/edit`} className={ITEM_SECONDARY}>
        Edit
      </Link>
    ) : null,
    allowed.commands ? <span key="diagnostics" className="contents">{item("diagnostics", "Run diagnostics")}</span> : null,
    allowed.commands ? <span key="logs" className="contents">{item("logs", "Collect logs")}</span> : null,
    allowed.commands && !debug ? <span key="debug" className="contents">{item("debug", "Debug mode")}</span> : null,
    allowed.commands ? <span key="more" className="contents">{item("more", "More commands…")}</span> : null,
    allowed.credentials ? <span key="credentials" className="contents">{item("credentials", "Credentials…")}</span> : null,
    allowed.retire ? <span key="retire" className="contents">{item("retire", "Retire…", true)}</span> : null,
    allowed.commands ? (
      <Link key="all" href={`/diagnostics?device=${deviceId}`} className={`${ITEM} border-transparent text-brand-700 underline`}>
        All its commands
      </Link>
    ) : null,
  ].filter(Boolean);

  return (
    <>
      <div
        data-testid="device-action-bar"
        className="fixed inset-x-0 bottom-0 z-30 border-t border-stone-200 bg-white/95 px-3 pt-2 pb-[max(0.5rem,env(safe-area-inset-bottom))] shadow-[0_-2px_8px_rgba(0,0,0,0.06)] backdrop-blur sm:sticky sm:top-[var(--shell-header-height,3.8rem)] sm:bottom-auto sm:z-20 sm:-mx-2 sm:rounded-xl sm:border sm:px-2 sm:py-2 sm:shadow-sm"
        onKeyDown={(event) => {
          if (event.key === "Escape" && menu) {
            setMenu(false);
            moreButton.current?.focus();
          }
        }}
      >
        <div role="toolbar" aria-label="Device actions" className="relative flex items-stretch gap-1.5 sm:flex-wrap sm:items-center sm:gap-2">
          {allowed.commands ? (
            <button type="button" className={CELL_PRIMARY} disabled={starting} onClick={() => void quickDiagnose()}>
              {starting ? "Starting…" : "Quick diagnose"}
            </button>
          ) : null}
          {allowed.commands ? cell("restart", "Restart…") : null}
          {allowed.maintenance && maintenanceMode ? (
            <MaintenanceOffButton deviceId={deviceId} className={`${CELL_SECONDARY} w-full sm:w-auto`} formClassName="flex flex-auto sm:flex-none" label="Maintenance mode off">
              {/* The whole name for a screen reader; a phone's cell shows the short one. */}
              <span>
                Maintenance<span className="hidden sm:inline">{" mode"}</span> off
              </span>
            </MaintenanceOffButton>
          ) : null}
          {allowed.maintenance && !maintenanceMode
            ? cell(
                "maintenance",
                // A phone's cell shows the short label; the name is whole at every width.
                <span>
                  Maintenance<span className="hidden sm:inline">{" mode on"}</span>…
                </span>,
                "Maintenance mode on…",
              )
            : null}
          {allowed.credentials ? (
            <Link href={`/provisioning/label/${deviceId}`} className={CELL_SECONDARY}>
              Print label
            </Link>
          ) : null}
          {more.length ? (
            <button ref={moreButton} type="button" className={`${CELL_SECONDARY} sm:hidden`} aria-expanded={menu} aria-controls={menuId} onClick={() => setMenu((value) => !value)}>
              More
            </button>
          ) : null}
          {/* A pop-up above the bar on a phone; the rest of the same row from sm up. */}
          <div id={menuId} role="group" aria-label="More actions" className={`${menu ? "absolute inset-x-0 bottom-full mb-3 grid grid-cols-2 gap-2 rounded-xl border border-stone-200 bg-white p-3 shadow-lg" : "hidden"} sm:contents`}>
            {more}
          </div>
        </div>
      </div>

      <div ref={panelArea} className="scroll-mt-20 space-y-3 empty:hidden" data-testid="device-action-panels">
        {debug ? (
          <p className="flex flex-wrap items-center gap-2 rounded-lg bg-violet-50 px-3 py-2 text-xs text-violet-900">
            Debug logging ({debug.level}) until {debugUntilText(debug.until, timeZone) ?? "the device ends it"}
            <button type="button" className={ITEM_SECONDARY} disabled={turningOff} onClick={() => void debugOff()}>
              {turningOff ? "Turning off…" : "Turn off"}
            </button>
          </p>
        ) : null}
        {debugMessage ? (
          <p role={debugMessage.ok ? "status" : "alert"} className={`rounded-md px-3 py-2 text-sm ${debugMessage.ok ? "bg-green-50 text-green-900" : "bg-red-50 text-red-800"}`}>
            {debugMessage.ok ? debugMessage.message : debugMessage.error}
          </p>
        ) : null}
        {quickError ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {quickError}
          </p>
        ) : null}
        {quick ? <QuickDiagnosis key={quick.statusCommandId} ids={quick} load={loadReport} onClose={() => setQuick(null)} /> : null}
        {open === "maintenance" && !maintenanceMode ? <MaintenanceOnForm deviceId={deviceId} onCancel={() => setOpen(null)} /> : null}
        {open === "retire" ? <RetireForm deviceId={deviceId} onCancel={() => setOpen(null)} /> : null}
        {open === "credentials" ? <CredentialsForm deviceId={deviceId} device={device} credential={credential} onCancel={() => setOpen(null)} /> : null}
        {open && ["restart", "diagnostics", "logs", "debug", "more"].includes(open) ? (
          <div className="rounded-lg border border-stone-200 bg-stone-50 p-3">
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
      </div>
    </>
  );
}
