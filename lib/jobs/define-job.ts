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
};

export type JobDefinition<T> = {
  name: string;
  schema: z.ZodType<T>;
  /** Five-field cron, evaluated by pg-boss (UTC). */
  cron?: string;
  handle: (data: T, context: JobContext) => Promise<void>;
};

/** What the registry needs of any job, whatever its data type. */
export type RegisteredJob = {
  name: string;
  cron?: string;
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
