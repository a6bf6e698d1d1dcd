"use client";

import { useActionState } from "react";
import { clearSignInFailuresAction } from "@/app/(app)/admin/users/actions";

/** Lifts the sign-in delays that failed attempts put on an account, from every address. */
export function ClearSignInFailuresButton({ id, name, failures }: { id: number; name: string; failures: number }) {
  const [state, formAction, pending] = useActionState(clearSignInFailuresAction, null);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <span className="text-xs text-amber-800">{failures} failed sign-in{failures === 1 ? "" : "s"} in the last hour</span>
      <button type="submit" disabled={pending} aria-label={`Clear failed sign-ins of ${name}`} className="rounded-md border border-stone-300 px-2.5 py-1 text-xs hover:bg-stone-50">
        {pending ? "Clearing…" : "Clear"}
      </button>
      {state && !state.ok ? <p role="alert" className="text-xs text-red-700">{state.error}</p> : null}
    </form>
  );
}
