import { describe, expect, it } from "vitest";
import type { ImportColumn } from "./import-columns";
import { canonicalJson, cellValue, parseDate, parseDeviceType, parseMetadata, validateRow, type ExistingDevice, type ImportGroup, type RowContext } from "./row-validation";

const existingCollar: ExistingDevice = {
  deviceType: "collar",
  state: "active",
  farmId: 1,
  name: "Collar 9",
  manufacturer: "DairyTech",
  model: null,
  serialNumber: null,
  macAddress: null,
  hardwareVersion: null,
  locationDescription: null,
  latitude: null,
  longitude: null,
  groupId: null,
  purchaseDate: null,
  warrantyStart: null,
  warrantyEnd: null,
  warrantyTerms: null,
  supplier: null,
  purchaseOrder: null,
  unitCost: null,
  storageLocation: null,
  lastCalibration: null,
  nextMaintenanceDate: null,
  tags: [],
  metadata: {},
};

const GROUPS: (ImportGroup & { code: string })[] = [
  { code: "PARLOUR", id: 10, name: "Parlour", farmId: 1, deviceTypeFilter: null, active: true },
  { code: "ALL", id: 11, name: "All farms", farmId: null, deviceTypeFilter: null, active: true },
  { code: "HERD", id: 12, name: "Herd", farmId: 1, deviceTypeFilter: "collar", active: true },
  { code: "MILKING", id: 13, name: "Milking", farmId: 1, deviceTypeFilter: "milk_meter", active: true },
  { code: "OLD", id: 14, name: "Old", farmId: 1, deviceTypeFilter: null, active: false },
];

function context(overrides: Partial<RowContext> = {}): RowContext {
  return {
    mode: "create",
    farmsByCode: new Map([
      ["NORTH", 1],
      ["SOUTH", 2],
    ]),
    defaultFarmId: null,
    groupsByCode: new Map(GROUPS.map((group) => [group.code, group])),
    groupsById: new Map(GROUPS.map((group) => [group.id, group])),
    existing: new Map([["AC009", existingCollar]]),
    seen: new Map(),
    farmScope: null,
    ...overrides,
  };
}

const row = (values: Partial<Record<ImportColumn, string>> = {}) => ({ device_id: "AC001", name: "Collar 1", device_type: "collar", farm_code: "NORTH", ...values });

function errorsOf(values: Partial<Record<ImportColumn, string>>, ctx = context()) {
  const result = validateRow(row(values), 2, ctx);
  return result.ok ? [] : result.errors;
}

