/** The cost routes as a script calls them: status codes, messages per field, roles and farms. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as deviceCosts } from "@/app/api/v1/devices/[id]/costs/route";
import { GET as forecast } from "@/app/api/v1/costs/forecast/route";
import { GET as history } from "@/app/api/v1/costs/history/route";
import { GET as summary } from "@/app/api/v1/costs/summary/route";
import { GET as getRates, PUT as putRates } from "@/app/api/v1/farms/[id]/cost-rates/route";
import { disconnectDb, getDb } from "../db";
import { apiRequest, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 100_000)).padStart(5, "0");
let fixture: ApiFixture;
const deviceA = `MM9${suffix}`;
const deviceB = `MM8${suffix}`;

beforeAll(async () => {
  fixture = await createApiFixture(db, "KS", suffix);
  await db.device.create({ data: { deviceId: deviceA, name: "a", deviceType: "milk_meter", farmId: fixture.farmA, state: "active", powerSource: "mains", provisioningDate: new Date("2026-01-01T00:00:00Z") } });
  await db.device.create({ data: { deviceId: deviceB, name: "b", deviceType: "collar", farmId: fixture.farmB, state: "active" } });
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { entityType: "farm", entityId: { in: [String(fixture.farmA), String(fixture.farmB)] } } });
  await removeApiFixture(db, fixture, [deviceA, deviceB]);
  await disconnectDb();
});

type Answer = { error: { message: string; fields?: Record<string, string[]> }; costs: { power: number }; forecast: unknown[]; months: unknown[] } & Record<string, unknown>;
const body = async (response: Response) => ({ status: response.status, json: (await response.json()) as Answer });

describe("cost routes", () => {
  it("answer the admin and refuse a bad month or months with a message", async () => {
    const ok = await body(await summary(apiRequest(fixture.keys.admin, "GET", `/api/v1/costs/summary?farm=${fixture.farmA}`), noParams));
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ farmId: fixture.farmA, currency: "EUR", monthToDate: true, deviceCount: 1 });
    expect(ok.json.costs.power).toBeGreaterThan(0);

    const badMonth = await body(await summary(apiRequest(fixture.keys.admin, "GET", "/api/v1/costs/summary?month=2026-1"), noParams));
    expect(badMonth.status).toBe(400);
    expect(badMonth.json.error).toMatchObject({ message: "Use the format YYYY-MM, e.g. 2026-11", fields: { month: ["Use the format YYYY-MM, e.g. 2026-11"] } });
    const future = await body(await summary(apiRequest(fixture.keys.admin, "GET", "/api/v1/costs/summary?month=2999-01"), noParams));
    expect(future.status).toBe(400);
    expect(future.json.error.message).toMatch(/has not begun yet/);

    const badMonths = await body(await forecast(apiRequest(fixture.keys.admin, "GET", "/api/v1/costs/forecast?months=9"), noParams));
    expect(badMonths.status).toBe(400);
    expect(badMonths.json.error.fields).toEqual({ months: ["months must be from 3 to 6"] });
    const six = await body(await forecast(apiRequest(fixture.keys.admin, "GET", `/api/v1/costs/forecast?farm=${fixture.farmA}&months=6`), noParams));
    expect(six.status).toBe(200);
    expect(six.json.forecast).toHaveLength(6);

    const months = await body(await history(apiRequest(fixture.keys.admin, "GET", `/api/v1/costs/history?farm=${fixture.farmA}`), noParams));
    expect(months.json.months).toHaveLength(12);
  });

  it("refuse viewers and technicians, and hide another farm", async () => {
    expect((await summary(apiRequest(fixture.keys.viewer, "GET", "/api/v1/costs/summary"), noParams)).status).toBe(403);
    expect((await summary(apiRequest(fixture.keys.technician, "GET", "/api/v1/costs/summary"), noParams)).status).toBe(403);
    expect((await deviceCosts(apiRequest(fixture.keys.technician, "GET", `/api/v1/devices/${deviceA}/costs`), withParams({ id: deviceA }))).status).toBe(403);
    const own = await body(await deviceCosts(apiRequest(fixture.keys.admin, "GET", `/api/v1/devices/${deviceA}/costs`), withParams({ id: deviceA })));
    expect(own.status).toBe(200);
    expect(own.json.power).toMatchObject({ source: "mains", watts: 6, pricePerKwh: 0.25 });
    expect((await deviceCosts(apiRequest(fixture.keys.admin, "GET", "/api/v1/devices/MM0000000/costs"), withParams({ id: "MM0000000" }))).status).toBe(404);
  });

  it("read and replace a farm's prices, naming each bad one", async () => {
    const params = withParams({ id: String(fixture.farmA) });
    const before = await body(await getRates(apiRequest(fixture.keys.admin, "GET", `/api/v1/farms/${fixture.farmA}/cost-rates`), params));
    expect(before.json).toMatchObject({ isDefault: true, dataPerMb: 0.01, electricityPerKwh: 0.25, batteryReplacement: 50, laborPerHour: 45, maintenanceVisit: 100 });
    const bad = await body(await putRates(apiRequest(fixture.keys.admin, "PUT", `/api/v1/farms/${fixture.farmA}/cost-rates`, { currency: "EUR", dataPerMb: -0.01, electricityPerKwh: 0.3, batteryReplacement: 40, laborPerHour: 50 }), params));
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields).toEqual({ dataPerMb: ["Must be 0 or more"], maintenanceVisit: ["Enter a price (0 or more)"] });
    const forbidden = await putRates(apiRequest(fixture.keys.technician, "PUT", `/api/v1/farms/${fixture.farmA}/cost-rates`, { currency: "EUR", dataPerMb: 1, electricityPerKwh: 1, batteryReplacement: 1, laborPerHour: 1, maintenanceVisit: 1 }), params);
    expect(forbidden.status).toBe(403);
    const saved = await body(await putRates(apiRequest(fixture.keys.admin, "PUT", `/api/v1/farms/${fixture.farmA}/cost-rates`, { currency: "EUR", dataPerMb: 0.02, electricityPerKwh: 0.3, batteryReplacement: 40, laborPerHour: 50, maintenanceVisit: 80 }), params));
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ isDefault: false, dataPerMb: 0.02, maintenanceVisit: 80 });
    expect((await getRates(apiRequest(fixture.keys.technician, "GET", `/api/v1/farms/${fixture.farmB}/cost-rates`), withParams({ id: String(fixture.farmB) }))).status).toBe(403);
  });
});
