"use client";

import { useActionState } from "react";
import { changeFirmwareStateAction } from "@/app/(app)/firmware/actions";

const LABEL: Record<string, string> = { testing: "Start testing", stable: "Release as stable", draft: "Back to draft", deprecated: "Deprecate" };

/** The release moves this version may make now; the server checks them again. */
export function FirmwareStateButtons({ id, version, allowed }: { id: number; version: string; allowed: string[] }) {
  const [result, action, pending] = useActionState(changeFirmwareStateAction, null);
  if (allowed.length === 0) return <span className="text-xs text-stone-500">Final</span>;
  return (
    <form action={action} className="flex flex-wrap items-center justify-end gap-1.5">
      <input type="hidden" name="id" value={id} />
      {allowed.map((state) => (
        <button
          key={state}
          name="state"
          value={state}
          disabled={pending}
          aria-label={`${LABEL[state] ?? state} ${version}`}
          className={`rounded-md border px-2 py-1 text-xs font-medium disabled:opacity-50 ${
            state === "deprecated" ? "border-red-200 text-red-800 hover:bg-red-50" : "border-stone-300 text-stone-800 hover:bg-stone-50"
          }`}
        >
          {LABEL[state] ?? state}
        </button>
      ))}
      {result && !result.ok ? (
        <p role="alert" className="w-full text-right text-xs text-red-700">
          {result.error}
        </p>
      ) : null}
    </form>
  );
}
