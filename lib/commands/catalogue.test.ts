import { describe, expect, it } from "vitest";
import { COMMANDS, commandSpec, commandsFor, DEVICE_TYPES, isAllowedFor, parseParameters, roleReaches } from "./catalogue";

describe("command catalogue", () => {
  it("gives every device type the common commands and at least two of its own", () => {
    for (const type of DEVICE_TYPES) {
      const names = commandsFor(type).map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(["ping", "get_status", "get_logs", "restart", "get_config", "set_debug_level", "run_diagnostics"]));
      expect(names.length).toBeGreaterThanOrEqual(9);
    }
  });

  it("names each command once", () => {
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });

  it("keeps per-type commands to their types", () => {
    expect(isAllowedFor("zero_flow", "milk_meter")).toBe(true);
    expect(isAllowedFor("zero_flow", "gateway")).toBe(false);
    expect(isAllowedFor("no_such", "milk_meter")).toBe(false);
  });

  it("fills defaults and refuses out-of-range or unknown parameters per field", () => {
    expect(parseParameters(commandSpec("ping")!, {})).toEqual({ ok: true, value: { count: 4 } });
    const tooMany = parseParameters(commandSpec("ping")!, { count: 11 });
    expect(tooMany.ok).toBe(false);
    expect(!tooMany.ok && Object.keys(tooMany.fieldErrors)).toEqual(["parameters.count"]);
    const unknown = parseParameters(commandSpec("get_status")!, { verbose: true });
    expect(!unknown.ok && unknown.fieldErrors["parameters.verbose"]?.[0]).toMatch(/not a parameter/);
    const logs = parseParameters(commandSpec("get_logs")!, { time_range_hours: 169 });
    expect(!logs.ok && Object.keys(logs.fieldErrors)).toEqual(["parameters.time_range_hours"]);
    const debug = parseParameters(commandSpec("set_debug_level")!, { level: "loud", duration_minutes: 241 });
    expect(!debug.ok && Object.keys(debug.fieldErrors).sort()).toEqual(["parameters.duration_minutes", "parameters.level"]);
  });

  it("has the seed's timeouts and marks restarts, resets and calibrations disruptive", () => {
    expect(commandSpec("get_logs")!.timeoutSeconds).toBe(120);
    expect(commandSpec("run_diagnostics")!.timeoutSeconds).toBe(180);
    for (const c of COMMANDS) if (/^(restart|reset|calibrate)/.test(c.name)) expect(c.disruptive, c.name).toBe(true);
  });

  it("ranks roles: a viewer sends nothing, a technician not a manager's command", () => {
    expect(roleReaches("viewer", "technician")).toBe(false);
    expect(roleReaches("technician", "technician")).toBe(true);
    expect(roleReaches("technician", "manager")).toBe(false);
    expect(roleReaches("admin", "manager")).toBe(true);
  });
});
