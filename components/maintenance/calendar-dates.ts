/**
 * The calendar's days. Work is planned for a calendar date (stored at UTC midnight), so the grid
 * counts in plain "YYYY-MM-DD" days with UTC arithmetic; only "today" depends on where the farm is:
 * at 00:30 in Amsterdam it is already tomorrow while UTC still says today.
 */

export type CalendarView = "month" | "week";

const DAY = 86_400_000;

export function isIsoDay(value: unknown): value is string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

export function dayToDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

export function dateToDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Today's date on the farm's clock. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    // en-CA writes dates as YYYY-MM-DD
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return dateToDay(now);
  }
}

export function addDays(day: string, days: number): string {
  return dateToDay(new Date(dayToDate(day).getTime() + days * DAY));
}

/** The same day of another month, kept inside that month (31 January + 1 month = 28/29 February). */
export function addMonths(day: string, months: number): string {
  const date = dayToDate(day);
  const first = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return dateToDay(new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(date.getUTCDate(), lastDay))));
}

/** Monday of the day's week (farms in Europe start the week on Monday, ISO 8601). */
export function startOfWeek(day: string): string {
  const weekday = (dayToDate(day).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

export function startOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** The days a view shows: whole weeks, Monday first; a month view also shows the days around it. */
export function calendarDays(view: CalendarView, day: string): string[] {
  if (view === "week") {
    const monday = startOfWeek(day);
    return Array.from({ length: 7 }, (_, index) => addDays(monday, index));
  }
  const first = startOfMonth(day);
  const start = startOfWeek(first);
  const nextMonth = addMonths(first, 1);
  const days: string[] = [];
  for (let current = start; current < nextMonth || days.length % 7 !== 0; current = addDays(current, 1)) days.push(current);
  return days;
}

/** The day the previous / next button opens. */
export function shiftView(view: CalendarView, day: string, direction: 1 | -1): string {
  return view === "week" ? addDays(startOfWeek(day), 7 * direction) : addMonths(startOfMonth(day), direction);
}

/** "December 2026" or "30 Nov – 6 Dec 2026". */
export function viewTitle(view: CalendarView, day: string): string {
  if (view === "month") return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "long", year: "numeric" }).format(dayToDate(day));
  const days = calendarDays("week", day);
  const first = dayToDate(days[0]!);
  const last = dayToDate(days[6]!);
  const short = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short" });
  const long = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });
  return `${short.format(first)} – ${long.format(last)}`;
}

export function weekdayLabel(day: string, style: "short" | "long" = "short"): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: style }).format(dayToDate(day));
}

export function dayOfMonth(day: string): number {
  return Number(day.slice(8, 10));
}

/** "Thu 3 Dec" — a planned day, as the lists and cards write it. */
export function shortDay(day: string | Date): string {
  const date = typeof day === "string" ? dayToDate(day) : day;
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(date);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayToDate(to).getTime() - dayToDate(from).getTime()) / DAY);
}
