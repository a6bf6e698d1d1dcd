/**
 * Every 15 minutes: the maintenance sweep (lib/maintenance/maintenance-sweep.ts) — occurrences of
 * plans up to the horizon, overdue work and its alerts, devices' calibration due/overdue.
 */
import { z } from "zod";
import { runMaintenanceSweep } from "../maintenance/maintenance-sweep";
import { defineJob } from "./define-job";

export const maintenanceSweepJob = defineJob({
  name: "maintenance-sweep",
  schema: z.object({}).passthrough(),
  cron: "*/15 * * * *",
  async handle(_data, { sql, log, now }) {
    const started = performance.now();
    const r = await runMaintenanceSweep(sql, now());
    const ms = Math.round(performance.now() - started);
    if (r.made + r.overdue + r.alertsRaised + r.alertsResolved + r.calibrationChanged > 0 || ms > 5_000) {
      log(
        `maintenance-sweep: ${r.made} occurrence(s) made, ${r.overdue} turned overdue; alerts ${r.alertsRaised} raised, ${r.alertsRepeated} counted, ` +
          `${r.alertsResolved} resolved; ${r.calibrationChanged} device(s) changed calibration status; ${ms} ms`,
      );
    }
  },
});
