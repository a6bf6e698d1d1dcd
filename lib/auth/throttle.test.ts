import { describe, expect, it } from "vitest";
import { FIRST_DELAY_MS, growingDelayMs, MAX_DELAY_MS, retryMessage } from "./throttle";

describe("growingDelayMs", () => {
  const now = Date.parse("2026-12-03T10:00:00Z");
  const at = (msAgo: number) => new Date(now - msAgo);

  it("costs nothing for the free failures, then doubles after the latest one up to the cap", () => {
    expect(growingDelayMs(2, at(0), 3, now)).toBe(0);
    expect(growingDelayMs(3, at(0), 3, now)).toBe(FIRST_DELAY_MS);
    expect(growingDelayMs(4, at(0), 3, now)).toBe(2 * FIRST_DELAY_MS);
    expect(growingDelayMs(5, at(1_000), 3, now)).toBe(4 * FIRST_DELAY_MS - 1_000);
    expect(growingDelayMs(500, at(0), 3, now)).toBe(MAX_DELAY_MS);
  });

  it("is over once the delay has passed, and without failures", () => {
    expect(growingDelayMs(3, at(FIRST_DELAY_MS + 1), 3, now)).toBe(0);
    expect(growingDelayMs(10, null, 3, now)).toBe(0);
  });
});

describe("retryMessage", () => {
  it("names seconds, then minutes", () => {
    expect(retryMessage("Too many failed sign-ins.", 1_000)).toBe("Too many failed sign-ins. Try again in 1 second.");
    expect(retryMessage("Too many failed sign-ins.", 4_200)).toBe("Too many failed sign-ins. Try again in 5 seconds.");
    expect(retryMessage("Too many refused claims.", 15 * 60_000)).toBe("Too many refused claims. Try again in 15 minutes.");
  });
});
