import { describe, expect, it } from "vitest";
import { bulkActionSchema, deviceCreateSchema, deviceListQuerySchema, deviceQueryToSearchParams, deviceUpdateSchema, retireDeviceRequestSchema, retireDeviceSchema, searchParamsToObject } from "./device-schemas";

const messages = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join(".") || "_", issue.message]));

describe("deviceCreateSchema", () => {
  const minimal = { deviceId: "MM001", deviceType: "milk_meter", name: "Parlour meter 1", farmId: "1" };

  it("reads a form's strings: the farm as a number, blanks as none", () => {
    const device = deviceCreateSchema.parse({ ...minimal, manufacturer: "", latitude: "52.1", tagIds: ["2", "3"], purchaseDate: "2025-06-01" });
    expect(device).toMatchObject({ deviceId: "MM001", farmId: 1, manufacturer: null, latitude: 52.1, tagIds: [2, 3], purchaseDate: new Date(Date.UTC(2025, 5, 1)) });
  });

  it("stores a MAC address upper-case with colons, whatever the device label said", () => {
    expect(deviceCreateSchema.parse({ ...minimal, macAddress: "aa-bb-cc-0d-1e-ff" }).macAddress).toBe("AA:BB:CC:0D:1E:FF");
    expect(deviceCreateSchema.parse({ ...minimal, macAddress: " " }).macAddress).toBeNull();
    expect(messages(deviceCreateSchema.safeParse({ ...minimal, macAddress: "AA:BB:CC:DD:EE" })).macAddress).toMatch(/six pairs of hex digits/);
  });

  it("names every wrong field, and an unknown field as unknown", () => {
    const result = deviceCreateSchema.safeParse({ deviceId: "mm1", deviceType: "toaster", name: "", farmId: "x", latitude: "91", healthCheckInterval: "5", colour: "red" });
    expect(result.success).toBe(false);
    const byField = messages(result);
    expect(byField.deviceId).toMatch(/two capital letters and 3–6 digits/);
    expect(byField.deviceType).toBe("Unknown device type");
    expect(byField.name).toBe("Name is required");
    expect(byField.farmId).toBe("Pick a farm");
    expect(byField.latitude).toBe("Must be at most 90");
    expect(byField.healthCheckInterval).toBe("Must be at least 10");
    expect(result.error?.issues.some((issue) => issue.code === "unrecognized_keys")).toBe(true);
  });
});

describe("deviceUpdateSchema", () => {
  it("takes any subset, leaves a blank threshold as it is, and reads a blank interval as the group's", () => {
    expect(deviceUpdateSchema.parse({ name: " Meter 2 " })).toEqual({ name: "Meter 2" });
    expect(deviceUpdateSchema.parse({ lowBatteryThreshold: "", healthCheckInterval: "" })).toEqual({ lowBatteryThreshold: undefined, healthCheckInterval: null });
  });

  it("refuses an empty change, and identity fields that are fixed once the device exists", () => {
    expect(messages(deviceUpdateSchema.safeParse({}))._).toBe("Send at least one field to change");
    expect(deviceUpdateSchema.safeParse({ deviceId: "MM002" }).success).toBe(false);
    expect(deviceUpdateSchema.safeParse({ state: "retired" }).success).toBe(false);
  });
});

describe("retiring", () => {
  it("needs a reason from a person, lets a script leave it out", () => {
    expect(messages(retireDeviceSchema.safeParse({ reason: "  " })).reason).toBe("A reason is required");
    expect(retireDeviceRequestSchema.parse({})).toEqual({});
    expect(retireDeviceRequestSchema.safeParse({ reason: "" }).success).toBe(false);
  });
});

