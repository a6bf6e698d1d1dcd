import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { configHash } from "../configuration/config-hash";
import type { ConfigObject } from "../configuration/config-schemas";
import { writeVersions } from "../configuration/config-versions";
import { LayerBook } from "../configuration/layer-book";
import { disconnectDb, getDb } from "../db";
import { listDevices, parseDeviceListQuery } from "../devices/device-list";
import { createDevice } from "../devices/device-registry";
import { deviceCreateSchema } from "../devices/device-schemas";
import { ForbiddenError, InvalidError, ConflictError } from "../errors";
import { runImport } from "../import/device-import";
import { prismaSql } from "../ota/job-stops";
import { createTestPerson, refusal } from "../testing/people";
import { updateAssetRecord } from "./asset-record";
import { bookValueCents } from "./book-value";
import { listInventory, parseInventoryListQuery } from "./inventory-list";
import { inventoryReport, inventoryReportCsv } from "./inventory-report";
import { assetRecordSchema, transferSchema } from "./inventory-schemas";
import { isInStock, stockWhere } from "./stock";
import { deviceTransfers, listTransfers, transferDevices } from "./transfers";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const base = 100_000 + Math.floor(Math.random() * 800_000);
const id = (prefix: string, n: number) => `${prefix}${base + n}`;
const TODAY = new Date("2026-12-03T10:00:00Z");

let north: number;
let south: number;
let northParlour: number;
let southParlour: number;
let shared: number;
let northTag: number;
let sharedTag: number;
let admin: Actor;
let farmAdmin: Actor;
let manager: Actor;
let technician: Actor;
let viewer: Actor;

const transfer = (actor: Actor, raw: Record<string, unknown>) => transferDevices(db, actor, transferSchema.parse(raw), TODAY);
const device = (deviceId: string) => db.device.findUniqueOrThrow({ where: { deviceId }, include: { tags: { include: { tag: true } } } });

async function fieldsOf(promise: Promise<unknown>) {
  const error = await refusal(promise);
  expect(error).toBeInstanceOf(InvalidError);
  return (error as InvalidError).fieldErrors;
}

/** Gives the device its first configuration version from its place now, with `overrides` of its own. */
async function configure(deviceId: string, overrides: ConfigObject) {
  const row = await db.device.findUniqueOrThrow({ where: { deviceId } });
  await db.$transaction(async (tx) => {
    const sql = prismaSql(tx);
    const book = await LayerBook.load(sql);
    const config = book.effective({ deviceType: row.deviceType as "milk_meter", farmId: row.farmId, groupId: row.groupId }, overrides).config;
    await writeVersions(sql, [{ devicePk: row.id, overrides, config, hash: configHash(config), source: "initial", summary: "test" }], TODAY);
  });
}

async function desired(deviceId: string) {
  const row = await db.device.findUniqueOrThrow({ where: { deviceId }, select: { id: true, configShadow: { select: { desiredVersion: true } } } });
  const version = await db.deviceConfig.findUniqueOrThrow({ where: { deviceId_version: { deviceId: row.id, version: row.configShadow!.desiredVersion } } });
  return version;
}

