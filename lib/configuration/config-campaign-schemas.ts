/**
 * The one description of a new configuration campaign (I-013 §5.3 BulkUpdateStrategies): what
 * changes on which devices, why, and how it rolls out. The bulk "Change configuration" action, the
 * update wizard, the API and the OpenAPI document all parse with it.
 *
 * A campaign runs on the firmware rollout engine, so its strategies are the engine's: `rolling`
 * (I-013's batches of N devices every M minutes) is the engine's batch strategy (`emergency`),
 * canary and phased are the same as for firmware, with the same success/error thresholds, minimum
 * phase size and device timeout. `changes` is a partial configuration of the one device type the
 * campaign targets, validated by that type's patch schema: an unknown setting or a value out of
 * range is refused with its path (`changes.telemetry.update_interval_sec`).
 */
import { z } from "zod";
import { bulkTargetSchema } from "../devices/device-schemas";
import { maintenanceWindowSchema } from "../ota/maintenance-window";
import { allAtOnceRolloutSchema, canaryRolloutSchema, phasedRolloutSchema, ROLLBACK_DEFAULTS, ROLLOUT_THRESHOLDS, type RolloutConfig } from "../ota/rollout-plan";
import { booleanish, optionalText, requiredText } from "../validation/form-values";
import { CONFIG_DEVICE_TYPES, CONFIG_PATCH_SCHEMAS, type ConfigObject } from "./config-schemas";

export const CONFIG_CAMPAIGN_STRATEGIES = ["all_at_once", "rolling", "canary", "phased"] as const;
export type ConfigCampaignStrategy = (typeof CONFIG_CAMPAIGN_STRATEGIES)[number];

export const rollingRolloutSchema = z.object({
  strategy: z.literal("rolling"),
  /** Devices per batch. */
  batchSize: z.coerce.number({ error: "Must be a number" }).int("Must be a whole number").min(1, "At least 1 device").max(10_000, "At most 10,000 devices").default(100),
  /** Wait between one batch's success and the next batch. */
  delayMinutes: z.coerce.number({ error: "Must be a number" }).int("Must be a whole number").min(0).max(1440, "At most 1,440 minutes (a day)").default(5),
  ...ROLLOUT_THRESHOLDS,
});

export const configCampaignRolloutSchema = z.discriminatedUnion("strategy", [allAtOnceRolloutSchema.strict(), rollingRolloutSchema.strict(), canaryRolloutSchema.strict(), phasedRolloutSchema.strict()], {
  error: `strategy must be one of ${CONFIG_CAMPAIGN_STRATEGIES.join(", ")}`,
});
export type ConfigCampaignRollout = z.output<typeof configCampaignRolloutSchema>;

export const configCampaignSchema = z
  .object({
    name: optionalText(200),
    deviceType: z.enum(CONFIG_DEVICE_TYPES, { error: `deviceType must be one of ${CONFIG_DEVICE_TYPES.join(", ")}` }),
    /** A partial configuration of `deviceType` (checked against its schema): merged into each device's own overrides. */
    changes: z.record(z.string(), z.unknown(), { error: "changes must be an object of settings" }).describe("A partial configuration of deviceType, e.g. { \"thresholds\": { \"ammonia_ppm\": { \"alarm\": 30 } } }"),
    reason: requiredText(500, "Reason"),
    /** Ticked device ids, or a devices-list filter (e.g. `{ filter: { group: "3" } }`). */
    selection: bulkTargetSchema,
    rollout: configCampaignRolloutSchema.default({ strategy: "all_at_once", ...ROLLBACK_DEFAULTS }),
    /** ISO time; absent or null = now. */
    scheduledAt: z.iso.datetime({ offset: true, message: "Use an ISO date and time, e.g. 2026-11-24T02:00:00+00:00" }).nullable().optional(),
    maintenanceWindow: maintenanceWindowSchema.nullable().optional(),
    /** Go back to each device's previous version when a phase fails (default yes). */
    rollbackOnFailure: booleanish,
    notifyOnComplete: booleanish,
  })
  .strict()
  .superRefine((input, ctx) => {
    const patch = CONFIG_PATCH_SCHEMAS[input.deviceType].safeParse(input.changes);
    if (!patch.success) {
      for (const issue of patch.error.issues) {
        const base = ["changes", ...issue.path.map(String)];
        if (issue.code === "unrecognized_keys") {
          for (const key of issue.keys) ctx.addIssue({ code: "custom", path: [...base, key], message: "Unknown setting" });
        } else {
          ctx.addIssue({ code: "custom", path: base, message: issue.message });
        }
      }
    } else if (Object.keys(patch.data).length === 0) {
      ctx.addIssue({ code: "custom", path: ["changes"], message: "Change at least one setting" });
    }
  });
export type ConfigCampaignInput = z.input<typeof configCampaignSchema>;
export type ConfigCampaignRequest = z.output<typeof configCampaignSchema>;

/** The validated change of a request (its patch schema's output). */
export function campaignChanges(input: ConfigCampaignRequest): ConfigObject {
  return CONFIG_PATCH_SCHEMAS[input.deviceType].parse(input.changes);
}

/** The engine's rollout of a campaign: rolling is its batch strategy. */
export function engineRollout(rollout: ConfigCampaignRollout): RolloutConfig {
  if (rollout.strategy !== "rolling") return rollout;
  const { batchSize, delayMinutes, strategy: _rolling, ...thresholds } = rollout;
  void _rolling;
  return { strategy: "emergency", batchSize, batchIntervalMinutes: delayMinutes, ...thresholds };
}
