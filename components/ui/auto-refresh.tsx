"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/** Re-renders the server page every few seconds while the tab is visible: live without a reload. */
export function AutoRefresh({ seconds = 10 }: { seconds?: number }) {
  const router = useRouter();
  const t = useTranslations("common");
  const format = useFormatter();
  // Set after mounting: a time rendered on the server never matches the browser's clock to the second.
  const [updated, setUpdated] = useState<Date | null>(null);
  useEffect(() => {
    const mounted = setTimeout(() => setUpdated(new Date()), 0);
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") {
        router.refresh();
        setUpdated(new Date());
      }
    }, seconds * 1000);
    return () => {
      clearTimeout(mounted);
      clearInterval(timer);
    };
  }, [router, seconds]);
  return (
    <p className="text-xs text-stone-500" aria-live="polite">
      {t("live", { seconds })}
      {/* The person's clock (next-intl's time zone), to the second: it says the page is alive. */}
      {updated ? ` · ${t("lastRefresh", { time: format.dateTime(updated, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }) })}` : ""}
    </p>
  );
}
