/**
 * The maintenance routes as a script calls them with API keys: plans made with their occurrences,
 * bad input answered per field, the viewer refused (403), another farm's work not found (404),
 * recording twice a 409, attachments up (multipart) and down, the list and the calendar.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as attachmentRoute from "@/app/api/v1/maintenance/[id]/attachments/[attachmentId]/route";
import * as attachmentsRoute from "@/app/api/v1/maintenance/[id]/attachments/route";
import * as completeRoute from "@/app/api/v1/maintenance/[id]/complete/route";
import * as recordRoute from "@/app/api/v1/maintenance/[id]/route";
import * as startRoute from "@/app/api/v1/maintenance/[id]/start/route";
import * as calendarRoute from "@/app/api/v1/maintenance/calendar/route";
import * as listRoute from "@/app/api/v1/maintenance/route";
import * as planRoute from "@/app/api/v1/maintenance-plans/[id]/route";
import * as plansRoute from "@/app/api/v1/maintenance-plans/route";
import { disconnectDb, getDb } from "../db";
import { apiRequest, createApiFixture, noParams, withParams, type ApiFixture } from "../testing/api-fixture";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 10_000)).padStart(4, "0");
let fixture: ApiFixture;
const code = { a: `MA${suffix}1`, b: `MB${suffix}2` };
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  fixture = await createApiFixture(db, "MN", suffix);
  await db.device.create({ data: { deviceId: code.a, name: "Meter A", deviceType: "milk_meter", farmId: fixture.farmA, state: "active" } });
  await db.device.create({ data: { deviceId: code.b, name: "Meter B", deviceType: "milk_meter", farmId: fixture.farmB, state: "active" } });
});

afterAll(async () => {
  await disconnectDb();
});

const id = (value: number) => withParams({ id: String(value) });

describe("the maintenance API", () => {
  it("makes a plan with its occurrences, and refuses bad input per field", async () => {
    const created = await plansRoute.POST(apiRequest(fixture.keys.admin, "POST", "/api/v1/maintenance-plans", { name: "Quarterly", maintenanceType: "calibration", scope: "device", device: code.a, everyCount: 3, everyUnit: "months", startsOn: day(10) }), noParams);
    expect(created.status).toBe(201);
    const plan = await created.json();
    expect(plan.upcoming.length).toBeGreaterThanOrEqual(1);
    expect(plan.upcoming[0]).toMatchObject({ deviceId: code.a, scheduledDate: day(10), status: "scheduled" });

    const bad = await plansRoute.POST(apiRequest(fixture.keys.admin, "POST", "/api/v1/maintenance-plans", { name: "Bad", maintenanceType: "inspection", scope: "device", device: code.a, everyCount: 1, everyUnit: "weeks", startsOn: day(10), endsOn: day(5) }), noParams);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fields).toHaveProperty("endsOn");
    expect((await plansRoute.POST(apiRequest(fixture.keys.technician, "POST", "/api/v1/maintenance-plans", { name: "No", maintenanceType: "inspection", scope: "device", device: code.a, startsOn: day(10) }), noParams)).status).toBe(403);

    const read = await planRoute.GET(apiRequest(fixture.keys.viewer, "GET", `/api/v1/maintenance-plans/${plan.id}`), id(plan.id));
    expect((await read.json()).rhythm).toBe("every 3 months");
    const stopped = await planRoute.DELETE(apiRequest(fixture.keys.admin, "DELETE", `/api/v1/maintenance-plans/${plan.id}`), id(plan.id));
    expect(await stopped.json()).toMatchObject({ active: false, openCount: 0 });
  });

  it("starts, records and refuses to record twice; refuses a viewer and another farm's caller", async () => {
    const created = await listRoute.POST(apiRequest(fixture.keys.admin, "POST", "/api/v1/maintenance", { device: code.a, maintenanceType: "corrective", scheduledDate: day(0) }), noParams);
    expect(created.status).toBe(201);
    const work = await created.json();
    const theirs = await (await listRoute.POST(apiRequest(fixture.keys.admin, "POST", "/api/v1/maintenance", { device: code.b, maintenanceType: "corrective", scheduledDate: day(0) }), noParams)).json();

    expect((await startRoute.POST(apiRequest(fixture.keys.viewer, "POST", `/api/v1/maintenance/${work.id}/start`), id(work.id))).status).toBe(403);
    expect((await startRoute.POST(apiRequest(fixture.keys.technician, "POST", `/api/v1/maintenance/${theirs.id}/start`), id(theirs.id))).status).toBe(404);
    expect((await recordRoute.GET(apiRequest(fixture.keys.technician, "GET", `/api/v1/maintenance/${theirs.id}`), id(theirs.id))).status).toBe(404);

    const started = await startRoute.POST(apiRequest(fixture.keys.technician, "POST", `/api/v1/maintenance/${work.id}/start`), id(work.id));
    expect(await started.json()).toMatchObject({ status: "in_progress", deviceInMaintenance: true });
    const negative = await completeRoute.POST(apiRequest(fixture.keys.technician, "POST", `/api/v1/maintenance/${work.id}/complete`, { laborCost: -1 }), id(work.id));
    expect(negative.status).toBe(400);
    expect((await negative.json()).error.fields).toHaveProperty("laborCost");
    const body = { notes: "Seal replaced", parts: [{ name: "Seal", quantity: 1, unitCost: 9.99 }], laborCost: 30, durationMinutes: 20 };
    const done = await completeRoute.POST(apiRequest(fixture.keys.technician, "POST", `/api/v1/maintenance/${work.id}/complete`, body), id(work.id));
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ status: "done", cost: "39.99", deviceInMaintenance: false });
    const twice = await completeRoute.POST(apiRequest(fixture.keys.technician, "POST", `/api/v1/maintenance/${work.id}/complete`, body), id(work.id));
    expect(twice.status).toBe(409);
    expect((await twice.json()).error.message).toMatch(/already done on \d{4}-\d{2}-\d{2}/);

    const list = await (await listRoute.GET(apiRequest(fixture.keys.technician, "GET", `/api/v1/maintenance?status=done&device=${code.a}`), noParams)).json();
    expect(list.data.map((row: { id: number }) => row.id)).toEqual([work.id]);
    const calendar = await (await calendarRoute.GET(apiRequest(fixture.keys.viewer, "GET", `/api/v1/maintenance/calendar?from=${day(0)}&to=${day(6)}&device=${code.a}`), noParams)).json();
    expect(calendar.days[0].entries.map((row: { id: number }) => row.id)).toContain(work.id);
  });

  it("takes attachments as multipart and gives them back", async () => {
    const work = await (await listRoute.POST(apiRequest(fixture.keys.admin, "POST", "/api/v1/maintenance", { device: code.a, maintenanceType: "inspection", scheduledDate: day(1) }), noParams)).json();
    const form = new FormData();
    form.append("file", new Blob(["pressure 2.1 bar"], { type: "text/plain" }), "reading.txt");
    const upload = await attachmentsRoute.POST(new Request(`http://localhost/api/v1/maintenance/${work.id}/attachments`, { method: "POST", headers: { "X-API-Key": fixture.keys.technician }, body: form }), id(work.id));
    expect(upload.status).toBe(201);
    const file = await upload.json();
    expect(file).toMatchObject({ fileName: "reading.txt", contentType: "text/plain", sizeBytes: 16 });
    const bad = new FormData();
    bad.append("file", new Blob(["<html>"], { type: "text/html" }), "page.html");
    const refused = await attachmentsRoute.POST(new Request(`http://localhost/api/v1/maintenance/${work.id}/attachments`, { method: "POST", headers: { "X-API-Key": fixture.keys.technician }, body: bad }), id(work.id));
    expect(refused.status).toBe(400);
    const listed = await (await attachmentsRoute.GET(apiRequest(fixture.keys.viewer, "GET", `/api/v1/maintenance/${work.id}/attachments`), id(work.id))).json();
    expect(listed.total).toBe(1);
    const download = await attachmentRoute.GET(apiRequest(fixture.keys.viewer, "GET", `/api/v1/maintenance/${work.id}/attachments/${file.id}`), withParams({ id: String(work.id), attachmentId: String(file.id) }));
    expect(download.headers.get("content-type")).toBe("text/plain");
    expect(await download.text()).toBe("pressure 2.1 bar");
  });
});
