/** The update wizard's, the API's and the OpenAPI document's one description of a new update job. */
import { z } from "zod";
import { bulkTargetSchema } from "../devices/device-schemas";
import { booleanish, optionalText } from "../validation/form-values";
import { maintenanceWindowSchema } from "./maintenance-window";
import { ROLLBACK_DEFAULTS, rolloutConfigSchema } from "./rollout-plan";

export const scheduleUpdateSchema = z
  .object({
    name: optionalText(200),
    firmwareId: z.coerce.number({ error: "Pick a firmware version" }).int().positive("Pick a firmware version"),
    /** One device, a selection, a group (`{ filter: { group } }`) or any saved list filter. */
    target: bulkTargetSchema,
    /** ISO time; absent or null = now. */
    scheduledAt: z.iso.datetime({ offset: true, message: "Use an ISO date and time, e.g. 2026-11-24T02:00:00+00:00" }).nullable().optional(),
    maintenanceWindow: maintenanceWindowSchema.nullable().optional(),
    force: booleanish,
    rollbackOnFailure: booleanish,
    notifyOnComplete: booleanish,
    rollout: rolloutConfigSchema.default({ strategy: "all_at_once", ...ROLLBACK_DEFAULTS }),
  })
  .strict();
export type ScheduleUpdateInput = z.input<typeof scheduleUpdateSchema>;
