/**
 * Issue 19's round trip against a real PostgreSQL, in CSV and in .xlsx: the devices export with
 * every importable field filled, imported back unchanged in update mode, changes nothing (no row
 * touched, no history line, every row "unchanged"); then a few cells edited (a renamed header
 * mapped by hand, the <empty> marker, a new tag, a lifecycle move, dates, metadata) change exactly
 * those fields.
 */
import { Readable } from "node:stream";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { exportDevices, IMPORTABLE_EXPORT_COLUMNS, type ExportFormat } from "../devices/device-export";
import { createTestPerson } from "../testing/people";
import { apiRequest, createApiFixture, noParams, removeApiFixture, type ApiFixture } from "../testing/api-fixture";
import * as exportRoute from "@/app/api/v1/devices/export/route";
import { runImport } from "./device-import";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 100_000)).padStart(5, "0");
const farmCode = `RT${suffix}`;
const groupCode = `RT-HERD-${suffix}`;
const tag = { barn: `rt-barn-${suffix}`, pilot: `rt-pilot ${suffix}`, fresh: `rt-new, ${suffix}` };
let farmId = 0;
let groupId = 0;
let admin: Actor;
let api: ApiFixture;
const created: string[] = [];

beforeAll(async () => {
  farmId = (await db.farm.create({ data: { code: farmCode, name: "Round trip farm" } })).id;
  groupId = (await db.deviceGroup.create({ data: { name: "Round trip herd", code: groupCode, farmId } })).id;
  await db.deviceTag.createMany({ data: [{ name: tag.barn }, { name: tag.pilot }] });
  admin = await createTestPerson(db, "admin", null, `admin-${suffix}@roundtrip.test`, "Round trip admin");
  api = await createApiFixture(db, "RT", suffix);
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { entityType: "device", entityId: { in: created } } });
  await db.importBatch.deleteMany({ where: { createdById: admin.id } });
  await db.auditEvent.deleteMany({ where: { actorId: admin.id } });
  await db.device.deleteMany({ where: { farmId } });
  await db.deviceTag.deleteMany({ where: { name: { in: Object.values(tag) } } });
  await db.deviceGroup.deleteMany({ where: { id: groupId } });
  await db.user.deleteMany({ where: { id: admin.id } });
  await db.farm.deleteMany({ where: { id: farmId } });
  await removeApiFixture(db, api, []);
  await disconnectDb();
});

/** Two devices: one with every importable field filled, one nearly empty with a formula-looking name. */
async function seedDevices(letter: string): Promise<[string, string]> {
  const full = `R${letter}${suffix}1`;
  const sparse = `R${letter}${suffix}2`;
  created.push(full, sparse);
  await db.device.create({
    data: {
      deviceId: full,
      name: "Collar, north \"A\"",
      deviceType: "collar",
      farmId,
      state: "active",
      manufacturer: "DairyTech",
      model: "C-100",
      serialNumber: "000123456789012",
      macAddress: "AA:BB:CC:DD:EE:01",
      hardwareVersion: "2.1",
      locationDescription: "Barn 2; pen 4",
      latitude: 52.090712,
      longitude: -5.121423,
      groupId,
      purchaseDate: new Date("2026-01-15"),
      warrantyStart: new Date("2026-01-20"),
      warrantyEnd: new Date("2028-01-20"),
      warrantyTerms: "Parts and labour",
      supplier: "Agri Supplies BV",
      purchaseOrder: "PO-2026-17",
      unitCost: "149.50",
      storageLocation: "Main store, shelf B2",
      lastCalibration: new Date("2026-06-01T09:30:00Z"),
      nextMaintenanceDate: new Date("2026-12-01"),
      metadata: { pen: 4, sensor: { kind: "tilt", axes: [1, 2] } },
      healthStatus: "healthy",
      batteryLevel: 81,
      tags: { create: [{ tag: { connect: { name: tag.barn } } }, { tag: { connect: { name: tag.pilot } } }] },
    },
  });
  await db.device.create({ data: { deviceId: sparse, name: "=HYPERLINK(\"x\")", deviceType: "feeder", farmId, state: "provisioned" } });
  return [full, sparse];
}

