import { describe, expect, it } from "vitest";
import { compatibilityRefusals } from "./compatibility";

const firmware = { version: "2.1.0", deviceType: "milk_meter", compatibleModels: ["MM-400"], minPreviousVersion: "2.0.0" };
const device = (deviceId: string, patch: Partial<{ deviceType: string; model: string | null; firmwareVersion: string | null }> = {}) => ({
  deviceId,
  deviceType: "milk_meter",
  model: "MM-400",
  firmwareVersion: "2.0.3",
  ...patch,
});

describe("compatibilityRefusals", () => {
  it("accepts a matching device and names every refused one with its reason", () => {
    const refusals = compatibilityRefusals(
      [device("MM001"), device("CO001", { deviceType: "collar" }), device("MM002", { model: "MM-100" }), device("MM003", { firmwareVersion: "1.9.9" }), device("MM004", { firmwareVersion: "2.1.0" })],
      firmware,
    );
    expect(refusals.map((refusal) => [refusal.deviceId, refusal.forceable])).toEqual([
      ["CO001", false],
      ["MM002", true],
      ["MM003", true],
      ["MM004", true],
    ]);
    expect(refusals[2]!.reason).toBe("runs 1.9.9, older than the required 2.0.0");
  });

  it("treats an empty model list as every model, and compares versions as numbers", () => {
    expect(compatibilityRefusals([device("MM005", { model: "anything", firmwareVersion: "2.0.10" })], { ...firmware, compatibleModels: [] })).toEqual([]);
  });
});
