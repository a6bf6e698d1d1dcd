"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/define-action";

type Action<T> = (previous: ActionResult<T> | null, input: { id: number }) => Promise<ActionResult<T>>;

/**
 * One button, one server action on one record (send a test, retry, delete): with `confirm` it asks
 * first; the answer (done or why not) is said beside it, and the page reloads its data.
 */
export function ActionButton<T>({
  action,
  id,
  label,
  busyLabel,
  done,
  confirm,
  tone = "neutral",
}: {
  action: Action<T>;
  id: number;
  label: string;
  busyLabel: string;
  done?: string;
  confirm?: string;
  tone?: "neutral" | "danger" | "primary";
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [asking, setAsking] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const tones = {
    neutral: "border border-stone-300 bg-white text-stone-800 hover:bg-stone-50",
    danger: "border border-red-300 bg-white text-red-800 hover:bg-red-50",
    primary: "bg-brand-700 text-white hover:bg-brand-800",
  };
  const run = () => {
    setAsking(false);
    setMessage(null);
    startTransition(async () => {
      const result = await action(null, { id });
      setMessage(result.ok ? { ok: true, text: done ?? "Done." } : { ok: false, text: result.error });
      if (result.ok) router.refresh();
    });
  };
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      {asking ? (
        <span role="alertdialog" aria-label={confirm} className="inline-flex flex-wrap items-center gap-2 rounded-md bg-red-50 px-2 py-1 text-sm text-red-900">
          {confirm}
          <button type="button" onClick={run} className="rounded-md bg-red-700 px-2 py-1 font-medium text-white hover:bg-red-800">
            Yes
          </button>
          <button type="button" onClick={() => setAsking(false)} className="rounded-md border border-stone-300 bg-white px-2 py-1 text-stone-800">
            No
          </button>
        </span>
      ) : (
        <button type="button" disabled={pending} onClick={() => (confirm ? setAsking(true) : run())} className={`min-h-9 rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-60 ${tones[tone]}`}>
          {pending ? busyLabel : label}
        </button>
      )}
      {message ? (
        <span role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-green-800" : "text-red-800"}`}>
          {message.text}
        </span>
      ) : null}
    </span>
  );
}