beforeAll(async () => {
  north = (await db.farm.create({ data: { code: `IN${suffix}`, name: `North ${suffix}` } })).id;
  south = (await db.farm.create({ data: { code: `IS${suffix}`, name: `South ${suffix}` } })).id;
  northParlour = (await db.deviceGroup.create({ data: { code: `INP-${suffix}`, name: "North parlour", farmId: north } })).id;
  southParlour = (await db.deviceGroup.create({ data: { code: `ISP-${suffix}`, name: "South parlour", farmId: south } })).id;
  shared = (await db.deviceGroup.create({ data: { code: `ISH-${suffix}`, name: "All spares", farmId: null } })).id;
  northTag = (await db.deviceTag.create({ data: { name: `north-row-${suffix}`, farmId: north } })).id;
  sharedTag = (await db.deviceTag.create({ data: { name: `critical-${suffix}` } })).id;
  admin = await createTestPerson(db, "admin", null, `inv-admin-${suffix}@test.example`, "Ines Admin");
  farmAdmin = await createTestPerson(db, "admin", north, `inv-farmadmin-${suffix}@test.example`, "Farm Admin");
  manager = await createTestPerson(db, "manager", north, `inv-manager-${suffix}@test.example`, "Nora Manager");
  technician = await createTestPerson(db, "technician", north, `inv-tech-${suffix}@test.example`, "Tom Tech");
  viewer = await createTestPerson(db, "viewer", null, `inv-viewer-${suffix}@test.example`, "Vic Viewer");
  await db.configLayer.createMany({
    data: [
      { scope: "farm", scopeKey: `farm:${north}:milk_meter`, farmId: north, deviceType: "milk_meter", values: { telemetry: { batch_size: 20 } }, health: {} },
      { scope: "farm", scopeKey: `farm:${south}:milk_meter`, farmId: south, deviceType: "milk_meter", values: { telemetry: { batch_size: 77, measurement_interval_sec: 5 } }, health: {} },
      { scope: "group", scopeKey: `group:${southParlour}:milk_meter`, groupId: southParlour, deviceType: "milk_meter", values: { telemetry: { transmission_interval_sec: 45 } }, health: {} },
    ],
  });
  await db.device.createMany({
    data: [
      // spares on the shelf at North
      { deviceId: id("MM", 1), name: `Spare meter 1 ${suffix}`, deviceType: "milk_meter", farmId: north, state: "registered", groupId: northParlour, storageLocation: "North store, shelf B2", locationDescription: "Store" },
      { deviceId: id("MM", 2), name: `Spare meter 2 ${suffix}`, deviceType: "milk_meter", farmId: north, state: "registered", groupId: northParlour },
      { deviceId: id("MM", 3), name: `Spare meter 3 ${suffix}`, deviceType: "milk_meter", farmId: north, state: "manufactured", groupId: shared },
      { deviceId: id("MM", 4), name: `Retired meter ${suffix}`, deviceType: "milk_meter", farmId: north, state: "decommissioned", retiredAt: TODAY },
      { deviceId: id("AC", 5), name: `Collar 5 ${suffix}`, deviceType: "collar", farmId: north, state: "active" },
    ],
  });
  const spare1 = await db.device.findUniqueOrThrow({ where: { deviceId: id("MM", 1) } });
  await db.deviceTagLink.createMany({ data: [{ deviceId: spare1.id, tagId: northTag }, { deviceId: spare1.id, tagId: sharedTag }] });
  await configure(id("MM", 1), { telemetry: { compression_enabled: false } });
  // North's open work on the spare: planned (a group plan's and a device plan's, overdue), hand-made, and one done
  const plan = await db.maintenancePlan.create({ data: { farmId: north, name: "Quarterly calibration", maintenanceType: "calibration", scope: "group", groupId: northParlour, everyCount: 3, everyUnit: "months", startsOn: new Date("2026-10-01") } });
  const devicePlan = await db.maintenancePlan.create({ data: { farmId: north, name: "Spare check", maintenanceType: "inspection", scope: "device", deviceId: spare1.id, startsOn: new Date("2026-12-10") } });
  await db.maintenance.createMany({
    data: [
      { deviceId: spare1.id, farmId: north, planId: plan.id, maintenanceType: "calibration", status: "scheduled", scheduledDate: new Date("2027-01-01") },
      { deviceId: spare1.id, farmId: north, planId: devicePlan.id, maintenanceType: "inspection", status: "overdue", scheduledDate: new Date("2026-11-20") },
      { deviceId: spare1.id, farmId: north, planId: plan.id, maintenanceType: "calibration", status: "done", scheduledDate: new Date("2026-10-01"), performedAt: new Date("2026-10-01") },
      { deviceId: spare1.id, farmId: north, maintenanceType: "corrective", status: "scheduled", scheduledDate: new Date("2026-12-20"), description: "Hand-made, no plan" },
    ],
  });
});

