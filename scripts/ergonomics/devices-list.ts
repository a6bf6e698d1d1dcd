/**
 * The devices list for a person who lives in it (issue 21): how many devices fit above the fold at
 * 1366 × 900 in each density, and the list's largest contentful paint on the production build.
 */
import type { Page } from "@playwright/test";
import { atLeast, atMost, median, shown, type ErgonomicsMeasure } from "./measure";

const DESKTOP = { width: 1366, height: 900 };
const LCP_RUNS = Number(process.env.BENCH_LCP_RUNS ?? 7);

/** Table rows wholly inside the viewport: what a person sees without scrolling. */
async function rowsAboveTheFold(page: Page): Promise<number> {
  await page.locator("table [data-list-row]").first().waitFor();
  return page.evaluate(() => {
    const height = window.innerHeight;
    return [...document.querySelectorAll("table [data-list-row]")].filter((row) => {
      const box = row.getBoundingClientRect();
      return box.height > 0 && box.top >= 0 && box.bottom <= height;
    }).length;
  });
}

export const devicesAboveTheFold: ErgonomicsMeasure = {
  name: "devices list above the fold",
  async run({ signedIn }) {
    const { context, page } = await signedIn(DESKTOP);
    await page.goto("/devices?density=comfortable");
    const comfortable = await rowsAboveTheFold(page);
    await page.goto("/devices?density=compact");
    const compact = await rowsAboveTheFold(page);
    await context.close();
    return [shown("devices above the fold, 1366 × 900, comfortable", comfortable, "rows"), atLeast("devices above the fold, 1366 × 900, compact", compact, "rows", 20)];
  },
};

/**
 * LCP of a fresh navigation to /devices (server render included), the median of LCP_RUNS, after
 * one warm-up; read from the browser's own largest-contentful-paint entries.
 */
export const devicesListPaint: ErgonomicsMeasure = {
  name: "devices list largest contentful paint",
  async run({ signedIn }) {
    const { context, page } = await signedIn(DESKTOP);
    await context.addInitScript(() => {
      const w = window as unknown as { __lcp: number };
      w.__lcp = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__lcp = entry.startTime;
      }).observe({ type: "largest-contentful-paint", buffered: true });
    });
    const paints: Record<string, number[]> = { comfortable: [], compact: [] };
    for (const density of ["comfortable", "compact"] as const) {
      for (let run = 0; run <= LCP_RUNS; run++) {
        const fresh = await context.newPage();
        await fresh.goto(`/devices?density=${density}`, { waitUntil: "load" });
        await fresh.locator("table [data-list-row]").first().waitFor();
        await fresh.waitForTimeout(300);
        // LCP stops at the first input; a click on nothing ends it the way a person's first click would
        const lcp = await fresh.evaluate(() => (window as unknown as { __lcp: number }).__lcp);
        if (run > 0) paints[density]!.push(lcp / 1000);
        await fresh.close();
      }
    }
    await page.close();
    await context.close();
    return [
      atMost("devices list LCP (comfortable), median", Number(median(paints.comfortable!).toFixed(2)), "s", 1.0),
      atMost("devices list LCP (compact), median", Number(median(paints.compact!).toFixed(2)), "s", 1.0),
    ];
  },
};
