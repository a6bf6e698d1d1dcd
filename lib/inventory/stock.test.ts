import { describe, expect, it } from "vitest";
import { DEVICE_STATES } from "../devices/device-fields";
import { isInStock, stockWhere } from "./stock";

describe("in stock", () => {
  const seen = new Date("2026-12-01T08:00:00Z");

  it("is a pre-use state (manufactured, provisioned, registered) that never connected", () => {
    const verdicts = Object.fromEntries(DEVICE_STATES.map((state) => [state, [isInStock({ state, lastSeen: null }), isInStock({ state, lastSeen: seen })]]));
    expect(verdicts).toEqual({
      manufactured: [true, false],
      provisioned: [true, false],
      registered: [true, false],
      active: [false, false],
      suspended: [false, false],
      maintenance: [false, false],
      decommissioned: [false, false],
    });
  });

  it("does not look at the provisioning date the app stamps on every device it registers", () => {
    const registeredInTheApp = { state: "registered", lastSeen: null, provisioningDate: new Date("2026-12-03") };
    expect(isInStock(registeredInTheApp)).toBe(true);
    expect(JSON.stringify(stockWhere(true))).not.toContain("provisioning");
  });

  it("writes the filter and its negation", () => {
    expect(stockWhere(true)).toEqual({ state: { in: ["manufactured", "provisioned", "registered"] }, lastSeen: null });
    expect(stockWhere(false)).toEqual({ NOT: { state: { in: ["manufactured", "provisioned", "registered"] }, lastSeen: null } });
  });
});
