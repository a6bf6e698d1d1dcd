/**
 * What to do with a running phase (I-013 §4.2 promotion, §4.3 rollback triggers): roll back as
 * soon as failures exceed the error threshold of a phase with enough devices — no need to wait for
 * the stragglers; once every device has finished, promote when the success rate is met (after the
 * soak time, and after approval when asked), else stop for a person to decide.
 */
export type PhaseCounts = { total: number; completed: number; failed: number; inFlight: number };

export type PhaseRules = {
  successThreshold: number;
  errorThreshold: number;
  minDevices: number;
  requiresApproval: boolean;
  soakMinutes: number;
};

export type PhaseVerdict =
  | { verdict: "running" }
  | { verdict: "rollback"; reason: string }
  | { verdict: "halt"; reason: string }
  | { verdict: "soaking"; until: Date }
  | { verdict: "awaiting_approval" }
  | { verdict: "promote" };

const pct = (part: number, whole: number) => (whole === 0 ? 0 : (part / whole) * 100);

export function judgePhase(counts: PhaseCounts, rules: PhaseRules, timing: { lastFinishedAt: Date | null; approved: boolean }, now: Date): PhaseVerdict {
  const failureRate = pct(counts.failed, counts.total);
  // A person who resumed a phase the engine stopped (rollback on failure off) accepted its failures.
  if (!timing.approved && counts.total >= rules.minDevices && failureRate > rules.errorThreshold) {
    return { verdict: "rollback", reason: `${counts.failed} of ${counts.total} devices failed (${failureRate.toFixed(0)} % > ${rules.errorThreshold} %)` };
  }
  if (counts.inFlight > 0 || counts.completed + counts.failed < counts.total) return { verdict: "running" };
  const successRate = pct(counts.completed, counts.total);
  // A person who resumes a halted phase (or approves it) accepts its success rate.
  if (successRate < rules.successThreshold && !timing.approved) {
    return { verdict: "halt", reason: `${counts.completed} of ${counts.total} devices succeeded (${successRate.toFixed(0)} % < ${rules.successThreshold} %)` };
  }
  if (rules.soakMinutes > 0 && timing.lastFinishedAt) {
    const until = new Date(timing.lastFinishedAt.getTime() + rules.soakMinutes * 60_000);
    if (until > now) return { verdict: "soaking", until };
  }
  if (rules.requiresApproval && !timing.approved) return { verdict: "awaiting_approval" };
  return { verdict: "promote" };
}
