"use client";

import Link from "next/link";
import { useActionState, useId, useMemo, useState, type ReactNode } from "react";
import { maintenanceOffAction, maintenanceOnAction, regenerateCredentialsAction, retireDeviceAction, revokeCredentialsAction } from "@/app/(app)/devices/[deviceId]/actions";
import { CredentialsPanel } from "@/components/provisioning/credentials-panel";
import type { DeviceConnectionDetails } from "@/lib/provisioning/connection-details";

/** What the credentials panel says about the device's current MQTT login. */
export type CredentialSummary = { username: string; revoked: boolean } | null;

const BUTTON = "inline-flex items-center justify-center rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-60";
const PRIMARY = `${BUTTON} border-brand-700 bg-brand-700 text-white hover:bg-brand-800`;
const SECONDARY = `${BUTTON} border-stone-300 bg-white text-stone-800 hover:bg-stone-50`;
const DANGER = `${BUTTON} border-red-300 bg-white text-red-700 hover:bg-red-50`;

/** In the action bar's panel area, below the first screen's facts (components/devices/device-action-bar). */
function Panel({ title, onCancel, children, wide = false }: { title: string; onCancel: () => void; children: ReactNode; wide?: boolean }) {
  return (
    <div
      className={`w-full rounded-lg border border-stone-200 bg-white p-3 shadow-sm ${wide ? "sm:max-w-[40rem]" : "sm:max-w-md"}`}
      onKeyDown={(event) => {
        if (event.key === "Escape") onCancel();
      }}
    >
      <h2 className="mb-2 text-sm font-semibold text-stone-800">{title}</h2>
      {children}
    </div>
  );
}

function ErrorText({ error, id }: { error?: string; id?: string }) {
  return error ? (
    <p id={id} role="alert" className="mt-1 text-sm text-red-700">
      {error}
    </p>
  ) : null;
}

export function MaintenanceOnForm({ deviceId, onCancel }: { deviceId: string; onCancel: () => void }) {
  const action = useMemo(() => maintenanceOnAction.bind(null, deviceId), [deviceId]);
  const [state, formAction, pending] = useActionState(action, null);
  const id = useId();
  const notesError = state && !state.ok ? state.fieldErrors?.notes?.[0] : undefined;
  return (
    <Panel title="Put the device in maintenance" onCancel={onCancel}>
      <form action={formAction} className="space-y-2" noValidate>
        <p className="text-xs text-stone-600">Its state becomes Maintenance and health checks skip it until you turn the mode off.</p>
        <div>
          <label htmlFor={`${id}-notes`} className="mb-1 block text-sm font-medium">
            Maintenance notes <span className="font-normal text-stone-500">(optional)</span>
          </label>
          <textarea id={`${id}-notes`} name="notes" rows={3} maxLength={2000} className="w-full rounded-md border border-stone-300 px-3 py-2 text-sm" aria-invalid={Boolean(notesError)} aria-describedby={`${id}-notes-error`} />
          <ErrorText error={notesError} id={`${id}-notes-error`} />
        </div>
        {state && !state.ok && !notesError ? <ErrorText error={state.error} /> : null}
        <div className="flex gap-2">
          <button type="submit" disabled={pending} className={PRIMARY}>
            {pending ? "Turning on…" : "Turn maintenance mode on"}
          </button>
          <button type="button" onClick={onCancel} className={SECONDARY}>
            Cancel
          </button>
        </div>
      </form>
    </Panel>
  );
}

export function MaintenanceOffButton({ deviceId, className = SECONDARY, formClassName, label, children = "Maintenance mode off" }: { deviceId: string; className?: string; formClassName?: string; label?: string; children?: ReactNode }) {
  const action = useMemo(() => maintenanceOffAction.bind(null, deviceId), [deviceId]);
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className={formClassName}>
      <button type="submit" disabled={pending} className={className} aria-label={pending ? undefined : label}>
        {pending ? "Turning off…" : children}
      </button>
      {state && !state.ok ? <ErrorText error={state.error} /> : null}
    </form>
  );
}

