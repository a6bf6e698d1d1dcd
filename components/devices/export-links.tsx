/**
 * The devices export with its format choice: CSV (the default, the wide button) or an Excel
 * workbook beside it. Both download the same columns (lib/devices/device-export.ts).
 */
export function ExportLinks({ href, label, excelLabel, excelTitle, size = "md" }: { href: string; label: string; excelLabel: string; excelTitle: string; size?: "sm" | "md" }) {
  const join = href.includes("?") ? "&" : "?";
  const pad = size === "sm" ? "px-3 py-1" : "px-3 py-1.5";
  return (
    <span className="inline-flex rounded-md shadow-xs" role="group" aria-label={label}>
      <a href={href} download className={`rounded-l-md border border-stone-300 bg-white ${pad} text-sm font-medium text-stone-800 hover:bg-stone-50`}>
        {label}
      </a>
      <a href={`${href}${join}format=xlsx`} download title={excelTitle} className={`-ml-px rounded-r-md border border-stone-300 bg-white ${pad} text-sm font-medium text-stone-800 hover:bg-stone-50`}>
        {excelLabel}
      </a>
    </span>
  );
}
