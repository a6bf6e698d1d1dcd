"use client";

import { startTransition, useActionState, useState, type FormEvent } from "react";
import { changeAccessAction, deactivateUserAction, passwordResetLinkAction, reactivateUserAction, resendInvitationAction } from "@/app/(app)/admin/users/actions";
import { ROLE_LABEL, ROLES, type RoleName } from "@/lib/auth/permissions";
import type { ActionResult } from "@/lib/actions/define-action";
import { OneTimeLink } from "./one-time-link";

type Person = { id: number; name: string; email: string; role: RoleName; farmId: number | null; status: "invited" | "active" | "deactivated"; self: boolean };
type Farm = { id: number; name: string };

const button = "rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm hover:bg-stone-50 disabled:opacity-60";

function Failure({ state }: { state: ActionResult<unknown> | null }) {
  return state && !state.ok ? (
    <p role="alert" className="mt-1 text-sm text-red-700">
      {state.error}
    </p>
  ) : null;
}

/** Submits `{ id }` to an action, after an optional confirmation. */
function useIdAction<T>(action: (previous: ActionResult<T> | null, input: FormData) => Promise<ActionResult<T>>, id: number, confirmText?: string) {
  const [state, dispatch, pending] = useActionState(action, null);
  const run = () => {
    if (confirmText && !window.confirm(confirmText)) return;
    const data = new FormData();
    data.set("id", String(id));
    startTransition(() => dispatch(data));
  };
  return { state, run, pending };
}

/** What an admin can do to one person: role and farm, links, deactivation — behind one "Manage" toggle. */
export function UserActions({ person, farms }: { person: Person; farms: Farm[] }) {
  const [open, setOpen] = useState(false);
  return (
    <div>
      <button type="button" aria-expanded={open} aria-label={`Manage ${person.name}`} onClick={() => setOpen((value) => !value)} className={button}>
        {open ? "Close" : "Manage"}
      </button>
      {open ? (
        <div className="mt-2 w-72 max-w-[80vw] space-y-3 rounded-lg border border-stone-200 bg-stone-50 p-3">
          {person.status !== "deactivated" ? <AccessForm person={person} farms={farms} /> : null}
          {person.status === "invited" ? <ResendInvitation person={person} /> : null}
          {person.status === "active" ? <ResetLink person={person} /> : null}
          {person.status === "deactivated" ? <Reactivate person={person} /> : person.self ? <p className="text-xs text-stone-500">You cannot deactivate yourself; another admin can.</p> : <Deactivate person={person} />}
        </div>
      ) : null}
    </div>
  );
}

function AccessForm({ person, farms }: { person: Person; farms: Farm[] }) {
  const [state, dispatch, pending] = useActionState(changeAccessAction, null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const role = data.get("role");
    const farmId = data.get("farmId");
    if (role === person.role && String(farmId ?? "") === String(person.farmId ?? "")) return;
    if (!window.confirm(`Change ${person.name}'s access? They are signed out everywhere and sign in again with the new rights.`)) return;
    startTransition(() => dispatch(data));
  };
  const error = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.[0] : undefined);
  return (
    <form onSubmit={onSubmit} className="space-y-2" aria-label={`Role and farm of ${person.name}`}>
      <input type="hidden" name="id" value={person.id} />
      <label className="block text-xs font-medium text-stone-700">
        Role
        <select name="role" defaultValue={person.role} className="mt-1 block w-full rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm">
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABEL[role]}
            </option>
          ))}
        </select>
      </label>
      <label className="block text-xs font-medium text-stone-700">
        Farm
        <select name="farmId" defaultValue={person.farmId ?? ""} className="mt-1 block w-full rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm">
          <option value="">Every farm</option>
          {farms.map((farm) => (
            <option key={farm.id} value={farm.id}>
              {farm.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={pending} className={button}>
        {pending ? "Saving…" : "Save role and farm"}
      </button>
      {error("role") || error("farmId") ? <p className="text-sm text-red-700">{error("role") ?? error("farmId")}</p> : null}
      <Failure state={state} />
      {state?.ok ? <p role="status" className="text-sm text-green-800">Saved; {state.data.name}&apos;s sessions were ended.</p> : null}
    </form>
  );
}

function ResendInvitation({ person }: { person: Person }) {
  const { state, run, pending } = useIdAction(resendInvitationAction, person.id);
  return (
    <div>
      {state?.ok ? (
        <OneTimeLink title="A new invitation link; the previous one no longer works." link={state.data.link} email={state.data.email} expiresAt={state.data.expiresAt} testId="resent-invitation-link" />
      ) : (
        <button type="button" onClick={run} disabled={pending} className={button}>
          {pending ? "Sending…" : "Re-send invitation"}
        </button>
      )}
      <Failure state={state} />
    </div>
  );
}

function ResetLink({ person }: { person: Person }) {
  const { state, run, pending } = useIdAction(passwordResetLinkAction, person.id, `Make a password reset link for ${person.name}? It is mailed to them too, and works once within a day.`);
  return (
    <div>
      {state?.ok ? (
        <OneTimeLink title="Password reset link made." link={state.data.link} email={state.data.email} expiresAt={state.data.expiresAt} testId="password-reset-link" />
      ) : (
        <button type="button" onClick={run} disabled={pending} className={button}>
          {pending ? "Making…" : "Password reset link"}
        </button>
      )}
      <Failure state={state} />
    </div>
  );
}

function Deactivate({ person }: { person: Person }) {
  const { state, run, pending } = useIdAction(deactivateUserAction, person.id, `Deactivate ${person.name}? They are signed out everywhere at once, their API keys and open links stop working, and they cannot sign in until reactivated.`);
  return (
    <div>
      <button type="button" onClick={run} disabled={pending} className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 disabled:opacity-60">
        {pending ? "Deactivating…" : "Deactivate"}
      </button>
      <Failure state={state} />
    </div>
  );
}

function Reactivate({ person }: { person: Person }) {
  const { state, run, pending } = useIdAction(reactivateUserAction, person.id, `Reactivate ${person.name}? They can sign in again with their password.`);
  return (
    <div>
      <button type="button" onClick={run} disabled={pending} className={button}>
        {pending ? "Reactivating…" : "Reactivate"}
      </button>
      <Failure state={state} />
    </div>
  );
}
