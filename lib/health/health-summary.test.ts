import { describe, expect, it } from "vitest";
import { zeroFilled } from "./health-summary";

describe("zeroFilled", () => {
  it("answers every promised key, 0 when SQL had no row for it, and drops the others", () => {
    expect(zeroFilled(["healthy", "warning", "critical"] as const, { warning: 2, extra: 9 })).toEqual({ healthy: 0, warning: 2, critical: 0 });
    expect(zeroFilled(["online"] as const, null)).toEqual({ online: 0 });
  });
});
