"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { deleteGroupAction } from "@/app/(app)/groups/actions";
import { useActionForm } from "./use-action-form";

/** Asks first; when the group still holds sub-groups or devices, says so where the button is. */
export function DeleteGroupButton({ id, name, afterDelete, size = "normal" }: { id: number; name: string; afterDelete?: string; size?: "normal" | "small" }) {
  const { state, onSubmit, pending, ready } = useActionForm(deleteGroupAction);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok && afterDelete) router.push(afterDelete);
  }, [state, afterDelete, router]);

  return (
    <form
      onSubmit={(event) => {
        if (!window.confirm(`Delete the group “${name}”? This cannot be undone.`)) {
          event.preventDefault();
          return;
        }
        onSubmit(event);
      }}
      className="contents"
    >
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending || !ready} className={`rounded-md border border-red-300 bg-white text-red-700 hover:bg-red-50 disabled:opacity-60 ${size === "small" ? "px-2 py-0.5 text-xs" : "px-3 py-1.5 text-sm"}`}>
        {pending ? "Deleting…" : "Delete"}
        <span className="sr-only"> {name}</span>
      </button>
      {state && !state.ok ? (
        <p role="alert" className="basis-full rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
