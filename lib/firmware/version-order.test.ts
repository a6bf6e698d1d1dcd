import { describe, expect, it } from "vitest";
import { compareVersions } from "./version-order";

describe("compareVersions", () => {
  it.each([
    ["2.10.0", "2.9.0", 1],
    ["2.1", "2.1.0", 0],
    ["v3.0.2", "3.0.1", 1],
    ["2.1.0-rc.1", "2.1.0", -1],
    ["2.1.0-rc.2", "2.1.0-rc.10", -1],
    ["1.0.0", "1.0.0+build.7", 0],
    ["garbage", "1.0.0", -1],
  ])("%s vs %s", (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
    expect(Math.sign(compareVersions(b, a))).toBe(-sign || 0);
  });
});
