import { describe, expect, it } from "vitest";
import { assignToPhases, planPhases, rolloutConfigSchema } from "./rollout-plan";

const plan = (config: unknown, devices: number) => planPhases(rolloutConfigSchema.parse(config), devices);
const counts = (config: unknown, devices: number) => plan(config, devices).map((phase) => phase.deviceCount);

describe("planPhases", () => {
  it("sends everything at once in one phase with I-013's rollback defaults", () => {
    expect(plan({ strategy: "all_at_once" }, 40)).toEqual([
      { position: 1, targetPercentage: 100, deviceCount: 40, soakMinutes: 0, requiresApproval: false, successThreshold: 80, errorThreshold: 20, minDevices: 10 },
    ]);
  });

  it("starts a canary with its share, soaks it, then the rest", () => {
    const phases = plan({ strategy: "canary", canaryPercentage: 5, soakMinutes: 30 }, 200);
    expect(phases.map((phase) => [phase.deviceCount, phase.soakMinutes])).toEqual([
      [10, 30],
      [190, 0],
    ]);
  });

  it("gives a tiny canary at least one device", () => {
    expect(counts({ strategy: "canary", canaryPercentage: 5 }, 12)).toEqual([1, 11]);
  });

  it("cuts phased rollouts at cumulative percentages and asks approval between phases only", () => {
    const phases = plan({ strategy: "phased", percentages: [10, 50, 100], requireApproval: true }, 1000);
    expect(phases.map((phase) => phase.deviceCount)).toEqual([100, 400, 500]);
    expect(phases.map((phase) => phase.requiresApproval)).toEqual([true, true, false]);
  });

  it("batches an emergency rollout by N devices", () => {
    expect(counts({ strategy: "emergency", batchSize: 100, batchIntervalMinutes: 5 }, 250)).toEqual([100, 100, 50]);
    expect(plan({ strategy: "emergency", batchSize: 100, batchIntervalMinutes: 5 }, 250).map((phase) => phase.soakMinutes)).toEqual([5, 5, 0]);
  });

  it("drops phases left empty by a small fleet", () => {
    expect(counts({ strategy: "phased", percentages: [5, 25, 100] }, 2)).toEqual([1, 1]);
    expect(counts({ strategy: "phased", percentages: [5, 25, 100] }, 1)).toEqual([1]);
    expect(plan({ strategy: "canary" }, 0)).toEqual([]);
  });

  it("refuses percentages that do not grow or do not reach 100 %", () => {
    expect(rolloutConfigSchema.safeParse({ strategy: "phased", percentages: [50, 25, 100] }).success).toBe(false);
    expect(rolloutConfigSchema.safeParse({ strategy: "phased", percentages: [5, 50] }).success).toBe(false);
    expect(rolloutConfigSchema.safeParse({ strategy: "canary", canaryPercentage: 80 }).success).toBe(false);
    expect(rolloutConfigSchema.safeParse({ strategy: "sideways" }).success).toBe(false);
  });

  it("assigns every device to exactly one phase, in order", () => {
    const devices = Array.from({ length: 23 }, (_, i) => i);
    const slices = assignToPhases(devices, plan({ strategy: "phased", percentages: [10, 50, 100] }, devices.length));
    expect(slices.flat()).toEqual(devices);
    expect(slices.map((slice) => slice.length)).toEqual([2, 10, 11]);
  });
});
