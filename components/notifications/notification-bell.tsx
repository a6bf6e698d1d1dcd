"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";

/** The bell's query: the screens that mark notifications read invalidate it, so the count follows at once. */
export const UNREAD_QUERY_KEY = ["notifications", "unread"] as const;

async function fetchUnread(): Promise<number> {
  const response = await fetch("/api/v1/notifications?limit=0", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`unread count: HTTP ${response.status}`);
  return ((await response.json()) as { unread: number }).unread;
}

/**
 * The header's bell: the person's unread in-app notifications, asked again every 20 s (and when the
 * window gets focus) without reloading the page; it opens the list.
 */
export function NotificationBell({ className = "" }: { className?: string }) {
  const { data: unread = 0 } = useQuery({ queryKey: UNREAD_QUERY_KEY, queryFn: fetchUnread, refetchInterval: 20_000 });
  const label = unread === 0 ? "Notifications, none unread" : `Notifications, ${unread} unread`;
  return (
    <Link href="/notifications" aria-label={label} title={label} data-testid="notification-bell" className={`relative flex items-center rounded-md p-2 text-stone-700 hover:bg-stone-100 ${className}`}>
      <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
        <path d="M6 8a6 6 0 1112 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 003.4 0" />
      </svg>
      {unread > 0 ? (
        <span data-testid="notification-count" aria-hidden className="absolute -top-0.5 -right-0.5 inline-flex min-w-5 items-center justify-center rounded-full bg-red-600 px-1 py-0.5 text-[11px] leading-none font-semibold text-white tabular-nums">
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </Link>
  );
}