describe("validateRow", () => {
  it("turns a complete row into a device to create", () => {
    const result = validateRow(
      row({ mac_address: "aa-bb-cc-dd-ee-ff", latitude: "52.5", longitude: "-1,25", purchase_date: "2026-01-31", warranty_end: "2028-01-31", group_code: "PARLOUR", location_description: "Barn 2" }),
      2,
      context(),
    );
    expect(result).toMatchObject({
      ok: true,
      action: "create",
      deviceId: "AC001",
      deviceType: "collar",
      fields: { name: "Collar 1", farmId: 1, macAddress: "AA:BB:CC:DD:EE:FF", latitude: 52.5, longitude: -1.25, groupId: 10, locationDescription: "Barn 2" },
    });
    if (result.ok && result.action === "create") expect(result.fields.purchaseDate).toEqual(new Date(Date.UTC(2026, 0, 31)));
  });

  it("names each missing required field", () => {
    expect(errorsOf({ device_id: "", name: " ", device_type: "" })).toEqual([
      { column: "device_id", message: "Missing required field: device_id" },
      { column: "device_type", message: "Missing required field: device_type" },
      { column: "name", message: "Missing required field: name" },
    ]);
  });

  it("refuses an unknown device type and lists the valid ones", () => {
    const [error] = errorsOf({ device_type: "toaster" });
    expect(error).toMatchObject({ column: "device_type" });
    expect(error!.message).toContain('"toaster"');
    expect(error!.message).toContain("milk_meter, temperature, environmental, collar");
  });

  it("accepts the type's label and any case", () => {
    expect(parseDeviceType("Activity Collar")).toBe("collar");
    expect(parseDeviceType("RFID-Reader")).toBe("rfid_reader");
    expect(parseDeviceType("Milk Meter")).toBe("milk_meter");
  });

  it("refuses a badly formed device id, and upper-cases a lower-case one", () => {
    expect(errorsOf({ device_id: "A1" })[0]).toMatchObject({ column: "device_id", message: expect.stringContaining("two capital letters and 3–6 digits") });
    expect(errorsOf({ device_id: "AC1234567" })[0]).toMatchObject({ column: "device_id" });
    expect(validateRow(row({ device_id: "ac001" }), 2, context())).toMatchObject({ ok: true, deviceId: "AC001" });
  });

  it("does not tie the id prefix to the type (M92 task 2.3 does not)", () => {
    expect(validateRow(row({ device_id: "MM001", device_type: "collar" }), 2, context())).toMatchObject({ ok: true });
  });

  it("refuses a bad MAC address", () => {
    expect(errorsOf({ mac_address: "00:11:22:33:44" })).toEqual([{ column: "mac_address", message: expect.stringContaining("not a MAC address") }]);
  });

  it("refuses dates that are not YYYY-MM-DD or not real days, and a warranty ending before the purchase", () => {
    expect(errorsOf({ purchase_date: "31/01/2026" })).toEqual([{ column: "purchase_date", message: expect.stringContaining("YYYY-MM-DD") }]);
    expect(errorsOf({ warranty_end: "2026-02-30" })).toEqual([{ column: "warranty_end", message: expect.stringContaining("not a date") }]);
    expect(errorsOf({ purchase_date: "2026-02-01", warranty_end: "2026-01-01" })).toEqual([{ column: "warranty_end", message: "The warranty cannot end before the purchase date" }]);
    expect(parseDate("2024-02-29")).toEqual(new Date(Date.UTC(2024, 1, 29)));
    expect(parseDate("2023-02-29")).toBeNull();
  });

  it("refuses coordinates that are not numbers or out of range", () => {
    expect(errorsOf({ latitude: "north" })).toEqual([{ column: "latitude", message: '"north" is not a number' }]);
    expect(errorsOf({ latitude: "91" })).toEqual([{ column: "latitude", message: "Latitude must be between -90 and 90" }]);
    expect(errorsOf({ longitude: "-180.5" })).toEqual([{ column: "longitude", message: "Longitude must be between -180 and 180" }]);
  });

  it("refuses an unknown farm code", () => {
    expect(errorsOf({ farm_code: "WEST" })).toEqual([{ column: "farm_code", message: 'Unknown farm code "WEST"' }]);
  });

  it("uses the default farm for a row without farm code, and refuses when there is none", () => {
    expect(errorsOf({ farm_code: "" })).toEqual([{ column: "farm_code", message: "No farm: fill farm_code or choose a default farm" }]);
    expect(validateRow(row({ farm_code: "" }), 2, context({ defaultFarmId: 2 }))).toMatchObject({ ok: true, fields: { farmId: 2 } });
  });

  it("refuses a farm outside the importer's farm", () => {
    expect(errorsOf({ farm_code: "SOUTH" }, context({ farmScope: 1 }))).toEqual([{ column: "farm_code", message: "Farm SOUTH is outside yours" }]);
  });

  it("refuses an unknown group code and a group of another farm; a cross-farm group fits any", () => {
    expect(errorsOf({ group_code: "NOPE" })).toEqual([{ column: "group_code", message: 'Unknown group code "NOPE"' }]);
    expect(errorsOf({ group_code: "PARLOUR", farm_code: "SOUTH" })).toEqual([{ column: "group_code", message: "AC001 belongs to another farm than group “Parlour”." }]);
    expect(validateRow(row({ group_code: "ALL", farm_code: "SOUTH" }), 2, context())).toMatchObject({ ok: true, fields: { groupId: 11 } });
    expect(validateRow(row({ group_code: "HERD" }), 2, context())).toMatchObject({ ok: true, fields: { groupId: 12 } });
    expect(errorsOf({ group_code: "MILKING" })).toEqual([{ column: "group_code", message: "AC001 is an Activity Collar; group “Milking” holds only Milk Meter devices." }]);
    expect(errorsOf({ group_code: "OLD" })).toEqual([{ column: "group_code", message: "Group “Old” is archived." }]);
  });

  it("checks a device's own group when the row moves it to another farm, as an edit does", () => {
    const grouped = new Map([["AC009", { ...existingCollar, groupId: 12 }]]);
    expect(errorsOf({ device_id: "AC009", name: "Collar 9", farm_code: "SOUTH" }, context({ mode: "update", existing: grouped }))).toEqual([
      { column: "farm_code", message: expect.stringMatching(/^AC009 belongs to another farm than group “Herd”\. Name a group of the new farm/) },
    ]);
    expect(validateRow(row({ device_id: "AC009", name: "Collar 9", farm_code: "SOUTH", group_code: "ALL" }), 2, context({ mode: "update", existing: grouped }))).toMatchObject({ ok: true, action: "update", fields: { farmId: 2, groupId: 11 } });
    expect(validateRow(row({ device_id: "AC009", name: "Collar 9" }), 2, context({ mode: "update", existing: new Map([["AC009", { ...existingCollar, groupId: 14 }]]) }))).toMatchObject({ ok: true });
  });

  it("leaves a retired device read-only, unless its row changes nothing", () => {
    const retired = new Map([["AC009", { ...existingCollar, state: "decommissioned" as const }]]);
    expect(errorsOf({ device_id: "AC009", name: "Collar nine", farm_code: "" }, context({ mode: "update", existing: retired }))).toEqual([{ column: "device_id", message: "Device AC009 is retired; its record is kept read-only." }]);
    expect(validateRow(row({ device_id: "AC009", name: "Collar 9", farm_code: "" }), 2, context({ mode: "update", existing: retired }))).toMatchObject({ ok: true, action: "unchanged" });
  });

  it("rejects the second occurrence of an id in the file, naming the first row", () => {
    const ctx = context();
    expect(validateRow(row(), 2, ctx)).toMatchObject({ ok: true });
    expect(validateRow(row({ name: "Again" }), 7, ctx)).toEqual({ ok: false, deviceId: "AC001", errors: [{ column: "device_id", message: "AC001 appears twice in the file (first on row 2)" }] });
  });

  it("refuses an existing id in create mode", () => {
    expect(errorsOf({ device_id: "AC009" })).toEqual([{ column: "device_id", message: "AC009 already exists (create mode adds new devices only)" }]);
  });

  it("refuses a missing id in update mode", () => {
    expect(errorsOf({}, context({ mode: "update" }))).toEqual([{ column: "device_id", message: "AC001 does not exist (update mode changes existing devices only)" }]);
  });

  it("updates only what differs, keeps fields of empty cells, and calls an identical row unchanged", () => {
    const update = validateRow(row({ device_id: "AC009", name: "Collar nine", farm_code: "", manufacturer: "" }), 2, context({ mode: "update" }));
    expect(update).toMatchObject({ ok: true, action: "update", fields: { name: "Collar nine" }, changes: { name: { before: "Collar 9", after: "Collar nine" } } });
    expect(update.ok && update.action === "update" && Object.keys(update.fields)).toEqual(["name"]);
    expect(validateRow(row({ device_id: "AC009", name: "Collar 9", manufacturer: "DairyTech" }), 2, context({ mode: "create_update" }))).toMatchObject({ ok: true, action: "unchanged" });
    expect(validateRow(row({ device_id: "AC002" }), 2, context({ mode: "create_update" }))).toMatchObject({ ok: true, action: "create" });
  });

  it("refuses to change a device's type or to touch another farm's device", () => {
    expect(errorsOf({ device_id: "AC009", device_type: "feeder", name: "Collar 9" }, context({ mode: "update" }))).toEqual([{ column: "device_type", message: "AC009 is a collar; the type of a device cannot change" }]);
    expect(errorsOf({ device_id: "AC009", farm_code: "" }, context({ mode: "update", farmScope: 2 }))).toEqual([{ column: "device_id", message: "AC009 belongs to a farm outside yours" }]);
  });

  it("refuses text longer than the column holds", () => {
    expect(errorsOf({ serial_number: "x".repeat(51) })).toEqual([{ column: "serial_number", message: "At most 50 characters" }]);
    expect(errorsOf({ name: "x".repeat(121) })).toEqual([{ column: "name", message: "At most 120 characters" }]);
  });

  it("counts characters, not UTF-16 units, as the device API does", () => {
    expect(validateRow(row({ name: `🐄${"x".repeat(119)}` }), 2, context())).toMatchObject({ ok: true });
    expect(errorsOf({ name: `🐄${"x".repeat(120)}` })).toEqual([{ column: "name", message: "At most 120 characters" }]);
  });

  it("refuses a serial number a spreadsheet rounded to scientific notation", () => {
    for (const serial of ["1.23457E+11", "1,23457E+11", "4E+15"]) expect(errorsOf({ serial_number: serial })).toEqual([{ column: "serial_number", message: expect.stringContaining("spreadsheet rounded") }]);
    expect(validateRow(row({ serial_number: "SN-1E5" }), 2, context())).toMatchObject({ ok: true, fields: { serialNumber: "SN-1E5" } });
  });

  it("takes off the apostrophe the export puts before formula-like cells", () => {
    expect(cellValue("'-20 freezer")).toBe("-20 freezer");
    expect(cellValue("'=SUM(A1)")).toBe("=SUM(A1)");
    expect(cellValue("O'Brien's barn")).toBe("O'Brien's barn");
    expect(validateRow(row({ name: "'+Collar" }), 2, context())).toMatchObject({ ok: true, fields: { name: "+Collar" } });
  });
});

