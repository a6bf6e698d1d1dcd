import { describe, expect, it } from "vitest";
import { DEVICE_STATES } from "./device-fields";
import { editableStates, LIFECYCLE_PATH, stateChangeRefusal } from "./lifecycle";

describe("device lifecycle", () => {
  it("offers a device its own state and the moves an edit may make", () => {
    expect(editableStates("provisioned")).toEqual(["provisioned", "registered", "active"]);
    expect(editableStates("active")).toEqual(["active", "suspended"]);
    expect(editableStates("maintenance")).toEqual(["maintenance"]);
    expect(editableStates("decommissioned")).toEqual(["decommissioned"]);
  });

  it("allows exactly the offered moves, for every pair of states", () => {
    for (const from of DEVICE_STATES) {
      for (const to of DEVICE_STATES) {
        expect(stateChangeRefusal(from, to) === null, `${from} → ${to}`).toBe(editableStates(from).includes(to));
      }
    }
  });

  it("says why a move is refused and which way to go instead", () => {
    expect(stateChangeRefusal("decommissioned", "active")).toBe("A retired device cannot change state.");
    expect(stateChangeRefusal("active", "decommissioned")).toMatch(/^Retire the device/);
    expect(stateChangeRefusal("active", "maintenance")).toBe("Use maintenance mode to enter or leave maintenance.");
    expect(stateChangeRefusal("maintenance", "active")).toBe("Use maintenance mode to enter or leave maintenance.");
    expect(stateChangeRefusal("active", "manufactured")).toBe("A device cannot go from active to manufactured.");
  });

  it("draws the main path from the factory to retirement", () => {
    expect(LIFECYCLE_PATH[0]).toBe("manufactured");
    expect(LIFECYCLE_PATH.at(-1)).toBe("decommissioned");
  });
});
