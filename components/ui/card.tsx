import Link from "next/link";
import type { ReactNode } from "react";

export function Card({ title, children, className = "" }: { title?: string; children: ReactNode; className?: string }) {
  return (
    <section className={`rounded-xl border border-stone-200 bg-white p-4 shadow-sm ${className}`}>
      {title ? <h2 className="mb-3 text-sm font-semibold text-stone-700">{title}</h2> : null}
      {children}
    </section>
  );
}

/** A headline number; with `href` it opens the list behind it (Odoo's smart button habit). */
export function Kpi({ label, value, hint, tone = "neutral", href }: { label: string; value: ReactNode; hint?: ReactNode; tone?: "neutral" | "good" | "warn" | "bad"; href?: string }) {
  const tones = { neutral: "text-stone-900", good: "text-brand-700", warn: "text-amber-700", bad: "text-red-700" };
  const body = (
    <>
      <p className="text-xs font-medium tracking-wide text-stone-500 uppercase">{label}</p>
      <p className={`mt-1 text-3xl font-semibold tabular-nums ${tones[tone]}`}>{value}</p>
      {hint ? <p className="mt-1 text-xs text-stone-500">{hint}</p> : null}
    </>
  );
  const frame = "block rounded-xl border border-stone-200 bg-white p-4 shadow-sm";
  return href ? (
    <Link href={href} className={`${frame} hover:border-brand-600 hover:shadow`}>
      {body}
    </Link>
  ) : (
    <div className={frame}>{body}</div>
  );
}
