"use client";

import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { ModalDialog } from "@/components/ui/modal-dialog";
import type { RoleName } from "@/lib/auth/permissions";
import { COMMANDS, isAllowedFor, roleReaches } from "@/lib/commands/catalogue";
import { sendBulkCommandAction } from "@/lib/commands/command-actions";
import type { CommandTarget } from "@/lib/commands/command-schemas";
import { CommandComposer } from "./command-composer";

/**
 * "Send command" for the list's selection or every device matching its filter: only the commands
 * at least one of the chosen types has, with how many devices will be skipped for lack of it; a
 * disruptive command asks once more. Then the batch's progress view. A modal: the list behind waits.
 */
export function BulkCommandDialog({ role, target, count, typeCounts, onClose }: { role: RoleName; target: CommandTarget; count: number; typeCounts: Record<string, number>; onClose: () => void }) {
  const router = useRouter();
  const types = Object.entries(typeCounts).filter(([, n]) => n > 0);
  const known = types.reduce((sum, [, n]) => sum + n, 0);
  const commands = useMemo(
    () => COMMANDS.filter((command) => roleReaches(role, command.minRole) && (command.deviceTypes === "all" || types.some(([type]) => isAllowedFor(command.name, type)))),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the types are derived from typeCounts
    [role, typeCounts],
  );
  const many = count === 1 ? "1 device" : `${count.toLocaleString("en")} devices`;
  return (
    <ModalDialog labelledBy="bulk-command-title" onClose={onClose} className="m-auto w-[calc(100%-1.5rem)] max-w-lg rounded-xl border border-stone-200 bg-white p-4 text-stone-900 shadow-xl">
      <h2 id="bulk-command-title" className="mb-1 text-sm font-semibold">
        Send a command to {many}
      </h2>
      <p className="mb-3 text-xs text-stone-600">
        Each device gets its own command; offline ones get theirs when they come back (until it expires). Retired devices and, for a disruptive command, devices installing firmware are skipped.
      </p>
      <CommandComposer
        commands={commands}
        initialCommand="get_status"
        target={`on ${many}`}
        note={(command) => {
          if (command.deviceTypes === "all") return null;
          const skipped = types.filter(([type]) => !isAllowedFor(command.name, type)).reduce((sum, [, n]) => sum + n, 0);
          const unknown = count - known;
          if (!skipped && !unknown) return null;
          return `${skipped} of ${many} ${skipped === 1 ? "has" : "have"} no ${command.name} and will be skipped${unknown > 0 ? ` (${unknown} selected on other pages checked when sent)` : ""}.`;
        }}
        submitLabel="Send to all"
        onCancel={onClose}
        onSend={async (input) => {
          const result = await sendBulkCommandAction(null, { ...input, target });
          if (!result.ok) return { ok: false, error: result.error, fieldErrors: result.fieldErrors };
          router.push(`/diagnostics/batches/${result.data.id}`);
          return { ok: true, message: `${result.data.total} commands queued; opening the progress view…` };
        }}
      />
    </ModalDialog>
  );
}
