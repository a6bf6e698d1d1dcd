/**
 * When a plan's work falls: startsOn, then every N days, weeks or months, until endsOn
 * (inclusive). The k-th date is always counted from startsOn, never from the previous date, so a
 * plan starting on 31 January falls on 28 (29) February, 31 March, 30 April… rather than drifting
 * to the 28th for good. Months clamp to the month's last day (date-fns addMonths).
 *
 * Days are calendar days held as Dates at UTC midnight (Prisma's @db.Date). date-fns counts in the
 * process's local time, so each date goes through a local calendar date and back: correct on a
 * server in any time zone, across daylight-saving changes.
 */
import { addDays, addMonths, addWeeks } from "date-fns";
import type { RecurrenceUnitName } from "./maintenance-fields";

export type Recurrence = {
  startsOn: Date;
  endsOn: Date | null;
  /** null (with everyUnit null): one-off, on startsOn. */
  everyCount: number | null;
  everyUnit: RecurrenceUnitName | null;
};

const DAY = 86_400_000;

/** A Date at UTC midnight of the same calendar day. */
export function utcDate(value: Date): Date {
  return new Date(Date.UTC(value.getUTCFullYear(), value.getUTCMonth(), value.getUTCDate()));
}

/** "YYYY-MM-DD" of a day held at UTC midnight. */
export function isoDay(value: Date): string {
  return value.toISOString().slice(0, 10);
}

export function parseDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

function step(start: Date, unit: RecurrenceUnitName, amount: number): Date {
  const local = new Date(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  const moved = unit === "days" ? addDays(local, amount) : unit === "weeks" ? addWeeks(local, amount) : addMonths(local, amount);
  return new Date(Date.UTC(moved.getFullYear(), moved.getMonth(), moved.getDate()));
}

export function isRecurring(plan: Pick<Recurrence, "everyCount" | "everyUnit">): plan is { everyCount: number; everyUnit: RecurrenceUnitName } {
  return plan.everyCount !== null && plan.everyUnit !== null && plan.everyCount > 0;
}

/** The k-th date of the plan (k = 0 is startsOn), ignoring endsOn. */
export function nthDate(plan: Recurrence, k: number): Date {
  const start = utcDate(plan.startsOn);
  if (!isRecurring(plan) || k === 0) return start;
  return step(start, plan.everyUnit, plan.everyCount * k);
}

/** A first guess of the index of the first date on or after `day`, never past it. */
function firstIndexGuess(plan: Recurrence & { everyCount: number; everyUnit: RecurrenceUnitName }, day: Date): number {
  const days = (utcDate(day).getTime() - utcDate(plan.startsOn).getTime()) / DAY;
  if (days <= 0) return 0;
  const unitDays = plan.everyUnit === "days" ? 1 : plan.everyUnit === "weeks" ? 7 : 31;
  return Math.max(0, Math.floor(days / (unitDays * plan.everyCount)) - 1);
}

/**
 * The plan's dates from `from` to `to`, both inclusive (and never after endsOn), at most `limit`.
 * A one-off plan has its one date if it is in the range.
 */
export function datesBetween(plan: Recurrence, from: Date, to: Date, limit = 1_000): Date[] {
  const lo = utcDate(from).getTime();
  const end = plan.endsOn ? Math.min(utcDate(to).getTime(), utcDate(plan.endsOn).getTime()) : utcDate(to).getTime();
  if (!isRecurring(plan)) {
    const only = utcDate(plan.startsOn).getTime();
    return only >= lo && only <= end ? [new Date(only)] : [];
  }
  const dates: Date[] = [];
  for (let k = firstIndexGuess(plan, from); dates.length < limit; k += 1) {
    const date = nthDate(plan, k);
    if (date.getTime() > end) break;
    if (date.getTime() >= lo) dates.push(date);
  }
  return dates;
}

/** The first date of the plan on or after `day` (and not after endsOn); null when there is none. */
export function firstOnOrAfter(plan: Recurrence, day: Date): Date | null {
  const end = plan.endsOn ? utcDate(plan.endsOn) : new Date(8.64e15);
  return datesBetween(plan, day, end, 1)[0] ?? null;
}

/** "once on 2027-01-01", "every 3 months", "every day", "every 2 weeks". */
export function rhythmLabel(plan: Pick<Recurrence, "everyCount" | "everyUnit">): string {
  if (!isRecurring(plan)) return "once";
  const unit = plan.everyCount === 1 ? plan.everyUnit.slice(0, -1) : plan.everyUnit;
  return plan.everyCount === 1 ? `every ${unit}` : `every ${plan.everyCount} ${unit}`;
}
