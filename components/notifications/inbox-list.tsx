"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { markReadAction } from "@/app/(app)/notifications/actions";
import type { InAppLine } from "@/lib/notifications/in-app-text";
import { UNREAD_QUERY_KEY } from "./notification-bell";

export type InboxRow = {
  id: number;
  subject: string;
  /** The body as lines of words and links (lib/notifications/in-app-text.ts): no pasted URLs. */
  lines: InAppLine[];
  when: string;
  whenIso: string;
  unread: boolean;
  severity: "low" | "warning" | "critical" | null;
  alertId: number | null;
  alertState: string | null;
  device: { deviceId: string; name: string } | null;
};

const SEVERITY = {
  critical: { label: "Critical", icon: "■", className: "bg-red-100 text-red-800" },
  warning: { label: "Warning", icon: "▲", className: "bg-amber-100 text-amber-900" },
  low: { label: "Low", icon: "●", className: "bg-stone-100 text-stone-700" },
} as const;

/** The person's notifications as cards (phone and desktop alike): unread ones marked, each with its links. */
export function InboxList({ rows, unread }: { rows: InboxRow[]; unread: number }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);

  function mark(input: { ids: number[] } | { all: true }) {
    setError(null);
    startTransition(async () => {
      const result = await markReadAction(null, input);
      if (!result.ok) setError(result.error);
      await queryClient.invalidateQueries({ queryKey: UNREAD_QUERY_KEY });
      router.refresh();
    });
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-stone-600" role="status">
          {unread === 0 ? "All read." : `${unread} unread`}
        </p>
        {unread > 0 ? (
          <button type="button" disabled={pending} onClick={() => mark({ all: true })} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-stone-800 hover:bg-stone-50 disabled:opacity-60">
            Mark all read
          </button>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <ul className="space-y-2" aria-label="Notifications">
        {rows.map((row) => {
          const severity = row.severity ? SEVERITY[row.severity] : null;
          return (
            <li key={row.id} data-testid="inbox-item" data-unread={row.unread || undefined} className={`rounded-xl border p-3 shadow-sm sm:p-4 ${row.unread ? "border-brand-300 bg-brand-50/60" : "border-stone-200 bg-white"}`}>
              <div className="flex flex-wrap items-start gap-x-3 gap-y-1">
                {row.unread ? (
                  <span className="mt-1.5 h-2.5 w-2.5 shrink-0 rounded-full bg-brand-600" title="Unread">
                    <span className="sr-only">Unread: </span>
                  </span>
                ) : null}
                <div className="min-w-0 flex-1">
                  <p className={`text-sm ${row.unread ? "font-semibold text-stone-900" : "font-medium text-stone-800"}`}>{row.subject}</p>
                  {/* 24 px lines and links as tall: a line that is one link (a device, an alert) is a 24 px target (WCAG 2.5.8) */}
                  <p className="mt-0.5 text-sm leading-6 text-stone-600">
                    {row.lines.map((line, index) => (
                      <span key={index} className={line.length === 1 && line[0]!.text === "" ? "block h-2" : "block"}>
                        {line.map((piece, at) =>
                          piece.href === undefined ? (
                            piece.text
                          ) : piece.href.startsWith("/") ? (
                            <Link key={at} href={piece.href} className="inline-block text-brand-700 underline hover:text-brand-800">
                              {piece.text}
                            </Link>
                          ) : (
                            <a key={at} href={piece.href} rel="noopener noreferrer" target="_blank" className="inline-block break-all text-brand-700 underline hover:text-brand-800">
                              {piece.text}
                            </a>
                          ),
                        )}
                      </span>
                    ))}
                  </p>
                  <p className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-stone-600">
                    <time dateTime={row.whenIso}>{row.when}</time>
                    {severity ? (
                      <span className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 font-medium ${severity.className}`}>
                        <span aria-hidden>{severity.icon}</span>
                        {severity.label}
                      </span>
                    ) : null}
                    {row.alertState ? <span>Alert {row.alertState}</span> : null}
                  </p>
                </div>
              </div>
              <div className="mt-2 flex flex-wrap gap-2 text-sm">
                {row.alertId ? (
                  <Link href={`/alerts/${row.alertId}`} className="rounded-md px-2 py-1 font-medium text-brand-700 hover:bg-brand-50 hover:underline">
                    Open alert
                  </Link>
                ) : null}
                {row.device ? (
                  <Link href={`/devices/${encodeURIComponent(row.device.deviceId)}`} className="rounded-md px-2 py-1 font-medium text-brand-700 hover:bg-brand-50 hover:underline">
                    {row.device.name} ({row.device.deviceId})
                  </Link>
                ) : null}
                {row.unread ? (
                  <button type="button" disabled={pending} onClick={() => mark({ ids: [row.id] })} className="ml-auto rounded-md border border-stone-300 bg-white px-2 py-1 font-medium text-stone-800 hover:bg-stone-50 disabled:opacity-60">
                    Mark read
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
