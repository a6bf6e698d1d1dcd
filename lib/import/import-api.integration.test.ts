/**
 * The import endpoints through their route handlers, with API keys: multipart and raw CSV bodies,
 * dry run, the refusals, the template, the batch list and its error report.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as batchErrorsRoute from "@/app/api/v1/import-batches/[id]/errors/route";
import * as batchesRoute from "@/app/api/v1/import-batches/route";
import * as importRoute from "@/app/api/v1/iot/devices/import/route";
import * as templateRoute from "@/app/api/v1/iot/devices/import/template/route";
import { disconnectDb, getDb } from "../db";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const base = 100_000 + Math.floor(Math.random() * 800_000);
const first = `IM${base}`;
const second = `IM${base + 1}`;
const third = `IM${base + 2}`;
const fourth = `IM${base + 3}`;
const fifth = `IM${base + 4}`;
let fixture: ApiFixture;
let farmCode: string;

function multipart(key: string, path: string, csv: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append("file", new Blob([csv], { type: "text/csv" }), "herd.csv");
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return new Request(`http://localhost${path}`, { method: "POST", headers: { "X-API-Key": key }, body: form });
}

beforeAll(async () => {
  fixture = await createApiFixture(db, "IM", suffix);
  farmCode = `IMA${suffix}`;
});

afterAll(async () => {
  await db.importBatch.deleteMany({ where: { fileName: { in: ["herd.csv", `raw-${suffix}.csv`] } } });
  await db.importBatch.deleteMany({ where: { fileName: { in: [`quotes-${suffix}.csv`, `race-${suffix}.csv`] } } });
  await removeApiFixture(db, fixture, [first, second, third, fourth, fifth]);
  await disconnectDb();
});

describe("POST /api/v1/iot/devices/import", () => {
  it("answers a dry run with the preview and writes nothing", async () => {
    const csv = `device_id;name;device_type\n${first};Collar 1;collar\n${second};Collar 2;toaster\n`;
    const response = await importRoute.POST(multipart(fixture.keys.admin, `/api/v1/iot/devices/import?default_farm=${farmCode}`, csv, { dry_run: "true" }), noParams);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ dryRun: true, totalRows: 2, toCreate: 1, rejected: 1, errors: [{ row: 3, column: "device_type" }] });
    expect(await db.device.count({ where: { deviceId: { in: [first, second] } } })).toBe(0);
  });

  it("imports a raw text/csv body in skip mode and reports the rejected row", async () => {
    const csv = `device_id,name,device_type,farm_code\n${first},Collar 1,collar,${farmCode}\n${second},Collar 2,collar,NOPE\n`;
    const response = await importRoute.POST(apiRequest(fixture.keys.admin, "POST", `/api/v1/iot/devices/import?skip_errors=true&fileName=raw-${suffix}.csv`, csv, { "Content-Type": "text/csv" }), noParams);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ dryRun: false, state: "done", created: 1, rejected: 1, errors: [{ row: 3, column: "farm_code", message: 'Unknown farm code "NOPE"' }] });
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: first } })).toMatchObject({ farmId: fixture.farmA, provisioningMethod: "csv_import" });

    const errors = await batchErrorsRoute.GET(apiRequest(fixture.keys.admin, "GET", `/api/v1/import-batches/${body.batchId}/errors`), withParams({ id: String(body.batchId) }));
    expect(errors.status).toBe(200);
    expect(errors.headers.get("content-type")).toContain("text/csv");
    expect(await errors.text()).toBe('row,column,message\n3,farm_code,"Unknown farm code ""NOPE"""\n');

    const list = await batchesRoute.GET(apiRequest(fixture.keys.admin, "GET", "/api/v1/import-batches"), noParams);
    expect((await list.json()).data).toContainEqual(expect.objectContaining({ id: body.batchId, fileName: `raw-${suffix}.csv`, createdCount: 1, errorCount: 1, state: "done" }));
  });

  it("answers a refused file with 400 and writes nothing", async () => {
    const noHeader = await importRoute.POST(multipart(fixture.keys.admin, "/api/v1/iot/devices/import", `id,label\n${third},x\n`), noParams);
    expect(noHeader.status).toBe(400);
    expect((await noHeader.json()).error.message).toBe("The header has no name, device_type columns.");
    const binary = await importRoute.POST(apiRequest(fixture.keys.admin, "POST", "/api/v1/iot/devices/import", "\u0000\u0001PK\u0003\u0004", { "Content-Type": "text/csv" }), noParams);
    expect(binary.status).toBe(400);
    const badMode = await importRoute.POST(apiRequest(fixture.keys.admin, "POST", "/api/v1/iot/devices/import?mode=merge", `device_id,name,device_type\n`, { "Content-Type": "text/csv" }), noParams);
    expect(badMode.status).toBe(400);
    expect((await badMode.json()).error.fields.mode).toBeDefined();
    expect(await db.device.findUnique({ where: { deviceId: third } })).toBeNull();
  });

  it("reads a stray quote in an unquoted field as text, and answers a broken file with 400 naming its line", async () => {
    const csv = `device_id,name,device_type,location\n${fourth},12" probe,temperature, "Meter, north"\n`;
    const response = await importRoute.POST(apiRequest(fixture.keys.admin, "POST", `/api/v1/iot/devices/import?default_farm=${farmCode}&fileName=quotes-${suffix}.csv`, csv, { "Content-Type": "text/csv" }), noParams);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ state: "done", created: 1, rejected: 0 });
    expect(await db.device.findUniqueOrThrow({ where: { deviceId: fourth } })).toMatchObject({ name: '12" probe', locationDescription: "Meter, north" });

    for (const [broken, line] of [
      [`device_id,name,device_type\n\n${fifth},"Probe,temperature\n${third},Other,collar\n`, 3],
      [`device_id,name,device_type\n${fifth},Probe,temperature\n,,\n${third},"Other" collar,collar\n`, 4],
    ] as const) {
      const refused = await importRoute.POST(apiRequest(fixture.keys.admin, "POST", `/api/v1/iot/devices/import?default_farm=${farmCode}`, broken, { "Content-Type": "text/csv" }), noParams);
      expect(refused.status).toBe(400);
      expect((await refused.json()).error.message).toMatch(new RegExp(`^The file is not valid CSV: line ${line}: `));
    }
    expect(await db.device.count({ where: { deviceId: { in: [third, fifth] } } })).toBe(0);
  });

  it("answers a concurrent import of the same new ids with a per-row conflict, not a 500", async () => {
    let importing: Promise<Response> | undefined;
    await db.$transaction(async (tx) => {
      await tx.device.create({ data: { deviceId: fifth, name: "The other import", deviceType: "collar", farmId: fixture.farmA } });
      const csv = `device_id,name,device_type\n${third},Third,collar\n${fifth},Fifth,collar\n`;
      importing = importRoute.POST(apiRequest(fixture.keys.admin, "POST", `/api/v1/iot/devices/import?default_farm=${farmCode}&fileName=race-${suffix}.csv`, csv, { "Content-Type": "text/csv" }), noParams);
      for (let tries = 0; tries < 200; tries++) {
        const [row] = await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO devices%'`;
        if (row && row.count > 0n) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }, { timeout: 25_000 });
    const response = await importing!;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ state: "failed", created: 0, errors: [{ row: 3, column: "device_id", message: `${fifth} was registered meanwhile (by another import or person); it was not imported` }] });
    expect(await db.device.findUnique({ where: { deviceId: third } })).toBeNull();
  });

  it("refuses a viewer and a technician", async () => {
    for (const key of [fixture.keys.viewer, fixture.keys.technician]) {
      const response = await importRoute.POST(multipart(key, "/api/v1/iot/devices/import", `device_id,name,device_type,farm_code\n${third},x,collar,${farmCode}\n`), noParams);
      expect(response.status).toBe(403);
      expect((await batchesRoute.GET(apiRequest(key, "GET", "/api/v1/import-batches"), noParams)).status).toBe(403);
    }
    expect(await db.device.findUnique({ where: { deviceId: third } })).toBeNull();
  });
});

describe("GET /api/v1/iot/devices/import/template", () => {
  it("downloads the template CSV", async () => {
    const response = await templateRoute.GET(apiRequest(fixture.keys.admin, "GET", "/api/v1/iot/devices/import/template"), noParams);
    expect(response.status).toBe(200);
    expect((await response.text()).split("\n")[0]).toMatch(/^device_id,name,device_type,farm_code,/);
  });
});