afterAll(async () => {
  const farms = [north, south];
  await db.maintenance.deleteMany({ where: { farmId: { in: farms } } });
  await db.maintenancePlan.deleteMany({ where: { farmId: { in: farms } } });
  await db.device.deleteMany({ where: { farmId: { in: farms } } });
  await db.configLayer.deleteMany({ where: { OR: [{ farmId: { in: farms } }, { groupId: { in: [northParlour, southParlour] } }] } });
  await db.deviceGroup.deleteMany({ where: { id: { in: [northParlour, southParlour, shared] } } });
  await db.deviceTag.deleteMany({ where: { id: { in: [northTag, sharedTag] } } });
  await db.user.deleteMany({ where: { email: { endsWith: `-${suffix}@test.example` } } });
  await db.farm.deleteMany({ where: { id: { in: farms } } });
  await disconnectDb();
});

describe("transferring devices to another farm", () => {
  it("refuses viewers, technicians, managers and an admin bound to one farm, writing nothing", async () => {
    for (const actor of [viewer, technician, manager, farmAdmin]) {
      expect(await refusal(transfer(actor, { deviceIds: [id("MM", 2)], toFarmId: south, toGroupId: null }))).toBeInstanceOf(ForbiddenError);
    }
    expect((await device(id("MM", 2))).farmId).toBe(north);
  });

  it("refuses a group of the farm the device leaves, on the toGroupId field, and writes nothing", async () => {
    const fields = await fieldsOf(transfer(admin, { deviceIds: [id("MM", 1), id("MM", 2)], toFarmId: south }));
    expect(Object.keys(fields)).toEqual(["toGroupId"]);
    expect(fields.toGroupId![0]).toContain(id("MM", 1));
    expect(fields.toGroupId![0]).toContain("North parlour");
    // a group of another farm than the target is refused too
    expect(Object.keys(await fieldsOf(transfer(admin, { deviceIds: [id("MM", 2)], toFarmId: south, toGroupId: northParlour })))).toEqual(["toGroupId"]);
    expect((await device(id("MM", 1))).farmId).toBe(north);
    expect(await db.deviceTransfer.count({ where: { device: { deviceId: { in: [id("MM", 1), id("MM", 2)] } } } })).toBe(0);
  });

  it("refuses retired devices, unknown devices and farms, and the farm they are on, per field", async () => {
    expect(Object.keys(await fieldsOf(transfer(admin, { deviceIds: [id("MM", 4)], toFarmId: south, toGroupId: null })))).toEqual(["deviceIds"]);
    expect(Object.keys(await fieldsOf(transfer(admin, { deviceIds: [id("MM", 99)], toFarmId: south, toGroupId: null })))).toEqual(["deviceIds"]);
    expect(Object.keys(await fieldsOf(transfer(admin, { deviceIds: [id("MM", 2)], toFarmId: 999_999, toGroupId: null })))).toEqual(["toFarmId"]);
    expect(Object.keys(await fieldsOf(transfer(admin, { deviceIds: [id("MM", 2)], toFarmId: north, toGroupId: null })))).toEqual(["toFarmId"]);
    // all or nothing: one retired device among good ones moves none of them
    await fieldsOf(transfer(admin, { deviceIds: [id("MM", 2), id("MM", 4)], toFarmId: south, toGroupId: null }));
    expect((await device(id("MM", 2))).farmId).toBe(north);
  });

  it("moves a spare into a group of the target farm: configuration, tags, the old farm's open work (planned or not), location and history follow", async () => {
    const before = await desired(id("MM", 1));
    expect((before.desired as { telemetry: { batch_size: number } }).telemetry.batch_size).toBe(20);
    const outcome = await transfer(admin, { deviceIds: [id("MM", 1)], toFarmId: south, toGroupId: southParlour, storageLocation: "South store, bin 4", reason: "South is short of spares" });
    expect(outcome.devices).toEqual([{ deviceId: id("MM", 1), fromFarmId: north, toGroupId: southParlour, configVersion: before.version + 1, tagsDropped: [`north-row-${suffix}`], maintenanceCancelled: 3 }]);

    const moved = await device(id("MM", 1));
    expect(moved).toMatchObject({ farmId: south, groupId: southParlour, storageLocation: "South store, bin 4", locationDescription: null });
    expect(moved.tags.map((link) => link.tag.name)).toEqual([`critical-${suffix}`]);

    // the target farm's and group's layers, with the device's own value kept on top
    const after = await desired(id("MM", 1));
    const telemetry = (after.desired as { telemetry: Record<string, unknown> }).telemetry;
    expect(telemetry).toMatchObject({ batch_size: 77, measurement_interval_sec: 5, transmission_interval_sec: 45, compression_enabled: false });
    expect(after).toMatchObject({ version: before.version + 1, source: "layer", reason: `Transferred to South ${suffix}`, status: "pending", createdById: admin.id });
    expect(after.changeSummary).toContain("batch_size");

    const work = await db.maintenance.findMany({ where: { device: { deviceId: id("MM", 1) } }, orderBy: { scheduledDate: "asc" } });
    expect(work.map((row) => [row.status, row.farmId, row.cancelReason])).toEqual([
      ["done", north, null],
      ["cancelled", north, `Transferred to South ${suffix}`],
      ["cancelled", north, `Transferred to South ${suffix}`],
      ["cancelled", north, `Transferred to South ${suffix}`],
    ]);
    expect(await db.maintenancePlan.count({ where: { deviceId: moved.id, active: true } })).toBe(0);

    const history = await deviceTransfers(db, admin, id("MM", 1));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      fromFarm: { id: north },
      toFarm: { id: south },
      fromGroup: { id: northParlour, name: "North parlour" },
      toGroup: { id: southParlour },
      fromLocation: "North store, shelf B2",
      toLocation: "South store, bin 4",
      reason: "South is short of spares",
      transferredBy: "Ines Admin",
    });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: "device", entityId: id("MM", 1), action: "transferred" } });
    expect(audit.after).toMatchObject({ farm: `IS${suffix}`, group: `ISP-${suffix}`, tags: [`critical-${suffix}`] });
  });

  it("takes devices out of their group with toGroupId none, and keeps a cross-farm group that fits anywhere", async () => {
    await transfer(admin, { deviceIds: `${id("MM", 2)},${id("MM", 3)}`, toFarmId: south, toGroupId: "none" });
    expect((await device(id("MM", 2))).groupId).toBeNull();
    expect((await device(id("MM", 3))).groupId).toBeNull();
    // back north, each keeping its group: MM3 into the cross-farm group first
    await db.device.update({ where: { deviceId: id("MM", 3) }, data: { groupId: shared } });
    await transfer(admin, { deviceIds: [id("MM", 3)], toFarmId: north });
    expect(await device(id("MM", 3))).toMatchObject({ farmId: north, groupId: shared });
    // a device without a configuration version gets its first one from the target farm
    expect(((await desired(id("MM", 3))).desired as { telemetry: { batch_size: number } }).telemetry.batch_size).toBe(20);
    const page = await listTransfers(db, viewer, { farm: north, page: 1, pageSize: 50 });
    expect(page.data.filter((row) => row.device.deviceId === id("MM", 3)).map((row) => row.toFarm?.id)).toEqual([north, south]);
  });
});

