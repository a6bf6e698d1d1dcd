/**
 * A background job of the worker, declared once: its pg-boss queue name, the zod schema of its
 * data (pg-boss stores JSON; a job enqueued by an older release or by hand is parsed, not trusted),
 * an optional cron schedule, and the handler.
 */
import type { z } from "zod";
import type { Sql } from "../telemetry/sql";

export type JobContext = {
  sql: Sql;
  log: (line: string) => void;
  now: () => Date;
  telemetryRetentionDays: number;
  /** Telemetry rollups (lib/telemetry/rollups.ts): the job's lag and each resolution's retention; defaults when absent. */
  rollups?: { lagMs?: number; fiveMinuteRetentionDays?: number; hourlyRetentionDays?: number };
};

export type JobDefinition<T> = {
  name: string;
  schema: z.ZodType<T>;
  /** Five-field cron, evaluated by pg-boss (UTC). */
  cron?: string;
  /** Also run once when the worker starts (a job that catches up after downtime). */
  runAtStart?: boolean;
  handle: (data: T, context: JobContext) => Promise<void>;
};

/** What the registry needs of any job, whatever its data type. */
export type RegisteredJob = {
  name: string;
  cron?: string;
  runAtStart?: boolean;
  /** Validates `data` with the job's schema, then handles it. */
  run: (data: unknown, context: JobContext) => Promise<void>;
};

export class InvalidJobDataError extends Error {
  override name = "InvalidJobDataError";
}

export function defineJob<T>(definition: JobDefinition<T>): JobDefinition<T> & RegisteredJob {
  return {
    ...definition,
    async run(data, context) {
      const parsed = definition.schema.safeParse(data ?? {});
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new InvalidJobDataError(`${definition.name}: invalid job data: ${first ? `${first.path.join(".")} ${first.message}` : "?"}`);
      }
      await definition.handle(parsed.data, context);
    },
  };
}
