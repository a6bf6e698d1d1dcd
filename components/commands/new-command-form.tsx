"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useState } from "react";
import type { RoleName } from "@/lib/auth/permissions";
import { commandsFor, roleReaches } from "@/lib/commands/catalogue";
import { sendCommandAction } from "@/lib/commands/command-actions";
import { PRIMARY, SECONDARY } from "./buttons";
import { CommandComposer } from "./command-composer";

type FoundDevice = { deviceId: string; name: string; deviceType: string; connectionStatus: string; state: string };

/**
 * The command center's "New command": find the device (id, name, serial or MAC), then a command
 * of its type with the generated parameter form. The search reads GET /api/v1/devices with the
 * person's session, so it only ever finds devices of their farms.
 */
export function NewCommandForm({ role, initialDevice }: { role: RoleName; initialDevice?: string }) {
  const router = useRouter();
  const id = useId();
  const [open, setOpen] = useState(Boolean(initialDevice));
  const [search, setSearch] = useState(initialDevice ?? "");
  const [found, setFound] = useState<FoundDevice[]>([]);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [device, setDevice] = useState<FoundDevice | null>(null);

  useEffect(() => {
    if (!open || device) return;
    const q = search.trim();
    if (q.length < 2) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setSearching(true);
      setSearchError(null);
      try {
        const response = await fetch(`/api/v1/devices?${new URLSearchParams({ q, pageSize: "25" })}`, { signal: controller.signal, headers: { accept: "application/json" } });
        if (!response.ok) throw new Error(`The search failed (${response.status}).`);
        const body = (await response.json()) as { data: FoundDevice[] };
        setFound(body.data.slice(0, 8));
      } catch (error) {
        if (!controller.signal.aborted) setSearchError((error as Error).message);
      } finally {
        if (!controller.signal.aborted) setSearching(false);
      }
    }, 250);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [search, open, device]);

  const commands = useMemo(() => (device ? commandsFor(device.deviceType).filter((command) => roleReaches(role, command.minRole)) : []), [device, role]);

  if (!open) {
    return (
      <button type="button" className={PRIMARY} onClick={() => setOpen(true)}>
        New command
      </button>
    );
  }
  return (
    <section aria-labelledby={`${id}-title`} className="rounded-xl border border-stone-200 bg-white p-4 shadow-sm">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 id={`${id}-title`} className="text-sm font-semibold text-stone-800">
          New command
        </h2>
        <button type="button" className="text-xs text-stone-600 underline" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
      {device ? (
        <div className="space-y-3">
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <span className="rounded bg-stone-100 px-1.5 py-0.5 font-mono text-xs">{device.deviceId}</span>
            <span className="font-medium">{device.name}</span>
            <span className="text-xs text-stone-500">
              {device.deviceType.replace(/_/g, " ")} · {device.connectionStatus}
            </span>
            <button type="button" className="text-xs text-brand-700 underline" onClick={() => setDevice(null)}>
              Change device
            </button>
          </p>
          <CommandComposer
            key={device.deviceId}
            commands={commands}
            initialCommand="get_status"
            target={device.deviceId}
            onSend={async (input) => {
              const result = await sendCommandAction(null, { deviceId: device.deviceId, ...input });
              if (!result.ok) return { ok: false, error: result.error, fieldErrors: result.fieldErrors };
              router.refresh();
              return { ok: true, message: `${result.data.label} ${result.data.status === "queued" ? "queued" : "sent"} for ${device.deviceId}. Its answer shows in the list below.` };
            }}
          />
        </div>
      ) : (
        <div>
          <label htmlFor={`${id}-device`} className="mb-1 block text-sm font-medium">
            Device
          </label>
          <input
            id={`${id}-device`}
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder="Device id, name, serial or MAC"
            autoComplete="off"
            className="w-full rounded-md border border-stone-300 px-3 py-2 text-sm sm:max-w-md"
          />
          {searchError ? (
            <p role="alert" className="mt-1 text-xs text-red-700">
              {searchError}
            </p>
          ) : null}
          {search.trim().length >= 2 && !searching && !searchError && found.length === 0 ? <p className="mt-1 text-xs text-stone-600">No device matches.</p> : null}
          {found.length && search.trim().length >= 2 ? (
            <ul className="mt-2 divide-y divide-stone-100 rounded-md border border-stone-200 sm:max-w-md" aria-label="Matching devices">
              {found.map((candidate) => (
                <li key={candidate.deviceId}>
                  <button type="button" className={`${SECONDARY} w-full justify-start gap-2 rounded-none border-0 text-left`} disabled={candidate.state === "decommissioned"} onClick={() => setDevice(candidate)}>
                    <span className="font-mono text-xs">{candidate.deviceId}</span>
                    <span className="min-w-0 truncate">{candidate.name}</span>
                    <span className="ml-auto text-xs text-stone-500">{candidate.connectionStatus}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      )}
    </section>
  );
}