const load = (ids: string[]) => db.device.findMany({ where: { deviceId: { in: ids } }, orderBy: { deviceId: "asc" }, include: { tags: { select: { tagId: true }, orderBy: { tagId: "asc" } } } });
const history = (ids: string[]) => db.auditEvent.count({ where: { entityType: "device", entityId: { in: ids } } });

async function exported(ids: string[], format: ExportFormat): Promise<Buffer> {
  return Buffer.from(await new Response(await exportDevices(db, admin, { deviceIds: ids }, format)).arrayBuffer());
}

/** The file with some cells changed ("column" → value per device id) and a header renamed. */
async function edited(file: Buffer, format: ExportFormat, changes: Record<string, Record<string, string | Date>>, rename: [string, string]): Promise<Buffer> {
  if (format === "csv") {
    const rows = parse(file, { bom: true }) as string[][];
    const header = rows[0]!;
    for (const row of rows.slice(1)) {
      for (const [column, value] of Object.entries(changes[row[0]!] ?? {})) row[header.indexOf(column)] = value instanceof Date ? value.toISOString().slice(0, 10) : value;
    }
    header[header.indexOf(rename[0])] = rename[1];
    return Buffer.from(stringify(rows));
  }
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const header = (sheet.getRow(1).values as string[]).slice(1);
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    for (const [column, value] of Object.entries(changes[String(row.getCell(1).value)] ?? {})) row.getCell(header.indexOf(column) + 1).value = value;
  });
  sheet.getRow(1).getCell(header.indexOf(rename[0]) + 1).value = rename[1];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const without = <T extends Record<string, unknown>>(row: T, keys: string[]) => Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)));

describe.each(["csv", "xlsx"] as const)("the devices export as %s imports back", (format) => {
  const fileName = `devices.${format}`;

  it("writes every importable column, and unchanged in update mode changes nothing", async () => {
    const ids = await seedDevices(format === "csv" ? "C" : "X");
    const file = await exported(ids, format);
    if (format === "csv") {
      const [header, full] = parse(file, { bom: true }) as string[][];
      const cell = (column: string) => full![header!.indexOf(column)];
      expect(header!.slice(0, IMPORTABLE_EXPORT_COLUMNS.length)).toEqual([...IMPORTABLE_EXPORT_COLUMNS]);
      expect([cell("latitude"), cell("longitude"), cell("hardware_version"), cell("unit_cost")]).toEqual(["52.090712", "-5.121423", "2.1", "149.5"]);
      expect([cell("purchase_date"), cell("warranty_start"), cell("warranty_end"), cell("last_calibration"), cell("next_maintenance_date")]).toEqual(["2026-01-15", "2026-01-20", "2028-01-20", "2026-06-01", "2026-12-01"]);
      expect([cell("tags"), cell("state"), cell("group_code"), cell("supplier"), cell("storage_location")]).toEqual([[tag.barn, tag.pilot].sort().join("|"), "active", groupCode, "Agri Supplies BV", "Main store, shelf B2"]);
      expect(JSON.parse(cell("metadata")!)).toEqual({ pen: 4, sensor: { kind: "tilt", axes: [1, 2] } });
    }
    const before = await load(ids);
    const historyBefore = await history(ids);

    const result = await runImport(db, admin, Readable.from([file]), { fileName, mode: "update", skipErrors: false });
    expect(result).toMatchObject({ state: "done", totalRows: 2, created: 0, updated: 0, skipped: 2, rejected: 0, errorCount: 0 });
    expect(result.warnings.filter((warning) => warning.code === "column_ignored")).toEqual([]);
    expect(await load(ids)).toEqual(before);
    expect(await history(ids)).toBe(historyBefore);
    const batch = await db.importBatch.findUniqueOrThrow({ where: { id: result.batchId } });
    expect(batch).toMatchObject({ state: "done", createdCount: 0, updatedCount: 0, skippedCount: 2, errorCount: 0 });

    // edited in a spreadsheet: a renamed header mapped by hand, a cleared field, a new tag, a state move
    const [full] = ids;
    const changed = await edited(
      file,
      format,
      {
        [full]: {
          name: "Collar north A",
          model: "<empty>",
          group_code: "<empty>",
          tags: `${tag.pilot}|${tag.fresh}`,
          state: "suspended",
          warranty_end: new Date("2029-02-01"),
          unit_cost: "200",
          metadata: '{"pen":5}',
        },
      },
      ["name", "Unit label"],
    );
    const refused = await runImport(db, admin, Readable.from([changed]), { fileName, mode: "update", skipErrors: false, mapping: { "Unit label": "name" } });
    expect(refused.state).toBe("failed");
    expect(refused.errors).toEqual([expect.objectContaining({ column: "tags", message: expect.stringContaining(`Unknown tag "${tag.fresh}"`) })]);
    expect(await load(ids)).toEqual(before);

    const applied = await runImport(db, admin, Readable.from([changed]), { fileName, mode: "update", skipErrors: false, mapping: { "Unit label": "name" }, createTags: true });
    expect(applied).toMatchObject({ state: "done", updated: 1, skipped: 1, rejected: 0 });
    const [fullAfter, sparseAfter] = await load(ids);
    const [fullBefore, sparseBefore] = before;
    const fields = ["name", "model", "groupId", "tags", "state", "warrantyEnd", "unitCost", "metadata", "updatedAt"];
    expect(without(fullAfter!, fields)).toEqual(without(fullBefore!, fields));
    const fresh = await db.deviceTag.findUniqueOrThrow({ where: { name: tag.fresh } });
    const pilot = await db.deviceTag.findUniqueOrThrow({ where: { name: tag.pilot } });
    expect(fullAfter).toMatchObject({ name: "Collar north A", model: null, groupId: null, state: "suspended", warrantyEnd: new Date("2029-02-01"), metadata: { pen: 5 } });
    expect(Number(fullAfter!.unitCost)).toBe(200);
    expect(fullAfter!.tags.map((link) => link.tagId).sort()).toEqual([fresh.id, pilot.id].sort());
    expect(sparseAfter).toEqual(sparseBefore);
    const line = await db.auditEvent.findFirstOrThrow({ where: { entityType: "device", entityId: full, action: "imported" }, orderBy: { id: "desc" } });
    expect(line.before).toMatchObject({ name: fullBefore!.name, model: "C-100", state: "active" });
    expect(line.after).toMatchObject({ name: "Collar north A", model: null, state: "suspended", warrantyEnd: "2029-02-01" });
    // the other format's test meets the new tag as unknown again
    await db.deviceTag.deleteMany({ where: { name: tag.fresh } });
  });
});

