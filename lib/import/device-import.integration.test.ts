/**
 * The device import against a real PostgreSQL: preview counts, all-or-nothing, skip mode, update
 * and create_update, the batch record with its error report, refusals, and an export that
 * re-imports as "nothing changed". Each test uses device ids of its own on two farms of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { exportDevicesCsv } from "../devices/device-export";
import { updateDevice } from "../devices/device-registry";
import { deviceUpdateSchema } from "../devices/device-schemas";
import { ForbiddenError, InvalidError } from "../errors";
import { importErrorReportCsv, listImportBatches, previewImport, runImport } from "./device-import";
import { createTestPerson } from "../testing/people";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
let letter = 0;
/** A fresh two-letter prefix per test; ids are prefix + the run's six digits … + n. */
const prefix = () => `Q${String.fromCharCode(65 + letter++)}`;
const farmCode = { a: `QA${suffix}`, b: `QB${suffix}` };
const farm = { a: 0, b: 0 };
let groupCode: string;
let admin: Actor;
let technician: Actor;
let viewer: Actor;
const usedPrefixes: string[] = [];

const person = (role: Actor["role"], farmId: number | null) => createTestPerson(db, role, farmId, `${role}-${suffix}@import.test`, `Import ${role}`);

function ids(count: number) {
  const p = prefix();
  usedPrefixes.push(p);
  const base = Number(suffix.slice(0, 4)) * 10;
  return Array.from({ length: count }, (_, index) => `${p}${String(base + index).padStart(5, "0")}`);
}

const csv = (...lines: string[]) => `device_id,name,device_type,farm_code,mac_address\n${lines.join("\n")}\n`;
const options = (mode: "create" | "update" | "create_update" = "create", skipErrors = false) => ({ fileName: "collars.csv", mode, skipErrors });

beforeAll(async () => {
  farm.a = (await db.farm.create({ data: { code: farmCode.a, name: "Import farm A" } })).id;
  farm.b = (await db.farm.create({ data: { code: farmCode.b, name: "Import farm B" } })).id;
  groupCode = `QHERD-${suffix}`;
  await db.deviceGroup.create({ data: { name: "Import herd", code: groupCode, farmId: farm.a } });
  admin = await person("admin", null);
  technician = await person("technician", farm.a);
  viewer = await person("viewer", null);
});

afterAll(async () => {
  const devices = await db.device.findMany({ where: { farmId: { in: [farm.a, farm.b] } }, select: { deviceId: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: devices.map((device) => device.deviceId) } } });
  const batches = await db.importBatch.findMany({ where: { createdById: admin.id }, select: { id: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "import_batch", entityId: { in: batches.map((batch) => String(batch.id)) } } });
  await db.importBatch.deleteMany({ where: { createdById: { in: [admin.id, technician.id, viewer.id] } } });
  await db.device.deleteMany({ where: { farmId: { in: [farm.a, farm.b] } } });
  await db.deviceGroup.deleteMany({ where: { code: groupCode } });
  await db.user.deleteMany({ where: { id: { in: [admin.id, technician.id, viewer.id] } } });
  await db.farm.deleteMany({ where: { id: { in: [farm.a, farm.b] } } });
  await disconnectDb();
});

