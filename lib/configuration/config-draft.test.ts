import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configJsonSchema } from "./config-schemas";
import { healthThresholdsSchema } from "../health/health-thresholds";
import { fieldIndex, formSections } from "./config-form-fields";
import { draftOutcome, type LayeredValues } from "./config-draft";

const fields = fieldIndex(formSections(configJsonSchema("environmental")));
const values: LayeredValues = {
  current: { "thresholds.ammonia_high": 30, "thresholds.ammonia_critical": 50, "alarms.enabled": true },
  inherited: { "thresholds.ammonia_high": 25, "thresholds.ammonia_critical": 50, "alarms.enabled": true },
  own: new Set(["thresholds.ammonia_high"]),
  sources: {},
};

describe("formSections", () => {
  it("reads sections, titles, units, ranges and kinds from a type's JSON Schema", () => {
    const sections = formSections(configJsonSchema("environmental"));
    expect(sections.map((section) => section.title)).toContain("Sensors › Ammonia");
    expect(fields.get("thresholds.ammonia_high")).toMatchObject({ title: "Ammonia high", unit: "ppm", minimum: 1, maximum: 100, kind: "number", step: 0.5, nullable: false });
    expect(fields.get("alarms.enabled")).toMatchObject({ kind: "boolean" });
    expect(fieldIndex(formSections(configJsonSchema("collar"))).get("sensors.accelerometer.range_g")).toMatchObject({ kind: "enum", options: ["2", "4", "8", "16"] });
  });

  it("reads the optional health limits as nullable with their title and unit", () => {
    const health = fieldIndex(formSections(z.toJSONSchema(healthThresholdsSchema), "Health limits"));
    expect(health.get("cpu_warning_above_pct")).toMatchObject({ title: "CPU warning above", unit: "%", nullable: true, kind: "number" });
    expect(health.get("telemetry_age_warning_sec")).toMatchObject({ title: "Telemetry age warning after", unit: "s", nullable: true, kind: "integer" });
    expect(health.get("profile")).toMatchObject({ kind: "enum", options: ["m92", "i013"] });
  });
});

describe("draftOutcome", () => {
  it("turns typed values into a nested change and the diff a person confirms", () => {
    const outcome = draftOutcome(fields, values, { "thresholds.ammonia_critical": { value: "60" }, "alarms.enabled": { value: false } });
    expect(outcome.changes).toEqual({ thresholds: { ammonia_critical: 60 }, alarms: { enabled: false } });
    expect(outcome.remove).toEqual([]);
    expect(outcome.diff).toEqual([
      { path: "alarms.enabled", from: true, to: false, own: "set" },
      { path: "thresholds.ammonia_critical", from: 50, to: 60, own: "set" },
    ]);
    expect(outcome.ownAfter).toEqual({ thresholds: { ammonia_high: 30, ammonia_critical: 60 }, alarms: { enabled: false } });
  });

  it("gives a value back to the inherited one: removed from this level, the inherited value in force", () => {
    const outcome = draftOutcome(fields, values, { "thresholds.ammonia_high": { inherit: true } });
    expect(outcome.remove).toEqual(["thresholds.ammonia_high"]);
    expect(outcome.after["thresholds.ammonia_high"]).toBe(25);
    expect(outcome.diff).toEqual([{ path: "thresholds.ammonia_high", from: 30, to: 25, own: "inherit" }]);
    expect(outcome.ownAfter).toEqual({});
  });

  it("keeps a mistyped number out of the change and names it", () => {
    const outcome = draftOutcome(fields, values, { "thresholds.ammonia_critical": { value: "6o" }, "thresholds.ammonia_high": { value: "" } });
    expect(outcome.errors).toEqual({ "thresholds.ammonia_critical": ["Enter a number"], "thresholds.ammonia_high": ["Enter a number"] });
    expect(outcome.changes).toEqual({});
  });
});