describe("the export's dates after a spreadsheet re-saved them", () => {
  it("reads day-first dates back as the same days: nothing changes", async () => {
    const ids = await seedDevices("D");
    const [header, ...rows] = parse(await exported(ids, "csv"), { bom: true }) as string[][];
    // what a Dutch Excel writes when it saves the CSV again: 20-01-2026, separators ;
    const resaved = [header!, ...rows.map((row) => row.map((value) => value.replace(/^(\d{4})-(\d{2})-(\d{2})$/, "$3-$2-$1")))];
    expect(resaved[1]).toContain("20-01-2026");
    const before = await load(ids);
    const result = await runImport(db, admin, stringify(resaved, { delimiter: ";" }), { fileName: "resaved.csv", mode: "update", skipErrors: false });
    expect(result).toMatchObject({ state: "done", updated: 0, skipped: 2, rejected: 0 });
    expect(result.reading.detectedDates.purchase_date?.format).toBe("dmy");
    // 01-06-2026 alone could be either; the file's other date columns settle it
    expect(result.reading.detectedDates.last_calibration).toEqual({ format: "dmy", evidence: "15-01-2026 in purchase_date" });
    expect(await load(ids)).toEqual(before);
  });
});

describe("GET /api/v1/devices/export?format=", () => {
  it("answers an Excel workbook for xlsx and refuses an unknown format", async () => {
    const ids = await seedDevices("A");
    const response = await exportRoute.GET(apiRequest(api.keys.admin, "GET", `/api/v1/devices/export?deviceIds=${ids.join(",")}&format=xlsx`), noParams);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(response.headers.get("content-disposition")).toMatch(/filename="devices-[0-9-]+\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(3);
    expect(sheet.getRow(3).getCell(2).value).toBe("'=HYPERLINK(\"x\")");
    expect(sheet.getRow(2).getCell(7).value).toBe("000123456789012");
    const bad = await exportRoute.GET(apiRequest(api.keys.admin, "GET", "/api/v1/devices/export?format=pdf"), noParams);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { fields: { format: ["One of csv, xlsx"] } } });
  });
});
