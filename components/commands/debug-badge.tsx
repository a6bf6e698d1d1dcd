/** Debug logging on (I-013 §7.2): the level and when the app ends it, in the farm's clock. */
export function debugActive(device: { debugLevel: string | null; debugUntil: Date | string | null }, now = new Date()): boolean {
  if (!device.debugLevel || device.debugLevel === "info") return false;
  return !device.debugUntil || new Date(device.debugUntil).getTime() > now.getTime();
}

export function debugUntilText(until: Date | string | null, timeZone: string): string | null {
  if (!until) return null;
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit" }).format(new Date(until));
  } catch {
    return new Date(until).toISOString().slice(11, 16);
  }
}

/** "Debug: verbose until 14:30" on the device page; the list's chip says only "Debug". */
export function DebugBadge({ level, until, timeZone, compact = false }: { level: string; until: Date | string | null; timeZone: string; compact?: boolean }) {
  const time = debugUntilText(until, timeZone);
  return (
    <span className="inline-flex items-center gap-1 rounded-full bg-violet-100 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-violet-900" data-testid="debug-badge" title={compact && time ? `Debug logging (${level}) until ${time}` : undefined}>
      <span aria-hidden>⚙</span>
      {compact ? `Debug` : `Debug: ${level}${time ? ` until ${time}` : ""}`}
    </span>
  );
}
