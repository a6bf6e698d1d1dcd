import { describe, expect, it } from "vitest";
import { statesFor } from "./alert-fields";
import { acknowledgeAlertSchema, alertIdFromPath, alertListQuerySchema, alertQueryToSearchParams, resolveAlertSchema } from "./alert-schemas";

describe("the alert list query", () => {
  it("defaults to open alerts, page 1 of 50", () => {
    expect(alertListQuerySchema.parse({})).toEqual({ state: "open", page: 1, pageSize: 50 });
    expect(statesFor("open")).toEqual(["active", "acknowledged"]);
    expect(statesFor("all")).toEqual(["active", "acknowledged", "resolved"]);
  });

  it("reads lists from commas or repeats, a device id in any case, and ids from text", () => {
    expect(alertListQuerySchema.parse({ severity: "critical,warning", type: ["offline", "low_battery"], device: " mm001 ", group: "4", farm: "2", state: "resolved" })).toMatchObject({
      severity: ["critical", "warning"],
      type: ["offline", "low_battery"],
      device: "MM001",
      group: 4,
      farm: 2,
      state: "resolved",
    });
  });

  it("refuses what it does not know", () => {
    const result = alertListQuerySchema.safeParse({ severity: "huge", state: "closed", group: "x", pageSize: "7" });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path[0]).sort()).toEqual(["group", "pageSize", "severity", "state"]);
  });

  it("writes a query back without its defaults", () => {
    expect(alertQueryToSearchParams(alertListQuerySchema.parse({})).toString()).toBe("");
    expect(alertQueryToSearchParams(alertListQuerySchema.parse({ severity: "critical,low", state: "all", page: "3", device: "fd002" })).toString()).toBe("severity=critical%2Clow&state=all&device=FD002&page=3");
  });
});

describe("acknowledge and resolve bodies", () => {
  it("takes optional notes to acknowledge, blank meaning none", () => {
    expect(acknowledgeAlertSchema.parse({})).toEqual({});
    expect(acknowledgeAlertSchema.parse({ notes: "  " })).toEqual({ notes: null });
    expect(acknowledgeAlertSchema.safeParse({ notes: "x", state: "resolved" }).success).toBe(false);
  });

  it("requires notes to resolve", () => {
    expect(resolveAlertSchema.safeParse({}).error?.issues[0]?.message).toBe("Resolution notes is required");
    expect(resolveAlertSchema.safeParse({ notes: "   " }).error?.issues[0]?.message).toBe("Resolution notes is required");
    expect(resolveAlertSchema.parse({ notes: " Replaced the battery " })).toEqual({ notes: "Replaced the battery" });
    expect(resolveAlertSchema.safeParse({ notes: "x".repeat(2001) }).success).toBe(false);
  });

  it("names an alert only by its number", () => {
    expect(alertIdFromPath("42")).toBe(42);
    for (const raw of ["abc", "0", "-1", "1.5", "99999999999"]) expect(() => alertIdFromPath(raw)).toThrow(/No alert has the id/);
  });
});
