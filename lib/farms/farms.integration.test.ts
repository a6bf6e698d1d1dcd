/**
 * Creating and editing farms, through the domain and the routes: bad input refused with field
 * errors and nothing written, the code unique, only admins of every farm, every change audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getFarm, PATCH as patchFarm } from "@/app/api/v1/farms/[id]/route";
import { GET as listFarmsRoute, POST as postFarm } from "@/app/api/v1/farms/route";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../errors";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";
import { createTestPerson, refusal } from "../testing/people";
import { createFarm, getFarmDetails, updateFarm } from "./farm-admin";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 100_000)).padStart(5, "0");
let fixture: ApiFixture;
let admin: Actor;
let boundAdmin: Actor;
let manager: Actor;
const created: number[] = [];
const code = (letter: string) => `NF${letter}${suffix}`;

beforeAll(async () => {
  fixture = await createApiFixture(db, "FM", suffix);
  admin = await createTestPerson(db, "admin", null, `fm-admin-${suffix}@test.example`, "Farm admin");
  boundAdmin = await createTestPerson(db, "admin", fixture.farmA, `fm-bound-${suffix}@test.example`, "Bound admin");
  manager = await createTestPerson(db, "manager", fixture.farmA, `fm-manager-${suffix}@test.example`, "Farm manager");
});

afterAll(async () => {
  const ids = [...created, fixture.farmA, fixture.farmB];
  await db.auditEvent.deleteMany({ where: { entityType: "farm", entityId: { in: ids.map(String) } } });
  await db.farm.deleteMany({ where: { id: { in: created } } });
  await db.user.deleteMany({ where: { id: { in: [admin.id, boundAdmin.id, manager.id] } } });
  await removeApiFixture(db, fixture, []);
  await disconnectDb();
});

const farmCount = () => db.farm.count();
const auditCount = () => db.auditEvent.count({ where: { entityType: "farm" } });

describe("creating a farm", () => {
  it("stores every field, audits it, and sets the currency and prices when given", async () => {
    const farm = await createFarm(db, admin, {
      name: "  Meadow Brook  ",
      code: code("a").toLowerCase(),
      address: "Dijkweg 4, 1234 AB Polderdorp",
      latitude: "52.1",
      longitude: "4.9",
      timezone: "Europe/Amsterdam",
      escalationIntervalMinutes: "30",
      debounceMinutes: "0",
      digestHour: "6",
      costRates: { currency: "gbp", dataPerMb: 0.02, electricityPerKwh: 0.3, batteryReplacement: 40, laborPerHour: 50, maintenanceVisit: 90 },
    });
    created.push(farm.id);
    expect(farm).toMatchObject({ name: "Meadow Brook", code: code("A"), latitude: 52.1, longitude: 4.9, timezone: "Europe/Amsterdam", escalationIntervalMinutes: 30, debounceMinutes: 0, digestHour: 6 });
    expect(farm.costRates).toMatchObject({ currency: "GBP", dataPerMb: 0.02, isDefault: false });
    const audit = await db.auditEvent.findMany({ where: { entityType: "farm", entityId: String(farm.id) }, orderBy: { id: "asc" } });
    expect(audit.map((event) => event.action)).toEqual(["farm.create", "cost_rates.update"]);
    expect(audit[0]!.after).toMatchObject({ code: code("A"), timezone: "Europe/Amsterdam" });
  });

  it("gives the defaults: UTC, 15 and 5 minutes, 07:00, the default prices", async () => {
    const farm = await createFarm(db, admin, { name: "Plain farm", code: code("B") });
    created.push(farm.id);
    expect(farm).toMatchObject({ timezone: "UTC", escalationIntervalMinutes: 15, debounceMinutes: 5, digestHour: 7, address: null, latitude: null });
    expect(farm.costRates).toMatchObject({ currency: "EUR", isDefault: true });
  });

  it("refuses a taken code, a bad zone, minutes out of range, half a location — naming each field, writing nothing", async () => {
    const farms = await farmCount();
    const audits = await auditCount();

    const taken = await refusal(createFarm(db, admin, { name: "Copy", code: code("A") }));
    expect(taken).toBeInstanceOf(ConflictError);
    expect((taken as ConflictError).fieldErrors.code![0]).toMatch(new RegExp(`${code("A")} is already used by Meadow Brook`));

    const bad = await refusal(
      createFarm(db, admin, { name: "", code: "no spaces!", timezone: "Mars/Olympus", escalationIntervalMinutes: 0, debounceMinutes: 1441, digestHour: 24, latitude: 91, longitude: 5 }),
    );
    expect(bad).toBeInstanceOf(InvalidError);
    const fields = (bad as InvalidError).fieldErrors;
    expect(Object.keys(fields).sort()).toEqual(["code", "debounceMinutes", "digestHour", "escalationIntervalMinutes", "latitude", "name", "timezone"]);
    expect(fields.timezone![0]).toMatch(/Not a time zone/);
    expect(fields.escalationIntervalMinutes![0]).toBe("Escalation interval: at least 1");
    expect(fields.debounceMinutes![0]).toBe("Debounce: at most 1440");

    const half = await refusal(createFarm(db, admin, { name: "Half", code: code("H"), latitude: 52 }));
    expect((half as InvalidError).fieldErrors).toEqual({ longitude: ["Enter the longitude too (or clear the latitude)"] });

    const badPrice = await refusal(createFarm(db, admin, { name: "Prices", code: code("P"), costRates: { currency: "EURO", dataPerMb: -1, electricityPerKwh: 0, batteryReplacement: 0, laborPerHour: 0, maintenanceVisit: 0 } }));
    expect(Object.keys((badPrice as InvalidError).fieldErrors).sort()).toEqual(["costRates.currency", "costRates.dataPerMb"]);

    expect(await farmCount()).toBe(farms);
    expect(await auditCount()).toBe(audits);
  });

  it("is refused to a manager and to an admin bound to one farm", async () => {
    const farms = await farmCount();
    expect(await refusal(createFarm(db, manager, { name: "Mine", code: code("M") }))).toBeInstanceOf(ForbiddenError);
    const bound = await refusal(createFarm(db, boundAdmin, { name: "Mine", code: code("M") }));
    expect((bound as Error).message).toMatch(/bound to one farm/);
    expect(await farmCount()).toBe(farms);
  });
});

describe("editing a farm", () => {
  it("changes only what is sent and audits the fields that changed", async () => {
    const id = created[0]!;
    const farm = await updateFarm(db, admin, id, { timezone: "America/Chicago", digestHour: 8 });
    expect(farm).toMatchObject({ timezone: "America/Chicago", digestHour: 8, name: "Meadow Brook", escalationIntervalMinutes: 30 });
    const event = await db.auditEvent.findFirst({ where: { entityType: "farm", entityId: String(id), action: "farm.update" }, orderBy: { id: "desc" } });
    expect(event).toMatchObject({ before: { timezone: "Europe/Amsterdam", digestHour: 6 }, after: { timezone: "America/Chicago", digestHour: 8 } });
  });

  it("refuses bad input and a taken code with nothing changed", async () => {
    const id = created[0]!;
    const before = await getFarmDetails(db, admin, id);
    const audits = await auditCount();
    expect(await refusal(updateFarm(db, admin, id, { code: code("B") }))).toBeInstanceOf(ConflictError);
    const bad = await refusal(updateFarm(db, admin, id, { name: "Renamed", timezone: "Europe/Nowhere", escalationIntervalMinutes: 1441 }));
    expect(Object.keys((bad as InvalidError).fieldErrors).sort()).toEqual(["escalationIntervalMinutes", "timezone"]);
    // one coordinate cleared alone would leave half a place
    const half = await refusal(updateFarm(db, admin, id, { longitude: null }));
    expect((half as InvalidError).fieldErrors).toEqual({ longitude: ["Enter the longitude too (or clear both)"] });
    expect(await refusal(updateFarm(db, admin, 2_000_000_000, { name: "x" }))).toBeInstanceOf(NotFoundError);
    expect(await getFarmDetails(db, admin, id)).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it("is refused to a manager, even for their own farm", async () => {
    expect(await refusal(updateFarm(db, manager, fixture.farmA, { name: "Mine now" }))).toBeInstanceOf(ForbiddenError);
    expect((await db.farm.findUniqueOrThrow({ where: { id: fixture.farmA } })).name).not.toBe("Mine now");
  });
});

type Answer = { error?: { code: string; message: string; fields?: Record<string, string[]> } } & Record<string, unknown>;
const body = async (response: Response) => ({ status: response.status, json: (await response.json()) as Answer });

describe("the farm routes", () => {
  it("create with 201, refuse bad input with 400 and field errors, a taken code with 409", async () => {
    const ok = await body(await postFarm(apiRequest(fixture.keys.admin, "POST", "/api/v1/farms", { name: "API farm", code: code("c"), timezone: "Europe/Dublin" }), noParams));
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ name: "API farm", code: code("C"), timezone: "Europe/Dublin", costRates: { currency: "EUR", isDefault: true } });
    created.push(ok.json.id as number);

    const farms = await farmCount();
    const bad = await body(await postFarm(apiRequest(fixture.keys.admin, "POST", "/api/v1/farms", { name: "Bad", code: code("D"), timezone: "Nowhere", debounceMinutes: -1, colour: "red" }), noParams));
    expect(bad.status).toBe(400);
    expect(bad.json.error!.fields).toEqual({ timezone: [expect.stringMatching(/Not a time zone/)], debounceMinutes: ["Debounce: at least 0"], colour: ["Unknown field"] });
    const taken = await body(await postFarm(apiRequest(fixture.keys.admin, "POST", "/api/v1/farms", { name: "Again", code: code("C") }), noParams));
    expect(taken.status).toBe(409);
    expect(taken.json.error!.fields!.code![0]).toMatch(/already used by API farm/);
    const notJson = await body(await postFarm(apiRequest(fixture.keys.admin, "POST", "/api/v1/farms", "{nope"), noParams));
    expect(notJson.status).toBe(400);
    expect(await farmCount()).toBe(farms);
  });

  it("read and patch one farm; refuse the viewer and the farm-bound technician", async () => {
    const id = ok(created.at(-1));
    const patched = await body(await patchFarm(apiRequest(fixture.keys.admin, "PATCH", `/api/v1/farms/${id}`, { timezone: "Asia/Tokyo", escalationIntervalMinutes: 5 }), withParams({ id: String(id) })));
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ timezone: "Asia/Tokyo", escalationIntervalMinutes: 5 });
    const bad = await body(await patchFarm(apiRequest(fixture.keys.admin, "PATCH", `/api/v1/farms/${id}`, { digestHour: 25 }), withParams({ id: String(id) })));
    expect(bad.status).toBe(400);
    expect(bad.json.error!.fields).toEqual({ digestHour: ["Digest hour: at most 23"] });
    const read = await body(await getFarm(apiRequest(fixture.keys.viewer, "GET", `/api/v1/farms/${id}`), withParams({ id: String(id) })));
    expect(read.json).toMatchObject({ timezone: "Asia/Tokyo", digestHour: 7 });

    expect((await patchFarm(apiRequest(fixture.keys.viewer, "PATCH", `/api/v1/farms/${id}`, { name: "x" }), withParams({ id: String(id) }))).status).toBe(403);
    expect((await postFarm(apiRequest(fixture.keys.technician, "POST", "/api/v1/farms", { name: "x", code: code("T") }), noParams)).status).toBe(403);
    // a farm-bound caller sees its own farm only
    expect((await getFarm(apiRequest(fixture.keys.technician, "GET", `/api/v1/farms/${id}`), withParams({ id: String(id) }))).status).toBe(404);
    const listed = await body(await listFarmsRoute(apiRequest(fixture.keys.technician, "GET", "/api/v1/farms"), noParams));
    expect(listed.json).toMatchObject({ total: 1, data: [{ id: fixture.farmA }] });
    expect((await getFarm(apiRequest(fixture.keys.admin, "GET", "/api/v1/farms/abc"), withParams({ id: "abc" }))).status).toBe(404);
  });
});

function ok<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("missing");
  return value;
}