describe("round trip: the <empty> marker, tags, lifecycle state, metadata", () => {
  const stored: ExistingDevice = {
    ...existingCollar,
    model: "C-100",
    latitude: 52.1,
    groupId: 10,
    purchaseDate: new Date("2026-01-15"),
    warrantyStart: new Date("2026-01-15"),
    warrantyEnd: new Date("2028-01-15"),
    unitCost: 149.5,
    lastCalibration: new Date("2026-06-01"),
    tags: ["barn-a", "pilot"],
    metadata: { pen: 4, sensor: { kind: "tilt" } },
  };
  const tagContext = (overrides: Partial<RowContext> = {}) =>
    context({
      mode: "update",
      existing: new Map([["AC009", stored]]),
      tagsByName: new Map([
        ["barn-a", "barn-a"],
        ["pilot", "pilot"],
        ["spare", "Spare"],
      ]),
      newTags: new Map(),
      ...overrides,
    });
  const update = (values: Partial<Record<ImportColumn, string>>, ctx = tagContext()) => validateRow(row({ device_id: "AC009", name: "Collar 9", ...values }), 3, ctx);

  it("an empty cell keeps the stored value; the same values change nothing", () => {
    const result = update({
      model: "",
      latitude: "52.1",
      group_code: "PARLOUR",
      purchase_date: "2026-01-15",
      warranty_start: "2026-01-15",
      warranty_end: "2028-01-15",
      unit_cost: "149.50",
      last_calibration: "2026-06-01",
      tags: "pilot|barn-a",
      metadata: '{"sensor":{"kind":"tilt"},"pen":4}',
      state: "active",
    });
    expect(result).toMatchObject({ ok: true, action: "unchanged" });
  });

  it("<empty> clears an optional field, whatever its kind", () => {
    const result = update({ model: "<empty>", latitude: "<EMPTY>", group_code: "<empty>", warranty_end: " <empty> ", unit_cost: "<empty>", tags: "<empty>", metadata: "<empty>" });
    expect(result.ok && result.action === "update" ? result.fields : result).toEqual({ model: null, latitude: null, groupId: null, warrantyEnd: null, unitCost: null, tags: [], metadata: {} });
  });

  it("<empty> on a required field is the row's error, naming the field", () => {
    for (const column of ["name", "farm_code", "state", "device_type"] as const) {
      const result = update({ [column]: "<empty>" });
      expect(result.ok, column).toBe(false);
      expect(result.ok ? [] : result.errors).toContainEqual({ column, message: `<empty> cannot clear ${column}: a device must have one` });
    }
  });

  it("tags: matched by name in any case, unknown ones refused unless they may be created", () => {
    expect(update({ tags: "PILOT|spare" })).toMatchObject({ ok: true, action: "update", fields: { tags: ["Spare", "pilot"] } });
    const refused = update({ tags: "pilot|Heifers 2026" });
    expect(refused.ok ? [] : refused.errors).toEqual([{ column: "tags", message: 'Unknown tag "Heifers 2026": tick “Create tags that do not exist” (create_tags) or add it under Tags first' }]);
    const ctx = tagContext({ createTags: true });
    expect(update({ tags: "pilot|Heifers 2026" }, ctx)).toMatchObject({ ok: true, action: "update", fields: { tags: ["Heifers 2026", "pilot"] } });
    expect([...ctx.newTags!.values()]).toEqual(["Heifers 2026"]);
  });

  it("state: the device form's lifecycle rules, on create and on update", () => {
    expect(validateRow(row({ state: "provisioned" }), 2, context())).toMatchObject({ ok: true, action: "create", fields: { state: "provisioned" } });
    const retired = validateRow(row({ state: "decommissioned" }), 2, context());
    expect(retired.ok ? [] : retired.errors).toEqual([{ column: "state", message: "A new device cannot start as decommissioned: it starts as manufactured, provisioned, registered, active, suspended." }]);
    expect(update({ state: "Suspended" })).toMatchObject({ ok: true, action: "update", fields: { state: "suspended" } });
    const back = update({ state: "registered" });
    expect(back.ok ? [] : back.errors).toEqual([{ column: "state", message: "A device cannot go from active to registered." }]);
    const maintenance = update({ state: "maintenance" });
    expect(maintenance.ok ? [] : maintenance.errors).toEqual([{ column: "state", message: "Use maintenance mode to enter or leave maintenance." }]);
    const unknown = update({ state: "broken" });
    expect(unknown.ok ? [] : unknown.errors[0]!.message).toMatch(/^Unknown state "broken"/);
  });

  it("warranty dates keep their order with the stored values", () => {
    const result = update({ warranty_start: "2025-12-01" });
    expect(result.ok ? [] : result.errors).toEqual([{ column: "warranty_start", message: "The warranty cannot start before the purchase date" }]);
  });

  it("metadata is a JSON object, compared whatever the key order", () => {
    expect(parseMetadata('{"a":1}')).toEqual({ value: { a: 1 } });
    expect(parseMetadata("[1]")).toEqual({ error: 'The metadata is a JSON object such as {"pen": 4}, not a list' });
    expect(parseMetadata("pen=4")).toEqual({ error: 'The metadata is not JSON: write an object such as {"pen": 4}' });
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });
});