describe("previewImport", () => {
  it("counts what would be created, updated, skipped and rejected, and writes nothing", async () => {
    const [existing, unchanged, fresh, bad] = ids(4);
    await db.device.createMany({
      data: [
        { deviceId: existing!, name: "Old name", deviceType: "collar", farmId: farm.a },
        { deviceId: unchanged!, name: "Same", deviceType: "collar", farmId: farm.a },
      ],
    });
    const file = `Device ID, Name ,DEVICE TYPE,farm_code,Colour\n${existing},New name,collar,${farmCode.a},red\n${unchanged},Same,collar,,blue\n${fresh},Fresh,Activity Collar,${farmCode.b},\n${bad},Bad,toaster,NOFARM,\n${fresh},Twice,collar,${farmCode.a},\n`;
    const preview = await previewImport(db, admin, file, options("create_update"));
    expect(preview).toMatchObject({ totalRows: 5, toCreate: 1, toUpdate: 1, toSkip: 1, rejected: 2, errorCount: 3, unknownColumns: ["Colour"], columns: ["device_id", "name", "device_type", "farm_code"] });
    expect(preview.errors).toEqual([
      { row: 5, column: "device_type", message: expect.stringContaining('Unknown device type "toaster"') },
      { row: 5, column: "farm_code", message: 'Unknown farm code "NOFARM"' },
      { row: 6, column: "device_id", message: `${fresh} appears twice in the file (first on row 4)` },
    ]);
    expect(preview.firstRows.map((row) => row.action)).toEqual(["update", "unchanged", "create", "rejected", "rejected"]);
    expect(await db.device.findUnique({ where: { deviceId: fresh! } })).toBeNull();
    expect((await db.device.findUniqueOrThrow({ where: { deviceId: existing! } })).name).toBe("Old name");
  });

  it("refuses a header without the required columns, and a binary file", async () => {
    await expect(previewImport(db, admin, "id,name\nAC001,x\n", options())).rejects.toBeInstanceOf(InvalidError);
    await expect(previewImport(db, admin, new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array([0, 1, 2, 255])), c.close()) }), options())).rejects.toThrow(/not a CSV/);
  });
});

