import type { ReactNode } from "react";
import { EMPTY } from "./device-values";

/** One M92 field group as a compact card: a heading and a definition list. */
export function FieldCard({ title, id, children, className = "" }: { title: string; id?: string; children: ReactNode; className?: string }) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z]+/g, "-")}-heading`;
  return (
    <section id={id} aria-labelledby={headingId} className={`scroll-mt-4 rounded-xl border border-stone-200 bg-white p-4 shadow-sm ${className}`}>
      <h2 id={headingId} className="mb-2 text-sm font-semibold text-stone-700">
        {title}
      </h2>
      <dl className="divide-y divide-stone-100 text-sm">{children}</dl>
    </section>
  );
}

/** A label and its value; an empty value reads "—" rather than leaving a hole. */
export function Field({ label, children, hint }: { label: string; children?: ReactNode; hint?: string }) {
  const empty = children === null || children === undefined || children === "" || children === false || children === EMPTY;
  return (
    <div className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)] gap-3 py-1.5">
      <dt className="text-stone-500" title={hint}>
        {label}
      </dt>
      <dd className="min-w-0 break-words text-stone-900">{empty ? <span className="text-stone-500">{EMPTY}</span> : children}</dd>
    </div>
  );
}
