/**
 * The shape of an ergonomics measure (npm run bench:ergonomics): a function that drives the
 * production app in Chromium and returns labelled figures, each with its target and verdict.
 * A helper adds a measure by writing it in a file of its own here and appending it to
 * ERGONOMICS_MEASURES (scripts/ergonomics/index.ts).
 */
import type { Browser, BrowserContext, Page } from "@playwright/test";

export type Figure = {
  label: string;
  value: number;
  unit: string;
  /** e.g. "≥ 20", "≤ 1.0 s", "0"; null for a figure shown for comparison only. */
  target: string | null;
  /** null when there is no target. */
  pass: boolean | null;
};

export type MeasureContext = {
  browser: Browser;
  /** The production server, e.g. http://127.0.0.1:41234 */
  base: string;
  /** A new browser context (viewport given) signed in as the demo admin, or as `email`. */
  signedIn: (viewport: { width: number; height: number }, options?: { email?: string; isMobile?: boolean }) => Promise<{ context: BrowserContext; page: Page }>;
  log: (line: string) => void;
};

export type ErgonomicsMeasure = { name: string; run: (context: MeasureContext) => Promise<Figure[]> };

export const atLeast = (label: string, value: number, unit: string, target: number): Figure => ({ label, value, unit, target: `≥ ${target}`, pass: value >= target });
export const atMost = (label: string, value: number, unit: string, target: number): Figure => ({ label, value, unit, target: `≤ ${target}`, pass: value <= target });
export const shown = (label: string, value: number, unit: string): Figure => ({ label, value, unit, target: null, pass: null });

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
