/**
 * The growing delay shared by the sign-in and device-claim throttles: the first `free` failures
 * cost nothing, then each further one doubles the wait after the latest failure, up to a cap. A
 * guesser is slowed to a few tries an hour; nobody is locked out for good by someone else.
 */
import { RateLimitedError } from "../errors";

export const FIRST_DELAY_MS = 5_000;
export const MAX_DELAY_MS = 15 * 60 * 1000;

/** How long from now until the next attempt may be made (0: now). */
export function growingDelayMs(failures: number, latest: Date | null, free: number, now = Date.now()): number {
  if (failures < free || !latest) return 0;
  const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(failures - free, 20));
  return Math.max(0, latest.getTime() + delay - now);
}

export function retryMessage(what: string, waitMs: number): string {
  const seconds = Math.ceil(waitMs / 1000);
  const when = seconds < 90 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minutes`;
  return `${what} Try again in ${when}.`;
}

const attemptsInFlight = new Set<string>();

/**
 * The delays count failures already written, so attempts sent at once would all pass the same
 * count: one attempt per key (account or device, and address) at a time in this process closes
 * that; the others are refused at once.
 */
export async function oneAttemptAtATime<T>(key: string, busyMessage: string, attempt: () => Promise<T>): Promise<T> {
  if (attemptsInFlight.has(key)) throw new RateLimitedError(busyMessage, 1);
  attemptsInFlight.add(key);
  try {
    return await attempt();
  } finally {
    attemptsInFlight.delete(key);
  }
}
