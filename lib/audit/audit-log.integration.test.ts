/**
 * The audit log end to end on PostgreSQL: what an action records (role, address, how, which
 * credential), the trigger that files events under their farm, who reads what, the filters and
 * keyset pages (ties included), the CSV export and the retention job.
 */
import { parse } from "csv-parse/sync";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// A session as next-auth would give it, and the request's headers as Next would: set per test.
const request = vi.hoisted(() => ({ claims: null as null | { uid: number; sid: string }, headers: new Headers() }));
vi.mock("next-auth", () => ({ getServerSession: async () => request.claims }));
vi.mock("next/headers", () => ({ headers: async () => request.headers }));

import { PUT as putDevice } from "@/app/api/v1/devices/[id]/route";
import { GET as exportEvents } from "@/app/api/v1/audit-events/export/route";
import { GET as listEvents } from "@/app/api/v1/audit-events/route";
import { createApiKey } from "../auth/api-keys";
import type { Actor } from "../auth/permissions";
import { startSession } from "../auth/sessions";
import { disconnectDb, getDb } from "../db";
import { auditRetentionJob } from "../jobs/audit-retention";
import { updateTag } from "../tags/tags";
import { apiRequest, createApiFixture, removeApiFixture, withParams, type ApiFixture } from "../testing/api-fixture";
import { createTestPerson } from "../testing/people";
import { AUDIT_EXPORT_COLUMNS } from "./audit-export";
import { auditScope, decodeCursor, listAuditEvents, parseAuditFilters, type AuditRow } from "./audit-query";
import { recordAudit } from "./record";

const db = getDb();
const suffix = String(Math.floor(Math.random() * 100_000)).padStart(5, "0");
const deviceA = `MM7${suffix}`;
const deviceB = `MM6${suffix}`;
let fixture: ApiFixture;
let admin: Actor;
let manager: Actor;
let managerKey: string;
let sql: pg.Pool;

beforeAll(async () => {
  fixture = await createApiFixture(db, "AU", suffix);
  admin = { kind: "user", id: fixture.userId, label: `au-${suffix}@test.example`, name: "AU admin", role: "admin", farmId: null };
  manager = await createTestPerson(db, "manager", fixture.farmA, `au-manager-${suffix}@test.example`, "Mia Manager");
  managerKey = (await createApiKey(db, admin, { name: `AU manager ${suffix}`, role: "manager", farmId: fixture.farmA })).key;
  await db.device.create({ data: { deviceId: deviceA, name: "Meter A", deviceType: "milk_meter", farmId: fixture.farmA, state: "active" } });
  await db.device.create({ data: { deviceId: deviceB, name: "Meter B", deviceType: "milk_meter", farmId: fixture.farmB, state: "active" } });
  sql = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
});

afterAll(async () => {
  await db.auditEvent.deleteMany({ where: { farmId: { in: [fixture.farmA, fixture.farmB] } } });
  await db.auditEvent.deleteMany({ where: { actorId: manager.id } });
  await db.userSession.deleteMany({ where: { userId: manager.id } });
  await db.deviceGroup.deleteMany({ where: { farmId: { in: [fixture.farmA, fixture.farmB] } } });
  await removeApiFixture(db, fixture, [deviceA, deviceB]);
  await db.user.delete({ where: { id: manager.id } });
  await sql.end();
  await disconnectDb();
});

const latest = (entityType: string, entityId: string) => db.auditEvent.findFirstOrThrow({ where: { entityType, entityId }, orderBy: { id: "desc" } });
const json = async (response: Response) => (await response.json()) as { data: AuditRow[]; nextCursor: string | null; error?: { message: string; fields?: Record<string, string[]> } };

