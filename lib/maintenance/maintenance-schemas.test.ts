import { describe, expect, it } from "vitest";
import { completeWorkSchema, maintenanceListQuerySchema, workInputSchema } from "./maintenance-schemas";

const issues = (input: unknown) => {
  const parsed = completeWorkSchema.safeParse(input);
  return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join("."), issue.message]));
};

describe("recording work", () => {
  it("takes amounts in whole cents, and refuses a third decimal where it would be rounded away", () => {
    expect(issues({ parts: [{ name: "Seal", quantity: 8, unitCost: "0.12" }], laborCost: "12.34" })).toEqual({});
    expect(issues({ parts: [{ name: "Seal", quantity: 8, unitCost: 0.125 }] })).toEqual({ "parts.0.unitCost": "At most two decimals (cents)" });
    expect(issues({ laborCost: "12.345" })).toEqual({ laborCost: "At most two decimals (cents)" });
  });

  it("refuses a total the cost column cannot hold, on the parts, instead of failing in the database", () => {
    const parts = Array.from({ length: 50 }, (_, index) => ({ name: `Part ${index}`, quantity: 10_000, unitCost: 1_000_000 }));
    expect(issues({ parts })).toEqual({ parts: expect.stringMatching(/^The total of parts and labour is more than 99,999,999\.99/) });
    expect(issues({ parts: [{ name: "Pump", quantity: 99, unitCost: 1_000_000 }], laborCost: 999_999.99 })).toEqual({});
  });
});

describe("ids", () => {
  it("refuses an id past PostgreSQL's integer as a bad id, not a crash", () => {
    const deviceIssue = (device: unknown) => {
      const parsed = workInputSchema.safeParse({ device, maintenanceType: "inspection", scheduledDate: "2027-01-10" });
      return parsed.success ? null : (parsed.error.issues.find((issue) => issue.path[0] === "device")?.message ?? null);
    };
    expect(deviceIssue(3_000_000_000)).not.toBeNull();
    expect(deviceIssue(42)).toBeNull();
    expect(maintenanceListQuerySchema.safeParse({ assignee: "3000000000" }).success).toBe(false);
  });
});
