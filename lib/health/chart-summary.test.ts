import { describe, expect, it } from "vitest";
import { seriesSummary } from "./chart-summary";

describe("seriesSummary", () => {
  it("says the latest, lowest and highest value and the gaps", () => {
    expect(seriesSummary([80, null, 62.25, 71], { unit: "%", range: "24 h" })).toBe("Last 24 h: latest 71%, lowest 62.3%, highest 80%; 1 of 4 intervals without telemetry.");
  });

  it("puts a space before a unit word and says a flat line is steady", () => {
    expect(seriesSummary([-70, -70], { unit: "dBm", range: "7 days" })).toBe("Last 7 days: latest -70 dBm, steady at -70 dBm.");
  });

  it("says so when there is nothing to draw", () => {
    expect(seriesSummary([null, null], { range: "24 h" })).toBe("No values in the last 24 h.");
  });
});
