"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the server page every `seconds` while something shown is still under way (a command
 * not yet answered, a batch not finished), and stops once all of it is final: the page stays
 * server-rendered and nothing polls an idle view.
 */
export function LiveRefresh({ active, seconds = 2, label = "Waiting for answers" }: { active: boolean; seconds?: number; label?: string }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") router.refresh();
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [active, router, seconds]);
  if (!active) return null;
  return (
    <p className="inline-flex items-center gap-1.5 text-xs text-stone-600" aria-live="polite" data-testid="live-refresh">
      <span className="inline-block size-2 animate-pulse rounded-full bg-sky-500" aria-hidden />
      {label} · updates every {seconds} s
    </p>
  );
}
