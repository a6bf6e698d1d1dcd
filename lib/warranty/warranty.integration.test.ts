/**
 * Warranties on real PostgreSQL: the SQL and Prisma forms of the status rule agree with
 * warrantyStatus on real rows at the edges; a claim is filed (eligible or with an override reason),
 * numbered WC-…, moved open → submitted → approved → closed through the API, illegal moves refused;
 * an extension moves the end from the later of the end and today and is recorded; void and un-void;
 * the expiring list; bad input, a viewer and another farm's device write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as warrantyRoute from "@/app/api/v1/devices/[id]/warranty/route";
import * as extendRoute from "@/app/api/v1/devices/[id]/warranty/extend/route";
import * as voidRoute from "@/app/api/v1/devices/[id]/warranty/void/route";
import * as claimRoute from "@/app/api/v1/warranty-claims/[id]/route";
import * as claimsRoute from "@/app/api/v1/warranty-claims/route";
import { Prisma } from "@prisma/client";
import type { Actor } from "../auth/permissions";
import { disconnectDb, getDb } from "../db";
import { apiRequest as call, createApiFixture, noParams, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";
import { expiringWarranties } from "./warranty-coverage";
import { utcDay, WARRANTY_STATUSES, warrantyStatus, warrantyStatusSql, warrantyStatusWhere } from "./warranty-status";

const db = getDb();
const suffix = Math.random().toString(36).slice(2, 7).toUpperCase();
const n = String(1000 + Math.floor(Math.random() * 9000));
const DAY = 86_400_000;
const today = new Date(utcDay(new Date()));
const dayOf = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null;
const offsets = [31, 30, 29, 1, 0, -1, -30] as const;
const edge = (days: number) => `CL${n}${String(50 + offsets.indexOf(days as never)).padStart(2, "0")}`;
const voided = `CL${n}60`;
const bare = `CL${n}61`;
const failed = `CL${n}62`;
const theirs = `CL${n}63`;
const all = [...offsets.map(edge), voided, bare, failed, theirs];
let fixture: ApiFixture;
let admin: Actor;

const forId = (id: string | number) => withParams({ id: String(id) });
const fileClaim = (key: string, body: unknown) => claimsRoute.POST(call(key, "POST", "/api/v1/warranty-claims", body), noParams);
const move = (key: string, id: number, body: unknown) => claimRoute.PATCH(call(key, "PATCH", `/api/v1/warranty-claims/${id}`, body), forId(id));

beforeAll(async () => {
  fixture = await createApiFixture(db, "WY", suffix);
  const user = await db.user.findUniqueOrThrow({ where: { id: fixture.userId } });
  admin = { kind: "user", id: user.id, label: user.email, name: user.name, role: "admin", farmId: null };
  const row = (deviceId: string, extra: Record<string, unknown> = {}) => ({ deviceId, name: `Collar ${deviceId}`, deviceType: "collar" as const, farmId: fixture.farmA, state: "active" as const, ...extra });
  await db.device.createMany({
    data: [
      ...offsets.map((days) => row(edge(days), { warrantyEnd: new Date(today.getTime() + days * DAY) })),
      row(voided, { warrantyEnd: new Date(today.getTime() + 200 * DAY), warrantyVoidedAt: new Date(), warrantyVoidReason: "Opened by a third party" }),
      row(bare),
      row(failed, { warrantyStart: new Date(today.getTime() - 300 * DAY), warrantyEnd: new Date(today.getTime() + 400 * DAY), warrantyTerms: "2-year parts and labour" }),
      row(theirs, { farmId: fixture.farmB, warrantyEnd: new Date(today.getTime() + 100 * DAY) }),
    ],
  });
});

afterAll(async () => {
  const claims = await db.warrantyClaim.findMany({ where: { farmId: { in: [fixture.farmA, fixture.farmB] } }, select: { claimNumber: true } });
  await db.auditEvent.deleteMany({ where: { entityType: "warranty_claim", entityId: { in: claims.map((claim) => claim.claimNumber) } } });
  await db.warrantyClaim.deleteMany({ where: { farmId: { in: [fixture.farmA, fixture.farmB] } } });
  await db.warrantyExtension.deleteMany({ where: { farmId: { in: [fixture.farmA, fixture.farmB] } } });
  await removeApiFixture(db, fixture, all);
  await disconnectDb();
});

describe("the status rule in three forms", () => {
  it("warrantyStatusSql and warrantyStatusWhere pick exactly the rows warrantyStatus gives each status", async () => {
    const rows = await db.device.findMany({ where: { farmId: fixture.farmA }, select: { deviceId: true, warrantyEnd: true, warrantyVoidedAt: true } });
    const todayText = today.toISOString().slice(0, 10);
    for (const status of WARRANTY_STATUSES) {
      const expected = rows.filter((row) => warrantyStatus(row, today) === status).map((row) => row.deviceId).sort();
      const viaWhere = (await db.device.findMany({ where: { farmId: fixture.farmA, ...warrantyStatusWhere(status, today) }, select: { deviceId: true } })).map((row) => row.deviceId).sort();
      const viaSql = (
        await db.$queryRawUnsafe<{ device_id: string }[]>(`SELECT d.device_id FROM devices d WHERE d.farm_id = $1 AND $2::date IS NOT NULL AND ${warrantyStatusSql(status, "$2")}`, fixture.farmA, todayText)
      )
        .map((row) => row.device_id)
        .sort();
      expect(viaWhere, `${status} (where)`).toEqual(expected);
      expect(viaSql, `${status} (sql)`).toEqual(expected);
    }
    // Hand-checked: 30 and 31 days left are active, 29 … 0 expiring, the day after the end expired.
    const statusOf = (days: number) => warrantyStatus(rows.find((row) => row.deviceId === edge(days))!, today);
    expect(offsets.map(statusOf)).toEqual(["active", "active", "expiring", "expiring", "expiring", "expired", "expired"]);
  });

  it("the expiring list: ends within 30 days (today included), soonest first, without void devices or other farms", async () => {
    const { data, total } = await expiringWarranties(db, admin, { farmId: fixture.farmA, days: 30 }, today);
    expect(data.map((row) => row.deviceId)).toEqual([edge(0), edge(1), edge(29)]);
    expect(total).toBe(3);
    expect(data.map((row) => row.daysLeft)).toEqual([0, 1, 29]);
    expect((await expiringWarranties(db, admin, { farmId: fixture.farmA, days: 90 }, today)).data.map((row) => row.deviceId)).toEqual([edge(0), edge(1), edge(29), edge(30), edge(31)]);
  });
});

describe("a warranty claim", () => {
  it("is filed for an eligible device, numbered WC-…, and goes open → submitted → approved → closed", async () => {
    const response = await fileClaim(fixture.keys.admin, { deviceId: failed, issueType: "sensor_failure", issueDescription: "Accelerometer reads zero since Monday" });
    expect(response.status).toBe(201);
    const { claim, eligibility } = await response.json();
    expect(claim.claimNumber).toBe(`WC-${String(claim.id).padStart(6, "0")}`);
    expect(claim).toMatchObject({ deviceId: failed, status: "open", issueType: "sensor_failure" });
    expect(eligibility).toMatchObject({ eligible: true, coverage: "2-year parts and labour", daysRemaining: 400 });

    // Approving an open claim skips the supplier: refused, saying what is allowed.
    const skip = await move(fixture.keys.admin, claim.id, { status: "approved" });
    expect(skip.status).toBe(409);
    expect((await skip.json()).error.message).toContain("can only be submitted");
    const noRma = await move(fixture.keys.admin, claim.id, { status: "submitted" });
    expect(noRma.status).toBe(400);
    expect((await noRma.json()).error.fields.rmaNumber).toEqual(["The RMA number is required"]);

    expect((await move(fixture.keys.admin, claim.id, { status: "submitted", rmaNumber: "RMA-88231" })).status).toBe(200);
    expect((await move(fixture.keys.admin, claim.id, { status: "approved", resolutionNotes: "Supplier sends a new collar" })).status).toBe(200);
    const negative = await move(fixture.keys.admin, claim.id, { status: "closed", resolution: "replaced", costCovered: -5 });
    expect(negative.status).toBe(400);
    expect((await negative.json()).error.fields.costCovered).toEqual(["The cost covered cannot be negative"]);
    const closed = await move(fixture.keys.admin, claim.id, { status: "closed", resolution: "replaced", costCovered: 189.5 });
    expect(closed.status).toBe(200);
    expect(await closed.json()).toMatchObject({ status: "closed", resolution: "replaced", costCovered: 189.5, rmaNumber: "RMA-88231", resolutionNotes: "Supplier sends a new collar" });
    const row = await db.warrantyClaim.findUniqueOrThrow({ where: { id: claim.id } });
    expect(row.costCovered?.equals(new Prisma.Decimal("189.50"))).toBe(true);
    expect(row.closedAt).not.toBeNull();

    const again = await move(fixture.keys.admin, claim.id, { status: "closed", resolution: "replaced" });
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toContain("A closed claim is final");
    expect(await db.auditEvent.count({ where: { entityType: "warranty_claim", entityId: claim.claimNumber } })).toBe(4);

    const byNumber = await claimRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/warranty-claims/${claim.claimNumber}`), forId(claim.claimNumber));
    expect((await byNumber.json()).id).toBe(claim.id);
  });

  it("a rejected claim closes as rejected with nothing covered", async () => {
    const { claim } = await (await fileClaim(fixture.keys.admin, { deviceId: failed, issueType: "battery_failure", issueDescription: "Drains in a week" })).json();
    await move(fixture.keys.admin, claim.id, { status: "submitted", rmaNumber: "RMA-1" });
    await move(fixture.keys.admin, claim.id, { status: "rejected", resolutionNotes: "Battery is a wear part" });
    const wrong = await move(fixture.keys.admin, claim.id, { status: "closed", resolution: "repaired" });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.fields.resolution).toBeDefined();
    const closed = await move(fixture.keys.admin, claim.id, { status: "closed", resolution: "rejected" });
    expect(await closed.json()).toMatchObject({ status: "closed", resolution: "rejected", costCovered: 0 });
  });

  it("for a device that is not eligible: refused without an override reason, filed with one", async () => {
    const count = () => db.warrantyClaim.count({ where: { farmId: fixture.farmA } });
    const before = await count();
    for (const [deviceId, issueType] of [[edge(-1), "hardware_failure"], [voided, "hardware_failure"], [bare, "hardware_failure"], [failed, "water_damage"]] as const) {
      const response = await fileClaim(fixture.keys.admin, { deviceId, issueType, issueDescription: "Stopped working" });
      expect(response.status, deviceId).toBe(400);
      const { error } = await response.json();
      expect(error.message).toContain("paid repair");
      expect(error.fields.overrideReason).toBeDefined();
    }
    expect(await count()).toBe(before);
    const response = await fileClaim(fixture.keys.admin, { deviceId: edge(-1), issueType: "hardware_failure", issueDescription: "Stopped working", overrideReason: "Failed two days after the end; supplier promised goodwill" });
    expect(response.status).toBe(201);
    const { claim, eligibility } = await response.json();
    expect(eligibility).toMatchObject({ eligible: false, status: "expired" });
    expect(claim.issueDescription).toMatch(/^Goodwill claim \(not eligible: Warranty expired on .*\)\. Failed two days after/);
  });

  it("refuses bad input per field, a viewer, another farm's device, and lists with counts", async () => {
    const bad = await fileClaim(fixture.keys.admin, { deviceId: failed, issueType: "bored", issueDescription: " " });
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).error.fields).sort()).toEqual(["issueDescription", "issueType"]);
    expect((await fileClaim(fixture.keys.viewer, { deviceId: failed, issueType: "other", issueDescription: "x" })).status).toBe(403);
    expect((await fileClaim(fixture.keys.technician, { deviceId: failed, issueType: "other", issueDescription: "x" })).status).toBe(403);
    expect((await db.warrantyClaim.count({ where: { device: { deviceId: theirs } } }))).toBe(0);

    const list = await claimsRoute.GET(call(fixture.keys.viewer, "GET", `/api/v1/warranty-claims?farm=${fixture.farmA}&status=closed`), noParams);
    const body = await list.json();
    expect(body.total).toBe(2);
    expect(body.counts).toEqual({ open: 1, submitted: 0, approved: 0, rejected: 0, closed: 2 });
  });
});

describe("extension and void", () => {
  it("extends from the current end while it runs, and from today once it has passed; records each", async () => {
    const running = await extendRoute.POST(call(fixture.keys.admin, "POST", `/api/v1/devices/${edge(29)}/warranty/extend`, { months: 12, cost: 39.9, provider: "Agri Care" }), forId(edge(29)));
    expect(running.status).toBe(201);
    const body = await running.json();
    const end29 = new Date(today.getTime() + 29 * DAY);
    const expected = new Date(Date.UTC(end29.getUTCFullYear() + 1, end29.getUTCMonth(), end29.getUTCDate()));
    expect(body).toMatchObject({ status: "active", warrantyEnd: dayOf(expected) });
    expect(body.extensions[0]).toMatchObject({ previousEnd: dayOf(end29), newEnd: dayOf(expected), months: 12, cost: 39.9, provider: "Agri Care" });

    const lapsed = await extendRoute.POST(call(fixture.keys.admin, "POST", `/api/v1/devices/${edge(-30)}/warranty/extend`, { months: 6, cost: 0 }), forId(edge(-30)));
    const sixFromToday = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 6, 1));
    expect((await lapsed.json()).warrantyEnd.slice(0, 7)).toBe(dayOf(sixFromToday)!.slice(0, 7));

    const bad = await extendRoute.POST(call(fixture.keys.admin, "POST", `/api/v1/devices/${edge(1)}/warranty/extend`, { months: 0, cost: -1 }), forId(edge(1)));
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).error.fields).sort()).toEqual(["cost", "months"]);
    expect((await extendRoute.POST(call(fixture.keys.admin, "POST", `/api/v1/devices/${voided}/warranty/extend`, { months: 6, cost: 10 }), forId(voided))).status).toBe(400);
    expect(await db.warrantyExtension.count({ where: { device: { deviceId: { in: [edge(1), voided] } } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { entityId: edge(29), action: "warranty.extended" } })).toBe(1);
  });

  it("voids with a reason and lifts the void; the status follows", async () => {
    const url = `/api/v1/devices/${edge(31)}/warranty/void`;
    const noReason = await voidRoute.POST(call(fixture.keys.admin, "POST", url, {}), forId(edge(31)));
    expect(noReason.status).toBe(400);
    const voidedNow = await voidRoute.POST(call(fixture.keys.admin, "POST", url, { reason: "Housing opened by the farm" }), forId(edge(31)));
    expect(await voidedNow.json()).toMatchObject({ status: "void", voidReason: "Housing opened by the farm", eligibility: { eligible: false, reason: "Warranty void: Housing opened by the farm" } });
    expect((await voidRoute.POST(call(fixture.keys.admin, "POST", url, { reason: "again" }), forId(edge(31)))).status).toBe(409);
    const lifted = await voidRoute.POST(call(fixture.keys.admin, "POST", url, { void: false }), forId(edge(31)));
    expect(await lifted.json()).toMatchObject({ status: "active", voidReason: null, daysLeft: 31 });
    expect((await voidRoute.POST(call(fixture.keys.technician, "POST", url, { reason: "x" }), forId(edge(31)))).status).toBe(403);
  });

  it("the device's warranty: another farm's device is a 404 for a farm-bound caller", async () => {
    expect((await warrantyRoute.GET(call(fixture.keys.technician, "GET", `/api/v1/devices/${theirs}/warranty`), forId(theirs))).status).toBe(404);
    const mine = await warrantyRoute.GET(call(fixture.keys.technician, "GET", `/api/v1/devices/${failed}/warranty`), forId(failed));
    const body = await mine.json();
    expect(body).toMatchObject({ status: "active", daysLeft: 400, warrantyTerms: "2-year parts and labour" });
    expect(body.claims).toHaveLength(2);
  });
});
