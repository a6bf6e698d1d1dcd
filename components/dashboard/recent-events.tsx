import Link from "next/link";
import { useTranslations } from "next-intl";
import { Card } from "@/components/ui/card";
import { TimeAgo } from "@/components/ui/time-ago";
import type { RecentEvent } from "@/lib/dashboard/dashboard-feed";

const TONE = {
  good: { icon: "●", className: "text-green-700" },
  warn: { icon: "▲", className: "text-amber-700" },
  bad: { icon: "■", className: "text-red-700" },
  neutral: { icon: "○", className: "text-stone-500" },
} as const;

/** "What changed since yesterday": alerts raised and cleared, devices gone silent, edits. */
export function RecentEvents({ events }: { events: RecentEvent[] }) {
  const t = useTranslations("dashboard");
  return (
    <Card title={t("sinceYesterday")}>
      {events.length === 0 ? (
        <p className="text-sm text-stone-600">{t("nothingChanged")}</p>
      ) : (
        <ul className="divide-y divide-stone-100" data-testid="recent-events">
          {events.map((event, index) => {
            const body = (
              <>
                <span className="flex min-w-0 items-start gap-2">
                  <span aria-hidden className={`mt-0.5 shrink-0 text-xs ${TONE[event.tone].className}`}>
                    {TONE[event.tone].icon}
                  </span>
                  <span className="min-w-0">
                    <span className="block text-stone-900">{event.title}</span>
                    {event.detail ? <span className="block truncate text-xs text-stone-600">{event.detail}</span> : null}
                  </span>
                </span>
                <span className="shrink-0 text-xs text-stone-500">
                  <TimeAgo date={event.at} />
                </span>
              </>
            );
            return (
              <li key={`${event.kind}-${event.at.getTime()}-${index}`}>
                {event.href ? (
                  <Link href={event.href} className="flex items-start justify-between gap-3 py-2 text-sm hover:bg-stone-50">
                    {body}
                  </Link>
                ) : (
                  <div className="flex items-start justify-between gap-3 py-2 text-sm">{body}</div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
