import { describe, expect, it } from "vitest";
import { defaultColumns, exportColumnsFor, parseColumnsParam, parseDensityParam, resolveColumns } from "./list-columns";
import { listPreferenceInputSchema, savedViewCreateSchema, savedViewUpdateSchema, storedPreferencesSchema } from "./list-view-schemas";
import { listPresentation } from "./list-preferences";
import { EXPORT_COLUMNS, exportColumnsSchema } from "../devices/device-export";

describe("the devices list's columns", () => {
  it("shows the default set when nothing (or nothing known) is chosen", () => {
    expect(resolveColumns("devices", null)).toEqual(defaultColumns("devices"));
    expect(resolveColumns("devices", ["cow", "milk"])).toEqual(defaultColumns("devices"));
    expect(defaultColumns("devices")).not.toContain("warranty");
  });

  it("keeps the person's order, drops unknown keys and repeats, and keeps the device column", () => {
    expect(resolveColumns("devices", ["battery", "health", "battery", "cow"])).toEqual(["device", "battery", "health"]);
    expect(resolveColumns("devices", ["health", "device", "warranty"])).toEqual(["health", "device", "warranty"]);
  });

  it("reads the URL forms leniently", () => {
    expect(parseColumnsParam("device, health,,battery")).toEqual(["device", "health", "battery"]);
    expect(parseColumnsParam("")).toBeNull();
    expect(parseColumnsParam(undefined)).toBeNull();
    expect(parseDensityParam("compact")).toBe("compact");
    expect(parseDensityParam("tiny")).toBeNull();
  });

  it("maps visible columns to the export's, in their order, limited to what the export writes", () => {
    expect(exportColumnsFor("devices", ["device", "battery", "health"], EXPORT_COLUMNS)).toEqual(["device_id", "name", "battery_level", "health_status", "health_score", "needs_attention"]);
    expect(exportColumnsFor("devices", ["device", "warranty"], ["device_id", "name"])).toEqual(["device_id", "name"]);
  });
});

describe("what a list shows: URL, then the person's choice, then the default", () => {
  const mine = storedPreferencesSchema.parse({ lists: { devices: { density: "compact", columns: ["device", "health"] } } });
  it("takes the person's preference when the URL says nothing", () => {
    expect(listPresentation("devices", mine, {})).toMatchObject({ density: "compact", columns: ["device", "health"], densityFromUrl: false, columnsFromUrl: false });
  });
  it("lets a link override it", () => {
    expect(listPresentation("devices", mine, { density: "comfortable", columns: "device,battery" })).toMatchObject({ density: "comfortable", columns: ["device", "battery"], densityFromUrl: true, columnsFromUrl: true });
  });
  it("falls back to comfortable and the default columns", () => {
    expect(listPresentation("alerts", {}, {})).toMatchObject({ density: "comfortable", columns: ["severity", "alert", "subject", "occurrences", "first", "last", "state"] });
  });
  it("gives every list its own columns, the required one kept first when left out", () => {
    expect(listPresentation("maintenance", {}, { columns: "status,cost" }).columns).toEqual(["date", "status", "cost"]);
    expect(listPresentation("commands", {}, { columns: "result,command,bogus" }).columns).toEqual(["result", "command"]);
    expect(listPresentation("updates", {}, { columns: "battery" }).columns).toEqual(defaultColumns("updates"));
  });
  it("never breaks on a stored value it does not understand", () => {
    expect(storedPreferencesSchema.parse({ lists: { devices: { density: "huge" } }, pinnedViews: "x" })).toEqual({ lists: { devices: {} } });
    expect(storedPreferencesSchema.parse("nonsense")).toEqual({});
  });
});

describe("a list preference as sent", () => {
  it("accepts a density, or known columns with the device column", () => {
    expect(listPreferenceInputSchema.parse({ list: "alerts", density: "compact" })).toEqual({ list: "alerts", density: "compact" });
    expect(listPreferenceInputSchema.parse({ list: "devices", columns: ["device", "battery"] }).columns).toEqual(["device", "battery"]);
    expect(listPreferenceInputSchema.parse({ list: "devices", columns: null }).columns).toBeNull();
  });
  it("refuses unknown, repeated or missing required columns, and an empty change, saying which", () => {
    const messages = (input: unknown) => listPreferenceInputSchema.safeParse(input).error?.issues.map((issue) => issue.message) ?? [];
    expect(messages({ list: "devices", columns: ["device", "udder"] })[0]).toMatch(/Unknown columns for the devices list: udder/);
    expect(messages({ list: "devices", columns: ["device", "health", "health"] })).toContain("A column is named twice");
    expect(messages({ list: "devices", columns: ["health"] })).toContain("Always shown: device");
    expect(messages({ list: "alerts", columns: ["alert", "x"] })[0]).toMatch(/Unknown columns for the alerts list: x/);
    expect(messages({ list: "maintenance", columns: ["status"] })).toContain("Always shown: date");
    expect(messages({ list: "devices" })).toContain("Send a density or columns");
    expect(messages({ list: "cows", density: "compact" })[0]).toMatch(/list must be one of/);
    expect(messages({ list: "devices", density: "tiny" })[0]).toMatch(/density must be comfortable or compact/);
  });
});

describe("a saved view as sent", () => {
  it("requires a name of at most 60 characters, trimmed", () => {
    const issue = (name: unknown) => savedViewCreateSchema.safeParse({ list: "devices", name }).error?.issues[0]?.message;
    expect(issue("")).toBe("A name is required");
    expect(issue("   ")).toBe("A name is required");
    expect(issue(undefined)).toBe("A name is required");
    expect(issue("x".repeat(61))).toBe("At most 60 characters");
    expect(savedViewCreateSchema.parse({ list: "devices", name: "  Barn A critical  " }).name).toBe("Barn A critical");
  });
  it("keeps the query without its page and view marker, and is personal by default", () => {
    const view = savedViewCreateSchema.parse({ list: "devices", name: "x", query: "?health=critical&page=3&savedView=9&density=compact" });
    expect(view).toMatchObject({ query: "health=critical&density=compact", shared: false });
    expect(savedViewCreateSchema.parse({ list: "devices", name: "x", shared: "true", farmId: "2" })).toMatchObject({ shared: true, farmId: 2 });
  });
  it("refuses unknown fields and a query too long", () => {
    expect(savedViewCreateSchema.safeParse({ list: "devices", name: "x", owner: 1 }).success).toBe(false);
    expect(savedViewCreateSchema.safeParse({ list: "devices", name: "x", query: "q=".padEnd(2001, "a") }).success).toBe(false);
  });
  it("asks an update for at least one change", () => {
    expect(savedViewUpdateSchema.safeParse({}).error?.issues[0]?.message).toBe("Send at least one field to change");
    expect(savedViewUpdateSchema.parse({ name: "Renamed" })).toEqual({ name: "Renamed" });
  });
});

describe("the export's column choice", () => {
  it("takes known columns in the order asked and refuses others", () => {
    expect(exportColumnsSchema.parse("name,device_id")).toEqual(["name", "device_id"]);
    expect(exportColumnsSchema.safeParse("device_id,udder").success).toBe(false);
    expect(exportColumnsSchema.safeParse("name,name").success).toBe(false);
    expect(exportColumnsSchema.safeParse("").success).toBe(false);
  });
});