describe("runImport", () => {
  it("writes nothing when one row is wrong and errors are not skipped, and records the failed batch", async () => {
    const [first, second] = ids(2);
    const result = await runImport(db, admin, csv(`${first},Collar 1,collar,${farmCode.a},`, `${second},Collar 2,collar,${farmCode.a},not-a-mac`), options());
    expect(result).toMatchObject({ state: "failed", created: 0, rejected: 1, totalRows: 2 });
    expect(await db.device.count({ where: { deviceId: { in: [first!, second!] } } })).toBe(0);
    const batch = await db.importBatch.findUniqueOrThrow({ where: { id: result.batchId } });
    expect(batch).toMatchObject({ state: "failed", fileName: "collars.csv", mode: "create", totalRows: 2, createdCount: 0, errorCount: 1, createdById: admin.id });
    expect(batch.errorReport).toEqual([{ row: 3, column: "mac_address", message: expect.stringContaining("not a MAC address") }]);
    const report = await importErrorReportCsv(db, admin, result.batchId);
    expect(report.fileName).toBe("collars-errors.csv");
    expect(report.csv.split("\n")[0]).toBe("row,column,message");
    expect(report.csv).toContain("3,mac_address,");
  });

  it("in skip mode imports the good rows with csv_import provisioning and history, and reports the bad", async () => {
    const [first, second, third] = ids(3);
    const result = await runImport(db, admin, csv(`${first},Collar 1,collar,${farmCode.a},aa-bb-cc-dd-ee-01`, `${second},Collar 2,collar,,`, `${third},Collar 3,collar,${farmCode.b},`), { ...options("create", true), defaultFarmCode: farmCode.b });
    expect(result).toMatchObject({ state: "done", created: 3, rejected: 0 });
    const bad = await runImport(db, admin, csv(`${ids(1)[0]},Good,feeder,${farmCode.a},`, `XX,Bad id,feeder,${farmCode.a},`), options("create", true));
    expect(bad).toMatchObject({ state: "done", created: 1, rejected: 1, errors: [{ row: 3, column: "device_id" }] });
    const device = await db.device.findUniqueOrThrow({ where: { deviceId: first! } });
    expect(device).toMatchObject({ farmId: farm.a, state: "registered", provisioningMethod: "csv_import", provisionedById: admin.id, macAddress: "AA:BB:CC:DD:EE:01" });
    expect(device.provisioningDate).toBeInstanceOf(Date);
    expect((await db.device.findUniqueOrThrow({ where: { deviceId: second! } })).farmId).toBe(farm.b);
    const history = await db.auditEvent.findMany({ where: { entityType: "device", entityId: { in: [first!, second!, third!] } } });
    expect(history).toHaveLength(3);
    expect(history[0]).toMatchObject({ action: "imported", actorId: admin.id, after: expect.objectContaining({ batchId: result.batchId }) });
    expect(await db.importBatch.findUniqueOrThrow({ where: { id: result.batchId } })).toMatchObject({ state: "done", createdCount: 3, errorCount: 0 });
  });

  it("refuses an existing id in create mode, and changes existing devices in update mode", async () => {
    const [device, missing] = ids(2);
    await db.device.create({ data: { deviceId: device!, name: "Before", deviceType: "collar", farmId: farm.a } });
    expect(await runImport(db, admin, csv(`${device},After,collar,,`), options("create"))).toMatchObject({ state: "failed", errors: [{ column: "device_id", message: `${device} already exists (create mode adds new devices only)` }] });
    const result = await runImport(db, admin, `device_id,name,device_type,group_code,purchase_date\n${device},After,collar,${groupCode},2026-02-01\n${missing},Nobody,collar,,\n`, options("update", true));
    expect(result).toMatchObject({ state: "done", created: 0, updated: 1, rejected: 1 });
    const after = await db.device.findUniqueOrThrow({ where: { deviceId: device! }, include: { group: true } });
    expect(after).toMatchObject({ name: "After", farmId: farm.a, group: { code: groupCode }, purchaseDate: new Date(Date.UTC(2026, 1, 1)) });
    const history = await db.auditEvent.findFirstOrThrow({ where: { entityType: "device", entityId: device!, action: "imported" } });
    expect(history.before).toMatchObject({ name: "Before" });
    expect(history.after).toMatchObject({ name: "After", batchId: result.batchId });
  });

  it("creates and updates in create_update mode", async () => {
    const [existing, fresh] = ids(2);
    await db.device.create({ data: { deviceId: existing!, name: "Old", deviceType: "gate", farmId: farm.a } });
    const result = await runImport(db, admin, csv(`${existing},Gate east,gate,,`, `${fresh},Gate west,gate,${farmCode.a},`), options("create_update"));
    expect(result).toMatchObject({ state: "done", created: 1, updated: 1, rejected: 0 });
    expect((await db.device.findUniqueOrThrow({ where: { deviceId: existing! } })).name).toBe("Gate east");
    expect((await db.device.findUniqueOrThrow({ where: { deviceId: fresh! } })).provisioningMethod).toBe("csv_import");
  });

  it("re-imports an export in update mode as 'nothing changed'", async () => {
    const [one, two] = ids(2);
    await db.device.createMany({
      data: [
        { deviceId: one!, name: "-20 freezer probe", deviceType: "temperature", farmId: farm.a, manufacturer: "Acme", macAddress: "AA:BB:CC:DD:EE:10", locationDescription: "Cold room, shelf 2" },
        { deviceId: two!, name: "Feeder \"big\"", deviceType: "feeder", farmId: farm.b, serialNumber: "SN-1" },
      ],
    });
    const exported = await exportDevicesCsv(db, admin, { deviceIds: [one!, two!] });
    const before = await db.device.findMany({ where: { deviceId: { in: [one!, two!] } }, orderBy: { deviceId: "asc" } });
    const result = await runImport(db, admin, exported, options("update"));
    expect(result).toMatchObject({ state: "done", totalRows: 2, created: 0, updated: 0, skipped: 2, rejected: 0 });
    expect(await db.device.findMany({ where: { deviceId: { in: [one!, two!] } }, orderBy: { deviceId: "asc" } })).toEqual(before);
  });

  it("is refused to a viewer and a technician", async () => {
    await expect(previewImport(db, viewer, csv(), options())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(runImport(db, technician, csv(), options())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listImportBatches(db, viewer)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("lists the batches newest first with who imported them", async () => {
    const batches = await listImportBatches(db, admin);
    const ours = batches.filter((batch) => batch.createdBy === admin.label);
    expect(ours.length).toBeGreaterThanOrEqual(5);
    expect(ours[0]).toMatchObject({ fileName: "collars.csv" });
    expect(ours[0]).not.toHaveProperty("errorReport");
  });
});

describe("hardening (issue 14)", () => {
  it("reports the file's own line numbers in the preview, the errors and the error report", async () => {
    const [one, two, three] = ids(3);
    // line 1 header, 2 blank, 3 one, 4 separators only, 5–6 two (a quoted name over two lines), 7 blank, 8 three
    const file = `device_id,name,device_type,farm_code,mac_address\n\n${one},One,collar,${farmCode.a},\n,,,,\n${two},"Two\nlines",collar,${farmCode.a},bad-mac\n\n${three},Three,toaster,${farmCode.a},\n`;
    const preview = await previewImport(db, admin, file, options());
    expect(preview.firstRows.map((row) => row.row)).toEqual([3, 5, 8]);
    expect(preview.errors.map((error) => [error.row, error.column])).toEqual([
      [5, "mac_address"],
      [8, "device_type"],
    ]);
    const result = await runImport(db, admin, file, options());
    expect(result.state).toBe("failed");
    const report = await importErrorReportCsv(db, admin, result.batchId);
    expect(report.csv.split("\n").slice(1, 3).map((line) => line.split(",").slice(0, 2).join(","))).toEqual(["5,mac_address", "8,device_type"]);
  });

  it("reads a tab-separated file", async () => {
    const [one] = ids(1);
    const result = await runImport(db, admin, `device_id\tname\tdevice_type\tfarm_code\tlocation\n${one}\tCollar, left\tcollar\t${farmCode.a}\tBarn 2; east\n`, options());
    expect(result).toMatchObject({ state: "done", created: 1, rejected: 0 });
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: one! } })).toMatchObject({ name: "Collar, left", locationDescription: "Barn 2; east" });
  });

  it("refuses a file where two columns mean the same field, writing nothing", async () => {
    const [one] = ids(1);
    const file = `device_id,name,device_type,farm_code,serial_number,Serial Number\n${one},One,collar,${farmCode.a},SN-1,SN-2\n`;
    await expect(previewImport(db, admin, file, options())).rejects.toThrow('Two columns hold serial_number: "serial_number" and "Serial Number".');
    await expect(runImport(db, admin, file, options())).rejects.toBeInstanceOf(InvalidError);
    expect(await db.device.findUnique({ where: { deviceId: one! } })).toBeNull();
  });

  it("counts a name's characters as the device API does, and refuses a serial a spreadsheet rounded", async () => {
    const [emoji, rounded] = ids(2);
    const name = `🐄${"x".repeat(119)}`;
    expect(deviceUpdateSchema.safeParse({ name }).success).toBe(true);
    expect(deviceUpdateSchema.safeParse({ serialNumber: "1.23457E+11" }).success).toBe(false);
    const file = `device_id,name,device_type,farm_code,serial_number\n${emoji},${name},collar,${farmCode.a},000123456789\n${rounded},Rounded,collar,${farmCode.a},1.23457E+11\n`;
    const result = await runImport(db, admin, file, options("create", true));
    expect(result).toMatchObject({ state: "done", created: 1, rejected: 1, errors: [{ row: 3, column: "serial_number", message: expect.stringContaining("spreadsheet rounded") }] });
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: emoji! } })).toMatchObject({ name, serialNumber: "000123456789" });
    expect(await db.device.findUnique({ where: { deviceId: rounded! } })).toBeNull();
  });

  it("applies the device rules of the form and API: a retired device is read-only, a device does not leave its farm inside that farm's group", async () => {
    const [retired, grouped, regrouped, fine] = ids(4);
    const group = await db.deviceGroup.findUniqueOrThrow({ where: { code: groupCode } });
    const groupB = `QHERDB-${suffix}`;
    await db.deviceGroup.create({ data: { name: "Import herd B", code: groupB, farmId: farm.b } });
    await db.device.createMany({
      data: [
        { deviceId: retired!, name: "Retired", deviceType: "collar", farmId: farm.a, state: "decommissioned", retiredAt: new Date() },
        { deviceId: grouped!, name: "Grouped", deviceType: "collar", farmId: farm.a, groupId: group.id },
        { deviceId: regrouped!, name: "Regrouped", deviceType: "collar", farmId: farm.a, groupId: group.id },
        { deviceId: fine!, name: "Fine", deviceType: "collar", farmId: farm.a },
      ],
    });
    // what the device API refuses…
    await expect(updateDevice(db, admin, retired!, { name: "Back to life" })).rejects.toThrow(`Device ${retired} is retired; its record is kept read-only.`);
    await expect(updateDevice(db, admin, grouped!, { farmId: farm.b })).rejects.toThrow(/another farm/);
    // …the import refuses too, row by row
    const file = `device_id,name,device_type,farm_code,group_code\n${retired},Back to life,collar,,\n${grouped},Grouped,collar,${farmCode.b},\n${regrouped},Regrouped,collar,${farmCode.b},${groupB}\n${fine},Fine too,collar,,\n`;
    const result = await runImport(db, admin, file, options("update", true));
    expect(result).toMatchObject({ state: "done", updated: 2, rejected: 2 });
    expect(result.errors).toEqual([
      { row: 2, column: "device_id", message: `Device ${retired} is retired; its record is kept read-only.` },
      { row: 3, column: "farm_code", message: expect.stringContaining("another farm") },
    ]);
    const after = await db.device.findMany({ where: { deviceId: { in: [retired!, grouped!, regrouped!, fine!] } }, orderBy: { deviceId: "asc" } });
    expect(after.map((device) => [device.name, device.farmId, device.groupId])).toEqual([
      ["Retired", farm.a, null],
      ["Grouped", farm.a, group.id],
      ["Regrouped", farm.b, expect.any(Number)],
      ["Fine too", farm.a, null],
    ]);
    // a retired device's unchanged row (an export re-imported) is not an error: nothing is written
    expect(await previewImport(db, admin, csv(`${retired},Retired,collar,,`), options("update"))).toMatchObject({ toSkip: 1, rejected: 0 });
    await db.device.updateMany({ where: { groupId: { not: group.id }, farmId: farm.b }, data: { groupId: null } });
    await db.deviceGroup.deleteMany({ where: { code: groupB } });
  });

  it("answers ids registered meanwhile by another import as per-row conflicts and imports the rest in skip mode", async () => {
    const [taken, free] = ids(2);
    let importing: ReturnType<typeof runImport> | undefined;
    await db.$transaction(async (tx) => {
      await tx.device.create({ data: { deviceId: taken!, name: "Other import", deviceType: "collar", farmId: farm.a } });
      importing = runImport(db, admin, csv(`${free},Free,collar,${farmCode.a},`, `${taken},Taken,collar,${farmCode.a},`), options("create", true));
      await waitForInsertBlocked();
    }, { timeout: 25_000 });
    const result = await importing!;
    expect(result).toMatchObject({ state: "done", created: 1, rejected: 1, errors: [{ row: 3, column: "device_id", message: `${taken} was registered meanwhile (by another import or person); it was not imported` }] });
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: taken! } })).toMatchObject({ name: "Other import" });
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: free! } })).toMatchObject({ name: "Free" });
    expect(await db.importBatch.findUniqueOrThrow({ where: { id: result.batchId } })).toMatchObject({ state: "done", createdCount: 1, errorCount: 1 });
  });
});

/** Until an INSERT into devices of this database waits for a lock (another transaction's row), or 20 s. */
async function waitForInsertBlocked() {
  for (let tries = 0; tries < 200; tries++) {
    const [row] = await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO devices%'`;
    if (row && row.count > 0n) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
