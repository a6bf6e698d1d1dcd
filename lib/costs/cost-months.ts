/**
 * The calendar months the cost reports are made of, in UTC: a month is [its first day 00:00, the
 * next month's first day), and the current month runs only to now ("month to date").
 */
import { z } from "zod";

export type CostMonth = {
  /** "2026-11" */
  period: string;
  /** First instant of the month. */
  start: Date;
  /** First instant of the next month. */
  end: Date;
  /** Where the month's figures stop: its end, or now for the current month. */
  until: Date;
  /** The current month, counted to date. */
  current: boolean;
};

export function monthStart(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

export function addMonths(start: Date, months: number): Date {
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1));
}

export function periodOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

export function costMonth(start: Date, now: Date): CostMonth {
  const first = monthStart(start);
  const end = addMonths(first, 1);
  const current = now >= first && now < end;
  return { period: periodOf(first), start: first, end, until: current ? now : end, current };
}

/** The `count` months that end with the current one, oldest first. */
export function lastMonths(now: Date, count: number): CostMonth[] {
  const current = monthStart(now);
  return Array.from({ length: count }, (_, index) => costMonth(addMonths(current, index - (count - 1)), now));
}

/** Hours from `start` to `until` of a month: its length, or so far for the current month. */
export function hoursOf(month: CostMonth): number {
  return (month.until.getTime() - month.start.getTime()) / 3_600_000;
}

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** `?month=YYYY-MM`: a month that has begun (the forecast covers the ones to come). */
export function parseMonth(value: string, now: Date): CostMonth | string {
  if (!MONTH_PATTERN.test(value)) return "Use the format YYYY-MM, e.g. 2026-11";
  const start = new Date(`${value}-01T00:00:00Z`);
  if (start.getUTCFullYear() < 2000) return "Pick a month from the year 2000 on";
  if (start > now) return `${value} has not begun yet: see the forecast for the months to come`;
  return costMonth(start, now);
}

export const costSummaryQuery = z.object({
  farm: z.coerce.number({ error: "Pick a farm from the list" }).int("Pick a farm from the list").positive("Pick a farm from the list").max(2_147_483_647, "Pick a farm from the list").optional(),
  month: z.string().regex(MONTH_PATTERN, "Use the format YYYY-MM, e.g. 2026-11").optional().describe("The month, YYYY-MM (UTC); default: the current month, to date"),
});

export const costForecastQuery = z.object({
  farm: costSummaryQuery.shape.farm,
  months: z.coerce.number({ error: "months must be a number from 3 to 6" }).int("months must be a whole number").min(3, "months must be from 3 to 6").max(6, "months must be from 3 to 6").default(3).describe("How many months ahead, 3 to 6"),
});

export const costHistoryQuery = z.object({ farm: costSummaryQuery.shape.farm });
