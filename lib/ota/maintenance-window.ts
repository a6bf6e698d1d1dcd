/**
 * A farm's maintenance window ("02:00–06:00, Tue–Thu, Europe/Dublin"; I-013 §4.2 schedule): updates
 * are only sent inside it, so a milk meter never reboots during milking. Times are wall-clock in the
 * window's own time zone (daylight saving included); a window may cross midnight (22:00–04:00),
 * in which case it belongs to the day it starts on.
 */
import { z } from "zod";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use 24-hour time, e.g. 02:00");

export const maintenanceWindowSchema = z
  .object({
    start: clock,
    end: clock,
    days: z.array(z.enum(WEEKDAYS)).min(1, "Pick at least one day").default([...WEEKDAYS]),
    timeZone: z.string().refine((zone) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, "Unknown time zone"),
  })
  .refine((window) => window.start !== window.end, { message: "Start and end must differ", path: ["end"] });
export type MaintenanceWindow = z.output<typeof maintenanceWindowSchema>;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The weekday and minute of the day of `at` on the window's wall clock. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(at: Date, timeZone: string): { day: Weekday; minute: number } {
  // One formatter per zone: making one costs far more than using it, and the engine asks every tick.
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  return { day: get("weekday").toLowerCase().slice(0, 3) as Weekday, minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

const previousDay = (day: Weekday): Weekday => WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;

export function insideWindow(window: MaintenanceWindow | null | undefined, at: Date): boolean {
  if (!window) return true;
  const { day, minute } = wallClock(at, window.timeZone);
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start < end) return window.days.includes(day) && minute >= start && minute < end;
  // Across midnight: the evening part is on a listed day, the morning part follows a listed day.
  return (minute >= start && window.days.includes(day)) || (minute < end && window.days.includes(previousDay(day)));
}

/** The next moment the window is open at or after `from` (minute resolution), or `from` itself. */
export function nextWindowOpening(window: MaintenanceWindow | null | undefined, from: Date): Date {
  if (!window || insideWindow(window, from)) return from;
  // A closed window opens when the wall clock reads its start (or, in a daylight-saving gap, at the
  // first minute after). Zones are offset from UTC by whole quarters of an hour, so those moments fall
  // on the UTC minutes congruent to the start's minute modulo 15: a week and a day of such quarters is
  // 768 checks instead of 11,520 minutes, and still exact across DST changes.
  const minute = 60_000;
  const first = Math.ceil(from.getTime() / minute) * minute;
  const phase = (((minutesOf(window.start) - new Date(first).getUTCMinutes()) % 15) + 15) % 15;
  for (let t = first + phase * minute; t < first + 8 * 24 * 60 * minute; t += 15 * minute) {
    if (insideWindow(window, new Date(t))) return new Date(t);
  }
  return from;
}
