/**
 * How /api/v1/ota/campaigns is asked: a job's id in the URL, the list's and the device logs'
 * query parameters, and a person's action on a job. The route handlers parse with these and the
 * OpenAPI document is generated from them, so the two cannot drift. A new job is described once,
 * in update-job-schemas.ts.
 */
import { z } from "zod";
import { NotFoundError } from "../errors";
import { optionalText } from "../validation/form-values";
import { JOB_ACTIONS } from "./job-actions";
import { UPDATE_JOB_STATE_FILTERS, UPDATE_LOG_STATE_FILTERS } from "./update-job-views";

const blankToUndefined = (value: unknown) => (value === "" ? undefined : value);

export const updateJobIdSchema = z.coerce.number({ error: "Unknown update job" }).int("Unknown update job").positive("Unknown update job").max(2_147_483_647, "Unknown update job");

/** `{id}` of /api/v1/ota/campaigns/{id}: anything but a job's number names no job (404, not 400). */
export function updateJobIdFromPath(raw: string): number {
  const parsed = updateJobIdSchema.safeParse(raw);
  if (!parsed.success) throw new NotFoundError(`No update job has the id “${raw}”.`);
  return parsed.data;
}

export const updateJobListQuerySchema = z.object({
  /** One state, or "active" (scheduled, in progress or paused). */
  state: z.preprocess(blankToUndefined, z.enum(UPDATE_JOB_STATE_FILTERS, { error: `state must be one of ${UPDATE_JOB_STATE_FILTERS.join(", ")}` }).optional()),
  page: z.coerce.number({ error: "page must be a number" }).int("page must be a whole number").min(1, "page starts at 1").max(100_000, "page is at most 100000").default(1),
  pageSize: z.coerce.number({ error: "pageSize must be a number" }).int("pageSize must be a whole number").min(1, "pageSize is at least 1").max(100, "pageSize is at most 100").default(20),
});
export type UpdateJobListQuery = z.infer<typeof updateJobListQuerySchema>;

export const updateLogQuerySchema = z.object({
  /** One state, or "in_flight" (downloading, installing or verifying). */
  state: z.preprocess(blankToUndefined, z.enum(UPDATE_LOG_STATE_FILTERS, { error: `state must be one of ${UPDATE_LOG_STATE_FILTERS.join(", ")}` }).optional()),
  /** Part of the device id or name. */
  search: z.preprocess(blankToUndefined, z.string().trim().max(100, "At most 100 characters").optional()),
  /** The `nextCursor` of the previous page, as it came. */
  cursor: z.preprocess(blankToUndefined, z.coerce.number({ error: "Not a cursor this API gave" }).int("Not a cursor this API gave").min(0, "Not a cursor this API gave").optional()),
  limit: z.coerce.number({ error: "limit must be a number" }).int("limit must be a whole number").min(1, "limit is at least 1").max(500, "limit is at most 500").default(50),
});
export type UpdateLogQuery = z.infer<typeof updateLogQuerySchema>;

export const jobActionRequestSchema = z
  .object({
    action: z.enum(JOB_ACTIONS, { error: `action must be one of ${JOB_ACTIONS.join(", ")}` }),
    note: optionalText(1000).describe("Why; kept in the job's reason and history"),
  })
  .strict();
export type JobActionRequest = z.infer<typeof jobActionRequestSchema>;
