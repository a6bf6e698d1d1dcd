/**
 * Registers the worker's jobs with pg-boss 10: a queue must exist before work/schedule (a pg-boss 10
 * rule), each job's data is validated by its own schema (`run`), and scheduled jobs get their
 * cron. Several workers may register the same jobs: pg-boss's row locking runs each job once.
 */
import type PgBoss from "pg-boss";
import { InvalidJobDataError, type JobContext, type RegisteredJob } from "./define-job";
import { RETIRED_SCHEDULES } from "./index";

export async function registerJobs(
  boss: PgBoss,
  jobs: ReadonlyArray<RegisteredJob>,
  context: JobContext,
  retiredSchedules: ReadonlyArray<string> = RETIRED_SCHEDULES,
) {
  // A schedule left by an earlier release would keep creating jobs no worker takes.
  for (const name of retiredSchedules) await boss.unschedule(name);
  for (const job of jobs) {
    await boss.createQueue(job.name);
    await boss.work<unknown>(job.name, async (batch) => {
      for (const item of batch) {
        try {
          await job.run(item.data, context);
        } catch (error) {
          // Bad data will not get better with retries: log and complete it.
          if (error instanceof InvalidJobDataError) context.log(`job ${item.id}: ${error.message}`);
          else throw error;
        }
      }
    });
    if (job.cron) await boss.schedule(job.name, job.cron, {});
    if (job.runAtStart) await boss.send(job.name, {});
  }
}
