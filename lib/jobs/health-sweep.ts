/**
 * Every minute: the health monitor's sweep (M92 `run_health_checks`, I-013 §6.2), which ages
 * connection status, marks long-silent devices critical, and raises, counts and auto-resolves
 * alerts — see lib/alerts/alert-sweep.ts. It absorbed the former `connection-sweep` job.
 */
import { z } from "zod";
import { runHealthSweep } from "../alerts/alert-sweep";
import { defineJob } from "./define-job";

export const healthSweepJob = defineJob({
  name: "health-sweep",
  schema: z.object({}).passthrough(),
  cron: "* * * * *",
  async handle(_data, { sql, log, now }) {
    const started = performance.now();
    const r = await runHealthSweep(sql, now());
    const ms = Math.round(performance.now() - started);
    // Quiet minutes stay quiet in the log: only repeats of known issues is "nothing new".
    const news = r.changed + r.raised + r.resolved + r.retired + r.groupRaised + r.groupResolved;
    if (news > 0 || ms > 2_000) {
      log(
        `health-sweep: ${r.checked} device(s) checked in ${ms} ms; ${r.changed} changed (${r.becameCritical} newly critical); ` +
          `alerts ${r.raised} raised, ${r.repeated} repeated, ${r.resolved} auto-resolved, ${r.retired} of retired devices resolved; ` +
          `groups ${r.groupsChecked} checked, ${r.groupRaised} alert(s) raised, ${r.groupRepeated} repeated, ${r.groupResolved} resolved`,
      );
    }
  },
});
