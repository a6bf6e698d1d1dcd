import Link from "next/link";

type Sort = { label: string; href: string; active: boolean; dir: "asc" | "desc" };

/** A column title that sorts the list by it; a second click reverses the order. */
export function SortLink({ label, href, active, dir }: Sort) {
  return (
    <Link href={href} scroll={false} className={`inline-flex min-h-6 min-w-6 items-center gap-1 hover:text-stone-900 ${active ? "text-stone-900" : ""}`}>
      {label}
      <span aria-hidden className={active ? "" : "text-stone-300"}>
        {active ? (dir === "asc" ? "▲" : "▼") : "↕"}
      </span>
    </Link>
  );
}

/** A column header with one sort, or several (the device column sorts by id or by name). */
export function SortHeader({ sorts, align, className = "" }: { sorts: Sort[]; align?: "right"; className?: string }) {
  const active = sorts.find((sort) => sort.active);
  return (
    <th scope="col" className={`px-3 py-1 whitespace-nowrap ${align === "right" ? "text-right" : ""} ${className}`} aria-sort={active ? (active.dir === "asc" ? "ascending" : "descending") : undefined}>
      <span className={sorts.length > 1 ? "flex flex-col gap-0.5" : "inline-flex"}>
        {sorts.map((sort) => (
          <SortLink key={sort.label} {...sort} />
        ))}
      </span>
    </th>
  );
}
