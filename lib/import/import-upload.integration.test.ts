/**
 * Uploads through the import route handler as a browser sends them (issue 19, item 8): a large
 * multipart body with its fields after the file, streamed to a temporary file and read from it
 * (the file removed afterwards), an .xlsx in a form, and a form over the size limit refused with
 * the import's own message before it is all read.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as importRoute from "@/app/api/v1/iot/devices/import/route";
import { loadConfig } from "../config/env";
import { disconnectDb, getDb } from "../db";
import { createApiFixture, noParams, removeApiFixture, type ApiFixture } from "../testing/api-fixture";
import { MAX_IMPORT_BYTES } from "./csv-reader";
import { encodeText } from "./text-encoding";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const base = 100_000 + Math.floor(Math.random() * 800_000);
const LARGE = 30_000;
let fixture: ApiFixture;
let farmCode: string;
const xlsxIds = Array.from({ length: 500 }, (_, index) => `IU${base + index}`);

const tmpDir = () => path.resolve(loadConfig().DATA_DIR, "tmp");
const uploadsLeft = () => {
  try {
    return readdirSync(tmpDir()).filter((name) => name.startsWith("upload-"));
  } catch {
    return [];
  }
};

/** A form as the import page builds it: the file first, then the options. */
function form(file: Blob, fileName: string, fields: Record<string, string>, stream?: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>) {
  const data = new FormData();
  data.set("file", file, fileName);
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  if (!stream) return new Request("http://localhost/api/v1/iot/devices/import", { method: "POST", headers: { "X-API-Key": fixture.keys.admin }, body: data });
  const encoded = new Response(data);
  return new Request("http://localhost/api/v1/iot/devices/import", {
    method: "POST",
    headers: { "X-API-Key": fixture.keys.admin, "Content-Type": encoded.headers.get("content-type")! },
    body: stream(encoded.body!),
    duplex: "half",
  } as RequestInit);
}

beforeAll(async () => {
  fixture = await createApiFixture(db, "IU", suffix);
  farmCode = `IUA${suffix}`;
});

afterAll(async () => {
  await db.importBatch.deleteMany({ where: { fileName: { in: [`large-${suffix}.csv`, `apparaten-${suffix}.xlsx`, `huge-${suffix}.csv`] } } });
  await removeApiFixture(db, fixture, xlsxIds);
  await disconnectDb();
});

describe("multipart uploads, streamed", () => {
  it(`previews a ${LARGE.toLocaleString("en")}-row Windows-1252 semicolon file whose options follow the file, and leaves no temporary file`, async () => {
    const before = uploadsLeft();
    const lines = Array.from({ length: LARGE }, (_, index) => `IU${base + 1000 + index};Zuivelbedrijf Müller ${index};collar;${String(1 + (index % 28)).padStart(2, "0")}/0${1 + (index % 9)}/2025`);
    const bytes = encodeText(`device_id;name;device_type;purchase_date\r\n${lines.join("\r\n")}\r\n`, "windows-1252");
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    const response = await importRoute.POST(form(new Blob([new Uint8Array(bytes)], { type: "text/csv" }), `large-${suffix}.csv`, { dry_run: "true", default_farm: farmCode, mode: "create" }), noParams);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ dryRun: true, totalRows: LARGE, toCreate: LARGE, rejected: 0, reading: { format: "csv", encoding: "windows-1252", separator: ";" } });
    expect(body.reading.detectedDates.purchase_date).toMatchObject({ format: "dmy" });
    expect(body.firstRows[0].values.name).toBe("Zuivelbedrijf Müller 0");
    expect(await db.device.count({ where: { deviceId: `IU${base + 1000}` } })).toBe(0);
    expect(uploadsLeft()).toEqual(before);
  }, 120_000);

  it("imports an .xlsx sent in a form, its names and dates as the sheet holds them", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Apparaten");
    sheet.addRow(["device_id", "name", "device_type", "farm_code", "purchase_date"]);
    xlsxIds.forEach((id, index) => sheet.addRow([id, `Ferme Lefèvre ${index}`, "collar", farmCode, new Date(Date.UTC(2025, 0, 1 + (index % 28)))]));
    sheet.getColumn(5).numFmt = "dd-mm-yyyy";
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const response = await importRoute.POST(form(new Blob([bytes]), `apparaten-${suffix}.xlsx`, { mode: "create", skip_errors: "false" }), noParams);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ dryRun: false, state: "done", created: xlsxIds.length, reading: { format: "xlsx", sheet: "Apparaten" } });
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: xlsxIds[3]! }, select: { name: true, purchaseDate: true } })).toEqual({ name: "Ferme Lefèvre 3", purchaseDate: new Date(Date.UTC(2025, 0, 4)) });
  }, 120_000);

  it("refuses a form whose file is over the limit with the import's message, having read little past it, and keeps no part of it", async () => {
    const before = uploadsLeft();
    let sent = 0;
    const chunk = new TextEncoder().encode(`IU1;x;collar\n`.repeat(5000));
    // the form's bytes as a stream without a declared length, the file first and the options after
    // it as a browser sends them: the limit is met while reading it. Generated as it is read (the
    // limit is 256 MB: a body past it is not built in memory first).
    const boundary = `----sdm-import-${suffix}`;
    const parts = [
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge-${suffix}.csv"\r\nContent-Type: text/csv\r\n\r\ndevice_id;name;device_type\n`,
      ...Array.from({ length: Math.ceil((MAX_IMPORT_BYTES + 5 * 1024 * 1024) / chunk.length) }, () => chunk),
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\ntrue\r\n--${boundary}--\r\n`,
    ];
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next === parts.length) return controller.close();
        const part = parts[next++]!;
        const bytes = typeof part === "string" ? new TextEncoder().encode(part) : part;
        sent += bytes.byteLength;
        controller.enqueue(bytes);
      },
    });
    const response = await importRoute.POST(
      new Request("http://localhost/api/v1/iot/devices/import", {
        method: "POST",
        headers: { "X-API-Key": fixture.keys.admin, "Content-Type": `multipart/form-data; boundary=${boundary}` },
        body,
        duplex: "half",
      } as RequestInit),
      noParams,
    );
    expect(response.status).toBe(413);
    const { error } = await response.json();
    const limit = MAX_IMPORT_BYTES / 1024 / 1024;
    expect(error.message).toBe(`The file is larger than ${limit} MB, the most this endpoint accepts.`);
    expect(error.fields.file).toEqual([`At most ${limit} MB per import; split the file`]);
    expect(sent).toBeLessThan(MAX_IMPORT_BYTES + 2 * 1024 * 1024);
    expect(uploadsLeft()).toEqual(before);
  }, 120_000);
});