describe("the asset record", () => {
  const update = (actor: Actor, raw: Record<string, unknown>) => updateAssetRecord(db, actor, id("AC", 5), assetRecordSchema.parse(raw));

  it("refuses negative costs and a depreciation period out of 1–240 months per field", () => {
    const parsed = assetRecordSchema.safeParse({ unitCost: "-5", depreciationMonths: "241" });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path[0]).sort()).toEqual(["depreciationMonths", "unitCost"]);
    expect(assetRecordSchema.safeParse({ depreciationMonths: 0 }).success).toBe(false);
    expect(assetRecordSchema.safeParse({ unitCost: 12.345 }).success).toBe(false);
  });

  it("gives a purchase without a warranty the seed's 2 years from purchase, audited", async () => {
    const record = await update(manager, { supplier: "DeLaval", purchaseOrder: "PO-2026-114", purchaseDate: "2026-01-15", unitCost: "420.50" });
    expect(record).toMatchObject({ supplier: "DeLaval", unitCost: 420.5, effectiveDepreciationMonths: 36, warrantyTerms: "Standard 2-year manufacturer warranty" });
    expect(record.warrantyStart?.toISOString().slice(0, 10)).toBe("2026-01-15");
    expect(record.warrantyEnd?.toISOString().slice(0, 10)).toBe("2028-01-15");
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: id("AC", 5), action: "asset_record_updated" } });
    expect(audit.after).toMatchObject({ supplier: "DeLaval", purchaseDate: "2026-01-15", warrantyEnd: "2028-01-15", unitCost: 420.5 });
  });

  it("refuses dates out of order on the field that was changed, and writes nothing", async () => {
    expect(Object.keys(await fieldsOf(update(manager, { warrantyStart: "2025-12-31" })))).toEqual(["warrantyStart"]);
    expect(Object.keys(await fieldsOf(update(manager, { warrantyEnd: "2026-01-14" })))).toEqual(["warrantyEnd"]);
    expect(Object.keys(await fieldsOf(update(manager, { purchaseDate: "2026-02-01" })))).toEqual(["purchaseDate"]);
    const row = await device(id("AC", 5));
    expect(row.purchaseDate?.toISOString().slice(0, 10)).toBe("2026-01-15");
  });

  it("is changed by managers only, and not on a retired device", async () => {
    expect(await refusal(update(technician, { supplier: "Other" }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(update(viewer, { supplier: "Other" }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(updateAssetRecord(db, admin, id("MM", 4), { supplier: "Other" }))).toBeInstanceOf(ConflictError);
  });
});

describe("the inventory report", () => {
  let east: number;
  beforeAll(async () => {
    east = (await db.farm.create({ data: { code: `IE${suffix}`, name: `East ${suffix}` } })).id;
    await db.device.createMany({
      data: [
        // bought 2024-12-03, 60 months: 24 elapsed → 36/60 of 500.00 = 300.00; warranty ends in 10 days: expiring
        { deviceId: id("MM", 11), name: "R1", deviceType: "milk_meter", farmId: east, state: "active", provisioningDate: TODAY, unitCost: "500.00", purchaseDate: new Date("2024-12-03"), warrantyEnd: new Date("2026-12-13") },
        // 2026-06-15, 10 months own period: 5 whole months elapsed → 5/10 of 333.33 = 166.665 → 166.67; warranty active
        { deviceId: id("MM", 12), name: "R2", deviceType: "milk_meter", farmId: east, state: "registered", unitCost: "333.33", depreciationMonths: 10, purchaseDate: new Date("2026-06-15"), warrantyEnd: new Date("2028-06-15"), storageLocation: "East store" },
        // expired yesterday; maintenance; bought 2020: written off
        { deviceId: id("MM", 13), name: "R3", deviceType: "milk_meter", farmId: east, state: "maintenance", provisioningDate: TODAY, unitCost: "100.00", purchaseDate: new Date("2020-01-01"), warrantyEnd: new Date("2026-12-02") },
        // void, suspended, no cost
        { deviceId: id("AC", 14), name: "R4", deviceType: "collar", farmId: east, state: "suspended", provisioningDate: TODAY, warrantyEnd: new Date("2027-12-01"), warrantyVoidedAt: TODAY },
        // retired: counted as retired, nothing else
        { deviceId: id("AC", 15), name: "R5", deviceType: "collar", farmId: east, state: "decommissioned", unitCost: "90.00", purchaseDate: new Date("2026-01-01"), warrantyEnd: new Date("2028-01-01") },
        // in stock, warranty ends today: expiring; 36 months collar, bought 2026-11-04: 0 whole months → 80.00
        { deviceId: id("AC", 16), name: "R6", deviceType: "collar", farmId: east, state: "manufactured", unitCost: "80.00", purchaseDate: new Date("2026-11-04"), warrantyEnd: new Date("2026-12-03") },
      ],
    });
  });
  afterAll(async () => {
    await db.device.deleteMany({ where: { farmId: east } });
    await db.farm.delete({ where: { id: east } });
  });

  it("counts each farm and type against hand-computed figures, with totals", async () => {
    const report = await inventoryReport(db, admin, { farmId: east }, TODAY);
    expect(report.rows.map(({ farmId, deviceType, total, inStock, inUse, inMaintenance, suspended, retired, inWarranty, expiring, expired, warrantyVoid, purchaseValue, bookValue }) => ({ farmId, deviceType, total, inStock, inUse, inMaintenance, suspended, retired, inWarranty, expiring, expired, warrantyVoid, purchaseValue, bookValue }))).toEqual([
      { farmId: east, deviceType: "collar", total: 3, inStock: 1, inUse: 0, inMaintenance: 0, suspended: 1, retired: 1, inWarranty: 1, expiring: 1, expired: 0, warrantyVoid: 1, purchaseValue: 80, bookValue: 80 },
      { farmId: east, deviceType: "milk_meter", total: 3, inStock: 1, inUse: 1, inMaintenance: 1, suspended: 0, retired: 0, inWarranty: 2, expiring: 1, expired: 1, warrantyVoid: 0, purchaseValue: 933.33, bookValue: 466.67 },
    ]);
    expect(report.totals).toMatchObject({ total: 6, inStock: 2, inUse: 1, inWarranty: 3, expiring: 2, purchaseValue: 1013.33, bookValue: 546.67, currency: "EUR" });
    // the lifecycle columns split the total: no device counted twice or not at all
    for (const row of [...report.rows, report.totals]) expect(row.inStock + row.inUse + row.inMaintenance + row.suspended + row.retired).toBe(row.total);
    // the SQL and the TypeScript depreciation agree
    expect(bookValueCents(33_333, 10, new Date("2026-06-15"), TODAY)).toBe(16_667);
    const csv = inventoryReportCsv(report).trim().split("\n");
    expect(csv[0]).toBe("farm_code,farm_name,device_type,total,in_stock,in_use,in_maintenance,suspended,retired,in_warranty,warranty_expiring,warranty_expired,warranty_void,purchase_value,book_value,currency");
    expect(csv[2]).toBe(`IE${suffix},East ${suffix},milk_meter,3,1,1,1,0,0,2,1,1,0,933.33,466.67,EUR`);
    expect(csv.at(-1)).toBe("ALL,All farms,all,6,2,1,1,1,1,3,2,1,1,1013.33,546.67,EUR");
  });

  it("keeps a farm-bound reader to their farm", async () => {
    const report = await inventoryReport(db, manager, {}, TODAY);
    expect(new Set(report.rows.map((row) => row.farmId))).toEqual(new Set([north]));
    expect((await inventoryReport(db, manager, { farmId: east }, TODAY)).rows).toEqual([]);
  });

  it("lists the asset records with stock, warranty and location filters", async () => {
    const list = await listInventory(db, admin, parseInventoryListQuery({ farm: String(east), stock: "true" }), TODAY);
    expect(list.data.map((row) => row.deviceId)).toEqual([id("AC", 16), id("MM", 12)]);
    expect(list.data.find((row) => row.deviceId === id("MM", 12))).toMatchObject({ bookValue: 166.67, warrantyStatus: "active", inStock: true });
    expect((await listInventory(db, admin, parseInventoryListQuery({ farm: String(east), warranty: "expiring,void" }), TODAY)).data.map((row) => row.deviceId)).toEqual([id("AC", 14), id("AC", 16), id("MM", 11)]);
    expect((await listInventory(db, admin, parseInventoryListQuery({ farm: String(east), location: "east st" }), TODAY)).data.map((row) => row.deviceId)).toEqual([id("MM", 12)]);
  });
});

describe("the devices list filters", () => {
  let west: number;
  const day = (offset: number) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) + offset * 86_400_000);
  beforeAll(async () => {
    west = (await db.farm.create({ data: { code: `IW${suffix}`, name: `West ${suffix}` } })).id;
    await db.device.createMany({
      data: [
        { deviceId: id("MM", 21), name: "L1", deviceType: "milk_meter", farmId: west, state: "active", provisioningDate: day(-100), nextCalibrationDue: day(-1), warrantyEnd: day(400) },
        { deviceId: id("MM", 22), name: "L2", deviceType: "milk_meter", farmId: west, state: "active", provisioningDate: day(-100), nextCalibrationDue: day(14), warrantyEnd: day(29) },
        { deviceId: id("MM", 23), name: "L3", deviceType: "milk_meter", farmId: west, state: "registered", nextCalibrationDue: day(15), warrantyEnd: day(-1) },
        { deviceId: id("MM", 24), name: "L4", deviceType: "milk_meter", farmId: west, state: "active", provisioningDate: day(-100) },
        { deviceId: id("AC", 25), name: "L5", deviceType: "collar", farmId: west, state: "active", provisioningDate: day(-100), warrantyEnd: day(30), warrantyVoidedAt: day(-2) },
        { deviceId: id("AC", 26), name: "L6", deviceType: "collar", farmId: west, state: "active", provisioningDate: day(-100), warrantyEnd: day(30) },
      ],
    });
  });
  afterAll(async () => {
    await db.device.deleteMany({ where: { farmId: west } });
    await db.farm.delete({ where: { id: west } });
  });
  const ids = async (raw: Record<string, string>) => (await listDevices(db, admin, parseDeviceListQuery({ farm: String(west), pageSize: "200", ...raw }))).items.map((row) => row.deviceId);

  it("filters by calibration status as calibrationStatusOn judges it", async () => {
    expect(await ids({ calibration: "overdue" })).toEqual([id("MM", 21)]);
    // due: within 14 days, or never calibrated though its type is
    expect(await ids({ calibration: "due" })).toEqual([id("MM", 22), id("MM", 24)]);
    expect(await ids({ calibration: "due,overdue" })).toEqual([id("MM", 21), id("MM", 22), id("MM", 24)]);
    expect(await ids({ calibration: "ok" })).toEqual([id("MM", 23)]);
    expect(await ids({ calibration: "not_required" })).toEqual([id("AC", 25), id("AC", 26)]);
  });

  it("filters by warranty status and stock", async () => {
    expect(await ids({ warranty: "expiring" })).toEqual([id("MM", 22)]);
    expect(await ids({ warranty: "active" })).toEqual([id("AC", 26), id("MM", 21)]);
    expect(await ids({ warranty: "expired,void" })).toEqual([id("AC", 25), id("MM", 23)]);
    expect(await ids({ warranty: "none" })).toEqual([id("MM", 24)]);
    expect(await ids({ stock: "true" })).toEqual([id("MM", 23)]);
    expect(await ids({ stock: "false", type: "milk_meter" })).toEqual([id("MM", 21), id("MM", 22), id("MM", 24)]);
    expect(await refusal(Promise.resolve().then(() => parseDeviceListQuery({ warranty: "forever" })))).toBeInstanceOf(InvalidError);
  });
});

