import Link from "next/link";

type Tab = "calendar" | "list" | "plans" | "today";

/** The maintenance area's views, one row of links; the current one is marked for screen readers too. */
export function MaintenanceTabs({ current, showToday }: { current: Tab; showToday: boolean }) {
  const tabs: { key: Tab; href: string; label: string }[] = [
    ...(showToday ? [{ key: "today" as const, href: "/maintenance/today", label: "My work today" }] : []),
    { key: "calendar", href: "/maintenance", label: "Calendar" },
    { key: "list", href: "/maintenance/list", label: "List" },
    { key: "plans", href: "/maintenance/plans", label: "Plans" },
  ];
  return (
    <nav aria-label="Maintenance views" className="-mx-1 mb-4 overflow-x-auto">
      <ul className="flex min-w-max gap-1 border-b border-stone-200 px-1">
        {tabs.map((tab) => (
          <li key={tab.key}>
            <Link
              href={tab.href}
              aria-current={tab.key === current ? "page" : undefined}
              className={`-mb-px inline-flex min-h-11 items-center border-b-2 px-3 text-sm font-medium ${tab.key === current ? "border-brand-700 text-brand-800" : "border-transparent text-stone-600 hover:border-stone-300 hover:text-stone-900"}`}
            >
              {tab.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
