import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineJob, InvalidJobDataError, type JobContext } from "./define-job";
import { registerJobs } from "./registry";

const context: JobContext = { sql: {} as JobContext["sql"], log: vi.fn(), now: () => new Date(0), telemetryRetentionDays: 30 };

describe("defineJob", () => {
  const handled: unknown[] = [];
  const job = defineJob({ name: "prune", schema: z.object({ days: z.number().int().positive().default(7) }), cron: "0 3 * * *", handle: async (data) => void handled.push(data) });

  it("hands the handler the data as its schema parsed it, defaults included (no data reads as {})", async () => {
    await job.run({ days: 3 }, context);
    await job.run(undefined, context);
    expect(handled).toEqual([{ days: 3 }, { days: 7 }]);
  });

  it("refuses data its schema refuses, naming the job and the field, without handling it", async () => {
    const before = handled.length;
    await expect(job.run({ days: -1 }, context)).rejects.toThrow(InvalidJobDataError);
    await expect(job.run({ days: "x" }, context)).rejects.toThrow(/^prune: invalid job data: days /);
    expect(handled).toHaveLength(before);
  });
});

/** The few pg-boss calls the registry makes, recorded; `work` keeps the handler to be called. */
function fakeBoss() {
  const calls: string[] = [];
  const workers = new Map<string, (batch: { id: string; data: unknown }[]) => Promise<void>>();
  const boss = {
    unschedule: async (name: string) => void calls.push(`unschedule ${name}`),
    createQueue: async (name: string) => void calls.push(`createQueue ${name}`),
    work: async (name: string, handler: (batch: { id: string; data: unknown }[]) => Promise<void>) => {
      calls.push(`work ${name}`);
      workers.set(name, handler);
    },
    schedule: async (name: string, cron: string) => void calls.push(`schedule ${name} ${cron}`),
  };
  return { boss: boss as unknown as Parameters<typeof registerJobs>[0], calls, workers };
}

describe("registerJobs", () => {
  const ran: unknown[] = [];
  const nightly = defineJob({ name: "nightly", schema: z.object({ n: z.number() }), cron: "0 2 * * *", handle: async (data) => void ran.push(data) });
  const onDemand = defineJob({
    name: "on-demand",
    schema: z.object({}),
    handle: async () => {
      throw new Error("database down");
    },
  });

  it("drops retired schedules, creates each queue before working it, and schedules only cron jobs", async () => {
    const { boss, calls } = fakeBoss();
    await registerJobs(boss, [nightly, onDemand], context, ["old-sweep"]);
    expect(calls).toEqual(["unschedule old-sweep", "createQueue nightly", "work nightly", "schedule nightly 0 2 * * *", "createQueue on-demand", "work on-demand"]);
  });

  it("completes a job with bad data after logging it (retries would not help), and lets other failures retry", async () => {
    const { boss, workers } = fakeBoss();
    const log = vi.fn();
    await registerJobs(boss, [nightly, onDemand], { ...context, log }, []);
    await workers.get("nightly")!([{ id: "j1", data: { n: 1 } }, { id: "j2", data: { n: "one" } }, { id: "j3", data: { n: 3 } }]);
    expect(ran).toEqual([{ n: 1 }, { n: 3 }]);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^job j2: nightly: invalid job data: n /));
    await expect(workers.get("on-demand")!([{ id: "j4", data: {} }])).rejects.toThrow("database down");
  });
});