describe("recording", () => {
  it("keeps the role, address, session and farm of a change made in a browser session", async () => {
    const sid = await startSession(db, manager, "203.0.113.7");
    request.claims = { uid: manager.id, sid };
    request.headers = new Headers({ "x-forwarded-for": "203.0.113.7" });
    const response = await putDevice(
      new Request(`http://localhost/api/v1/devices/${deviceA}`, { method: "PUT", headers: { "Content-Type": "application/json", "Sec-Fetch-Site": "same-origin", "X-Forwarded-For": "203.0.113.7" }, body: JSON.stringify({ name: "Meter A (parlour)" }) }),
      withParams({ id: deviceA }),
    );
    expect(response.status).toBe(200);
    const event = await latest("device", deviceA);
    expect(event).toMatchObject({ action: "updated", actorId: manager.id, actorLabel: manager.label, actorRole: "manager", ip: "203.0.113.7", via: "session", credential: sid.slice(0, 8), farmId: fixture.farmA });
    request.claims = null;
  });

  it("keeps the key's prefix and role for a change made with an API key", async () => {
    const prefix = (await db.apiKey.findFirstOrThrow({ where: { name: `AU technician ${suffix}` } })).prefix;
    const response = await putDevice(apiRequest(fixture.keys.technician, "PUT", `/api/v1/devices/${deviceA}`, { name: "Meter A (by key)" }, { "X-Forwarded-For": "198.51.100.4" }), withParams({ id: deviceA }));
    expect(response.status).toBe(200);
    const event = await latest("device", deviceA);
    expect(event).toMatchObject({ actorId: null, actorLabel: `api-key:${prefix}`, actorRole: "technician", ip: "198.51.100.4", via: "api_key", credential: prefix, farmId: fixture.farmA });
  });

  it("files events under the farm of their device, group or alert, and of a set-based writer's rows", async () => {
    const group = await db.deviceGroup.create({ data: { name: "Parlour", code: `AU-${suffix}`, farmId: fixture.farmB } });
    const device = await db.device.findUniqueOrThrow({ where: { deviceId: deviceB } });
    const alert = await db.alert.create({ data: { deviceId: device.id, alertType: "offline", severity: "critical" } });
    await recordAudit(db, "worker", { entityType: "device", entityId: deviceB, action: "activated" });
    await recordAudit(db, admin, { entityType: "group", entityId: String(group.id), action: "updated", after: { name: "Parlour" } });
    await recordAudit(db, "system", { entityType: "alert", entityId: String(alert.id), action: "acknowledge" });
    expect(await latest("device", deviceB)).toMatchObject({ farmId: fixture.farmB, via: "worker" });
    expect(await latest("group", String(group.id))).toMatchObject({ farmId: fixture.farmB, via: "session", actorRole: "admin" });
    expect(await latest("alert", String(alert.id))).toMatchObject({ farmId: fixture.farmB, via: "system" });

    // A tag on devices of both farms, renamed: the tag module writes one event per device in one
    // INSERT … SELECT that names no farm, role or way in; the trigger fills them in per row.
    const tag = await db.deviceTag.create({ data: { name: `au-tag-${suffix}` } });
    const devices = await db.device.findMany({ where: { deviceId: { in: [deviceA, deviceB] } } });
    await db.deviceTagLink.createMany({ data: devices.map((d) => ({ deviceId: d.id, tagId: tag.id })) });
    await updateTag(db, admin, tag.id, { name: `au-tag-${suffix}-renamed` });
    const carried = await db.auditEvent.findMany({ where: { entityType: "device", entityId: { in: [deviceA, deviceB] }, action: "tag_renamed" } });
    const byDevice = Object.fromEntries(carried.map((event) => [event.entityId, event]));
    expect(byDevice[deviceA]).toMatchObject({ farmId: fixture.farmA, via: "session", actorRole: "admin" });
    expect(byDevice[deviceB]).toMatchObject({ farmId: fixture.farmB, via: "session", actorRole: "admin" });

    // An id that is not a number, or a record of no farm, never breaks the insert.
    await recordAudit(db, "system", { entityType: "group", entityId: "not-a-number", action: "odd" });
    await recordAudit(db, "system", { entityType: "alert", entityId: "99999999999999999", action: "odd" });
    expect((await latest("group", "not-a-number")).farmId).toBeNull();
    // A record already deleted is filed by the farm its snapshot names.
    await recordAudit(db, admin, { entityType: "group", entityId: "987654321", action: "deleted", before: { farmId: fixture.farmA } });
    expect((await latest("group", "987654321")).farmId).toBe(fixture.farmA);
    await db.auditEvent.deleteMany({ where: { entityType: { in: ["group", "alert"] }, entityId: { in: ["not-a-number", "99999999999999999", "987654321"] } } });
    await db.deviceTag.delete({ where: { id: tag.id } });
  });
});

