"use client";

import { useActionState, useState } from "react";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/(app)/admin/api-keys/actions";
import { ROLES } from "@/lib/auth/permissions";

export function CreateApiKeyForm({ farms }: { farms: { id: number; name: string }[] }) {
  const [state, formAction, pending] = useActionState(createApiKeyAction, null);
  const [copied, setCopied] = useState(false);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.[0] : undefined);

  return (
    <form action={formAction} className="space-y-3" noValidate>
      <div>
        <label htmlFor="key-name" className="mb-1 block text-sm font-medium">Name</label>
        <input id="key-name" name="name" placeholder="e.g. Herd management sync" className="w-full rounded-md border border-stone-300 px-3 py-2" aria-invalid={Boolean(fieldError("name"))} aria-describedby="key-name-error" />
        {fieldError("name") ? <p id="key-name-error" className="mt-1 text-sm text-red-700">{fieldError("name")}</p> : null}
      </div>
      <div>
        <label htmlFor="key-role" className="mb-1 block text-sm font-medium">Role</label>
        <select id="key-role" name="role" defaultValue="viewer" className="w-full rounded-md border border-stone-300 px-3 py-2">
          {ROLES.map((role) => <option key={role} value={role}>{role}</option>)}
        </select>
      </div>
      <div>
        <label htmlFor="key-farm" className="mb-1 block text-sm font-medium">Farm</label>
        <select id="key-farm" name="farmId" defaultValue="" aria-describedby="key-farm-hint" className="w-full rounded-md border border-stone-300 px-3 py-2">
          <option value="">All farms</option>
          {farms.map((farm) => <option key={farm.id} value={farm.id}>{farm.name}</option>)}
        </select>
        <p id="key-farm-hint" className="mt-1 text-xs text-stone-500">
          A key for one farm reads and changes that farm only, whatever its role; firmware, users and API keys take a key for all farms.
        </p>
      </div>
      {fieldError("farmId") ? <p className="text-sm text-red-700">{fieldError("farmId")}</p> : null}
      {state && !state.ok ? <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{state.error}</p> : null}
      {state?.ok ? (
        <div className="rounded-md border border-green-300 bg-green-50 p-3 text-sm" role="status">
          <p className="font-medium text-green-900">Key “{state.data.name}” created. Copy it now — it will not be shown again.</p>
          <code className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs" data-testid="new-api-key">{state.data.key}</code>
          <button type="button" className="mt-2 rounded-md border border-stone-300 bg-white px-2 py-1 text-xs" onClick={() => navigator.clipboard?.writeText(state.data.key).then(() => setCopied(true))}>
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
      ) : null}
      <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-800 disabled:opacity-60">
        {pending ? "Creating…" : "Create key"}
      </button>
    </form>
  );
}

export function RevokeApiKeyButton({ id, name }: { id: number; name: string }) {
  const [state, formAction, pending] = useActionState(revokeApiKeyAction, null);
  return (
    <form
      action={formAction}
      onSubmit={(event) => {
        if (!window.confirm(`Revoke “${name}”? Integrations using it stop working at once.`)) event.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} className="rounded-md border border-red-300 px-3 py-1 text-sm text-red-700 hover:bg-red-50">
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {state && !state.ok ? <p role="alert" className="text-xs text-red-700">{state.error}</p> : null}
    </form>
  );
}
