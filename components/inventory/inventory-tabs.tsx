"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { href: "/inventory", label: "Overview" },
  { href: "/inventory/stock", label: "Stock" },
  { href: "/inventory/transfers", label: "Transfers" },
  { href: "/inventory/warranty", label: "Warranty" },
] as const;

/** The area's tabs; the current one is marked for screen readers too (aria-current). */
export function InventoryTabs() {
  const pathname = usePathname();
  const current = (href: string) => (href === "/inventory" ? pathname === href : pathname === href || pathname.startsWith(`${href}/`));
  return (
    <nav aria-label="Warranty and inventory" className="-mx-1 mb-5 overflow-x-auto border-b border-stone-200">
      <ul className="flex min-w-max gap-1 px-1">
        {TABS.map((tab) => {
          const active = current(tab.href);
          return (
            <li key={tab.href}>
              <Link
                href={tab.href}
                aria-current={active ? "page" : undefined}
                className={`-mb-px inline-block border-b-2 px-3 py-2 text-sm font-medium ${active ? "border-brand-600 text-brand-700" : "border-transparent text-stone-600 hover:border-stone-300 hover:text-stone-900"}`}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
