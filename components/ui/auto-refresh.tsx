"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/** Re-renders the server page every few seconds while the tab is visible: live without a reload. */
export function AutoRefresh({ seconds = 10 }: { seconds?: number }) {
  const router = useRouter();
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
      Live · refreshes every {seconds} s{updated ? ` · last ${updated.toLocaleTimeString()}` : ""}
    </p>
  );
}
