import { describe, expect, it } from "vitest";
import { COMMANDS, commandSpec } from "./catalogue";
import { defaultValues, parameterErrors, parameterFields, toParameters } from "./parameter-form";

const spec = (name: string) => commandSpec(name)!;

describe("parameter fields generated from the catalogue", () => {
  it("draws every parameter of every command", () => {
    for (const command of COMMANDS) expect(() => parameterFields(command)).not.toThrow();
  });

  it("turns a range into a number input with its bounds and default", () => {
    expect(parameterFields(spec("ping"))).toEqual([{ kind: "number", name: "count", label: "Count", integer: true, min: 1, max: 10, defaultValue: 4, required: false }]);
  });

  it("turns an enum into a select, a boolean into a checkbox, a list of an enum into checkboxes", () => {
    const logs = parameterFields(spec("get_logs"));
    expect(logs.map((field) => field.kind)).toEqual(["checkboxes", "number", "checkbox"]);
    expect(logs[0]).toMatchObject({ options: ["system", "application", "network", "sensor", "security"], defaultValue: ["system", "application"], minItems: 1 });
    expect(parameterFields(spec("set_debug_level"))[0]).toMatchObject({ kind: "select", options: ["info", "debug", "verbose", "trace"], defaultValue: "debug" });
  });

  it("marks a parameter without default as required", () => {
    expect(parameterFields(spec("calibrate_probe"))[0]).toMatchObject({ kind: "number", required: true, min: -10, max: 50 });
  });

  it("validates the inputs with the catalogue's schema, per field", () => {
    const ping = spec("ping");
    const fields = parameterFields(ping);
    expect(parameterErrors(ping, fields, defaultValues(fields))).toEqual({});
    expect(parameterErrors(ping, fields, { count: "11" }).count).toMatch(/10/);
    expect(parameterErrors(ping, fields, { count: "two" }).count).toBeTruthy();
    expect(toParameters(fields, { count: "" })).toEqual({});
  });

  it("refuses an empty list of log types", () => {
    const logs = spec("get_logs");
    const fields = parameterFields(logs);
    expect(parameterErrors(logs, fields, { ...defaultValues(fields), log_types: [] }).log_types).toBeTruthy();
    expect(toParameters(fields, defaultValues(fields))).toEqual({ log_types: ["system", "application"], time_range_hours: 1, include_system_logs: true });
  });
});
