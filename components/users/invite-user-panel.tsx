"use client";

import { startTransition, useActionState, useState, type FormEvent } from "react";
import { inviteUserAction } from "@/app/(app)/admin/users/actions";
import { Field, fieldProps, inputClass } from "@/components/groups/form-field";
import { ROLE_LABEL, ROLES } from "@/lib/auth/permissions";
import { OneTimeLink } from "./one-time-link";

/** The "Invite a person" panel: name, e-mail, role, farm; then the link, once, to copy. */
export function InviteUserPanel({ farms, linkDays }: { farms: { id: number; name: string }[]; linkDays: number }) {
  const [open, setOpen] = useState(false);
  const [round, setRound] = useState(0);
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800">
        Invite a person
      </button>
    );
  }
  return (
    <section aria-labelledby="invite-title" className="w-full rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 id="invite-title" className="text-sm font-semibold text-stone-700">
          Invite a person
        </h2>
        <button type="button" onClick={() => setOpen(false)} className="rounded-md px-2 py-1 text-sm text-stone-600 hover:bg-stone-100">
          Close
        </button>
      </div>
      <InviteForm key={round} farms={farms} linkDays={linkDays} onAnother={() => setRound((n) => n + 1)} />
    </section>
  );
}

function InviteForm({ farms, linkDays, onAnother }: { farms: { id: number; name: string }[]; linkDays: number; onAnother: () => void }) {
  const [state, dispatch, pending] = useActionState(inviteUserAction, null);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.[0] : undefined);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => dispatch(data));
  };
  if (state?.ok) {
    return (
      <div className="space-y-3">
        <OneTimeLink title={`${state.data.name} is invited.`} link={state.data.link} email={state.data.email} expiresAt={state.data.expiresAt} testId="invitation-link" />
        <button type="button" onClick={onAnother} className="rounded-md border border-stone-300 px-3 py-1.5 text-sm hover:bg-stone-50">
          Invite another person
        </button>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-3 sm:grid-cols-2">
      <Field id="invite-name" label="Name" error={fieldError("name")}>
        <input name="name" autoComplete="off" className={inputClass} {...fieldProps("invite-name", fieldError("name"))} />
      </Field>
      <Field id="invite-email" label="E-mail" error={fieldError("email")}>
        <input name="email" type="email" autoComplete="off" className={inputClass} {...fieldProps("invite-email", fieldError("email"))} />
      </Field>
      <Field id="invite-role" label="Role" error={fieldError("role")}>
        <select name="role" defaultValue="technician" className={inputClass} {...fieldProps("invite-role", fieldError("role"))}>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABEL[role]}
            </option>
          ))}
        </select>
      </Field>
      <Field id="invite-farm" label="Farm" error={fieldError("farmId")} hint="Bound to one farm, they see and change only that farm. Users, firmware and API keys take an admin of every farm.">
        <select name="farmId" defaultValue="" className={inputClass} {...fieldProps("invite-farm", fieldError("farmId"), true)}>
          <option value="">Every farm</option>
          {farms.map((farm) => (
            <option key={farm.id} value={farm.id}>
              {farm.name}
            </option>
          ))}
        </select>
      </Field>
      {state && !state.ok ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 sm:col-span-2">
          {state.error}
        </p>
      ) : null}
      <div className="sm:col-span-2">
        <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 disabled:opacity-60">
          {pending ? "Inviting…" : "Send invitation"}
        </button>
        <span className="ml-3 text-xs text-stone-500">They get a mail with a link that works once, for {linkDays} days, to set their password.</span>
      </div>
    </form>
  );
}
