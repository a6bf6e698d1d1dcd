import type { LogLevel, LogLine } from "@/lib/commands/log-lines";

/** Level shown as a word and a colour (never colour alone), as the health badges do. */
const LEVEL_CLASS: Record<LogLevel, string> = {
  ERROR: "bg-red-100 text-red-800",
  WARN: "bg-amber-100 text-amber-900",
  INFO: "bg-stone-100 text-stone-700",
  DEBUG: "bg-sky-50 text-sky-800",
  TRACE: "bg-stone-50 text-stone-500",
};

/** Log lines in monospace that wrap (a 390 px phone shows whole lines, no sideways scrolling). */
export function LogLinesView({ lines }: { lines: LogLine[] }) {
  return (
    <ol className="divide-y divide-stone-100 rounded-xl border border-stone-200 bg-white font-mono text-xs leading-5 shadow-sm">
      {lines.map((line) => (
        <li key={line.n} className={`flex gap-2 px-2 py-1 ${line.level === "ERROR" ? "bg-red-50/60" : line.level === "WARN" ? "bg-amber-50/60" : ""}`}>
          <span className="w-10 shrink-0 text-right text-stone-500 select-none" aria-label={`line ${line.n}`}>
            {line.n}
          </span>
          <span className="min-w-0 flex-1 [overflow-wrap:anywhere] whitespace-pre-wrap text-stone-900">
            {line.time ? <span className="text-stone-500">{line.time.replace("T", " ").replace(/\.\d+Z$|Z$/, "")} </span> : null}
            {line.level ? <span className={`mr-1 inline-block rounded px-1 font-semibold ${LEVEL_CLASS[line.level]}`}>{line.level}</span> : null}
            {line.source ? <span className="font-semibold text-stone-700">{line.source}: </span> : null}
            {line.message}
          </span>
        </li>
      ))}
    </ol>
  );
}
