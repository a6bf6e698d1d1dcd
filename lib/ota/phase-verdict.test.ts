import { describe, expect, it } from "vitest";
import { judgePhase, type PhaseRules } from "./phase-verdict";

const rules: PhaseRules = { successThreshold: 80, errorThreshold: 20, minDevices: 10, requiresApproval: false, soakMinutes: 0 };
const now = new Date("2026-11-23T03:00:00Z");
const open = { lastFinishedAt: now, approved: false };

describe("judgePhase", () => {
  it("rolls back as soon as failures pass 20 % of a phase of at least 10 devices", () => {
    expect(judgePhase({ total: 10, completed: 1, failed: 3, inFlight: 6 }, rules, open, now)).toMatchObject({ verdict: "rollback" });
    expect(judgePhase({ total: 10, completed: 6, failed: 2, inFlight: 2 }, rules, open, now)).toEqual({ verdict: "running" });
  });

  it("goes on with a phase whose failures a person accepted by resuming it (rollback on failure off)", () => {
    expect(judgePhase({ total: 10, completed: 7, failed: 3, inFlight: 0 }, rules, { ...open, approved: true }, now)).toEqual({ verdict: "promote" });
  });

  it("does not roll back a phase smaller than the minimum, but halts it when too few succeeded", () => {
    expect(judgePhase({ total: 5, completed: 0, failed: 3, inFlight: 2 }, rules, open, now)).toEqual({ verdict: "running" });
    expect(judgePhase({ total: 5, completed: 2, failed: 3, inFlight: 0 }, rules, open, now)).toMatchObject({ verdict: "halt" });
    expect(judgePhase({ total: 5, completed: 2, failed: 3, inFlight: 0 }, rules, { ...open, approved: true }, now)).toEqual({ verdict: "promote" });
  });

  it("promotes when every device finished and the success rate is met", () => {
    expect(judgePhase({ total: 10, completed: 8, failed: 2, inFlight: 0 }, rules, open, now)).toEqual({ verdict: "promote" });
    expect(judgePhase({ total: 10, completed: 7, failed: 2, inFlight: 0 }, rules, open, now)).toEqual({ verdict: "running" });
  });

  it("soaks, then waits for approval when asked", () => {
    const soaking = { ...rules, soakMinutes: 30, requiresApproval: true };
    const finished = { total: 10, completed: 10, failed: 0, inFlight: 0 };
    const tenMinutesAgo = new Date(now.getTime() - 10 * 60_000);
    expect(judgePhase(finished, soaking, { lastFinishedAt: tenMinutesAgo, approved: false }, now)).toEqual({ verdict: "soaking", until: new Date(tenMinutesAgo.getTime() + 30 * 60_000) });
    const anHourAgo = new Date(now.getTime() - 60 * 60_000);
    expect(judgePhase(finished, soaking, { lastFinishedAt: anHourAgo, approved: false }, now)).toEqual({ verdict: "awaiting_approval" });
    expect(judgePhase(finished, soaking, { lastFinishedAt: anHourAgo, approved: true }, now)).toEqual({ verdict: "promote" });
  });
});