describe("deviceListQuerySchema", () => {
  it("has defaults that list the first 50 devices by id", () => {
    const query = deviceListQuerySchema.parse({});
    expect(query).toMatchObject({ sort: "deviceId", dir: "asc", page: 1, pageSize: 50 });
    expect([query.q, query.type, query.farm, query.retired]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("reads several values of a filter from a comma list, repeated parameters or an array", () => {
    expect(deviceListQuerySchema.parse({ type: "collar,feeder" }).type).toEqual(["collar", "feeder"]);
    expect(deviceListQuerySchema.parse({ type: ["collar", "gate"] }).type).toEqual(["collar", "gate"]);
    expect(deviceListQuerySchema.parse({ health: "" }).health).toBeUndefined();
    expect(messages(deviceListQuerySchema.safeParse({ state: "active,asleep" }))["state.1"]).toBe("Unknown lifecycle state");
  });

  it("takes a group id or 'none', ids as positive numbers, and only the offered page sizes", () => {
    expect(deviceListQuerySchema.parse({ group: "none" }).group).toBe("none");
    expect(deviceListQuerySchema.parse({ group: "4", farm: "2", tag: "" })).toMatchObject({ group: 4, farm: 2, tag: undefined });
    expect(messages(deviceListQuerySchema.safeParse({ farm: "0" })).farm).toBe("farm must be an id");
    expect(messages(deviceListQuerySchema.safeParse({ pageSize: "30" })).pageSize).toBe("pageSize must be one of 25, 50, 100, 200");
    expect(messages(deviceListQuerySchema.safeParse({ sort: "colour" })).sort).toMatch(/^sort must be one of deviceId, name/);
    expect(deviceListQuerySchema.parse({ q: "   ", attention: "1" })).toMatchObject({ q: undefined, attention: true });
  });
});

describe("list URLs", () => {
  it("reads URLSearchParams and Next's searchParams object alike", () => {
    expect(searchParamsToObject(new URLSearchParams("type=collar&type=gate&q=barn"))).toEqual({ type: ["collar", "gate"], q: "barn" });
    expect(searchParamsToObject({ q: "barn", type: ["collar"], farm: undefined })).toEqual({ q: "barn", type: ["collar"] });
  });

  it("writes a query back without its defaults, and reads back to the same query", () => {
    const query = deviceListQuerySchema.parse({ q: "north", type: "collar,gate", group: "none", sort: "battery", dir: "desc", page: "3", pageSize: "100", retired: "true" });
    const params = deviceQueryToSearchParams(query);
    expect(params.toString()).toBe("q=north&type=collar%2Cgate&group=none&retired=true&sort=battery&dir=desc&page=3&pageSize=100");
    expect(deviceListQuerySchema.parse(searchParamsToObject(params))).toEqual(query);
    expect(deviceQueryToSearchParams(deviceListQuerySchema.parse({})).toString()).toBe("");
  });
});

describe("bulkActionSchema", () => {
  it("applies to ticked devices or to a filter, and to nothing else", () => {
    expect(bulkActionSchema.parse({ action: "addTag", tagId: "3", target: { deviceIds: ["MM001"] } })).toEqual({ action: "addTag", tagId: 3, target: { deviceIds: ["MM001"] } });
    expect(bulkActionSchema.parse({ action: "maintenanceOff", target: { filter: { type: "collar" } } }).target).toEqual({ filter: { type: "collar" } });
    expect(bulkActionSchema.safeParse({ action: "addTag", tagId: 3, target: { deviceIds: [] } }).success).toBe(false);
    expect(bulkActionSchema.safeParse({ action: "addTag", tagId: 3, target: { deviceIds: ["MM001"], filter: {} } }).success).toBe(false);
    expect(bulkActionSchema.safeParse({ action: "explode", target: { deviceIds: ["MM001"] } }).success).toBe(false);
  });

  it("needs the group or tag its action names", () => {
    expect(messages(bulkActionSchema.safeParse({ action: "addToGroup", groupId: "", target: { deviceIds: ["MM001"] } })).groupId).toBe("Pick a group");
    expect(bulkActionSchema.safeParse({ action: "removeTag", target: { deviceIds: ["MM001"] } }).success).toBe(false);
  });
});
