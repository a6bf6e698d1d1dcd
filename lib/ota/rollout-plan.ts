/**
 * How an update job is cut into phases (I-013 §4.2): all at once, canary (a small share first,
 * soaked, then the rest), phased (a list of cumulative percentages, each promoted when its success
 * rate is met — automatically or after approval), emergency (batches of N devices every M
 * minutes). The defaults are I-013's: auto-rollback when failures exceed 20 % of a phase of at
 * least 10 devices (§4.3 ROLLBACK_TRIGGERS).
 */
import { z } from "zod";

export const ROLLOUT_STRATEGIES = ["all_at_once", "canary", "phased", "emergency"] as const;
export type RolloutStrategyName = (typeof ROLLOUT_STRATEGIES)[number];

export const ROLLBACK_DEFAULTS = { errorThreshold: 20, minDevices: 10, successThreshold: 80, deviceTimeoutMinutes: 30 } as const;

const percentage = z.coerce.number({ error: "Must be a number" }).gt(0, "Must be more than 0 %").max(100, "At most 100 %");
/** When a phase passes, fails or times out: shared by firmware jobs and configuration campaigns. */
export const ROLLOUT_THRESHOLDS = {
  successThreshold: z.coerce.number({ error: "Must be a number" }).min(0).max(100).default(ROLLBACK_DEFAULTS.successThreshold),
  errorThreshold: z.coerce.number({ error: "Must be a number" }).min(0).max(100).default(ROLLBACK_DEFAULTS.errorThreshold),
  minDevices: z.coerce.number({ error: "Must be a number" }).int().min(1).max(100_000).default(ROLLBACK_DEFAULTS.minDevices),
  /** A device that was sent the update and has not finished within this is counted failed. */
  deviceTimeoutMinutes: z.coerce.number({ error: "Must be a number" }).int().min(1, "At least 1 minute").max(10_080).default(ROLLBACK_DEFAULTS.deviceTimeoutMinutes),
};

export const allAtOnceRolloutSchema = z.object({ strategy: z.literal("all_at_once"), ...ROLLOUT_THRESHOLDS });
export const canaryRolloutSchema = z.object({
  strategy: z.literal("canary"),
  canaryPercentage: percentage.max(50, "A canary is at most half the fleet").default(5),
  soakMinutes: z.coerce.number().int().min(0).max(10_080).default(60),
  requireApproval: z.boolean().default(false),
  ...ROLLOUT_THRESHOLDS,
});
export const phasedRolloutSchema = z.object({
  strategy: z.literal("phased"),
  percentages: z
    .array(percentage)
    .min(2, "At least two phases")
    .max(10, "At most 10 phases")
    .default([5, 25, 100])
    .refine((list) => list.every((value, i) => i === 0 || value > list[i - 1]!), "Each phase must reach further than the one before (e.g. 5, 25, 100)")
    .refine((list) => list[list.length - 1] === 100, "The last phase must reach 100 %"),
  soakMinutes: z.coerce.number().int().min(0).max(10_080).default(0),
  requireApproval: z.boolean().default(false),
  ...ROLLOUT_THRESHOLDS,
});

export const rolloutConfigSchema = z.discriminatedUnion("strategy", [
  allAtOnceRolloutSchema,
  canaryRolloutSchema,
  phasedRolloutSchema,
  z.object({
    strategy: z.literal("emergency"),
    batchSize: z.coerce.number().int().min(1).max(10_000).default(100),
    batchIntervalMinutes: z.coerce.number().int().min(0).max(1440).default(5),
    ...ROLLOUT_THRESHOLDS,
  }),
]);
export type RolloutConfig = z.output<typeof rolloutConfigSchema>;

export type PhasePlan = {
  position: number;
  /** Cumulative share of the job's devices reached by the end of this phase. */
  targetPercentage: number;
  /** Devices of this phase alone. */
  deviceCount: number;
  soakMinutes: number;
  requiresApproval: boolean;
  successThreshold: number;
  errorThreshold: number;
  minDevices: number;
};

/**
 * The phases for `deviceCount` devices. Every phase gets at least one device (a 5 % canary of 12
 * devices is 1 device, not 0), and phases that would be empty are dropped.
 */
export function planPhases(config: RolloutConfig, deviceCount: number): PhasePlan[] {
  const base = { successThreshold: config.successThreshold, errorThreshold: config.errorThreshold, minDevices: config.minDevices };
  let cumulative: number[];
  let soak = 0;
  let approval = false;
  switch (config.strategy) {
    case "all_at_once":
      cumulative = [100];
      break;
    case "canary":
      cumulative = [config.canaryPercentage, 100];
      soak = config.soakMinutes;
      approval = config.requireApproval;
      break;
    case "phased":
      cumulative = config.percentages;
      soak = config.soakMinutes;
      approval = config.requireApproval;
      break;
    case "emergency": {
      const batches = Math.max(1, Math.ceil(deviceCount / config.batchSize));
      cumulative = Array.from({ length: batches }, (_, i) => Math.min(100, ((i + 1) * config.batchSize * 100) / Math.max(deviceCount, 1)));
      soak = config.batchIntervalMinutes;
      break;
    }
  }
  const plans: PhasePlan[] = [];
  let assigned = 0;
  for (const [index, percent] of cumulative.entries()) {
    const last = index === cumulative.length - 1;
    const reach = last ? deviceCount : Math.min(deviceCount, Math.max(assigned + 1, Math.round((deviceCount * percent) / 100)));
    const count = reach - assigned;
    if (count <= 0) continue;
    assigned = reach;
    plans.push({
      position: plans.length + 1,
      targetPercentage: last ? 100 : percent,
      deviceCount: count,
      // The last phase needs no soak nor approval: nothing comes after it.
      soakMinutes: last ? 0 : soak,
      requiresApproval: last ? false : approval,
      ...base,
    });
  }
  return plans;
}

/** Cuts the ordered device list into the phases' slices. */
export function assignToPhases<T>(devices: readonly T[], plans: readonly PhasePlan[]): T[][] {
  const slices: T[][] = [];
  let start = 0;
  for (const plan of plans) {
    slices.push(devices.slice(start, start + plan.deviceCount));
    start += plan.deviceCount;
  }
  return slices;
}