/** Retirement cannot be undone: a reason is required and the browser asks once more. */
export function RetireForm({ deviceId, onCancel }: { deviceId: string; onCancel: () => void }) {
  const action = useMemo(() => retireDeviceAction.bind(null, deviceId), [deviceId]);
  const [state, formAction, pending] = useActionState(action, null);
  const id = useId();
  const reasonError = state && !state.ok ? state.fieldErrors?.reason?.[0] : undefined;
  return (
    <Panel title={`Retire ${deviceId}`} onCancel={onCancel}>
      <form
        action={formAction}
        className="space-y-2"
        noValidate
        onSubmit={(event) => {
          if (!window.confirm(`Retire ${deviceId}? It is decommissioned for good: its MQTT credentials stop working at once. Its record and history are kept.`)) event.preventDefault();
        }}
      >
        <p className="text-xs text-stone-600">The device is decommissioned and its MQTT credentials are revoked. Nothing is deleted; the record stays read-only with its history.</p>
        <div>
          <label htmlFor={`${id}-reason`} className="mb-1 block text-sm font-medium">
            Reason
          </label>
          <textarea id={`${id}-reason`} name="reason" rows={2} maxLength={500} required className="w-full rounded-md border border-stone-300 px-3 py-2 text-sm" aria-invalid={Boolean(reasonError)} aria-describedby={`${id}-reason-error`} placeholder="e.g. Flow sensor cracked, replaced by MM014" />
          <ErrorText error={reasonError} id={`${id}-reason-error`} />
        </div>
        {state && !state.ok && !reasonError ? <ErrorText error={state.error} /> : null}
        <div className="flex gap-2">
          <button type="submit" disabled={pending} className={`${BUTTON} border-red-700 bg-red-700 text-white hover:bg-red-800`}>
            {pending ? "Retiring…" : "Retire device"}
          </button>
          <button type="button" onClick={onCancel} className={SECONDARY}>
            Cancel
          </button>
        </div>
      </form>
    </Panel>
  );
}

/**
 * MQTT credentials of the device (I-013 §2): regenerate (the new password shown once, here only),
 * revoke, and a one-time claim token printed on the label. Each asks once more before it acts.
 */
export function CredentialsForm({ deviceId, device, credential, onCancel }: { deviceId: string; device?: { name: string; deviceType: string }; credential: CredentialSummary; onCancel: () => void }) {
  const regenerate = useMemo(() => regenerateCredentialsAction.bind(null, deviceId), [deviceId]);
  const revoke = useMemo(() => revokeCredentialsAction.bind(null, deviceId), [deviceId]);
  const [issued, regenerateAction, regenerating] = useActionState(regenerate, null);
  const [revoked, revokeAction, revoking] = useActionState(revoke, null);
  // The answer of the action taken last: revoking after a regeneration hides the (now dead) password.
  const [last, setLast] = useState<"regenerate" | "revoke" | null>(null);
  const fresh: DeviceConnectionDetails | null = last === "regenerate" && issued?.ok ? issued.data : null;
  const status = credential ? (credential.revoked ? `${credential.username} — revoked: the device cannot connect.` : `${credential.username} — active.`) : "No credentials issued yet.";
  return (
    <Panel title="MQTT credentials" onCancel={onCancel} wide={Boolean(fresh)}>
      <div className="space-y-3">
        {fresh ? (
          <CredentialsPanel device={{ deviceId, name: device?.name ?? deviceId, deviceType: device?.deviceType ?? "" }} credentials={fresh} compact />
        ) : (
          <p className="text-xs text-stone-600" role="status">
            {last === "revoke" && revoked?.ok ? revoked.data.message : status}
          </p>
        )}
        {last === "regenerate" && issued && !issued.ok ? <ErrorText error={issued.error} /> : null}
        {last === "revoke" && revoked && !revoked.ok ? <ErrorText error={revoked.error} /> : null}
        <div className="flex flex-wrap gap-2">
          <form
            action={regenerateAction}
            onSubmit={(event) => {
              if (!window.confirm(`Regenerate the credentials of ${deviceId}? The current password stops working at once; the device needs the new one to connect.`)) event.preventDefault();
              else setLast("regenerate");
            }}
          >
            <button type="submit" disabled={regenerating} className={PRIMARY}>
              {regenerating ? "Regenerating…" : fresh ? "Regenerate again" : "Regenerate credentials"}
            </button>
          </form>
          <form
            action={revokeAction}
            onSubmit={(event) => {
              if (!window.confirm(`Revoke the credentials of ${deviceId}? It can no longer log in to the broker until new credentials are generated.`)) event.preventDefault();
              else setLast("revoke");
            }}
          >
            <button type="submit" disabled={revoking} className={DANGER}>
              {revoking ? "Revoking…" : "Revoke credentials"}
            </button>
          </form>
          <Link href={`/provisioning/label/${deviceId}`} className={SECONDARY}>
            Claim token for label
          </Link>
          <button type="button" onClick={onCancel} className={SECONDARY}>
            Close
          </button>
        </div>
        <p className="text-xs text-stone-500">A claim token (valid 24 h, used once) lets the device fetch its own credentials from the claim QR on its label.</p>
      </div>
    </Panel>
  );
}
