"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useState, useTransition, type ReactNode } from "react";
import { selectFarm } from "./actions";
import type { NavItem } from "./nav-items";

type ShellProps = {
  items: NavItem[];
  user: { name: string; email: string; roleLabel: string };
  farms: { id: number; name: string }[];
  selectedFarmId: number | null;
  farmLocked: boolean;
  /** Open critical + warning alerts in the farm shown; red when any is critical. */
  openAlerts: { count: number; critical: number };
  children: ReactNode;
};

function Icon({ path }: { path: string }) {
  return (
    <svg viewBox="0 0 24 24" className="h-5 w-5 shrink-0" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={path} />
    </svg>
  );
}

function alertCountText(openAlerts: ShellProps["openAlerts"]) {
  return `${openAlerts.count} open ${openAlerts.count === 1 ? "alert" : "alerts"}${openAlerts.critical > 0 ? `, ${openAlerts.critical} critical` : ""}`;
}

/**
 * The count beside "Alerts": colour and a ! for the critical case, and words for screen readers —
 * spoken here (`announce`), or as the nav link's description so the link is still named "Alerts".
 */
function AlertCount({ openAlerts, className = "", announce = false }: { openAlerts: ShellProps["openAlerts"]; className?: string; announce?: boolean }) {
  if (openAlerts.count === 0) return null;
  const critical = openAlerts.critical > 0;
  const title = alertCountText(openAlerts);
  return (
    <span data-testid="alerts-badge" title={title} aria-hidden={announce ? undefined : true} className={`inline-flex min-w-6 items-center justify-center rounded-full px-1.5 py-0.5 text-xs leading-none font-semibold tabular-nums ${critical ? "bg-red-600 text-white" : "bg-amber-400 text-amber-950"} ${className}`}>
      <span aria-hidden>
        {critical ? "!\u00a0" : null}
        {openAlerts.count > 999 ? "999+" : openAlerts.count}
      </span>
      {announce ? <span className="sr-only">: {title}</span> : null}
    </span>
  );
}

function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

