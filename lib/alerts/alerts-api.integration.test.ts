/**
 * /api/v1/iot/alerts through its route handlers, with API keys of each role: what a script or an
 * integration partner gets, including the refusals (400 per field, 403 by role, 404 for another
 * farm, 409 for the wrong state).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as acknowledgeRoute from "@/app/api/v1/iot/alerts/[id]/acknowledge/route";
import * as resolveRoute from "@/app/api/v1/iot/alerts/[id]/resolve/route";
import * as alertRoute from "@/app/api/v1/iot/alerts/[id]/route";
import * as alertsRoute from "@/app/api/v1/iot/alerts/route";
import { disconnectDb, getDb } from "../db";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const base = 100_000 + Math.floor(Math.random() * 800_000);
const ours = `MM${base}`;
const theirs = `MM${base + 1}`;
let fixture: ApiFixture;
const alert = { ours: 0, oursWarning: 0, theirs: 0 };

const forAlert = (id: number | string) => withParams({ id: String(id) });
const call = apiRequest;

beforeAll(async () => {
  fixture = await createApiFixture(db, "AL", suffix);
  const mine = await db.device.create({ data: { deviceId: ours, name: "Parlour meter", deviceType: "milk_meter", farmId: fixture.farmA, state: "active" } });
  const other = await db.device.create({ data: { deviceId: theirs, name: "Neighbour's meter", deviceType: "milk_meter", farmId: fixture.farmB, state: "active" } });
  alert.ours = (await db.alert.create({ data: { deviceId: mine.id, alertType: "offline", severity: "critical", message: "Offline for 2 h" } })).id;
  alert.oursWarning = (await db.alert.create({ data: { deviceId: mine.id, alertType: "low_battery", severity: "warning", message: "Battery 12 %" } })).id;
  alert.theirs = (await db.alert.create({ data: { deviceId: other.id, alertType: "offline", severity: "critical" } })).id;
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { entityType: "alert", entityId: { in: Object.values(alert).map(String) } } });
  // the alerts go with their devices (ON DELETE CASCADE)
  await removeApiFixture(db, fixture, [ours, theirs]);
  await disconnectDb();
});

describe("reading alerts", () => {
  it("lists with the page's filters and answers {data, total, page, pages}", async () => {
    const response = await alertsRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/iot/alerts?farm=${fixture.farmA}&severity=critical,warning&pageSize=25`), noParams);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ total: 2, page: 1, pageSize: 25, pages: 1 });
    expect(body.data.map((item: { id: number }) => item.id)).toEqual([alert.ours, alert.oursWarning]);
    expect(body.data[0]).toMatchObject({ alertType: "offline", severity: "critical", state: "active", device: { deviceId: ours }, group: null, acknowledgedBy: null });
  });

  it("keeps a farm-bound key to its farm", async () => {
    const body = await (await alertsRoute.GET(call(fixture.keys.technician, "GET", `/api/v1/iot/alerts?device=${theirs}`), noParams)).json();
    expect(body.total).toBe(0);
    expect((await alertRoute.GET(call(fixture.keys.technician, "GET", `/api/v1/iot/alerts/${alert.theirs}`), forAlert(alert.theirs))).status).toBe(404);
    expect((await alertRoute.GET(call(fixture.keys.admin, "GET", `/api/v1/iot/alerts/${alert.theirs}`), forAlert(alert.theirs))).status).toBe(200);
  });

  it("answers a bad filter with 400 and a message per parameter, and a malformed id with 404", async () => {
    const response = await alertsRoute.GET(call(fixture.keys.viewer, "GET", "/api/v1/iot/alerts?severity=huge&state=closed&pageSize=7"), noParams);
    expect(response.status).toBe(400);
    expect((await response.json()).error.fields).toEqual({
      severity: ["Unknown severity"],
      state: ["state must be one of open, active, acknowledged, resolved, all"],
      pageSize: ["pageSize must be one of 25, 50, 100, 200"],
    });
    expect((await alertRoute.GET(call(fixture.keys.viewer, "GET", "/api/v1/iot/alerts/abc"), forAlert("abc"))).status).toBe(404);
  });
});

describe("acknowledging and resolving", () => {
  it("refuses a viewer with 403 and another farm's alert with 404, changing nothing", async () => {
    const viewer = await acknowledgeRoute.POST(call(fixture.keys.viewer, "POST", `/api/v1/iot/alerts/${alert.ours}/acknowledge`, { notes: "seen" }), forAlert(alert.ours));
    expect(viewer.status).toBe(403);
    expect((await resolveRoute.POST(call(fixture.keys.viewer, "POST", `/api/v1/iot/alerts/${alert.ours}/resolve`, { notes: "done" }), forAlert(alert.ours))).status).toBe(403);
    const other = await resolveRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/alerts/${alert.theirs}/resolve`, { notes: "not mine" }), forAlert(alert.theirs));
    expect(other.status).toBe(404);
    expect(await db.alert.findMany({ where: { id: { in: [alert.ours, alert.theirs] } }, select: { state: true } })).toEqual([{ state: "active" }, { state: "active" }]);
  });

  it("validates the bodies field by field (400)", async () => {
    const missing = await resolveRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/alerts/${alert.ours}/resolve`, {}), forAlert(alert.ours));
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.fields).toEqual({ notes: ["Resolution notes is required"] });
    const blank = await resolveRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/alerts/${alert.ours}/resolve`, { notes: "   " }), forAlert(alert.ours));
    expect((await blank.json()).error.fields).toEqual({ notes: ["Resolution notes is required"] });
    const unknown = await acknowledgeRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/alerts/${alert.ours}/acknowledge`, { notes: "x", state: "resolved" }), forAlert(alert.ours));
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.fields).toEqual({ state: ["Unknown field"] });
    const notJson = await acknowledgeRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/alerts/${alert.ours}/acknowledge`, "{notes"), forAlert(alert.ours));
    expect(notJson.status).toBe(400);
    expect((await db.alert.findUniqueOrThrow({ where: { id: alert.ours } })).state).toBe("active");
  });

  it("acknowledges, refuses a second acknowledgement with 409, resolves, and refuses a resolved alert with 409", async () => {
    const acknowledged = await acknowledgeRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/alerts/${alert.ours}/acknowledge`, { notes: "On my way" }), forAlert(alert.ours));
    expect(acknowledged.status).toBe(200);
    const body = await acknowledged.json();
    expect(body).toMatchObject({ id: alert.ours, state: "acknowledged", acknowledgeNotes: "On my way", acknowledgedBy: expect.stringMatching(/^api-key:/), history: [{ action: "acknowledge", notes: "On my way" }] });

    const again = await acknowledgeRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/alerts/${alert.ours}/acknowledge`), forAlert(alert.ours));
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatchObject({ code: "conflict", message: expect.stringContaining("already acknowledged") });

    const resolved = await resolveRoute.POST(call(fixture.keys.admin, "POST", `/api/v1/iot/alerts/${alert.ours}/resolve`, { notes: "Cable replaced" }), forAlert(alert.ours));
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toMatchObject({ state: "resolved", resolutionNotes: "Cable replaced", resolvedBy: expect.stringMatching(/^api-key:/), autoResolved: false });

    const final = await resolveRoute.POST(call(fixture.keys.admin, "POST", `/api/v1/iot/alerts/${alert.ours}/resolve`, { notes: "Again" }), forAlert(alert.ours));
    expect(final.status).toBe(409);
    expect((await final.json()).error.message).toMatch(/already resolved; a resolved alert is final/);
    expect(await db.alert.findUniqueOrThrow({ where: { id: alert.ours } })).toMatchObject({ state: "resolved", resolutionNotes: "Cable replaced" });
  });

  it("acknowledges without a body", async () => {
    const response = await acknowledgeRoute.POST(call(fixture.keys.technician, "POST", `/api/v1/iot/alerts/${alert.oursWarning}/acknowledge`), forAlert(alert.oursWarning));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ state: "acknowledged", acknowledgeNotes: null });
  });
});
