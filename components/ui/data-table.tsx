import type { ReactNode } from "react";

export type Column = { label: string; align?: "right" };

/** The bordered, horizontally scrollable table every list uses; rows are the caller's. */
export function DataTable({ columns, minWidth, className = "", children }: { columns: Column[]; minWidth: number; className?: string; children: ReactNode }) {
  return (
    <div className={`overflow-x-auto rounded-xl border border-stone-200 bg-white shadow-sm ${className}`}>
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