export function AppShell({ items, user, farms, selectedFarmId, farmLocked, openAlerts, children }: ShellProps) {
  const pathname = usePathname();
  const router = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);
  const [userOpen, setUserOpen] = useState(false);
  const [switching, startSwitch] = useTransition();

  const nav = (
    <nav aria-label="Main" className="flex flex-col gap-0.5 p-3">
      {items.map((item, index) => (
        <div key={item.href}>
          {item.section === "admin" && items[index - 1]?.section !== "admin" ? (
            <p className="mt-4 mb-1 px-3 text-xs font-semibold tracking-wide text-brand-100/70 uppercase">Administration</p>
          ) : null}
          <Link
            href={item.href}
            onClick={() => setMenuOpen(false)}
            aria-current={isActive(pathname, item.href) ? "page" : undefined}
            title={item.href === "/alerts" && openAlerts.count > 0 ? alertCountText(openAlerts) : undefined}
            className={`flex items-center gap-3 rounded-md px-3 py-2 text-sm ${isActive(pathname, item.href) ? "bg-white/15 font-medium text-white" : "text-brand-50/90 hover:bg-white/10"}`}
          >
            <Icon path={item.icon} />
            {item.label}
            {item.href === "/alerts" ? <AlertCount openAlerts={openAlerts} className="ml-auto" /> : null}
          </Link>
        </div>
      ))}
    </nav>
  );

  return (
    <div className="min-h-screen lg:flex">
      <aside className="hidden w-64 shrink-0 bg-brand-900 lg:block">
        <Link href="/" className="flex items-center gap-2 px-5 py-4 text-white">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/icon.svg" alt="" width={28} height={28} />
          <span className="font-semibold">Smart Dairy</span>
        </Link>
        {nav}
      </aside>

      {menuOpen ? (
        <div className="fixed inset-0 z-40 lg:hidden" role="dialog" aria-modal="true" aria-label="Navigation">
          <button type="button" className="absolute inset-0 bg-black/40" aria-label="Close menu" onClick={() => setMenuOpen(false)} />
          <aside className="absolute inset-y-0 left-0 w-72 overflow-y-auto bg-brand-900">
            <div className="flex items-center justify-between px-5 py-4 text-white">
              <span className="font-semibold">Smart Dairy</span>
              <button type="button" onClick={() => setMenuOpen(false)} aria-label="Close menu" className="rounded p-1 hover:bg-white/10">
                <Icon path="M6 6l12 12M18 6L6 18" />
              </button>
            </div>
            {nav}
          </aside>
        </div>
      ) : null}

      <div className="min-w-0 flex-1">
        <header className="sticky top-0 z-30 flex items-center gap-2 border-b border-stone-200 bg-white/95 px-3 py-2 backdrop-blur sm:px-6">
          <button type="button" className="rounded-md p-2 text-stone-700 hover:bg-stone-100 lg:hidden" onClick={() => setMenuOpen(true)} aria-label="Open menu">
            <Icon path="M4 6h16M4 12h16M4 18h16" />
          </button>
          <label className="flex min-w-0 items-center gap-2 text-sm text-stone-600">
            <span className="hidden sm:inline">Farm</span>
            <select
              aria-label="Farm"
              className="max-w-[11rem] truncate rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm text-stone-900 sm:max-w-xs"
              value={selectedFarmId ?? 0}
              disabled={farmLocked || switching}
              onChange={(event) => {
                const value = event.target.value;
                startSwitch(async () => {
                  await selectFarm(value);
                  router.refresh();
                });
              }}
            >
              {farmLocked ? null : <option value={0}>All farms</option>}
              {farms.map((farm) => (
                <option key={farm.id} value={farm.id}>
                  {farm.name}
                </option>
              ))}
            </select>
          </label>
          {openAlerts.count > 0 ? (
            // On a phone the sidebar is behind the menu: the count stays in sight in the header.
            <Link href="/alerts" className="ml-auto flex items-center gap-1 rounded-md px-2 py-1.5 text-sm text-stone-700 hover:bg-stone-100 lg:hidden">
              <Icon path="M12 4l9 16H3zM12 10v4M12 17v.5" />
              <span className="sr-only">Alerts</span>
              <AlertCount openAlerts={openAlerts} announce />
            </Link>
          ) : null}
          <div className={`relative ${openAlerts.count === 0 ? "ml-auto" : "lg:ml-auto"}`}>
            <button type="button" onClick={() => setUserOpen((open) => !open)} aria-expanded={userOpen} aria-haspopup="menu" className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-stone-100">
              <span className="flex h-8 w-8 items-center justify-center rounded-full bg-brand-100 font-medium text-brand-800">{user.name.slice(0, 1)}</span>
              <span className="hidden text-left sm:block">
                <span className="block leading-tight font-medium">{user.name}</span>
                <span className="block text-xs leading-tight text-stone-500">{user.roleLabel}</span>
              </span>
            </button>
            {userOpen ? (
              <div role="menu" className="absolute right-0 mt-1 w-60 rounded-lg border border-stone-200 bg-white p-1 shadow-lg">
                <div className="border-b border-stone-100 px-3 py-2 text-sm">
                  <p className="font-medium">{user.name}</p>
                  <p className="truncate text-stone-500">{user.email}</p>
                  <p className="text-stone-500">{user.roleLabel}</p>
                </div>
                <button type="button" role="menuitem" onClick={() => signOut({ callbackUrl: "/login" })} className="mt-1 w-full rounded-md px-3 py-2 text-left text-sm hover:bg-stone-100">
                  Sign out
                </button>
              </div>
            ) : null}
          </div>
        </header>
        <main className="mx-auto max-w-7xl px-3 py-5 sm:px-6 sm:py-6">{children}</main>
      </div>
    </div>
  );
}
