"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { cancelCommandAction } from "@/lib/commands/command-actions";
import type { CommandView } from "@/lib/commands/command-schemas";

/** "Cancel" beside a command still waiting to go out (device offline). */
export function CancelQueuedCommand({ command }: { command: CommandView }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (command.status !== "queued") return null;
  return (
    <span className="block">
      <button
        type="button"
        className="text-xs text-brand-700 underline"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          const result = await cancelCommandAction(null, { commandId: command.id });
          setPending(false);
          if (result.ok) router.refresh();
          else setError(result.error);
        }}
      >
        {pending ? "Cancelling…" : "Cancel"}
      </button>
      {error ? <span className="block text-xs text-red-700">{error}</span> : null}
    </span>
  );
}
