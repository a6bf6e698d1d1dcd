"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { cancelBatchRestAction } from "@/lib/commands/command-actions";
import { DANGER_OUTLINE } from "./buttons";

/** "Cancel the rest": what has not gone out yet is taken back; commands already sent run their course. */
export function CancelBatchRest({ batchId, queued }: { batchId: number; queued: number }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <span className="flex flex-col items-end gap-1">
      <button
        type="button"
        className={DANGER_OUTLINE}
        disabled={pending}
        onClick={async () => {
          if (!window.confirm(`Cancel the ${queued} command${queued === 1 ? "" : "s"} not sent yet? Those already sent run their course.`)) return;
          setPending(true);
          const result = await cancelBatchRestAction(null, { batchId });
          setPending(false);
          setMessage(result.ok ? { ok: true, text: `${result.data.cancelled} cancelled.` } : { ok: false, text: result.error });
          router.refresh();
        }}
      >
        {pending ? "Cancelling…" : "Cancel the rest"}
      </button>
      {message ? (
        <span role={message.ok ? "status" : "alert"} className={`text-xs ${message.ok ? "text-green-800" : "text-red-700"}`}>
          {message.text}
        </span>
      ) : null}
    </span>
  );
}
