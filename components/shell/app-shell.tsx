"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState, useTransition, type ReactNode } from "react";
import { NotificationBell } from "@/components/notifications/notification-bell";
import { ModalDialog } from "@/components/ui/modal-dialog";
import { selectFarm } from "./actions";
import { NAV_LABEL_KEY, type NavItem } from "./nav-items";

type ShellProps = {
  items: NavItem[];
  user: { name: string; email: string; roleLabel: string };
  farms: { id: number; name: string }[];
  selectedFarmId: number | null;
  farmLocked: boolean;
  /** Open critical + warning alerts in the farm shown; red when any is critical. */
  openAlerts: { count: number; critical: number };
  /** Saved list views the person pinned (lib/list-views), in their order. */
  favourites?: { id: number; name: string; href: string }[];
  children: ReactNode;
};

function Icon({ path }: { path: string }) {
  return (
    <svg viewBox="0 0 24 24" className="h-5 w-5 shrink-0" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={path} />
    </svg>
  );
}

type Translate = ReturnType<typeof useTranslations<"shell">>;

function alertCountText(t: Translate, openAlerts: ShellProps["openAlerts"]) {
  return t("openAlerts", { count: openAlerts.count, critical: openAlerts.critical });
}

/**
 * The count beside "Alerts": colour and a ! for the critical case, and words for screen readers —
 * spoken here (`announce`), or as the nav link's description so the link is still named "Alerts".
 */
function AlertCount({ openAlerts, className = "", announce = false }: { openAlerts: ShellProps["openAlerts"]; className?: string; announce?: boolean }) {
  const t = useTranslations("shell");
  if (openAlerts.count === 0) return null;
  const critical = openAlerts.critical > 0;
  const title = alertCountText(t, openAlerts);
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

/** Pinned saved views: a view is its URL, so the one open is the one whose query is the page's. */
function Favourites({ favourites, onOpen }: { favourites: NonNullable<ShellProps["favourites"]>; onOpen: () => void }) {
  const t = useTranslations("lists");
  const searchParams = useSearchParams();
  const open = searchParams.get("savedView");
  return (
    <div data-testid="favourites">
      <p className="mt-4 mb-1 px-3 text-xs font-semibold tracking-wide text-brand-100/70 uppercase">{t("favourites")}</p>
      {favourites.map((view) => (
        <Link
          key={view.id}
          href={view.href}
          onClick={onOpen}
          aria-current={open === String(view.id) ? "page" : undefined}
          title={view.name}
          className={`flex items-center gap-3 rounded-md px-3 py-1.5 text-sm ${open === String(view.id) ? "bg-white/15 font-medium text-white" : "text-brand-50/90 hover:bg-white/10"}`}
        >
          <span aria-hidden className="w-5 text-center">★</span>
          <span className="truncate">{view.name}</span>
        </Link>
      ))}
    </div>
  );
}

function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

export function AppShell({ items, user, farms, selectedFarmId, farmLocked, openAlerts, favourites = [], children }: ShellProps) {
  const pathname = usePathname();
  const router = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);
  const [userOpen, setUserOpen] = useState(false);
  const [switching, startSwitch] = useTransition();
  const t = useTranslations("shell");
  const tNav = useTranslations("nav");
  const label = (item: NavItem) => {
    const key = NAV_LABEL_KEY[item.href];
    return key && tNav.has(key) ? tNav(key) : item.label;
  };

  const nav = (
    <nav aria-label={t("mainNav")} className="flex flex-col gap-0.5 p-3">
      {items.map((item, index) => (
        <div key={item.href}>
          {item.section === "admin" && items[index - 1]?.section !== "admin" ? (
            <p className="mt-4 mb-1 px-3 text-xs font-semibold tracking-wide text-brand-100/70 uppercase">{t("administration")}</p>
          ) : null}
          <Link
            href={item.href}
            onClick={() => setMenuOpen(false)}
            aria-current={isActive(pathname, item.href) ? "page" : undefined}
            title={item.href === "/alerts" && openAlerts.count > 0 ? alertCountText(t, openAlerts) : undefined}
            className={`flex items-center gap-3 rounded-md px-3 py-2 text-sm ${isActive(pathname, item.href) ? "bg-white/15 font-medium text-white" : "text-brand-50/90 hover:bg-white/10"}`}
          >
            <Icon path={item.icon} />
            {label(item)}
            {item.href === "/alerts" ? <AlertCount openAlerts={openAlerts} className="ml-auto" /> : null}
          </Link>
        </div>
      ))}
      {favourites.length ? <Favourites favourites={favourites} onOpen={() => setMenuOpen(false)} /> : null}
    </nav>
  );

  return (
    <div className="min-h-screen lg:flex">
      <aside className="focus-on-dark hidden w-64 shrink-0 bg-brand-900 lg:block">
        <Link href="/" className="flex items-center gap-2 px-5 py-4 text-white">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src="/icon.svg" alt="" width={28} height={28} />
          <span className="font-semibold">Smart Dairy</span>
        </Link>
        {nav}
      </aside>

      {menuOpen ? (
        <ModalDialog label={t("navigation")} onClose={() => setMenuOpen(false)} closeOnBackdrop className="focus-on-dark m-0 h-dvh max-h-none w-72 overflow-y-auto bg-brand-900 lg:hidden">
          <div className="flex items-center justify-between px-5 py-4 text-white">
            <span className="font-semibold">Smart Dairy</span>
            <button type="button" onClick={() => setMenuOpen(false)} aria-label={t("closeMenu")} className="rounded p-1 hover:bg-white/10">
              <Icon path="M6 6l12 12M18 6L6 18" />
            </button>
          </div>
          {nav}
        </ModalDialog>
      ) : null}

      <div className="min-w-0 flex-1">
        <header className="sticky top-0 z-30 flex items-center gap-2 border-b border-stone-200 bg-white/95 px-3 py-2 backdrop-blur sm:px-6">
          <button type="button" className="rounded-md p-2 text-stone-700 hover:bg-stone-100 lg:hidden" onClick={() => setMenuOpen(true)} aria-label={t("openMenu")}>
            <Icon path="M4 6h16M4 12h16M4 18h16" />
          </button>
          {/* min-w-0 down to the select: on a phone a long farm name shrinks rather than pushing the badge and bell over it. */}
          <label className="flex min-w-0 shrink items-center gap-2 text-sm text-stone-600">
            <span className="hidden sm:inline">{t("farm")}</span>
            <select
              aria-label={t("farm")}
              className="w-full max-w-[8.5rem] min-w-0 truncate rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm text-stone-900 sm:max-w-xs"
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
              {farmLocked ? null : <option value={0}>{t("allFarms")}</option>}
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
              <span className="sr-only">{t("alerts")}</span>
              <AlertCount openAlerts={openAlerts} announce />
            </Link>
          ) : null}
          <NotificationBell className={openAlerts.count === 0 ? "ml-auto" : "lg:ml-auto"} />
          <div className="relative">
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
                <Link href="/profile" role="menuitem" onClick={() => setUserOpen(false)} className="mt-1 block w-full rounded-md px-3 py-2 text-left text-sm hover:bg-stone-100">
                  Profile
                </Link>
                <button type="button" role="menuitem" onClick={() => signOut({ callbackUrl: "/login" })} className="mt-1 w-full rounded-md px-3 py-2 text-left text-sm hover:bg-stone-100">
                  {t("signOut")}
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
