/**
 * Issue 19 against a real PostgreSQL: a remembered mapping maps the next file with the same headers
 * (and no other), a refused file and a dry run leave batches with accurate counts, and a Dutch
 * Excel's Windows-1252 semicolon file with day-first dates imports with its accents and dates.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { InvalidError } from "../errors";
import { createTestPerson } from "../testing/people";
import { previewImport, runImport } from "./device-import";
import { inspectImport } from "./import-inspect";
import { headerSignature } from "./import-mappings";
import { encodeText } from "./text-encoding";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
const farmCode = `QF${suffix}`;
let farmId = 0;
let admin: Actor;
const id = (n: number) => `QF${String(Number(suffix.slice(0, 4)) * 10 + n).padStart(5, "0")}`;
const stream = (bytes: Uint8Array) => new Blob([bytes as BlobPart]).stream();
const vendorHeaders = [`Asset ${suffix}`, "Unit label", "Type", "Farm", "Serial no."];

beforeAll(async () => {
  farmId = (await db.farm.create({ data: { code: farmCode, name: "Import formats farm" } })).id;
  admin = await createTestPerson(db, "admin", null, `admin-${suffix}@formats.test`, "Formats admin");
});

afterAll(async () => {
  const devices = await db.device.findMany({ where: { farmId }, select: { deviceId: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: devices.map((device) => device.deviceId) } } });
  const batches = await db.importBatch.findMany({ where: { createdById: admin.id }, select: { id: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "import_batch", entityId: { in: batches.map((batch) => String(batch.id)) } } });
  await db.importBatch.deleteMany({ where: { createdById: admin.id } });
  await db.importMapping.deleteMany({ where: { headerSignature: { in: [headerSignature(vendorHeaders)] } } });
  await db.device.deleteMany({ where: { farmId } });
  await db.user.deleteMany({ where: { id: admin.id } });
  await db.farm.deleteMany({ where: { id: farmId } });
  await disconnectDb();
});

const options = { mode: "create_update" as const, skipErrors: false };

describe("mapping memory", () => {
  it("remembers the mapping of an import that ran and offers it for the next file with the same headers only", async () => {
    const csv = (n: number) => `${vendorHeaders.join(",")}\n${id(n)},Kuh ${n},collar,${farmCode},SN-${suffix}-${n}\n`;
    const before = await inspectImport(db, admin, csv(1), { fileName: "vendor.csv", ...options });
    expect(before.mappingSource).toBe("guessed");
    expect(before.mapping).toEqual(["ignore", "ignore", "device_type", "farm_code", "serial_number"]);

    // the admin maps the two unknown columns
    const mapping = { [`Asset ${suffix}`]: "device_id", "Unit label": "name" };
    const result = await runImport(db, admin, csv(1), { fileName: "vendor.csv", ...options, mapping });
    expect(result).toMatchObject({ state: "done", created: 1 });
    expect(await db.importMapping.findUnique({ where: { headerSignature: headerSignature(vendorHeaders) } })).toMatchObject({ updatedById: admin.id, mapping: { [`Asset ${suffix}`]: "device_id", "Unit label": "name", Type: "device_type", Farm: "farm_code", "Serial no.": "serial_number" } });

    // the same headers (spelled with other case and spaces): mapped by itself, in the options step and in an import without a mapping
    const again = `${vendorHeaders.map((header) => ` ${header.toUpperCase()}`).join(",")}\n${id(2)},Kuh 2,collar,${farmCode},SN-${suffix}-2\n`;
    const after = await inspectImport(db, admin, again, { fileName: "vendor.csv", ...options });
    expect(after.mappingSource).toBe("remembered");
    expect(after.mapping).toEqual(["device_id", "name", "device_type", "farm_code", "serial_number"]);
    expect(await runImport(db, admin, again, { fileName: "vendor.csv", ...options })).toMatchObject({ state: "done", created: 1, reading: { mappingSource: "remembered" } });

    // one more column: other headers, so the mapping is not applied and the file is refused as before
    const other = `${vendorHeaders.join(",")},Colour\n${id(3)},Kuh 3,collar,${farmCode},SN-3,red\n`;
    expect((await inspectImport(db, admin, other, { fileName: "vendor.csv", ...options })).mappingSource).toBe("guessed");
    await expect(previewImport(db, admin, other, { fileName: "vendor.csv", ...options })).rejects.toThrow("The header has no device_id, name columns.");
    // and a mapping made for the other headers, sent with this file, is refused by name
    await expect(previewImport(db, admin, other, { fileName: "vendor.csv", ...options, mapping: { "Asset": "device_id" } })).rejects.toThrow('The mapping names column the file does not have: "Asset"');
    expect(await db.device.count({ where: { deviceId: id(3) } })).toBe(0);
  });
});

describe("every attempt leaves a batch", () => {
  it("records a refused file with its reason, and a dry run with what it would do", async () => {
    const refusedName = `locked-${suffix}.xls`;
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...Buffer.from("Workbook", "utf16le")]);
    await expect(previewImport(db, admin, stream(ole), { fileName: refusedName, ...options })).rejects.toBeInstanceOf(InvalidError);
    const refused = await db.importBatch.findFirstOrThrow({ where: { fileName: refusedName } });
    expect(refused).toMatchObject({ state: "refused", totalRows: 0, createdCount: 0, errorCount: 1, failureReason: expect.stringContaining("old binary Excel workbook") });
    expect(refused.errorReport).toEqual([{ row: 0, column: "file", message: expect.stringContaining(".xls") }]);

    const dryName = `dry-${suffix}.csv`;
    const csv = `device_id,name,device_type,farm_code,serial_number\n${id(10)},Dry 1,collar,${farmCode},1.23457E+11\n${id(11)},Dry 2,toaster,${farmCode},\n${id(1)},Kuh 1,collar,${farmCode},SN-${suffix}-1\n${id(12)},Dry 3,collar,${farmCode},\n`;
    const preview = await previewImport(db, admin, csv, { fileName: dryName, ...options });
    // the rounded serial: a warning saying what Excel did, and the device rules' error on its row
    expect(preview).toMatchObject({ totalRows: 4, toCreate: 1, toSkip: 1, rejected: 2, errorCount: 2, warningCount: 1, warnings: [{ row: 2, column: "serial_number", code: "scientific_notation" }] });
    const dry = await db.importBatch.findUniqueOrThrow({ where: { id: preview.batchId } });
    expect(dry).toMatchObject({ state: "dry_run", fileName: dryName, totalRows: 4, createdCount: 1, updatedCount: 0, skippedCount: 1, errorCount: 2, warningCount: 1 });
    expect(dry.readOptions).toMatchObject({ format: "csv", encoding: "utf-8", separator: ",", headerRow: 1 });
    expect(await db.device.count({ where: { deviceId: id(10) } })).toBe(0);

    // the import that follows the dry run carries its batch on: one attempt, one batch
    const result = await runImport(db, admin, csv, { fileName: dryName, ...options, skipErrors: true, batchId: preview.batchId });
    expect(result).toMatchObject({ batchId: preview.batchId, state: "done", created: 1, warningCount: 1 });
    expect(await db.importBatch.count({ where: { fileName: dryName } })).toBe(1);
    expect(await db.importBatch.findUniqueOrThrow({ where: { id: preview.batchId } })).toMatchObject({ state: "done", createdCount: 1, errorCount: 2, warningCount: 1 });
  });

  it("records a file refused for its header, and an import failed for its rows", async () => {
    const name = `noheader-${suffix}.csv`;
    await expect(runImport(db, admin, "device_id,label\nAC001,x\n", { fileName: name, ...options })).rejects.toThrow("The header has no name, device_type columns.");
    expect(await db.importBatch.findFirstOrThrow({ where: { fileName: name } })).toMatchObject({ state: "refused", failureReason: expect.stringContaining("The header has no name, device_type columns.") });
    const failed = await runImport(db, admin, `device_id,name,device_type,farm_code\n${id(20)},A,collar,${farmCode}\n${id(21)},B,toaster,${farmCode}\n`, { fileName: `failed-${suffix}.csv`, ...options });
    expect(await db.importBatch.findUniqueOrThrow({ where: { id: failed.batchId } })).toMatchObject({ state: "failed", totalRows: 2, createdCount: 0, errorCount: 1, failureReason: expect.stringContaining("1 row rejected") });
  });
});

describe("a Dutch Excel's CSV", () => {
  it("imports a Windows-1252 semicolon file with day-first dates and decimal commas, accents preserved, and warns before writing", async () => {
    const text = [
      "Apparaat;Naam;Soort;Boerderij;Serienummer;Aankoopdatum;Breedtegraad",
      `${id(30)};Melkmeter Étable é;milk_meter;${farmCode};SN-${suffix}-30;03/04/2026;52,3702`,
      `${id(31)};Kalverstal Zoë;temperature;${farmCode};SN-${suffix}-30;25/12/2025;`,
    ].join("\r\n");
    const file = stream(encodeText(text, "windows-1252"));
    const result = await runImport(db, admin, file, { fileName: `dutch-${suffix}.csv`, ...options });
    expect(result).toMatchObject({ state: "done", created: 2, reading: { encoding: "windows-1252", separator: ";", detectedDates: { purchase_date: { format: "dmy", evidence: "25/12/2025" } }, detectedDecimal: "," } });
    expect(result.warnings).toEqual([{ row: 3, column: "Serienummer", code: "duplicate_in_file", message: `Serial SN-${suffix}-30 is also on row 2` }]);
    const first = await db.device.findUniqueOrThrow({ where: { deviceId: id(30) } });
    expect(first).toMatchObject({ name: "Melkmeter Étable é", latitude: 52.3702 });
    expect(first.purchaseDate?.toISOString().slice(0, 10)).toBe("2026-04-03");
    const second = await db.device.findUniqueOrThrow({ where: { deviceId: id(31) } });
    expect(second.name).toBe("Kalverstal Zoë");
    expect(second.purchaseDate?.toISOString().slice(0, 10)).toBe("2025-12-25");
  });

  it("refuses by row the dates a column cannot settle, and warns about a serial already in the registry", async () => {
    const csv = `device_id;name;device_type;farm_code;serial_number;purchase_date\n${id(40)};A;collar;${farmCode};SN-${suffix}-1;03/04/2026\n${id(41)};B;collar;${farmCode};;05/05/2026\n`;
    const preview = await previewImport(db, admin, csv, { fileName: `ambiguous-${suffix}.csv`, ...options });
    expect(preview.errors).toEqual([{ row: 2, column: "purchase_date", message: expect.stringContaining("could be 3 April 2026 (day first) or 4 March 2026 (month first)") }]);
    expect(preview).toMatchObject({ toCreate: 1, rejected: 1 });
    expect(preview.warnings).toContainEqual({ row: 2, column: "serial_number", code: "duplicate_in_registry", message: `Serial SN-${suffix}-1 is already on device ${id(1)}` });
  });
});