describe("reading", () => {
  it("shows a manager only their farm's events, on the page and through the API", async () => {
    const page = await listAuditEvents(db, auditScope(manager), {}, { limit: 500 });
    expect(page.rows.length).toBeGreaterThan(0);
    expect(new Set(page.rows.map((row) => row.farmId))).toEqual(new Set([fixture.farmA]));
    // Asking for the other farm by the filter gives nothing rather than that farm.
    expect((await listAuditEvents(db, auditScope(manager), { farm: fixture.farmB })).rows).toEqual([]);

    const api = await json(await listEvents(apiRequest(managerKey, "GET", "/api/v1/audit-events?limit=500"), withParams({})));
    expect(api.data.length).toBeGreaterThan(0);
    expect(api.data.every((row) => row.farmId === fixture.farmA)).toBe(true);
    expect(api.data.some((row) => row.entityId === deviceA)).toBe(true);
    expect(api.data.some((row) => row.entityId === deviceB)).toBe(false);

    const everything = await json(await listEvents(apiRequest(fixture.keys.admin, "GET", `/api/v1/audit-events?limit=500&entityType=device&entityId=${deviceB}`), withParams({})));
    expect(everything.data.map((row) => row.farmId)).toContain(fixture.farmB);
    expect((await listEvents(apiRequest(fixture.keys.viewer, "GET", "/api/v1/audit-events"), withParams({}))).status).toBe(403);
    expect((await listEvents(apiRequest(fixture.keys.technician, "GET", "/api/v1/audit-events"), withParams({}))).status).toBe(403);
  });

  it("filters by person, action, record, farm and time, and pages by keyset across identical timestamps", async () => {
    const action = `tie-${suffix}`;
    const at = new Date("2026-11-20T10:00:00.123Z");
    for (let n = 0; n < 7; n++) await db.auditEvent.create({ data: { entityType: "device", entityId: deviceA, action, actorId: manager.id, actorLabel: manager.label, actorRole: "manager", via: "session", createdAt: at, after: { n } } });
    await db.auditEvent.create({ data: { entityType: "device", entityId: deviceA, action, actorLabel: "worker", via: "worker", createdAt: new Date("2026-11-19T10:00:00Z"), after: { n: 7 } } });
    const admins = auditScope(admin);
    const all = await db.auditEvent.findMany({ where: { action }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    expect(all).toHaveLength(8);

    const seen: string[] = [];
    const cursors: (string | null)[] = [];
    let older: string | null = null;
    do {
      const page = await listAuditEvents(db, admins, { action }, { limit: 3, older: decodeCursor(older) });
      seen.push(...page.rows.map((row) => row.id));
      cursors.push(older);
      older = page.older;
    } while (older);
    expect(seen).toEqual(all.map((row) => String(row.id)));
    // "Newer" from the last page gives back the page before it.
    const last = await listAuditEvents(db, admins, { action }, { limit: 3, older: decodeCursor(cursors[2]) });
    const back = await listAuditEvents(db, admins, { action }, { limit: 3, newer: decodeCursor(last.newer) });
    expect(back.rows.map((row) => row.id)).toEqual(seen.slice(3, 6));
    expect(back.newer).not.toBeNull();
    const top = await listAuditEvents(db, admins, { action }, { limit: 3, newer: decodeCursor(back.newer) });
    expect(top.rows.map((row) => row.id)).toEqual(seen.slice(0, 3));
    expect(top.newer).toBeNull();

    expect((await listAuditEvents(db, admins, { action, person: String(manager.id) })).rows).toHaveLength(7);
    expect((await listAuditEvents(db, admins, { action, person: "worker" })).rows).toHaveLength(1);
    expect((await listAuditEvents(db, admins, { action, entityType: "device", entityId: deviceA, farm: fixture.farmA })).rows).toHaveLength(8);
    expect((await listAuditEvents(db, admins, { action, farm: fixture.farmB })).rows).toHaveLength(0);
    // A day in the reader's clock: 20 November in Amsterdam holds the seven, 19 November the one.
    expect((await listAuditEvents(db, admins, { action, ...parseAuditFilters({ from: "2026-11-20", to: "2026-11-20" }, "Europe/Amsterdam") })).rows).toHaveLength(7);
    expect((await listAuditEvents(db, admins, { action, ...parseAuditFilters({ to: "2026-11-19" }, "Europe/Amsterdam") })).rows).toHaveLength(1);

    const bad = await listEvents(apiRequest(fixture.keys.admin, "GET", "/api/v1/audit-events?from=yesterday&limit=9999"), withParams({}));
    expect(bad.status).toBe(400);
    const paged = await json(await listEvents(apiRequest(fixture.keys.admin, "GET", `/api/v1/audit-events?action=${action}&limit=5`), withParams({})));
    const rest = await json(await listEvents(apiRequest(fixture.keys.admin, "GET", `/api/v1/audit-events?action=${action}&limit=5&cursor=${paged.nextCursor}`), withParams({})));
    expect([...paged.data, ...rest.data].map((row) => row.id)).toEqual(seen);
    expect(rest.nextCursor).toBeNull();
  });

  it("names the person an event is about, and keeps the id of one since deleted", async () => {
    const action = `named_${suffix}`;
    const gone = await db.user.create({ data: { email: `au-gone-${suffix}@test.example`, name: "Gus Gone", role: "viewer", passwordHash: "x" } });
    await recordAudit(db, admin, { entityType: "user", entityId: String(manager.id), action });
    await recordAudit(db, admin, { entityType: "user", entityId: String(gone.id), action });
    await recordAudit(db, admin, { entityType: "user", entityId: "not-a-number", action });
    await recordAudit(db, admin, { entityType: "device", entityId: String(manager.id), action, farmId: fixture.farmA });
    await db.user.delete({ where: { id: gone.id } });
    try {
      const rows = (await listAuditEvents(db, auditScope(admin), { action })).rows;
      expect(rows.map((row) => [row.entityType, row.entityId, row.entityName]).reverse()).toEqual([
        ["user", String(manager.id), `Mia Manager (${manager.label})`],
        ["user", String(gone.id), null],
        ["user", "not-a-number", null],
        ["device", String(manager.id), null],
      ]);
    } finally {
      await db.auditEvent.deleteMany({ where: { action } });
    }
  });

  it("exports the filtered events as CSV, with the changes in words", async () => {
    const action = `tie-${suffix}`;
    const response = await exportEvents(apiRequest(fixture.keys.admin, "GET", `/api/v1/audit-events/export?action=${action}&person=${manager.id}`), withParams({}));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/csv/);
    const rows = parse((await response.text()).replace(/^\uFEFF/, ""), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...AUDIT_EXPORT_COLUMNS]);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatchObject({ time_utc: "2026-11-20T10:00:00.123Z", actor: manager.label, actor_name: "Mia Manager", role: "manager", via: "session", action, entity_type: "device", entity_id: deviceA, farm: `AU farm A ${suffix}`, changes: "n: 6" });
    expect(JSON.parse(rows[0]!.after!)).toEqual({ n: 6 });
    // The manager's export holds their farm only.
    const theirs = await exportEvents(apiRequest(managerKey, "GET", "/api/v1/audit-events/export"), withParams({}));
    const theirRows = parse((await theirs.text()).replace(/^\uFEFF/, ""), { columns: true }) as Record<string, string>[];
    expect(theirRows.length).toBeGreaterThan(7);
    expect(new Set(theirRows.map((row) => row.farm))).toEqual(new Set([`AU farm A ${suffix}`]));
  });
});

describe("retention", () => {
  it("deletes only events older than the retention, in chunks", async () => {
    const action = `old-${suffix}`;
    const day = 86_400_000;
    const now = Date.now();
    await db.auditEvent.createMany({
      data: [800, 731, 729, 10].flatMap((days) => Array.from({ length: 3 }, () => ({ entityType: "device", entityId: deviceA, action, actorLabel: "system", createdAt: new Date(now - days * day) }))),
    });
    const lines: string[] = [];
    await auditRetentionJob.run({ retentionDays: 730 }, { sql, log: (line) => lines.push(line), now: () => new Date(now), telemetryRetentionDays: 30 });
    const left = await db.auditEvent.findMany({ where: { action }, select: { createdAt: true } });
    expect(left).toHaveLength(6);
    expect(left.every((event) => event.createdAt.getTime() > now - 730 * day)).toBe(true);
    expect(lines.join("\n")).toMatch(/deleted \d+ audit event\(s\) older than 730 day/);
    await db.auditEvent.deleteMany({ where: { action } });
  });
});
