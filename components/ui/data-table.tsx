import type { ReactNode } from "react";

export type Column = { label: string; align?: "right" };

/**
 * The bordered, horizontally scrollable table every list uses; rows are the caller's. The scroller
 * is a keyboard stop (WCAG 2.1.1): on a phone the columns past the edge are reached with the arrow keys.
 */
export function DataTable({ columns, minWidth, className = "", label = "Table", children }: { columns: Column[]; minWidth: number; className?: string; label?: string; children: ReactNode }) {
  return (
    <div className={`overflow-x-auto rounded-xl border border-stone-200 bg-white shadow-sm ${className}`} tabIndex={0} role="region" aria-label={label}>
      <table className="w-full text-sm" style={{ minWidth }}>
        <thead className="bg-stone-50 text-left text-xs tracking-wide text-stone-500 uppercase">
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={`px-3 py-2 ${column.align === "right" ? "text-right" : ""}`}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">{children}</tbody>
      </table>
    </div>
  );
}