describe("spares registered through the app", () => {
  let spares: number;
  const code = () => `ISS${suffix}`;
  const created = id("AC", 41);
  const provisioned = id("AC", 42);
  const imported = [id("AC", 43), id("AC", 44)];
  const all = [created, provisioned, ...imported].sort();
  const stockIds = async () => (await db.device.findMany({ where: { AND: [{ farmId: spares }, stockWhere(true)] }, select: { deviceId: true }, orderBy: { deviceId: "asc" } })).map((row) => row.deviceId);
  const listIds = async (raw: Record<string, string>) => (await listDevices(db, admin, parseDeviceListQuery({ farm: String(spares), pageSize: "200", ...raw }))).items.map((row) => row.deviceId).sort();
  const report = async () => (await inventoryReport(db, admin, { farmId: spares }, TODAY)).totals;

  beforeAll(async () => {
    spares = (await db.farm.create({ data: { code: code(), name: `Spares ${suffix}` } })).id;
    // the manual form and the API: createDevice stamps the provisioning date
    await createDevice(db, admin, deviceCreateSchema.parse({ deviceId: created, deviceType: "collar", name: "Spare collar", farmId: spares }));
    await createDevice(db, admin, deviceCreateSchema.parse({ deviceId: provisioned, deviceType: "collar", name: "Collar with credentials", farmId: spares, state: "provisioned" }));
    // the CSV import does too
    const result = await runImport(db, admin, `device_id,name,device_type,farm_code\n${imported.map((deviceId, n) => `${deviceId},Imported collar ${n + 1},collar,${code()}`).join("\n")}\n`, { fileName: "spares.csv", mode: "create", skipErrors: false });
    expect(result).toMatchObject({ created: 2 });
    for (const deviceId of all) await updateAssetRecord(db, admin, deviceId, assetRecordSchema.parse({ storageLocation: "Main store, shelf B2" }));
  });
  afterAll(async () => {
    await db.device.deleteMany({ where: { farmId: spares } });
    await db.importBatch.deleteMany({ where: { createdById: admin.id } });
    await db.farm.delete({ where: { id: spares } });
  });

  it("are in stock although the app provisioned them, until they report", async () => {
    const rows = await db.device.findMany({ where: { farmId: spares }, select: { deviceId: true, state: true, provisioningDate: true, lastSeen: true, storageLocation: true }, orderBy: { deviceId: "asc" } });
    expect(rows.map((row) => [row.deviceId, row.state, row.provisioningDate !== null, row.lastSeen, row.storageLocation])).toEqual([
      [created, "registered", true, null, "Main store, shelf B2"],
      [provisioned, "provisioned", true, null, "Main store, shelf B2"],
      [imported[0], "registered", true, null, "Main store, shelf B2"],
      [imported[1], "registered", true, null, "Main store, shelf B2"],
    ]);
    expect(rows.every(isInStock)).toBe(true);
    expect(await stockIds()).toEqual(all);
    expect(await report()).toMatchObject({ total: 4, inStock: 4, inUse: 0, inMaintenance: 0, suspended: 0, retired: 0 });
    expect(await listIds({ stock: "true" })).toEqual(all);
    expect(await listIds({ stock: "false" })).toEqual([]);
    const inventory = await listInventory(db, admin, parseInventoryListQuery({ farm: String(spares), stock: "true", location: "shelf b2" }), TODAY);
    expect(inventory.data.map((row) => [row.deviceId, row.inStock]).sort()).toEqual(all.map((deviceId) => [deviceId, true]));

    // first contact: the ingest sets last_seen (the state may not have moved on yet)
    await db.$executeRaw`UPDATE devices SET last_seen = ${TODAY} WHERE device_id IN (${created}, ${imported[0]})`;
    const left = [provisioned, imported[1]].sort();
    expect(await stockIds()).toEqual(left);
    expect(await report()).toMatchObject({ total: 4, inStock: 2, inUse: 2, inMaintenance: 0, suspended: 0, retired: 0 });
    expect(await listIds({ stock: "true" })).toEqual(left);
    expect(await listIds({ stock: "false" })).toEqual([created, imported[0]].sort());
    // the report's "in use" link: pre-use and active states, not stock
    expect(await listIds({ state: "active,provisioned,registered,manufactured", stock: "false" })).toEqual([created, imported[0]].sort());
    expect((await listInventory(db, admin, parseInventoryListQuery({ farm: String(spares) }), TODAY)).data.find((row) => row.deviceId === created)).toMatchObject({ inStock: false });

    // activated, suspended, in maintenance: never stock, each counted once
    await db.device.update({ where: { deviceId: created }, data: { state: "active" } });
    await db.device.update({ where: { deviceId: provisioned }, data: { state: "suspended" } });
    await db.device.update({ where: { deviceId: imported[1] }, data: { state: "maintenance" } });
    expect(await stockIds()).toEqual([]);
    expect(await report()).toMatchObject({ total: 4, inStock: 0, inUse: 2, inMaintenance: 1, suspended: 1, retired: 0 });
  });
});
